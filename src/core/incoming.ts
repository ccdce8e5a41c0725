/**
 * Queueing and ordering received packets (`enet_peer_queue_incoming_command`,
 * `enet_peer_dispatch_incoming_reliable_commands`,
 * `enet_peer_dispatch_incoming_unreliable_commands`, `enet_peer_receive`).
 *
 * @module
 */

import { ProtocolCommand } from "../protocol/constants.ts";
import type { Channel } from "./channel.ts";
import { IncomingCommand } from "./commands.ts";
import { PeerDefault } from "./constants.ts";
import { markNeedsDispatch } from "./dispatch.ts";
import { List, type ListNode } from "./list.ts";
import type { Peer } from "./peer.ts";
import { type Packet, PeerState } from "./types.ts";

/** Returned by `queueIncomingCommand` for a command dropped without error (duplicate, late). */
export const DISCARDED: IncomingCommand = new IncomingCommand();

const WINDOW_SIZE = PeerDefault.RELIABLE_WINDOW_SIZE;
const WINDOWS = PeerDefault.RELIABLE_WINDOWS;
const FREE_WINDOWS = PeerDefault.FREE_RELIABLE_WINDOWS;

/**
 * True when `sequenceNumber` falls in the receive window of `channel`: from the current
 * reliable window up to FREE_RELIABLE_WINDOWS - 1 windows ahead.
 *
 * @param channel The channel.
 * @param sequenceNumber A 16-bit reliable sequence number.
 * @returns Whether a command with that number may be accepted.
 */
export function inReceiveWindow(channel: Channel, sequenceNumber: number): boolean {
  let window = Math.floor(sequenceNumber / WINDOW_SIZE);
  const currentWindow = Math.floor(channel.incomingReliableSequenceNumber / WINDOW_SIZE);
  if (sequenceNumber < channel.incomingReliableSequenceNumber) window += WINDOWS;
  return window >= currentWindow && window < currentWindow + FREE_WINDOWS - 1;
}

/**
 * Walks an incoming queue backwards to where the command numbered
 * (`reliableSequenceNumber`, `unreliableSequenceNumber`) stands or belongs, in C ENet's
 * order: by reliable sequence number, wrap-aware around the channel's
 * `incomingReliableSequenceNumber`, then by unreliable sequence number (always 0 in the
 * reliable queue).
 *
 * @param list The channel's reliable or unreliable queue.
 * @param incomingReliable The channel's `incomingReliableSequenceNumber`.
 * @param reliableSequenceNumber The reliable sequence number looked for.
 * @param unreliableSequenceNumber The unreliable sequence number looked for.
 * @returns The command with those numbers (see `hasSequenceNumbers`), else the node after
 * which such a command belongs (`list.end` for the front).
 */
export function findIncomingCommand(
  list: List<IncomingCommand>,
  incomingReliable: number,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number,
): ListNode {
  let current = list.end.prev;
  for (; current !== list.end; current = current.prev) {
    const queued = current as IncomingCommand;
    if (reliableSequenceNumber >= incomingReliable) {
      if (queued.reliableSequenceNumber < incomingReliable) continue;
    } else if (queued.reliableSequenceNumber >= incomingReliable) break;
    if (queued.reliableSequenceNumber < reliableSequenceNumber) break;
    if (queued.reliableSequenceNumber > reliableSequenceNumber) continue;
    if (queued.unreliableSequenceNumber <= unreliableSequenceNumber) break;
  }
  return current;
}

/**
 * True when `node`, found by `findIncomingCommand`, is a queued command with exactly
 * these numbers.
 *
 * @param node What `findIncomingCommand` returned.
 * @param list The queue it searched.
 * @param reliableSequenceNumber The reliable sequence number looked for.
 * @param unreliableSequenceNumber The unreliable sequence number looked for.
 * @returns Whether the numbers are already queued.
 */
export function hasSequenceNumbers(
  node: ListNode,
  list: List<IncomingCommand>,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number,
): node is IncomingCommand {
  return node !== list.end &&
    (node as IncomingCommand).reliableSequenceNumber === reliableSequenceNumber &&
    (node as IncomingCommand).unreliableSequenceNumber === unreliableSequenceNumber;
}

/**
 * Queues a received SEND command's packet in its channel, in order, and dispatches what
 * became deliverable.
 *
 * @param peer The peer.
 * @param channelID The channel (already checked).
 * @param commandNumber SEND_RELIABLE, SEND_UNRELIABLE, SEND_UNSEQUENCED, SEND_FRAGMENT or
 * SEND_UNRELIABLE_FRAGMENT.
 * @param reliableSequenceNumber The reliable sequence number (start number for reliable
 * fragments).
 * @param unreliableSequenceNumber The unreliable sequence number (start number for
 * unreliable fragments), 0 otherwise.
 * @param data The payload to copy, or `null` to allocate `dataLength` zero bytes.
 * @param dataLength The packet length.
 * @param flags Flags of the packet to create.
 * @param fragmentCount Fragment count, 0 when not fragmented.
 * @returns The queued command, `DISCARDED` when dropped harmlessly, or `null` on error.
 */
export function queueIncomingCommand(
  peer: Peer,
  channelID: number,
  commandNumber: number,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number,
  data: Uint8Array | null,
  dataLength: number,
  flags: number,
  fragmentCount: number,
): IncomingCommand | null {
  const discard = fragmentCount > 0 ? null : DISCARDED;
  if (peer.state === PeerState.DISCONNECT_LATER) return discard;
  const channel = peer.channels[channelID];
  const incomingReliable = channel.incomingReliableSequenceNumber;
  if (commandNumber !== ProtocolCommand.SEND_UNSEQUENCED) {
    if (!inReceiveWindow(channel, reliableSequenceNumber)) return discard;
  }

  let position: ListNode;
  switch (commandNumber) {
    case ProtocolCommand.SEND_FRAGMENT:
    case ProtocolCommand.SEND_RELIABLE: {
      if (reliableSequenceNumber === incomingReliable) return discard;
      const list = channel.incomingReliableCommands;
      position = findIncomingCommand(list, incomingReliable, reliableSequenceNumber, 0);
      if (hasSequenceNumbers(position, list, reliableSequenceNumber, 0)) return discard;
      break;
    }
    case ProtocolCommand.SEND_UNRELIABLE:
    case ProtocolCommand.SEND_UNRELIABLE_FRAGMENT: {
      if (
        reliableSequenceNumber === incomingReliable &&
        unreliableSequenceNumber <= channel.incomingUnreliableSequenceNumber
      ) {
        return discard;
      }
      const list = channel.incomingUnreliableCommands;
      position = findIncomingCommand(
        list,
        incomingReliable,
        reliableSequenceNumber,
        unreliableSequenceNumber,
      );
      if (hasSequenceNumbers(position, list, reliableSequenceNumber, unreliableSequenceNumber)) {
        return discard;
      }
      break;
    }
    case ProtocolCommand.SEND_UNSEQUENCED:
      // As in C ENet, unsequenced packets go to the front of the queue.
      position = channel.incomingUnreliableCommands.end;
      break;
    default:
      return discard;
  }

  if (peer.totalWaitingData >= peer.host.maximumWaitingData) {
    peer.host.dropReason = "maximumWaitingData";
    return null;
  }
  const packetData = data === null ? new Uint8Array(dataLength) : data.slice(0, dataLength);
  const incoming = new IncomingCommand();
  incoming.commandNumber = commandNumber;
  incoming.channelID = channelID;
  incoming.reliableSequenceNumber = reliableSequenceNumber;
  incoming.unreliableSequenceNumber = unreliableSequenceNumber & 0xffff;
  incoming.fragmentCount = fragmentCount;
  incoming.fragmentsRemaining = fragmentCount;
  incoming.packet = { data: packetData, flags };
  if (fragmentCount > 0) incoming.fragments = new Uint32Array(Math.ceil(fragmentCount / 32));
  peer.totalWaitingData += dataLength;
  List.insertBefore(position.next, incoming);

  if (
    commandNumber === ProtocolCommand.SEND_FRAGMENT ||
    commandNumber === ProtocolCommand.SEND_RELIABLE
  ) {
    dispatchIncomingReliableCommands(peer, channel, incoming);
  } else {
    dispatchIncomingUnreliableCommands(peer, channel, incoming);
  }
  return incoming;
}

function moveToDispatched(peer: Peer, first: ListNode, last: ListNode): void {
  List.move(peer.dispatchedCommands.end, first, last);
  markNeedsDispatch(peer);
}

/**
 * Moves the unreliable commands that can be delivered to the dispatch queue and drops
 * those that are stale, keeping `queuedCommand` (the one just queued).
 *
 * @param peer The peer.
 * @param channel The channel.
 * @param queuedCommand A command that must not be dropped, or `null`.
 */
export function dispatchIncomingUnreliableCommands(
  peer: Peer,
  channel: Channel,
  queuedCommand: IncomingCommand | null,
): void {
  const list = channel.incomingUnreliableCommands;
  let dropped = list.begin();
  let start = dropped;
  let current = start;
  for (; current !== list.end; current = current.next) {
    const incoming = current as IncomingCommand;
    if (incoming.commandNumber === ProtocolCommand.SEND_UNSEQUENCED) continue;
    if (incoming.reliableSequenceNumber === channel.incomingReliableSequenceNumber) {
      if (incoming.fragmentsRemaining <= 0) {
        channel.incomingUnreliableSequenceNumber = incoming.unreliableSequenceNumber;
        continue;
      }
      if (start !== current) {
        moveToDispatched(peer, start, current.prev);
        dropped = current;
      } else if (dropped !== current) {
        dropped = current.prev;
      }
    } else {
      if (inReceiveWindow(channel, incoming.reliableSequenceNumber)) break;
      dropped = current.next;
      if (start !== current) moveToDispatched(peer, start, current.prev);
    }
    start = current.next;
  }
  if (start !== current) {
    moveToDispatched(peer, start, current.prev);
    dropped = current;
  }
  removeIncomingCommands(peer, list.begin(), dropped, queuedCommand);
}

/**
 * Moves the reliable commands that are next in sequence (and complete) to the dispatch
 * queue, then the unreliable commands they unblock.
 *
 * @param peer The peer.
 * @param channel The channel.
 * @param queuedCommand The command just queued, or `null`.
 */
export function dispatchIncomingReliableCommands(
  peer: Peer,
  channel: Channel,
  queuedCommand: IncomingCommand | null,
): void {
  const list = channel.incomingReliableCommands;
  let current = list.begin();
  for (; current !== list.end; current = current.next) {
    const incoming = current as IncomingCommand;
    if (
      incoming.fragmentsRemaining > 0 ||
      incoming.reliableSequenceNumber !== ((channel.incomingReliableSequenceNumber + 1) & 0xffff)
    ) {
      break;
    }
    channel.incomingReliableSequenceNumber = incoming.reliableSequenceNumber;
    if (incoming.fragmentCount > 0) {
      channel.incomingReliableSequenceNumber =
        (channel.incomingReliableSequenceNumber + incoming.fragmentCount - 1) & 0xffff;
    }
  }
  if (current === list.begin()) return;
  channel.incomingUnreliableSequenceNumber = 0;
  moveToDispatched(peer, list.begin(), current.prev);
  if (!channel.incomingUnreliableCommands.isEmpty()) {
    dispatchIncomingUnreliableCommands(peer, channel, queuedCommand);
  }
}

/**
 * Drops the commands from `start` up to (not including) `end`, except `exclude`.
 *
 * @param peer The peer, whose `totalWaitingData` shrinks.
 * @param start First node to drop.
 * @param end Node to stop at.
 * @param exclude A node to keep, or `null`.
 */
export function removeIncomingCommands(
  peer: Peer,
  start: ListNode,
  end: ListNode,
  exclude: IncomingCommand | null,
): void {
  for (let current = start; current !== end;) {
    const incoming = current as IncomingCommand;
    current = current.next;
    if (incoming === exclude) continue;
    List.remove(incoming);
    if (incoming.packet !== null) {
      peer.totalWaitingData -= Math.min(peer.totalWaitingData, incoming.packet.data.length);
    }
  }
}

/**
 * Drops every command of an incoming queue.
 *
 * @param peer The peer.
 * @param list The queue.
 */
export function resetIncomingCommands(peer: Peer, list: List<IncomingCommand>): void {
  removeIncomingCommands(peer, list.begin(), list.end, null);
}

/**
 * Takes the next dispatched packet (`enet_peer_receive`).
 *
 * @param peer The peer.
 * @returns The channel and packet, or `undefined`.
 */
export function receivePacket(peer: Peer): { channelID: number; packet: Packet } | undefined {
  const incoming = takeDispatched(peer);
  return incoming === undefined
    ? undefined
    : { channelID: incoming.channelID, packet: incoming.packet! };
}

/**
 * Unlinks the next dispatched command, whose `packet` is set, for the event loop.
 *
 * @param peer The peer.
 * @returns The command, or `undefined` when none is waiting.
 */
export function takeDispatched(peer: Peer): IncomingCommand | undefined {
  if (peer.dispatchedCommands.isEmpty()) return undefined;
  const incoming = List.remove(peer.dispatchedCommands.front());
  peer.totalWaitingData -= Math.min(peer.totalWaitingData, incoming.packet!.data.length);
  return incoming;
}
