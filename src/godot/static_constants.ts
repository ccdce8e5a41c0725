/**
 * Godot's enum values and constants as static members, in base classes that
 * `ENetConnection` and `ENetPacketPeer` extend (so `ENetConnection.EVENT_RECEIVE` and
 * `ENetPacketPeer.FLAG_RELIABLE` read as in GDScript).
 *
 * @module
 */

import {
  CompressionMode,
  EventType,
  HostStatistic,
  PACKET_LOSS_SCALE,
  PACKET_THROTTLE_SCALE,
  PacketFlags,
  PeerState,
  PeerStatistic,
} from "./constants.ts";

/**
 * The static constants of `ENetConnection`: `EVENT_*`, `COMPRESS_*` and
 * `HOST_TOTAL_*`. Use them through `ENetConnection`.
 *
 * @example Read a constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENetConnectionConstants } from "./static_constants.ts";
 *
 * assert.equal(ENetConnectionConstants.EVENT_CONNECT, 1);
 * ```
 */
export class ENetConnectionConstants {
  /** {@linkcode CompressionMode.COMPRESS_NONE} */
  static readonly COMPRESS_NONE: typeof CompressionMode.COMPRESS_NONE =
    CompressionMode.COMPRESS_NONE;
  /** {@linkcode CompressionMode.COMPRESS_RANGE_CODER} */
  static readonly COMPRESS_RANGE_CODER: typeof CompressionMode.COMPRESS_RANGE_CODER =
    CompressionMode.COMPRESS_RANGE_CODER;
  /** {@linkcode CompressionMode.COMPRESS_FASTLZ} */
  static readonly COMPRESS_FASTLZ: typeof CompressionMode.COMPRESS_FASTLZ =
    CompressionMode.COMPRESS_FASTLZ;
  /** {@linkcode CompressionMode.COMPRESS_ZLIB} */
  static readonly COMPRESS_ZLIB: typeof CompressionMode.COMPRESS_ZLIB =
    CompressionMode.COMPRESS_ZLIB;
  /** {@linkcode CompressionMode.COMPRESS_ZSTD} */
  static readonly COMPRESS_ZSTD: typeof CompressionMode.COMPRESS_ZSTD =
    CompressionMode.COMPRESS_ZSTD;
  /** {@linkcode EventType.EVENT_ERROR} */
  static readonly EVENT_ERROR: typeof EventType.EVENT_ERROR = EventType.EVENT_ERROR;
  /** {@linkcode EventType.EVENT_NONE} */
  static readonly EVENT_NONE: typeof EventType.EVENT_NONE = EventType.EVENT_NONE;
  /** {@linkcode EventType.EVENT_CONNECT} */
  static readonly EVENT_CONNECT: typeof EventType.EVENT_CONNECT = EventType.EVENT_CONNECT;
  /** {@linkcode EventType.EVENT_DISCONNECT} */
  static readonly EVENT_DISCONNECT: typeof EventType.EVENT_DISCONNECT = EventType.EVENT_DISCONNECT;
  /** {@linkcode EventType.EVENT_RECEIVE} */
  static readonly EVENT_RECEIVE: typeof EventType.EVENT_RECEIVE = EventType.EVENT_RECEIVE;
  /** {@linkcode HostStatistic.HOST_TOTAL_SENT_DATA} */
  static readonly HOST_TOTAL_SENT_DATA: typeof HostStatistic.HOST_TOTAL_SENT_DATA =
    HostStatistic.HOST_TOTAL_SENT_DATA;
  /** {@linkcode HostStatistic.HOST_TOTAL_SENT_PACKETS} */
  static readonly HOST_TOTAL_SENT_PACKETS: typeof HostStatistic.HOST_TOTAL_SENT_PACKETS =
    HostStatistic.HOST_TOTAL_SENT_PACKETS;
  /** {@linkcode HostStatistic.HOST_TOTAL_RECEIVED_DATA} */
  static readonly HOST_TOTAL_RECEIVED_DATA: typeof HostStatistic.HOST_TOTAL_RECEIVED_DATA =
    HostStatistic.HOST_TOTAL_RECEIVED_DATA;
  /** {@linkcode HostStatistic.HOST_TOTAL_RECEIVED_PACKETS} */
  static readonly HOST_TOTAL_RECEIVED_PACKETS: typeof HostStatistic.HOST_TOTAL_RECEIVED_PACKETS =
    HostStatistic.HOST_TOTAL_RECEIVED_PACKETS;
}

/**
 * The static constants of `ENetPacketPeer`: `STATE_*`, `PEER_*`, the scales and
 * `FLAG_*`. Use them through `ENetPacketPeer`.
 *
 * @example Read a constant
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENetPacketPeerConstants } from "./static_constants.ts";
 *
 * assert.equal(ENetPacketPeerConstants.FLAG_UNRELIABLE_FRAGMENT, 8);
 * ```
 */
export class ENetPacketPeerConstants {
  /** {@linkcode PeerState.STATE_DISCONNECTED} */
  static readonly STATE_DISCONNECTED: typeof PeerState.STATE_DISCONNECTED =
    PeerState.STATE_DISCONNECTED;
  /** {@linkcode PeerState.STATE_CONNECTING} */
  static readonly STATE_CONNECTING: typeof PeerState.STATE_CONNECTING = PeerState.STATE_CONNECTING;
  /** {@linkcode PeerState.STATE_ACKNOWLEDGING_CONNECT} */
  static readonly STATE_ACKNOWLEDGING_CONNECT: typeof PeerState.STATE_ACKNOWLEDGING_CONNECT =
    PeerState.STATE_ACKNOWLEDGING_CONNECT;
  /** {@linkcode PeerState.STATE_CONNECTION_PENDING} */
  static readonly STATE_CONNECTION_PENDING: typeof PeerState.STATE_CONNECTION_PENDING =
    PeerState.STATE_CONNECTION_PENDING;
  /** {@linkcode PeerState.STATE_CONNECTION_SUCCEEDED} */
  static readonly STATE_CONNECTION_SUCCEEDED: typeof PeerState.STATE_CONNECTION_SUCCEEDED =
    PeerState.STATE_CONNECTION_SUCCEEDED;
  /** {@linkcode PeerState.STATE_CONNECTED} */
  static readonly STATE_CONNECTED: typeof PeerState.STATE_CONNECTED = PeerState.STATE_CONNECTED;
  /** {@linkcode PeerState.STATE_DISCONNECT_LATER} */
  static readonly STATE_DISCONNECT_LATER: typeof PeerState.STATE_DISCONNECT_LATER =
    PeerState.STATE_DISCONNECT_LATER;
  /** {@linkcode PeerState.STATE_DISCONNECTING} */
  static readonly STATE_DISCONNECTING: typeof PeerState.STATE_DISCONNECTING =
    PeerState.STATE_DISCONNECTING;
  /** {@linkcode PeerState.STATE_ACKNOWLEDGING_DISCONNECT} */
  static readonly STATE_ACKNOWLEDGING_DISCONNECT: typeof PeerState.STATE_ACKNOWLEDGING_DISCONNECT =
    PeerState.STATE_ACKNOWLEDGING_DISCONNECT;
  /** {@linkcode PeerState.STATE_ZOMBIE} */
  static readonly STATE_ZOMBIE: typeof PeerState.STATE_ZOMBIE = PeerState.STATE_ZOMBIE;

  /** {@linkcode PeerStatistic.PEER_PACKET_LOSS} */
  static readonly PEER_PACKET_LOSS: typeof PeerStatistic.PEER_PACKET_LOSS =
    PeerStatistic.PEER_PACKET_LOSS;
  /** {@linkcode PeerStatistic.PEER_PACKET_LOSS_VARIANCE} */
  static readonly PEER_PACKET_LOSS_VARIANCE: typeof PeerStatistic.PEER_PACKET_LOSS_VARIANCE =
    PeerStatistic.PEER_PACKET_LOSS_VARIANCE;
  /** {@linkcode PeerStatistic.PEER_PACKET_LOSS_EPOCH} */
  static readonly PEER_PACKET_LOSS_EPOCH: typeof PeerStatistic.PEER_PACKET_LOSS_EPOCH =
    PeerStatistic.PEER_PACKET_LOSS_EPOCH;
  /** {@linkcode PeerStatistic.PEER_ROUND_TRIP_TIME} */
  static readonly PEER_ROUND_TRIP_TIME: typeof PeerStatistic.PEER_ROUND_TRIP_TIME =
    PeerStatistic.PEER_ROUND_TRIP_TIME;
  /** {@linkcode PeerStatistic.PEER_ROUND_TRIP_TIME_VARIANCE} */
  static readonly PEER_ROUND_TRIP_TIME_VARIANCE:
    typeof PeerStatistic.PEER_ROUND_TRIP_TIME_VARIANCE =
      PeerStatistic.PEER_ROUND_TRIP_TIME_VARIANCE;
  /** {@linkcode PeerStatistic.PEER_LAST_ROUND_TRIP_TIME} */
  static readonly PEER_LAST_ROUND_TRIP_TIME: typeof PeerStatistic.PEER_LAST_ROUND_TRIP_TIME =
    PeerStatistic.PEER_LAST_ROUND_TRIP_TIME;
  /** {@linkcode PeerStatistic.PEER_LAST_ROUND_TRIP_TIME_VARIANCE} */
  static readonly PEER_LAST_ROUND_TRIP_TIME_VARIANCE:
    typeof PeerStatistic.PEER_LAST_ROUND_TRIP_TIME_VARIANCE =
      PeerStatistic.PEER_LAST_ROUND_TRIP_TIME_VARIANCE;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE} */
  static readonly PEER_PACKET_THROTTLE: typeof PeerStatistic.PEER_PACKET_THROTTLE =
    PeerStatistic.PEER_PACKET_THROTTLE;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_LIMIT} */
  static readonly PEER_PACKET_THROTTLE_LIMIT: typeof PeerStatistic.PEER_PACKET_THROTTLE_LIMIT =
    PeerStatistic.PEER_PACKET_THROTTLE_LIMIT;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_COUNTER} */
  static readonly PEER_PACKET_THROTTLE_COUNTER: typeof PeerStatistic.PEER_PACKET_THROTTLE_COUNTER =
    PeerStatistic.PEER_PACKET_THROTTLE_COUNTER;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_EPOCH} */
  static readonly PEER_PACKET_THROTTLE_EPOCH: typeof PeerStatistic.PEER_PACKET_THROTTLE_EPOCH =
    PeerStatistic.PEER_PACKET_THROTTLE_EPOCH;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION} */
  static readonly PEER_PACKET_THROTTLE_ACCELERATION:
    typeof PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION =
      PeerStatistic.PEER_PACKET_THROTTLE_ACCELERATION;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION} */
  static readonly PEER_PACKET_THROTTLE_DECELERATION:
    typeof PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION =
      PeerStatistic.PEER_PACKET_THROTTLE_DECELERATION;
  /** {@linkcode PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL} */
  static readonly PEER_PACKET_THROTTLE_INTERVAL:
    typeof PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL =
      PeerStatistic.PEER_PACKET_THROTTLE_INTERVAL;

  /** The scale of `PEER_PACKET_LOSS`: 65536 means every reliable packet was lost. */
  static readonly PACKET_LOSS_SCALE: typeof PACKET_LOSS_SCALE = PACKET_LOSS_SCALE;
  /** The scale of the throttle: 32 means no unreliable packet is dropped. */
  static readonly PACKET_THROTTLE_SCALE: typeof PACKET_THROTTLE_SCALE = PACKET_THROTTLE_SCALE;
  /** {@linkcode PacketFlags.FLAG_RELIABLE} */
  static readonly FLAG_RELIABLE: typeof PacketFlags.FLAG_RELIABLE = PacketFlags.FLAG_RELIABLE;
  /** {@linkcode PacketFlags.FLAG_UNSEQUENCED} */
  static readonly FLAG_UNSEQUENCED: typeof PacketFlags.FLAG_UNSEQUENCED =
    PacketFlags.FLAG_UNSEQUENCED;
  /** {@linkcode PacketFlags.FLAG_UNRELIABLE_FRAGMENT} */
  static readonly FLAG_UNRELIABLE_FRAGMENT: typeof PacketFlags.FLAG_UNRELIABLE_FRAGMENT =
    PacketFlags.FLAG_UNRELIABLE_FRAGMENT;
}
