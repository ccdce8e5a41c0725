/**
 * Host and peer tuning constants of C ENet 1.3.18 (`ENET_HOST_*`, `ENET_PEER_*` in enet.h).
 *
 * @module
 */

/** Host defaults and limits. */
export const HostDefault = {
  BANDWIDTH_THROTTLE_INTERVAL: 1000,
  MTU: 1392,
  MAXIMUM_PACKET_SIZE: 32 * 1024 * 1024,
  MAXIMUM_WAITING_DATA: 32 * 1024 * 1024,
  PEER_COUNT: 32,
  /** Largest datagram a host accepts: bigger ones are dropped (ENet's receive buffer). */
  RECEIVE_BUFFER_SIZE: 4096,
} as const;

/** Peer defaults, scales and window geometry. */
export const PeerDefault = {
  ROUND_TRIP_TIME: 500,
  PACKET_THROTTLE: 32,
  PACKET_THROTTLE_SCALE: 32,
  PACKET_THROTTLE_COUNTER: 7,
  PACKET_THROTTLE_ACCELERATION: 2,
  PACKET_THROTTLE_DECELERATION: 2,
  PACKET_THROTTLE_INTERVAL: 5000,
  PACKET_LOSS_SCALE: 1 << 16,
  PACKET_LOSS_INTERVAL: 10000,
  WINDOW_SIZE_SCALE: 64 * 1024,
  TIMEOUT_LIMIT: 32,
  TIMEOUT_MINIMUM: 5000,
  TIMEOUT_MAXIMUM: 30000,
  PING_INTERVAL: 500,
  UNSEQUENCED_WINDOWS: 64,
  UNSEQUENCED_WINDOW_SIZE: 1024,
  FREE_UNSEQUENCED_WINDOWS: 32,
  RELIABLE_WINDOWS: 16,
  RELIABLE_WINDOW_SIZE: 0x1000,
  FREE_RELIABLE_WINDOWS: 8,
} as const;

/** Internal peer flags (`ENET_PEER_FLAG_*`). */
export const PeerFlag = {
  NEEDS_DISPATCH: 1 << 0,
  CONTINUE_SENDING: 1 << 1,
} as const;

/** Size of the datagram header with its sent time, as C ENet counts it when packing. */
export const PROTOCOL_HEADER_SIZE = 4;
/** Size of the optional checksum slot. */
export const CHECKSUM_SLOT_SIZE = 4;
/** Most buffers one datagram may gather (`ENET_BUFFER_MAXIMUM`). */
export const BUFFER_MAXIMUM = 1 + 2 * 32;
/** The channel id of connection-level commands (CONNECT, PING, DISCONNECT, …). */
export const CHANNEL_NONE = 0xff;
