/**
 * Handlers for the SEND commands: reliable, unreliable, unsequenced and both kinds of
 * fragment, with C ENet's validation of every length and fragment field.
 *
 * Each returns false when the command is invalid, which ends the datagram (C ENet's
 * `commandError`), and true when it was queued or harmlessly ignored.
 *
 * @module
 */

import type {
  SendFragmentCommand,
  SendReliableCommand,
  SendUnreliableCommand,
  SendUnsequencedCommand,
} from "../protocol/command.ts";
import { ProtocolCommand, ProtocolLimit } from "../protocol/constants.ts";
import type { IncomingCommand } from "./commands.ts";
import { PeerDefault } from "./constants.ts";
import {
  dispatchIncomingReliableCommands,
  dispatchIncomingUnreliableCommands,
  inReceiveWindow,
  queueIncomingCommand,
} from "./incoming.ts";
import type { ListNode } from "./list.ts";
import type { Peer } from "./peer.ts";
import { PacketFlag, PeerState } from "./types.ts";

const UNSEQUENCED_WINDOW_SIZE = PeerDefault.UNSEQUENCED_WINDOW_SIZE;

/** True when the peer may receive data on `channelID`. */
function canReceive(peer: Peer, channelID: number): boolean {
  return channelID < peer.channelCount &&
    (peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER);
}

/**
 * SEND_RELIABLE.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendReliable(peer: Peer, command: SendReliableCommand): boolean {
  if (!canReceive(peer, command.channelID)) return false;
  if (command.data.length > peer.host.maximumPacketSize) return false;
  return queueIncomingCommand(
    peer,
    command.channelID,
    ProtocolCommand.SEND_RELIABLE,
    command.reliableSequenceNumber,
    0,
    command.data,
    command.data.length,
    PacketFlag.RELIABLE,
    0,
  ) !== null;
}

/**
 * SEND_UNRELIABLE.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendUnreliable(peer: Peer, command: SendUnreliableCommand): boolean {
  if (!canReceive(peer, command.channelID)) return false;
  if (command.data.length > peer.host.maximumPacketSize) return false;
  return queueIncomingCommand(
    peer,
    command.channelID,
    ProtocolCommand.SEND_UNRELIABLE,
    command.reliableSequenceNumber,
    command.unreliableSequenceNumber,
    command.data,
    command.data.length,
    0,
    0,
  ) !== null;
}

/**
 * SEND_UNSEQUENCED, deduplicated with the 1024-group window.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendUnsequenced(peer: Peer, command: SendUnsequencedCommand): boolean {
  if (!canReceive(peer, command.channelID)) return false;
  if (command.data.length > peer.host.maximumPacketSize) return false;
  let group = command.unsequencedGroup;
  const index = group % UNSEQUENCED_WINDOW_SIZE;
  if (group < peer.incomingUnsequencedGroup) group += 0x10000;
  if (
    group >=
      peer.incomingUnsequencedGroup +
        PeerDefault.FREE_UNSEQUENCED_WINDOWS * UNSEQUENCED_WINDOW_SIZE
  ) {
    return true;
  }
  group &= 0xffff;
  const window = peer.unsequencedWindow;
  if (group - index !== peer.incomingUnsequencedGroup) {
    peer.incomingUnsequencedGroup = group - index;
    window.fill(0);
  } else if (window[index >>> 5] & (1 << (index & 31))) {
    return true;
  }
  const queued = queueIncomingCommand(
    peer,
    command.channelID,
    ProtocolCommand.SEND_UNSEQUENCED,
    command.reliableSequenceNumber,
    0,
    command.data,
    command.data.length,
    PacketFlag.UNSEQUENCED,
    0,
  );
  if (queued === null) return false;
  window[index >>> 5] |= 1 << (index & 31);
  return true;
}

/** The fragment fields C ENet checks, including the post-1.3.18 ones (657eaf9). */
function fragmentFieldsValid(peer: Peer, command: SendFragmentCommand): boolean {
  const { fragmentCount, fragmentNumber, totalLength, fragmentOffset } = command;
  const fragmentLength = command.data.length;
  return fragmentCount <= ProtocolLimit.MAXIMUM_FRAGMENT_COUNT &&
    fragmentNumber < fragmentCount &&
    totalLength <= peer.host.maximumPacketSize &&
    totalLength >= fragmentCount &&
    fragmentOffset < totalLength &&
    fragmentLength <= totalLength - fragmentOffset;
}

/** Copies a fragment into its packet once; returns true when the packet became complete. */
function storeFragment(start: IncomingCommand, command: SendFragmentCommand): boolean {
  const number = command.fragmentNumber;
  const bits = start.fragments!;
  const mask = 1 << (number & 31);
  if (bits[number >>> 5] & mask) return false;
  start.fragmentsRemaining--;
  bits[number >>> 5] |= mask;
  const data = start.packet!.data;
  let length = command.data.length;
  if (command.fragmentOffset + length > data.length) length = data.length - command.fragmentOffset;
  data.set(command.data.subarray(0, length), command.fragmentOffset);
  return start.fragmentsRemaining <= 0;
}

/** A matching reassembly already queued, `undefined` when none, `null` when inconsistent. */
function findStart(
  list: { end: ListNode },
  incomingReliable: number,
  reliableSequenceNumber: number,
  unreliableSequenceNumber: number | null,
  command: SendFragmentCommand,
): IncomingCommand | undefined | null {
  for (let node = list.end.prev; node !== list.end; node = node.prev) {
    const incoming = node as IncomingCommand;
    if (reliableSequenceNumber >= incomingReliable) {
      if (incoming.reliableSequenceNumber < incomingReliable) continue;
    } else if (incoming.reliableSequenceNumber >= incomingReliable) break;
    if (unreliableSequenceNumber === null) {
      if (incoming.reliableSequenceNumber > reliableSequenceNumber) continue;
      if (incoming.reliableSequenceNumber < reliableSequenceNumber) break;
    } else {
      if (incoming.reliableSequenceNumber < reliableSequenceNumber) break;
      if (incoming.reliableSequenceNumber > reliableSequenceNumber) continue;
      if (incoming.unreliableSequenceNumber > unreliableSequenceNumber) continue;
      if (incoming.unreliableSequenceNumber < unreliableSequenceNumber) break;
    }
    if (
      incoming.commandNumber !== command.command ||
      command.totalLength !== incoming.packet!.data.length ||
      command.fragmentCount !== incoming.fragmentCount
    ) {
      return null;
    }
    return incoming;
  }
  return undefined;
}

/**
 * SEND_FRAGMENT: one fragment of a reliable packet.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendFragment(peer: Peer, command: SendFragmentCommand): boolean {
  if (!canReceive(peer, command.channelID)) return false;
  const fragmentLength = command.data.length;
  if (fragmentLength === 0 || fragmentLength > peer.host.maximumPacketSize) return false;
  const channel = peer.channels[command.channelID];
  const startSequenceNumber = command.startSequenceNumber;
  if (!inReceiveWindow(channel, startSequenceNumber)) return true;
  if (!fragmentFieldsValid(peer, command)) return false;
  let start = findStart(
    channel.incomingReliableCommands,
    channel.incomingReliableSequenceNumber,
    startSequenceNumber,
    null,
    command,
  );
  if (start === null) return false;
  if (start === undefined) {
    const queued = queueIncomingCommand(
      peer,
      command.channelID,
      ProtocolCommand.SEND_FRAGMENT,
      startSequenceNumber,
      0,
      null,
      command.totalLength,
      PacketFlag.RELIABLE,
      command.fragmentCount,
    );
    if (queued === null) return false;
    start = queued;
  }
  if (storeFragment(start, command)) dispatchIncomingReliableCommands(peer, channel, null);
  return true;
}

/**
 * SEND_UNRELIABLE_FRAGMENT: one fragment of an unreliable packet.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendUnreliableFragment(peer: Peer, command: SendFragmentCommand): boolean {
  if (!canReceive(peer, command.channelID)) return false;
  const fragmentLength = command.data.length;
  if (fragmentLength === 0 || fragmentLength > peer.host.maximumPacketSize) return false;
  const channel = peer.channels[command.channelID];
  const reliableSequenceNumber = command.reliableSequenceNumber;
  const startSequenceNumber = command.startSequenceNumber;
  if (!inReceiveWindow(channel, reliableSequenceNumber)) return true;
  if (
    reliableSequenceNumber === channel.incomingReliableSequenceNumber &&
    startSequenceNumber <= channel.incomingUnreliableSequenceNumber
  ) {
    return true;
  }
  if (!fragmentFieldsValid(peer, command)) return false;
  let start = findStart(
    channel.incomingUnreliableCommands,
    channel.incomingReliableSequenceNumber,
    reliableSequenceNumber,
    startSequenceNumber,
    command,
  );
  if (start === null) return false;
  if (start === undefined) {
    const queued = queueIncomingCommand(
      peer,
      command.channelID,
      ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
      reliableSequenceNumber,
      startSequenceNumber,
      null,
      command.totalLength,
      PacketFlag.UNRELIABLE_FRAGMENT,
      command.fragmentCount,
    );
    if (queued === null) return false;
    start = queued;
  }
  if (storeFragment(start, command)) dispatchIncomingUnreliableCommands(peer, channel, null);
  return true;
}
