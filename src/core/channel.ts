/**
 * Per-channel sequencing state (`ENetChannel`).
 *
 * @module
 */

import type { IncomingCommand } from "./commands.ts";
import { PeerDefault } from "./constants.ts";
import { List } from "./list.ts";

/** Sequence numbers, reliable windows and incoming queues of one channel. */
export class Channel {
  /** Last reliable sequence number sent. */
  outgoingReliableSequenceNumber = 0;
  /** Last unreliable sequence number sent since the last reliable one. */
  outgoingUnreliableSequenceNumber = 0;
  /** Bit i set while reliable window i has unacknowledged commands. */
  usedReliableWindows = 0;
  /** Unacknowledged sent commands per reliable window. */
  readonly reliableWindows: Uint16Array = new Uint16Array(PeerDefault.RELIABLE_WINDOWS);
  /** Last reliable sequence number delivered. */
  incomingReliableSequenceNumber = 0;
  /** Last unreliable sequence number delivered. */
  incomingUnreliableSequenceNumber = 0;
  /** Reliable commands received out of order, sorted by sequence number. */
  readonly incomingReliableCommands: List<IncomingCommand> = new List<IncomingCommand>();
  /** Unreliable and unsequenced commands waiting for dispatch. */
  readonly incomingUnreliableCommands: List<IncomingCommand> = new List<IncomingCommand>();
}
