/**
 * Queueing outgoing commands: sequence numbering (`enet_peer_setup_outgoing_command`),
 * packet sending with fragmentation (`enet_peer_send`) and acknowledgements
 * (`enet_peer_queue_acknowledgement`).
 *
 * @module
 */

import type { Command } from "../protocol/command.ts";
import {
  COMMAND_SIZES,
  CommandFlag,
  ProtocolCommand,
  ProtocolLimit,
} from "../protocol/constants.ts";
import { copyToSlab } from "./byte_slab.ts";
import { OutgoingCommand } from "./commands.ts";
import {
  CHANNEL_NONE,
  CHECKSUM_SLOT_SIZE,
  PeerDefault,
  PROTOCOL_HEADER_SIZE,
} from "./constants.ts";
import type { Peer } from "./peer.ts";
import { type Packet, PacketFlag, PeerState } from "./types.ts";

/** Outcome of `sendPacket`: OK or why `enet_peer_send` would return -1. */
export const SendResult = {
  OK: 0,
  NOT_CONNECTED: 1,
  BAD_CHANNEL: 2,
  TOO_LARGE: 3,
  TOO_MANY_FRAGMENTS: 4,
} as const;

/** One of the `SendResult` values. */
export type SendResult = (typeof SendResult)[keyof typeof SendResult];

const SEND_FRAGMENT_SIZE = COMMAND_SIZES[ProtocolCommand.SEND_FRAGMENT];

/**
 * Numbers a new outgoing command and appends it to the right queue.
 *
 * @param peer The peer.
 * @param outgoing The command record, with `command`, `packet`, `fragmentOffset` and
 * `fragmentLength` set.
 */
export function setupOutgoingCommand(peer: Peer, outgoing: OutgoingCommand): void {
  const command = outgoing.command;
  peer.outgoingDataTotal += COMMAND_SIZES[command.command] + outgoing.fragmentLength;
  if (command.channelID === CHANNEL_NONE) {
    peer.outgoingReliableSequenceNumber = (peer.outgoingReliableSequenceNumber + 1) & 0xffff;
    outgoing.reliableSequenceNumber = peer.outgoingReliableSequenceNumber;
    outgoing.unreliableSequenceNumber = 0;
  } else {
    const channel = peer.channels[command.channelID];
    if (command.flags & CommandFlag.ACKNOWLEDGE) {
      channel.outgoingReliableSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) &
        0xffff;
      channel.outgoingUnreliableSequenceNumber = 0;
      outgoing.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
      outgoing.unreliableSequenceNumber = 0;
    } else if (command.flags & CommandFlag.UNSEQUENCED) {
      peer.outgoingUnsequencedGroup = (peer.outgoingUnsequencedGroup + 1) & 0xffff;
      outgoing.reliableSequenceNumber = 0;
      outgoing.unreliableSequenceNumber = 0;
    } else {
      if (outgoing.fragmentOffset === 0) {
        channel.outgoingUnreliableSequenceNumber = (channel.outgoingUnreliableSequenceNumber + 1) &
          0xffff;
      }
      outgoing.reliableSequenceNumber = channel.outgoingReliableSequenceNumber;
      outgoing.unreliableSequenceNumber = channel.outgoingUnreliableSequenceNumber;
    }
  }
  outgoing.sendAttempts = 0;
  outgoing.sentTime = 0;
  outgoing.roundTripTimeout = 0;
  command.reliableSequenceNumber = outgoing.reliableSequenceNumber;
  const host = peer.host;
  host.totalQueued = (host.totalQueued + 1) >>> 0;
  outgoing.queueTime = host.totalQueued;
  if (command.command === ProtocolCommand.SEND_UNRELIABLE) {
    command.unreliableSequenceNumber = outgoing.unreliableSequenceNumber;
  } else if (command.command === ProtocolCommand.SEND_UNSEQUENCED) {
    command.unsequencedGroup = peer.outgoingUnsequencedGroup;
  }
  if ((command.flags & CommandFlag.ACKNOWLEDGE) !== 0 && outgoing.packet !== null) {
    peer.outgoingSendReliableCommands.pushBack(outgoing);
  } else {
    peer.outgoingCommands.pushBack(outgoing);
  }
  host.needsFlush = true;
  host.schedule.mark(peer);
}

/**
 * Queues a command (`enet_peer_queue_outgoing_command`).
 *
 * @param peer The peer.
 * @param command The wire command (payload views into `packet`).
 * @param packet The packet carrying the payload; none (`null`) for protocol commands.
 * @param offset Payload offset in the packet.
 * @param length Payload length.
 * @returns The queued record.
 */
export function queueOutgoingCommand(
  peer: Peer,
  command: Command,
  packet: Packet | null = null,
  offset = 0,
  length = 0,
): OutgoingCommand {
  const outgoing = new OutgoingCommand(command);
  outgoing.fragmentOffset = offset;
  outgoing.fragmentLength = length;
  outgoing.packet = packet;
  setupOutgoingCommand(peer, outgoing);
  return outgoing;
}

/**
 * The payload bytes of one fragment for this peer:
 * MTU - header - SEND_FRAGMENT - checksum slot, as `enet_peer_send` computes it.
 *
 * @param peer The peer.
 * @returns The fragment length.
 */
export function fragmentLengthFor(peer: Peer): number {
  let length = peer.mtu - PROTOCOL_HEADER_SIZE - SEND_FRAGMENT_SIZE;
  if (peer.host.checksum) length -= CHECKSUM_SLOT_SIZE;
  return length;
}

/**
 * Queues a packet for sending (`enet_peer_send`).
 *
 * @param peer The peer.
 * @param channelID The channel.
 * @param packet The packet.
 * @param copy Whether to copy the data (ignored when the packet has `NO_ALLOCATE`).
 * @returns `SendResult.OK` or the reason it was refused.
 */
export function sendPacket(
  peer: Peer,
  channelID: number,
  packet: Packet,
  copy: boolean,
): SendResult {
  if (peer.state !== PeerState.CONNECTED) return SendResult.NOT_CONNECTED;
  if (!(Number.isInteger(channelID) && channelID >= 0 && channelID < peer.channelCount)) {
    return SendResult.BAD_CHANNEL;
  }
  const length = packet.data.length;
  if (length > peer.host.maximumPacketSize) return SendResult.TOO_LARGE;
  const channel = peer.channels[channelID];
  let fragmentLength = fragmentLengthFor(peer);
  const flags = packet.flags >>> 0;
  if (length > fragmentLength) {
    const fragmentCount = Math.ceil(length / fragmentLength);
    if (fragmentCount > ProtocolLimit.MAXIMUM_FRAGMENT_COUNT) return SendResult.TOO_MANY_FRAGMENTS;
    const queued = ownPacket(packet, flags, copy);
    let commandNumber:
      | typeof ProtocolCommand.SEND_FRAGMENT
      | typeof ProtocolCommand.SEND_UNRELIABLE_FRAGMENT;
    let commandFlags: number;
    let startSequenceNumber: number;
    if (
      (flags & (PacketFlag.RELIABLE | PacketFlag.UNRELIABLE_FRAGMENT)) ===
        PacketFlag.UNRELIABLE_FRAGMENT &&
      channel.outgoingUnreliableSequenceNumber < 0xffff
    ) {
      commandNumber = ProtocolCommand.SEND_UNRELIABLE_FRAGMENT;
      commandFlags = 0;
      startSequenceNumber = (channel.outgoingUnreliableSequenceNumber + 1) & 0xffff;
    } else {
      commandNumber = ProtocolCommand.SEND_FRAGMENT;
      commandFlags = CommandFlag.ACKNOWLEDGE;
      startSequenceNumber = (channel.outgoingReliableSequenceNumber + 1) & 0xffff;
    }
    for (
      let fragmentNumber = 0, fragmentOffset = 0;
      fragmentOffset < length;
      fragmentNumber++, fragmentOffset += fragmentLength
    ) {
      if (length - fragmentOffset < fragmentLength) fragmentLength = length - fragmentOffset;
      queueOutgoingCommand(
        peer,
        {
          command: commandNumber,
          flags: commandFlags,
          channelID,
          reliableSequenceNumber: 0,
          startSequenceNumber,
          fragmentCount,
          fragmentNumber,
          totalLength: length,
          fragmentOffset,
          data: queued.data.subarray(fragmentOffset, fragmentOffset + fragmentLength),
        },
        queued,
        fragmentOffset,
        fragmentLength,
      );
    }
    return SendResult.OK;
  }

  const queued = ownPacket(packet, flags, copy);
  let command: Command;
  if ((flags & (PacketFlag.RELIABLE | PacketFlag.UNSEQUENCED)) === PacketFlag.UNSEQUENCED) {
    command = {
      command: ProtocolCommand.SEND_UNSEQUENCED,
      flags: CommandFlag.UNSEQUENCED,
      channelID,
      reliableSequenceNumber: 0,
      unsequencedGroup: 0,
      data: queued.data,
    };
  } else if ((flags & PacketFlag.RELIABLE) || channel.outgoingUnreliableSequenceNumber >= 0xffff) {
    command = {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID,
      reliableSequenceNumber: 0,
      data: queued.data,
    };
  } else {
    command = {
      command: ProtocolCommand.SEND_UNRELIABLE,
      flags: 0,
      channelID,
      reliableSequenceNumber: 0,
      unreliableSequenceNumber: 0,
      data: queued.data,
    };
  }
  queueOutgoingCommand(peer, command, queued, 0, length);
  return SendResult.OK;
}

function ownPacket(packet: Packet, flags: number, copy: boolean): Packet {
  const data = copy && (flags & PacketFlag.NO_ALLOCATE) === 0
    ? copyToSlab(packet.data)
    : packet.data;
  return { data, flags };
}

/**
 * Queues an acknowledgement for a received reliable command, unless the command lies in
 * the two reliable windows just past the free ones (`enet_peer_queue_acknowledgement`).
 *
 * @param peer The peer.
 * @param commandNumber The received command's number.
 * @param channelID Its channel.
 * @param reliableSequenceNumber Its reliable sequence number.
 * @param sentTime The 16-bit sent time from the datagram header.
 */
export function queueAcknowledgement(
  peer: Peer,
  commandNumber: number,
  channelID: number,
  reliableSequenceNumber: number,
  sentTime: number,
): void {
  if (channelID < peer.channelCount) {
    const channel = peer.channels[channelID];
    let reliableWindow = Math.floor(reliableSequenceNumber / PeerDefault.RELIABLE_WINDOW_SIZE);
    const currentWindow = Math.floor(
      channel.incomingReliableSequenceNumber / PeerDefault.RELIABLE_WINDOW_SIZE,
    );
    if (reliableSequenceNumber < channel.incomingReliableSequenceNumber) {
      reliableWindow += PeerDefault.RELIABLE_WINDOWS;
    }
    if (
      reliableWindow >= currentWindow + PeerDefault.FREE_RELIABLE_WINDOWS - 1 &&
      reliableWindow <= currentWindow + PeerDefault.FREE_RELIABLE_WINDOWS
    ) {
      return;
    }
  }
  peer.outgoingDataTotal += COMMAND_SIZES[ProtocolCommand.ACKNOWLEDGE];
  const records = peer.acknowledgements;
  const ack = records[peer.acknowledgementCount];
  if (ack === undefined) {
    records.push({ channelID, reliableSequenceNumber, commandNumber, sentTime });
  } else {
    ack.channelID = channelID;
    ack.reliableSequenceNumber = reliableSequenceNumber;
    ack.commandNumber = commandNumber;
    ack.sentTime = sentTime;
  }
  peer.acknowledgementCount++;
}

/**
 * True while the peer has commands queued or awaiting acknowledgement
 * (`enet_peer_has_outgoing_commands`).
 *
 * @param peer The peer.
 * @returns Whether any outgoing queue is non-empty.
 */
export function hasOutgoingCommands(peer: Peer): boolean {
  return !peer.outgoingCommands.isEmpty() || !peer.outgoingSendReliableCommands.isEmpty() ||
    !peer.sentReliableCommands.isEmpty();
}
