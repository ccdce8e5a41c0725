/**
 * The records a peer queues: outgoing commands waiting to be sent or acknowledged,
 * incoming commands waiting to be dispatched, and acknowledgements to send
 * (`ENetOutgoingCommand`, `ENetIncomingCommand`, `ENetAcknowledgement`).
 *
 * @module
 */

import type { Command } from "../protocol/command.ts";
import type { ListNode } from "./list.ts";
import type { Packet } from "./types.ts";

/** A command queued for sending; reliable ones stay queued until acknowledged. */
export class OutgoingCommand implements ListNode {
  /** List link. */
  prev!: ListNode;
  /** List link. */
  next!: ListNode;
  /** 16-bit reliable sequence number assigned when queued. */
  reliableSequenceNumber = 0;
  /** 16-bit unreliable sequence number assigned when queued. */
  unreliableSequenceNumber = 0;
  /** When it was last sent (32-bit ENet time). */
  sentTime = 0;
  /** Retransmission timeout in milliseconds; doubles on each retransmission. */
  roundTripTimeout = 0;
  /** Host-wide queue order, to interleave a peer's two outgoing queues. */
  queueTime = 0;
  /** Offset of this command's payload in `packet.data`. */
  fragmentOffset = 0;
  /** Length of this command's payload. */
  fragmentLength = 0;
  /** How many times it was sent. */
  sendAttempts = 0;
  /** The packet the payload comes from, or `null` for protocol commands. */
  packet: Packet | null = null;

  /**
   * Creates a record.
   *
   * @param command The wire command; its payload (if any) is a view into `packet`.
   */
  constructor(public command: Command) {}
}

/** A received SEND command (or a packet being reassembled) waiting for dispatch. */
export class IncomingCommand implements ListNode {
  /** List link. */
  prev!: ListNode;
  /** List link. */
  next!: ListNode;
  /** Command number (`ProtocolCommand`, no flags). */
  commandNumber = 0;
  /** Channel it arrived on. */
  channelID = 0;
  /** 16-bit reliable sequence number (the start sequence number for fragments). */
  reliableSequenceNumber = 0;
  /** 16-bit unreliable sequence number. */
  unreliableSequenceNumber = 0;
  /** Number of fragments of the packet, 0 when not fragmented. */
  fragmentCount = 0;
  /** Fragments still missing. */
  fragmentsRemaining = 0;
  /** Bitmap of the fragments received, or `null`. */
  fragments: Uint32Array | null = null;
  /** The (possibly partial) packet. */
  packet: Packet | null = null;
}

/** An acknowledgement to send for a received reliable command. */
export interface Acknowledgement {
  /** Channel of the acknowledged command. */
  channelID: number;
  /** Its reliable sequence number. */
  reliableSequenceNumber: number;
  /** Its command number, to notice the acknowledgement of a DISCONNECT. */
  commandNumber: number;
  /** The 16-bit sent time of the datagram that carried it. */
  sentTime: number;
}
