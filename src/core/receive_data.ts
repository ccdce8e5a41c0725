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
  findIncomingCommand,
  hasSequenceNumbers,
  inReceiveWindow,
  queueIncomingCommand,
} from "./incoming.ts";
import type { Peer } from "./peer.ts";
import { PacketFlag, PeerState } from "./types.ts";

const UNSEQUENCED_WINDOW_SIZE = PeerDefault.UNSEQUENCED_WINDOW_SIZE;

/** True when the peer may receive `length` payload bytes on `channelID`. */
function canReceive(peer: Peer, channelID: number, length: number): boolean {
  if (length > peer.host.maximumPacketSize) {
    peer.host.dropReason = "maximumPacketSize";
    return false;
  }
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
  if (!canReceive(peer, command.channelID, command.data.length)) return false;
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
  if (!canReceive(peer, command.channelID, command.data.length)) return false;
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
  if (!canReceive(peer, command.channelID, command.data.length)) return false;
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
  if (totalLength > peer.host.maximumPacketSize) {
    peer.host.dropReason = "maximumPacketSize";
    return false;
  }
  const valid = fragmentCount <= ProtocolLimit.MAXIMUM_FRAGMENT_COUNT &&
    fragmentNumber < fragmentCount &&
    totalLength >= fragmentCount &&
    fragmentOffset < totalLength &&
    fragmentLength <= totalLength - fragmentOffset;
  if (!valid) peer.host.dropReason = "fragment";
  return valid;
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

/**
 * SEND_FRAGMENT and SEND_UNRELIABLE_FRAGMENT: one fragment of a packet, reassembled in
 * the first fragment's queue slot. A reliable packet is numbered by its first fragment's
 * reliable sequence number (`startSequenceNumber`); an unreliable one by the reliable
 * sequence number it follows, then its first fragment's unreliable sequence number.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False when invalid.
 */
export function handleSendFragment(peer: Peer, command: SendFragmentCommand): boolean {
  const fragmentLength = command.data.length;
  if (fragmentLength === 0 || !canReceive(peer, command.channelID, fragmentLength)) return false;
  const channel = peer.channels[command.channelID];
  const incomingReliable = channel.incomingReliableSequenceNumber;
  const reliable = command.command === ProtocolCommand.SEND_FRAGMENT;
  const reliableSequenceNumber = reliable
    ? command.startSequenceNumber
    : command.reliableSequenceNumber;
  const unreliableSequenceNumber = reliable ? 0 : command.startSequenceNumber;
  if (!inReceiveWindow(channel, reliableSequenceNumber)) return true;
  if (
    !reliable &&
    reliableSequenceNumber === incomingReliable &&
    unreliableSequenceNumber <= channel.incomingUnreliableSequenceNumber
  ) {
    return true;
  }
  if (!fragmentFieldsValid(peer, command)) return false;

  const list = reliable ? channel.incomingReliableCommands : channel.incomingUnreliableCommands;
  const found = findIncomingCommand(
    list,
    incomingReliable,
    reliableSequenceNumber,
    unreliableSequenceNumber,
  );
  let start: IncomingCommand | null;
  if (hasSequenceNumbers(found, list, reliableSequenceNumber, unreliableSequenceNumber)) {
    // The fragment must belong to the packet being reassembled there.
    if (
      found.commandNumber !== command.command ||
      found.packet!.data.length !== command.totalLength ||
      found.fragmentCount !== command.fragmentCount
    ) {
      peer.host.dropReason = "fragment";
      return false;
    }
    start = found;
  } else {
    start = queueIncomingCommand(
      peer,
      command.channelID,
      command.command,
      reliableSequenceNumber,
      unreliableSequenceNumber,
      null,
      command.totalLength,
      reliable ? PacketFlag.RELIABLE : PacketFlag.UNRELIABLE_FRAGMENT,
      command.fragmentCount,
    );
    if (start === null) return false;
  }
  if (storeFragment(start, command)) {
    if (reliable) dispatchIncomingReliableCommands(peer, channel, null);
    else dispatchIncomingUnreliableCommands(peer, channel, null);
  }
  return true;
}
