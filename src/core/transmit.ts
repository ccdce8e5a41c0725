/**
 * The send phase: acknowledgements, retransmission timeouts and outgoing commands packed
 * into datagrams (`enet_protocol_send_outgoing_commands` and the functions it calls).
 *
 * @module
 */

import type { AcknowledgeCommand } from "../protocol/command.ts";
import { COMMAND_SIZES, CommandFlag, HeaderFlag, ProtocolCommand } from "../protocol/constants.ts";
import type { Channel } from "./channel.ts";
import type { OutgoingCommand } from "./commands.ts";
import { PeerDefault, PeerFlag } from "./constants.ts";
import { disconnectPeer, pingPeer } from "./connection.ts";
import { dispatchZombie, notifyDisconnect } from "./dispatch.ts";
import type { Host } from "./host.ts";
import { List, type ListNode } from "./list.ts";
import { hasOutgoingCommands } from "./outgoing.ts";
import type { Peer } from "./peer.ts";
import { timeDifference, timeGreaterEqual, timeLess, untilPing } from "./time.ts";
import { PeerState } from "./types.ts";

const ACK_SIZE = COMMAND_SIZES[ProtocolCommand.ACKNOWLEDGE];
const PING_SIZE = COMMAND_SIZES[ProtocolCommand.PING];
const WINDOW_SIZE = PeerDefault.RELIABLE_WINDOW_SIZE;
const WINDOWS = PeerDefault.RELIABLE_WINDOWS;
/** Windows that must be free before a new reliable window may start. */
const WINDOW_GUARD = (1 << (PeerDefault.FREE_RELIABLE_WINDOWS + 2)) - 1;

/** One acknowledgement command, rewritten for each acknowledgement sent. */
const ackScratch: AcknowledgeCommand = {
  command: ProtocolCommand.ACKNOWLEDGE,
  flags: 0,
  channelID: 0,
  reliableSequenceNumber: 0,
  receivedReliableSequenceNumber: 0,
  receivedSentTime: 0,
};

function sendAcknowledgements(host: Host, peer: Peer): void {
  const out = host.output;
  const acks = peer.acknowledgements;
  const count = peer.acknowledgementCount;
  let index = 0;
  for (; index < count; index++) {
    if (out.isFull(peer.mtu, ACK_SIZE, 1)) {
      peer.flags |= PeerFlag.CONTINUE_SENDING;
      break;
    }
    const ack = acks[index];
    ackScratch.channelID = ack.channelID;
    ackScratch.reliableSequenceNumber = ack.reliableSequenceNumber;
    ackScratch.receivedReliableSequenceNumber = ack.reliableSequenceNumber;
    ackScratch.receivedSentTime = ack.sentTime;
    out.write(ackScratch);
    out.packetSize += ACK_SIZE;
    out.commandCount++;
    out.bufferCount++;
    if (ack.commandNumber === ProtocolCommand.DISCONNECT) dispatchZombie(peer, "remote");
  }
  // dispatchZombie does not touch the acknowledgements, so the index is still right.
  // Move the unsent ones to the front; the sent records become spares.
  for (let i = index; i < count; i++) {
    const unsent = acks[i];
    acks[i] = acks[i - index];
    acks[i - index] = unsent;
  }
  peer.acknowledgementCount = count - index;
}

/**
 * Requeues timed-out reliable commands with a doubled timeout, or ends the connection
 * when the peer has been silent too long (`enet_protocol_check_timeouts`).
 *
 * @returns True when the peer timed out.
 */
function checkTimeouts(host: Host, peer: Peer): boolean {
  const now = host.serviceTime;
  const sent = peer.sentReliableCommands;
  const insertPosition = peer.outgoingCommands.begin();
  const insertSendReliablePosition = peer.outgoingSendReliableCommands.begin();
  let current = sent.begin();
  while (current !== sent.end) {
    const outgoing = current as OutgoingCommand;
    current = current.next;
    if (timeDifference(now, outgoing.sentTime) < outgoing.roundTripTimeout) continue;
    if (peer.earliestTimeout === 0 || timeLess(outgoing.sentTime, peer.earliestTimeout)) {
      peer.earliestTimeout = outgoing.sentTime;
    }
    if (peer.earliestTimeout !== 0) {
      const silent = timeDifference(now, peer.earliestTimeout);
      if (
        silent >= peer.timeoutMaximum ||
        (2 ** (outgoing.sendAttempts - 1) >= peer.timeoutLimit && silent >= peer.timeoutMinimum)
      ) {
        notifyDisconnect(peer, "timeout");
        return true;
      }
    }
    peer.packetsLost++;
    outgoing.roundTripTimeout *= 2;
    List.remove(outgoing);
    if (outgoing.packet !== null) {
      peer.reliableDataInTransit -= outgoing.fragmentLength;
      List.insertBefore(insertSendReliablePosition, outgoing);
    } else {
      List.insertBefore(insertPosition, outgoing);
    }
    if (current === sent.begin() && !sent.isEmpty()) {
      const first = current as OutgoingCommand;
      peer.nextTimeout = (first.sentTime + first.roundTripTimeout) >>> 0;
    }
  }
  return false;
}

/** Whether a reliable command may not open its reliable window yet. */
function windowBlocked(
  channel: Channel,
  outgoing: OutgoingCommand,
  reliableWindow: number,
): boolean {
  return outgoing.sendAttempts < 1 &&
    outgoing.reliableSequenceNumber % WINDOW_SIZE === 0 &&
    (channel.reliableWindows[(reliableWindow + WINDOWS - 1) % WINDOWS] >= WINDOW_SIZE ||
      (channel.usedReliableWindows &
          ((WINDOW_GUARD << reliableWindow) | (WINDOW_GUARD >>> (WINDOWS - reliableWindow)))) !==
        0);
}

/**
 * Packs the peer's queued commands into the datagram being built, reliable ones within
 * the reliable windows and the throttled window size (`enet_protocol_check_outgoing_commands`).
 *
 * @returns True when no reliable command was added, so a ping may be.
 */
function checkOutgoingCommands(host: Host, peer: Peer): boolean {
  const out = host.output;
  const outgoingList = peer.outgoingCommands;
  const sendReliableList = peer.outgoingSendReliableCommands;
  let current: ListNode = outgoingList.begin();
  let currentSendReliable: ListNode = sendReliableList.begin();
  let windowWrap = false;
  let canPing = true;
  for (;;) {
    let outgoing: OutgoingCommand;
    if (
      current !== outgoingList.end &&
      !(currentSendReliable !== sendReliableList.end &&
        timeLess(
          (currentSendReliable as OutgoingCommand).queueTime,
          (current as OutgoingCommand).queueTime,
        ))
    ) {
      outgoing = current as OutgoingCommand;
      current = current.next;
    } else if (currentSendReliable !== sendReliableList.end) {
      outgoing = currentSendReliable as OutgoingCommand;
      currentSendReliable = currentSendReliable.next;
    } else {
      break;
    }
    const command = outgoing.command;
    let channel: Channel | null = null;
    let reliableWindow = 0;
    if (command.flags & CommandFlag.ACKNOWLEDGE) {
      channel = command.channelID < peer.channelCount ? peer.channels[command.channelID] : null;
      reliableWindow = Math.floor(outgoing.reliableSequenceNumber / WINDOW_SIZE);
      if (channel !== null) {
        if (windowWrap) continue;
        if (windowBlocked(channel, outgoing, reliableWindow)) {
          windowWrap = true;
          currentSendReliable = sendReliableList.end;
          continue;
        }
      }
      if (outgoing.packet !== null) {
        const windowSize = Math.floor(
          (peer.packetThrottle * peer.windowSize) / PeerDefault.PACKET_THROTTLE_SCALE,
        );
        if (peer.reliableDataInTransit + outgoing.fragmentLength > Math.max(windowSize, peer.mtu)) {
          currentSendReliable = sendReliableList.end;
          continue;
        }
      }
      canPing = false;
    }
    const commandSize = COMMAND_SIZES[command.command];
    if (out.isFull(peer.mtu, commandSize + outgoing.fragmentLength, 2)) {
      peer.flags |= PeerFlag.CONTINUE_SENDING;
      break;
    }
    if (command.flags & CommandFlag.ACKNOWLEDGE) {
      if (channel !== null && outgoing.sendAttempts < 1) {
        channel.usedReliableWindows |= 1 << reliableWindow;
        channel.reliableWindows[reliableWindow]++;
      }
      outgoing.sendAttempts++;
      if (outgoing.roundTripTimeout === 0) {
        outgoing.roundTripTimeout = peer.roundTripTime + 4 * peer.roundTripTimeVariance;
      }
      if (peer.sentReliableCommands.isEmpty()) {
        peer.nextTimeout = (host.serviceTime + outgoing.roundTripTimeout) >>> 0;
      }
      peer.sentReliableCommands.pushBack(List.remove(outgoing));
      outgoing.sentTime = host.serviceTime;
      out.headerFlags |= HeaderFlag.SENT_TIME;
      peer.reliableDataInTransit += outgoing.fragmentLength;
    } else {
      if (outgoing.packet !== null && outgoing.fragmentOffset === 0) {
        peer.packetThrottleCounter = (peer.packetThrottleCounter +
          PeerDefault.PACKET_THROTTLE_COUNTER) % PeerDefault.PACKET_THROTTLE_SCALE;
        if (peer.packetThrottleCounter > peer.packetThrottle) {
          // Throttled: drop this unreliable packet with all its queued fragments.
          const { reliableSequenceNumber, unreliableSequenceNumber } = outgoing;
          List.remove(outgoing);
          while (current !== outgoingList.end) {
            const next = current as OutgoingCommand;
            if (
              next.reliableSequenceNumber !== reliableSequenceNumber ||
              next.unreliableSequenceNumber !== unreliableSequenceNumber
            ) {
              break;
            }
            current = current.next;
            List.remove(next);
          }
          continue;
        }
      }
      List.remove(outgoing);
      if (outgoing.packet !== null) host.sentUnreliableCommands++;
    }
    out.write(command);
    out.packetSize += commandSize + outgoing.fragmentLength;
    out.bufferCount += outgoing.packet !== null ? 2 : 1;
    out.commandCount++;
    peer.packetsSent++;
  }
  if (
    peer.state === PeerState.DISCONNECT_LATER && !hasOutgoingCommands(peer) &&
    host.sentUnreliableCommands === 0
  ) {
    disconnectPeer(peer, peer.data);
  }
  return canPing;
}

function updatePacketLoss(host: Host, peer: Peer): void {
  if (peer.packetLossEpoch === 0) {
    peer.packetLossEpoch = host.serviceTime;
    return;
  }
  if (
    timeDifference(host.serviceTime, peer.packetLossEpoch) < PeerDefault.PACKET_LOSS_INTERVAL ||
    peer.packetsSent === 0
  ) {
    return;
  }
  // Unsigned 32-bit products and sums, wrapping as in C.
  const packetLoss = Math.floor(
    (Math.imul(peer.packetsLost, PeerDefault.PACKET_LOSS_SCALE) >>> 0) / peer.packetsSent,
  );
  peer.packetLossVariance = Math.floor(
    ((Math.imul(peer.packetLossVariance, 3) + Math.abs(packetLoss - peer.packetLoss)) >>> 0) / 4,
  );
  peer.packetLoss = Math.floor(((Math.imul(peer.packetLoss, 7) + packetLoss) >>> 0) / 8);
  peer.packetLossEpoch = host.serviceTime;
  peer.packetsSent = 0;
  peer.packetsLost = 0;
}

/**
 * When the peer next needs a send phase on the caller's clock, `Infinity` for never: its
 * retransmission timeout while reliable commands are in flight, else its next ping while
 * connected (the two deadlines of the send phase; everything else marks the peer).
 */
function nextDueAt(host: Host, peer: Peer): number {
  const now = host.serviceTime;
  if (!peer.sentReliableCommands.isEmpty()) {
    const deadline = peer.nextTimeout;
    return host.nowBase + (timeLess(deadline, now) ? 0 : timeDifference(deadline, now));
  }
  if (peer.state !== PeerState.CONNECTED) return Infinity;
  return host.nowBase + untilPing(peer.lastReceiveTime, peer.pingInterval, now);
}

/**
 * Builds and queues a datagram for every peer with something to send, as many passes as
 * peers need to drain (`enet_protocol_send_outgoing_commands`). Only the peers the host's
 * `SendSchedule` names are visited (marked ones and those with a deadline due); a visit
 * to any other peer would do nothing, so the result is C ENet's walk over every slot.
 *
 * @param host The host; `host.serviceTime` is the current time.
 * @param checkForTimeouts Whether to retransmit and detect timeouts (not on `flush`).
 */
export function sendOutgoingCommands(host: Host, checkForTimeouts: boolean): void {
  const out = host.output;
  host.needsFlush = false;
  // A nested call (a peer disconnected from inside a phase) gets its own list.
  const visit = host.visitList.length === 0 ? host.visitList : [];
  host.schedule.take(host.nowBase, visit);
  for (let sendPass = 0, continueSending = 0; sendPass <= continueSending; sendPass++) {
    for (let i = 0; i < visit.length; i++) {
      const peer = visit[i];
      if (
        peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE ||
        (sendPass > 0 && !(peer.flags & PeerFlag.CONTINUE_SENDING))
      ) {
        continue;
      }
      peer.flags &= ~PeerFlag.CONTINUE_SENDING;
      out.begin();
      host.sentUnreliableCommands = 0;
      if (peer.acknowledgementCount > 0) sendAcknowledgements(host, peer);
      const timedOut = checkForTimeouts && !peer.sentReliableCommands.isEmpty() &&
        timeGreaterEqual(host.serviceTime, peer.nextTimeout) && checkTimeouts(host, peer);
      if (!timedOut) {
        const idle = peer.outgoingCommands.isEmpty() && peer.outgoingSendReliableCommands.isEmpty();
        if (
          (idle || checkOutgoingCommands(host, peer)) &&
          peer.sentReliableCommands.isEmpty() &&
          timeDifference(host.serviceTime, peer.lastReceiveTime) >= peer.pingInterval &&
          peer.mtu - out.packetSize >= PING_SIZE
        ) {
          pingPeer(peer);
          checkOutgoingCommands(host, peer);
        }
        if (out.commandCount > 0) {
          updatePacketLoss(host, peer);
          const length = out.finish(
            peer.address!,
            peer,
            host.serviceTime,
            host.checksum,
            host.compressor,
          );
          peer.lastSendTime = host.serviceTime;
          if (
            host.sentUnreliableCommands > 0 && peer.state === PeerState.DISCONNECT_LATER &&
            !hasOutgoingCommands(peer)
          ) {
            disconnectPeer(peer, peer.data);
          }
          host.stats.totalSentData += length;
          host.stats.totalSentPackets++;
        }
      }
      if (peer.flags & PeerFlag.CONTINUE_SENDING) continueSending = sendPass + 1;
    }
  }
  for (let i = 0; i < visit.length; i++) {
    const peer = visit[i];
    const active = peer.state !== PeerState.DISCONNECTED && peer.state !== PeerState.ZOMBIE;
    host.schedule.reschedule(peer, active ? nextDueAt(host, peer) : Infinity);
  }
  visit.length = 0;
}
