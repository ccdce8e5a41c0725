/**
 * The public data types of the core: addresses, packets, peer states, events,
 * transmits and host statistics.
 *
 * @module
 */

import type { DropCounters } from "./drops.ts";
import type { Peer } from "./peer.ts";

/** A numeric IP address and UDP port. */
export interface PeerAddress {
  /** Numeric IP address, `"127.0.0.1"` or `"::1"` style. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** Packet flags (`ENetPacketFlag`). */
export const PacketFlag = {
  /** Must be received by the peer; resent until acknowledged. */
  RELIABLE: 1,
  /** Not sequenced with other packets (ignored for reliable packets). */
  UNSEQUENCED: 2,
  /** The host keeps `data` as given instead of copying it on send. */
  NO_ALLOCATE: 4,
  /** Fragmented unreliable packets stay unreliable instead of becoming reliable. */
  UNRELIABLE_FRAGMENT: 8,
  /** Set by ENet when the packet was sent (informational). */
  SENT: 256,
} as const;

/** A packet: payload bytes and `PacketFlag` bits. */
export interface Packet {
  /** The payload. */
  data: Uint8Array;
  /** `PacketFlag` bits. */
  flags: number;
}

/** Peer connection states, numbered as `ENetPeerState`. */
export const PeerState = {
  DISCONNECTED: 0,
  CONNECTING: 1,
  ACKNOWLEDGING_CONNECT: 2,
  CONNECTION_PENDING: 3,
  CONNECTION_SUCCEEDED: 4,
  CONNECTED: 5,
  DISCONNECT_LATER: 6,
  DISCONNECTING: 7,
  ACKNOWLEDGING_DISCONNECT: 8,
  ZOMBIE: 9,
} as const;

/** One of the `PeerState` values. */
export type PeerStateValue = (typeof PeerState)[keyof typeof PeerState];

/**
 * Why a peer disconnected: the remote side asked (or refused), no acknowledgement came
 * in time, or our own `disconnect` / `disconnectLater` completed.
 */
export type DisconnectReason = "remote" | "timeout" | "local";

/** What `Host.pollEvent` returns. */
export type HostEvent =
  | { type: "connect"; peer: Peer; data: number }
  | { type: "disconnect"; peer: Peer; data: number; reason: DisconnectReason }
  | { type: "receive"; peer: Peer; channelID: number; packet: Packet };

/**
 * A datagram to send. The object and its `data` are only valid until the next call on the
 * host that produced it: copy what you keep.
 */
export interface Transmit {
  /** Destination. */
  address: PeerAddress;
  /** The datagram's bytes. */
  data: Uint8Array;
}

/** Host totals (like C ENet's host counters) and drop counters. */
export interface HostStats {
  /** Bytes of datagrams sent. */
  totalSentData: number;
  /** Datagrams sent. */
  totalSentPackets: number;
  /** Bytes of datagrams received (datagrams over 4096 bytes are not counted). */
  totalReceivedData: number;
  /** Datagrams received (datagrams over 4096 bytes are not counted). */
  totalReceivedPackets: number;
  /**
   * Datagrams dropped whole or in part: oversized, truncated, malformed, bad checksum,
   * undecompressable, for an unknown peer or session, or stopped by a rejected command.
   * The total of `drops`.
   */
  droppedDatagrams: number;
  /** The same drops by reason. */
  readonly drops: DropCounters;
}
