/**
 * The commands of the ENet 1.3 protocol as plain data.
 *
 * Every command carries the fields of ENet's command header: the command number, its
 * flags (`CommandFlag`), the channel id and the reliable sequence number. SEND commands
 * carry their payload as a `Uint8Array` view (`data`); the wire's `dataLength` is
 * `data.length`.
 *
 * @module
 */

import type { ProtocolCommand } from "./constants.ts";

/** Fields every command has: ENet's `ENetProtocolCommandHeader`. */
export interface CommandHeader {
  /** `CommandFlag.ACKNOWLEDGE` and/or `CommandFlag.UNSEQUENCED`. */
  flags: number;
  /** Channel id; 0xFF for connection-level commands. */
  channelID: number;
  /** Reliable sequence number, 16 bits. */
  reliableSequenceNumber: number;
}

/** ACKNOWLEDGE: acknowledges one reliable command. */
export interface AcknowledgeCommand extends CommandHeader {
  command: typeof ProtocolCommand.ACKNOWLEDGE;
  receivedReliableSequenceNumber: number;
  receivedSentTime: number;
}

/** Fields shared by CONNECT and VERIFY_CONNECT. */
export interface ConnectFields {
  outgoingPeerID: number;
  incomingSessionID: number;
  outgoingSessionID: number;
  mtu: number;
  windowSize: number;
  channelCount: number;
  incomingBandwidth: number;
  outgoingBandwidth: number;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
  connectID: number;
}

/** CONNECT: a client's request to connect. */
export interface ConnectCommand extends CommandHeader, ConnectFields {
  command: typeof ProtocolCommand.CONNECT;
  data: number;
}

/** VERIFY_CONNECT: a server's answer to CONNECT. */
export interface VerifyConnectCommand extends CommandHeader, ConnectFields {
  command: typeof ProtocolCommand.VERIFY_CONNECT;
}

/** DISCONNECT, with the 32-bit user data. */
export interface DisconnectCommand extends CommandHeader {
  command: typeof ProtocolCommand.DISCONNECT;
  data: number;
}

/** PING: keeps the connection alive and measures round-trip time. */
export interface PingCommand extends CommandHeader {
  command: typeof ProtocolCommand.PING;
}

/** SEND_RELIABLE: one reliable, sequenced packet. */
export interface SendReliableCommand extends CommandHeader {
  command: typeof ProtocolCommand.SEND_RELIABLE;
  data: Uint8Array;
}

/** SEND_UNRELIABLE: one unreliable, sequenced packet. */
export interface SendUnreliableCommand extends CommandHeader {
  command: typeof ProtocolCommand.SEND_UNRELIABLE;
  unreliableSequenceNumber: number;
  data: Uint8Array;
}

/** SEND_UNSEQUENCED: one unsequenced packet in an unsequenced group. */
export interface SendUnsequencedCommand extends CommandHeader {
  command: typeof ProtocolCommand.SEND_UNSEQUENCED;
  unsequencedGroup: number;
  data: Uint8Array;
}

/** SEND_FRAGMENT and SEND_UNRELIABLE_FRAGMENT: one fragment of a larger packet. */
export interface SendFragmentCommand extends CommandHeader {
  command: typeof ProtocolCommand.SEND_FRAGMENT | typeof ProtocolCommand.SEND_UNRELIABLE_FRAGMENT;
  startSequenceNumber: number;
  fragmentCount: number;
  fragmentNumber: number;
  totalLength: number;
  fragmentOffset: number;
  data: Uint8Array;
}

/** BANDWIDTH_LIMIT: the sender's bandwidth in bytes per second (0 = unlimited). */
export interface BandwidthLimitCommand extends CommandHeader {
  command: typeof ProtocolCommand.BANDWIDTH_LIMIT;
  incomingBandwidth: number;
  outgoingBandwidth: number;
}

/** THROTTLE_CONFIGURE: the packet throttle parameters the peer should use. */
export interface ThrottleConfigureCommand extends CommandHeader {
  command: typeof ProtocolCommand.THROTTLE_CONFIGURE;
  packetThrottleInterval: number;
  packetThrottleAcceleration: number;
  packetThrottleDeceleration: number;
}

/** Any ENet 1.3 command. */
export type Command =
  | AcknowledgeCommand
  | ConnectCommand
  | VerifyConnectCommand
  | DisconnectCommand
  | PingCommand
  | SendReliableCommand
  | SendUnreliableCommand
  | SendUnsequencedCommand
  | SendFragmentCommand
  | BandwidthLimitCommand
  | ThrottleConfigureCommand;
