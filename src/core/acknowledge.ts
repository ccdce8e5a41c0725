/**
 * Acknowledgements received: round-trip time, packet throttle and freeing acknowledged
 * commands (`enet_protocol_handle_acknowledge`, `enet_peer_throttle`,
 * `enet_protocol_remove_sent_reliable_command`).
 *
 * @module
 */

import type { AcknowledgeCommand } from "../protocol/command.ts";
import { CommandFlag, ProtocolCommand } from "../protocol/constants.ts";
import type { OutgoingCommand } from "./commands.ts";
import { PeerDefault } from "./constants.ts";
import { disconnectPeer } from "./connection.ts";
import { notifyConnect, notifyDisconnect } from "./dispatch.ts";
import { List, type ListNode } from "./list.ts";
import { hasOutgoingCommands } from "./outgoing.ts";
import type { Peer } from "./peer.ts";
import { timeDifference, timeLess } from "./time.ts";
import { PeerState } from "./types.ts";

/**
 * Adjusts the packet throttle for one RTT sample (`enet_peer_throttle`).
 *
 * @param peer The peer.
 * @param rtt The sample in milliseconds.
 * @returns 1 when raised, -1 when lowered, 0 otherwise.
 */
export function throttle(peer: Peer, rtt: number): number {
  // Unsigned 32-bit sums as in C: the acceleration comes from the remote side and may wrap.
  if (peer.lastRoundTripTime <= peer.lastRoundTripTimeVariance) {
    peer.packetThrottle = peer.packetThrottleLimit;
  } else if (rtt <= peer.lastRoundTripTime) {
    peer.packetThrottle = Math.min(
      (peer.packetThrottle + peer.packetThrottleAcceleration) >>> 0,
      peer.packetThrottleLimit,
    );
    return 1;
  } else if (rtt > ((peer.lastRoundTripTime + 2 * peer.lastRoundTripTimeVariance) >>> 0)) {
    peer.packetThrottle = peer.packetThrottle > peer.packetThrottleDeceleration
      ? peer.packetThrottle - peer.packetThrottleDeceleration
      : 0;
    return -1;
  }
  return 0;
}

/**
 * Folds an RTT sample into the mean and variance, as C ENet 1.3.18 does (integer
 * arithmetic: variance moves by a quarter of the error, the mean by an eighth).
 *
 * @param peer The peer.
 * @param rtt The sample in milliseconds (at least 1).
 * @param now The current time.
 */
export function updateRoundTripTime(peer: Peer, rtt: number, now: number): void {
  if (peer.lastReceiveTime > 0) {
    throttle(peer, rtt);
    peer.roundTripTimeVariance -= Math.floor(peer.roundTripTimeVariance / 4);
    if (rtt >= peer.roundTripTime) {
      const diff = rtt - peer.roundTripTime;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime += Math.floor(diff / 8);
    } else {
      const diff = peer.roundTripTime - rtt;
      peer.roundTripTimeVariance += Math.floor(diff / 4);
      peer.roundTripTime -= Math.floor(diff / 8);
    }
  } else {
    peer.roundTripTime = rtt;
    peer.roundTripTimeVariance = Math.floor((rtt + 1) / 2);
  }
  if (peer.roundTripTime < peer.lowestRoundTripTime) peer.lowestRoundTripTime = peer.roundTripTime;
  if (peer.roundTripTimeVariance > peer.highestRoundTripTimeVariance) {
    peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
  }
  if (
    peer.packetThrottleEpoch === 0 ||
    timeDifference(now, peer.packetThrottleEpoch) >= peer.packetThrottleInterval
  ) {
    peer.lastRoundTripTime = peer.lowestRoundTripTime;
    peer.lastRoundTripTimeVariance = Math.max(peer.highestRoundTripTimeVariance, 1);
    peer.lowestRoundTripTime = peer.roundTripTime;
    peer.highestRoundTripTimeVariance = peer.roundTripTimeVariance;
    peer.packetThrottleEpoch = now;
  }
}

function findUnsentReliable(
  list: List<OutgoingCommand>,
  reliableSequenceNumber: number,
  channelID: number,
): OutgoingCommand | null {
  for (let node: ListNode = list.begin(); node !== list.end; node = node.next) {
    const outgoing = node as OutgoingCommand;
    if (!(outgoing.command.flags & CommandFlag.ACKNOWLEDGE)) continue;
    if (outgoing.sendAttempts < 1) break;
    if (
      outgoing.reliableSequenceNumber === reliableSequenceNumber &&
      outgoing.command.channelID === channelID
    ) {
      return outgoing;
    }
  }
  return null;
}

/**
 * Frees the acknowledged command, wherever it is queued.
 *
 * @param peer The peer.
 * @param reliableSequenceNumber The acknowledged sequence number.
 * @param channelID Its channel.
 * @returns The command number freed, or `ProtocolCommand.NONE`.
 */
export function removeSentReliableCommand(
  peer: Peer,
  reliableSequenceNumber: number,
  channelID: number,
): number {
  const sent = peer.sentReliableCommands;
  let outgoing: OutgoingCommand | null = null;
  let wasSent = true;
  for (let node: ListNode = sent.begin(); node !== sent.end; node = node.next) {
    const candidate = node as OutgoingCommand;
    if (
      candidate.reliableSequenceNumber === reliableSequenceNumber &&
      candidate.command.channelID === channelID
    ) {
      outgoing = candidate;
      break;
    }
  }
  if (outgoing === null) {
    // A retransmission may sit in an outgoing queue when its acknowledgement arrives.
    outgoing = findUnsentReliable(peer.outgoingCommands, reliableSequenceNumber, channelID) ??
      findUnsentReliable(peer.outgoingSendReliableCommands, reliableSequenceNumber, channelID);
    wasSent = false;
  }
  if (outgoing === null) return ProtocolCommand.NONE;
  if (channelID < peer.channelCount) {
    const channel = peer.channels[channelID];
    const window = Math.floor(reliableSequenceNumber / PeerDefault.RELIABLE_WINDOW_SIZE);
    if (channel.reliableWindows[window] > 0) {
      channel.reliableWindows[window]--;
      if (channel.reliableWindows[window] === 0) channel.usedReliableWindows &= ~(1 << window);
    }
  }
  const commandNumber = outgoing.command.command;
  List.remove(outgoing);
  if (outgoing.packet !== null && wasSent) peer.reliableDataInTransit -= outgoing.fragmentLength;
  if (!sent.isEmpty()) {
    const first = sent.front();
    peer.nextTimeout = (first.sentTime + first.roundTripTimeout) >>> 0;
  }
  return commandNumber;
}

/**
 * Handles an ACKNOWLEDGE.
 *
 * @param peer The peer.
 * @param command The acknowledgement.
 * @param now The current time.
 * @returns False when it does not fit the peer's state (the datagram's remaining commands
 * are then ignored).
 */
export function handleAcknowledge(peer: Peer, command: AcknowledgeCommand, now: number): boolean {
  if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) return true;
  let receivedSentTime = (command.receivedSentTime | (now & 0xffff0000)) >>> 0;
  if ((receivedSentTime & 0x8000) > (now & 0x8000)) {
    receivedSentTime = (receivedSentTime - 0x10000) >>> 0;
  }
  if (timeLess(now, receivedSentTime)) return true;
  const rtt = Math.max(timeDifference(now, receivedSentTime), 1);
  updateRoundTripTime(peer, rtt, now);
  peer.lastReceiveTime = Math.max(now, 1);
  peer.earliestTimeout = 0;

  const commandNumber = removeSentReliableCommand(
    peer,
    command.receivedReliableSequenceNumber,
    command.channelID,
  );
  switch (peer.state) {
    case PeerState.ACKNOWLEDGING_CONNECT:
      if (commandNumber !== ProtocolCommand.VERIFY_CONNECT) return false;
      notifyConnect(peer);
      break;
    case PeerState.DISCONNECTING:
      if (commandNumber !== ProtocolCommand.DISCONNECT) return false;
      notifyDisconnect(peer, "local");
      break;
    case PeerState.DISCONNECT_LATER:
      if (!hasOutgoingCommands(peer)) disconnectPeer(peer, peer.data);
      break;
    default:
      break;
  }
  return true;
}
