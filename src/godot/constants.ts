/**
 * Godot's ENet enums and constants, with Godot's names and values.
 *
 * Each enum is an `as const` object plus a type of the same name for its values. The
 * same names are static members of `ENetConnection` and `ENetPacketPeer`.
 *
 * @module
 */

/**
 * What `ENetConnection.service()` returned (Godot's `ENetConnection.EventType`).
 *
 * @example Compare an event's type
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventType } from "./constants.ts";
 *
 * assert.equal(EventType.EVENT_RECEIVE, 3);
 * ```
 */
export const EventType = {
  /** Servicing failed (the socket failed or the host was destroyed meanwhile). */
  EVENT_ERROR: -1,
  /** No event within the time limit. */
  EVENT_NONE: 0,
  /** A peer connected. */
  EVENT_CONNECT: 1,
  /** A peer disconnected or timed out, or an outgoing connection attempt failed. */
  EVENT_DISCONNECT: 2,
  /** A packet arrived from a peer. */
  EVENT_RECEIVE: 3,
} as const;
/** A value of `EventType`. */
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * The compression applied to whole datagrams (Godot's `ENetConnection.CompressionMode`).
 * Both ends must use the same mode: nothing on the wire names it.
 *
 * @example Pick a mode
 * ```ts
 * import assert from "node:assert/strict";
 * import { CompressionMode } from "./constants.ts";
 *
 * assert.equal(CompressionMode.COMPRESS_ZLIB, 3);
 * ```
 */
export const CompressionMode = {
  /** No compression (ENet's default). */
  COMPRESS_NONE: 0,
  /** ENet's built-in adaptive range coder. */
  COMPRESS_RANGE_CODER: 1,
  /** FastLZ, as Godot frames it. */
  COMPRESS_FASTLZ: 2,
  /** zlib (RFC 1950) deflate. */
  COMPRESS_ZLIB: 3,
  /** Zstandard frames. */
  COMPRESS_ZSTD: 4,
} as const;
/** A value of `CompressionMode`. */
export type CompressionMode = (typeof CompressionMode)[keyof typeof CompressionMode];

/**
 * The host totals `ENetConnection.popStatistic()` returns and resets
 * (Godot's `ENetConnection.HostStatistic`).
 *
 * @example Name a statistic
 * ```ts
 * import assert from "node:assert/strict";
 * import { HostStatistic } from "./constants.ts";
 *
 * assert.equal(HostStatistic.HOST_TOTAL_RECEIVED_PACKETS, 3);
 * ```
 */
export const HostStatistic = {
  /** Bytes sent, datagram headers included. */
  HOST_TOTAL_SENT_DATA: 0,
  /** Datagrams sent. */
  HOST_TOTAL_SENT_PACKETS: 1,
  /** Bytes received, datagram headers included. */
  HOST_TOTAL_RECEIVED_DATA: 2,
  /** Datagrams received. */
  HOST_TOTAL_RECEIVED_PACKETS: 3,
} as const;
/** A value of `HostStatistic`. */
export type HostStatistic = (typeof HostStatistic)[keyof typeof HostStatistic];

/**
 * A peer's connection state (Godot's `ENetPacketPeer.PeerState`, ENet's `ENetPeerState`).
 *
 * @example Check that a peer is connected
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerState } from "./constants.ts";
 *
 * assert.equal(PeerState.STATE_CONNECTED, 5);
 * ```
 */
export const PeerState = {
  /** Not connected; the peer slot is free. */
  STATE_DISCONNECTED: 0,
  /** A connect request was sent. */
  STATE_CONNECTING: 1,
  /** A connect request arrived and was acknowledged. */
  STATE_ACKNOWLEDGING_CONNECT: 2,
  /** Connecting, waiting for the handshake to finish. */
  STATE_CONNECTION_PENDING: 3,
  /** Connected, the connect event not yet dispatched. */
  STATE_CONNECTION_SUCCEEDED: 4,
  /** Connected and ready to communicate. */
  STATE_CONNECTED: 5,
  /** Disconnecting once its queued outgoing packets are sent. */
  STATE_DISCONNECT_LATER: 6,
  /** A disconnect request was sent. */
  STATE_DISCONNECTING: 7,
  /** A disconnect request arrived and was acknowledged. */
  STATE_ACKNOWLEDGING_DISCONNECT: 8,
  /** Gone, the disconnect event not yet dispatched. */
  STATE_ZOMBIE: 9,
} as const;
/** A value of `PeerState`. */
export type PeerState = (typeof PeerState)[keyof typeof PeerState];

/**
 * The per-peer values `ENetPacketPeer.getStatistic()` returns
 * (Godot's `ENetPacketPeer.PeerStatistic`).
 *
 * @example Ask for the round trip time
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerStatistic } from "./constants.ts";
 *
 * assert.equal(PeerStatistic.PEER_ROUND_TRIP_TIME, 3);
 * ```
 */
export const PeerStatistic = {
  /** Mean loss of reliable packets, scaled by `PACKET_LOSS_SCALE`. */
  PEER_PACKET_LOSS: 0,
  /** Variance of the packet loss. */
  PEER_PACKET_LOSS_VARIANCE: 1,
  /** When the packet loss was last updated, on the host's clock (ms). */
  PEER_PACKET_LOSS_EPOCH: 2,
  /** Mean round trip time of reliable packets (ms). */
  PEER_ROUND_TRIP_TIME: 3,
  /** Variance of the mean round trip time. */
  PEER_ROUND_TRIP_TIME_VARIANCE: 4,
  /** The last round trip time recorded (ms). */
  PEER_LAST_ROUND_TRIP_TIME: 5,
  /** Variance of the last round trip time. */
  PEER_LAST_ROUND_TRIP_TIME_VARIANCE: 6,
  /** The current throttle, out of `PACKET_THROTTLE_SCALE`. */
  PEER_PACKET_THROTTLE: 7,
  /** The throttle's upper limit. */
  PEER_PACKET_THROTTLE_LIMIT: 8,
  /** The throttle's drop counter (ENet steps it by 7). */
  PEER_PACKET_THROTTLE_COUNTER: 9,
  /** When the throttle was last updated, on the host's clock (ms). */
  PEER_PACKET_THROTTLE_EPOCH: 10,
  /** The throttle's acceleration. */
  PEER_PACKET_THROTTLE_ACCELERATION: 11,
  /** The throttle's deceleration. */
  PEER_PACKET_THROTTLE_DECELERATION: 12,
  /** The interval over which the throttle measures round trip times (ms). */
  PEER_PACKET_THROTTLE_INTERVAL: 13,
} as const;
/** A value of `PeerStatistic`. */
export type PeerStatistic = (typeof PeerStatistic)[keyof typeof PeerStatistic];

/**
 * The packet flags `ENetPacketPeer.send()` and `ENetConnection.broadcast()` accept, in
 * any combination (Godot's `ENetPacketPeer.FLAG_*`).
 *
 * @example Send unreliable, fragmenting unreliably when too big
 * ```ts
 * import assert from "node:assert/strict";
 * import { PacketFlags } from "./constants.ts";
 *
 * const flags = PacketFlags.FLAG_UNSEQUENCED | PacketFlags.FLAG_UNRELIABLE_FRAGMENT;
 * assert.equal(flags, 10);
 * ```
 */
export const PacketFlags = {
  /** Delivered, in order, retransmitted until acknowledged. */
  FLAG_RELIABLE: 1,
  /** Unreliable and not sequenced: may arrive out of order. */
  FLAG_UNSEQUENCED: 2,
  /** Fragmented unreliably when over the MTU, instead of being sent reliably. */
  FLAG_UNRELIABLE_FRAGMENT: 8,
} as const;

/**
 * Every flag `PacketFlags` allows, OR'ed (Godot's `FLAG_ALLOWED`).
 *
 * @example Test flags against the allowed set
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACKET_FLAGS_ALLOWED } from "./constants.ts";
 *
 * assert.equal(4 & ~PACKET_FLAGS_ALLOWED, 4); // NO_ALLOCATE is not allowed
 * ```
 */
export const PACKET_FLAGS_ALLOWED = 1 | 2 | 8;

/**
 * The scale of `PEER_PACKET_LOSS` (ENet's `ENET_PEER_PACKET_LOSS_SCALE`).
 *
 * @example Turn packet loss into a ratio
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACKET_LOSS_SCALE } from "./constants.ts";
 *
 * assert.equal(16384 / PACKET_LOSS_SCALE, 0.25);
 * ```
 */
export const PACKET_LOSS_SCALE = 65536;

/**
 * The scale of the packet throttle (ENet's `ENET_PEER_PACKET_THROTTLE_SCALE`).
 *
 * @example A full throttle sends every unreliable packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACKET_THROTTLE_SCALE } from "./constants.ts";
 *
 * assert.equal(PACKET_THROTTLE_SCALE, 32);
 * ```
 */
export const PACKET_THROTTLE_SCALE = 32;

/**
 * The largest packet `ENetPacketPeer.getMaxPacketSize()` reports, as Godot: 16 MiB.
 *
 * @example Compare a size
 * ```ts
 * import assert from "node:assert/strict";
 * import { MAX_PACKET_SIZE } from "./constants.ts";
 *
 * assert.equal(MAX_PACKET_SIZE, 16 * 1024 * 1024);
 * ```
 */
export const MAX_PACKET_SIZE = 1 << 24;
