/**
 * Constants of the ENet 1.3 wire protocol, with ENet's own names.
 *
 * @module
 */

/** Limits of the ENet protocol (`ENET_PROTOCOL_*` in C ENet's protocol.h). */
export const ProtocolLimit = {
  MINIMUM_MTU: 576,
  MAXIMUM_MTU: 4096,
  MAXIMUM_PACKET_COMMANDS: 32,
  MINIMUM_WINDOW_SIZE: 4096,
  MAXIMUM_WINDOW_SIZE: 65536,
  MINIMUM_CHANNEL_COUNT: 1,
  MAXIMUM_CHANNEL_COUNT: 255,
  MAXIMUM_PEER_ID: 0xfff,
  MAXIMUM_FRAGMENT_COUNT: 1024 * 1024,
} as const;

/** Command numbers, the low four bits of a command header's first byte. */
export const ProtocolCommand = {
  NONE: 0,
  ACKNOWLEDGE: 1,
  CONNECT: 2,
  VERIFY_CONNECT: 3,
  DISCONNECT: 4,
  PING: 5,
  SEND_RELIABLE: 6,
  SEND_UNRELIABLE: 7,
  SEND_FRAGMENT: 8,
  SEND_UNSEQUENCED: 9,
  BANDWIDTH_LIMIT: 10,
  THROTTLE_CONFIGURE: 11,
  SEND_UNRELIABLE_FRAGMENT: 12,
  COUNT: 13,
  MASK: 0x0f,
} as const;

/** A command number, `ProtocolCommand.ACKNOWLEDGE` to `ProtocolCommand.SEND_UNRELIABLE_FRAGMENT`. */
export type ProtocolCommandNumber = Exclude<
  (typeof ProtocolCommand)[keyof typeof ProtocolCommand],
  0 | 13 | 15
>;

/** Flags in the high bits of a command header's first byte. */
export const CommandFlag = {
  ACKNOWLEDGE: 1 << 7,
  UNSEQUENCED: 1 << 6,
} as const;

/** Flags and fields packed into the 16-bit peer id of a datagram header. */
export const HeaderFlag = {
  COMPRESSED: 1 << 14,
  SENT_TIME: 1 << 15,
  MASK: (1 << 14) | (1 << 15),
  SESSION_MASK: 3 << 12,
  SESSION_SHIFT: 12,
} as const;

/**
 * Size in bytes of each command's fixed part, header included, indexed by command number
 * (C ENet's `commandSizes`). Payload bytes follow the fixed part of the SEND commands.
 */
export const COMMAND_SIZES: readonly number[] = [0, 8, 48, 44, 8, 4, 6, 8, 24, 8, 12, 16, 24];

/** Size of a command header: command byte, channel id, reliable sequence number. */
export const COMMAND_HEADER_SIZE = 4;
