/**
 * Starting, resetting and ending a peer's connection (`enet_peer_reset`,
 * `enet_peer_reset_queues`, `enet_peer_disconnect*`, `enet_peer_ping`,
 * `enet_peer_throttle_configure`).
 *
 * @module
 */

import { CommandFlag, ProtocolCommand, ProtocolLimit } from "../protocol/constants.ts";
import { Channel } from "./channel.ts";
import { CHANNEL_NONE, PeerDefault, PeerFlag } from "./constants.ts";
import { onDisconnect, withdrawConnectEvent } from "./dispatch.ts";
import { resetIncomingCommands } from "./incoming.ts";
import { hasOutgoingCommands, queueOutgoingCommand } from "./outgoing.ts";
import type { Peer } from "./peer.ts";
import { PeerState } from "./types.ts";

/**
 * Gives the peer `count` fresh channels.
 *
 * @param peer The peer.
 * @param count Number of channels.
 */
export function setupChannels(peer: Peer, count: number): void {
  const channels: Channel[] = new Array(count);
  for (let i = 0; i < count; i++) channels[i] = new Channel();
  peer.channels = channels;
  peer.channelCount = count;
}

/**
 * Drops everything queued for and from the peer (`enet_peer_reset_queues`).
 *
 * @param peer The peer.
 */
export function resetQueues(peer: Peer): void {
  if (peer.flags & PeerFlag.NEEDS_DISPATCH) {
    const queue = peer.host.dispatchQueue;
    const index = queue.indexOf(peer);
    if (index >= 0) queue.splice(index, 1);
    peer.flags &= ~PeerFlag.NEEDS_DISPATCH;
  }
  peer.acknowledgements.length = 0;
  peer.acknowledgementCount = 0;
  peer.sentReliableCommands.clear();
  peer.outgoingCommands.clear();
  peer.outgoingSendReliableCommands.clear();
  resetIncomingCommands(peer, peer.dispatchedCommands);
  for (let i = 0; i < peer.channelCount; i++) {
    const channel = peer.channels[i];
    resetIncomingCommands(peer, channel.incomingReliableCommands);
    resetIncomingCommands(peer, channel.incomingUnreliableCommands);
  }
  peer.channels = [];
  peer.channelCount = 0;
}

/**
 * Returns the peer to DISCONNECTED with default settings (`enet_peer_reset`). Session
 * ids survive, so the next connection in this slot gets new ones.
 *
 * @param peer The peer.
 */
export function resetPeer(peer: Peer): void {
  onDisconnect(peer);
  peer.outgoingPeerID = ProtocolLimit.MAXIMUM_PEER_ID;
  peer.connectID = 0;
  peer.state = PeerState.DISCONNECTED;
  peer.incomingBandwidth = 0;
  peer.outgoingBandwidth = 0;
  peer.incomingBandwidthThrottleEpoch = 0;
  peer.outgoingBandwidthThrottleEpoch = 0;
  peer.incomingDataTotal = 0;
  peer.outgoingDataTotal = 0;
  peer.lastSendTime = 0;
  peer.lastReceiveTime = 0;
  peer.nextTimeout = 0;
  peer.earliestTimeout = 0;
  peer.packetLossEpoch = 0;
  peer.packetsSent = 0;
  peer.packetsLost = 0;
  peer.packetLoss = 0;
  peer.packetLossVariance = 0;
  peer.packetThrottle = PeerDefault.PACKET_THROTTLE;
  peer.packetThrottleLimit = PeerDefault.PACKET_THROTTLE_SCALE;
  peer.packetThrottleCounter = 0;
  peer.packetThrottleEpoch = 0;
  peer.packetThrottleAcceleration = PeerDefault.PACKET_THROTTLE_ACCELERATION;
  peer.packetThrottleDeceleration = PeerDefault.PACKET_THROTTLE_DECELERATION;
  peer.packetThrottleInterval = PeerDefault.PACKET_THROTTLE_INTERVAL;
  peer.pingInterval = PeerDefault.PING_INTERVAL;
  peer.timeoutLimit = PeerDefault.TIMEOUT_LIMIT;
  peer.timeoutMinimum = PeerDefault.TIMEOUT_MINIMUM;
  peer.timeoutMaximum = PeerDefault.TIMEOUT_MAXIMUM;
  peer.lastRoundTripTime = PeerDefault.ROUND_TRIP_TIME;
  peer.lowestRoundTripTime = PeerDefault.ROUND_TRIP_TIME;
  peer.lastRoundTripTimeVariance = 0;
  peer.highestRoundTripTimeVariance = 0;
  peer.roundTripTime = PeerDefault.ROUND_TRIP_TIME;
  peer.roundTripTimeVariance = 0;
  peer.mtu = peer.host.mtu;
  peer.reliableDataInTransit = 0;
  peer.outgoingReliableSequenceNumber = 0;
  peer.windowSize = ProtocolLimit.MAXIMUM_WINDOW_SIZE;
  peer.incomingUnsequencedGroup = 0;
  peer.outgoingUnsequencedGroup = 0;
  peer.data = 0;
  peer.totalWaitingData = 0;
  peer.flags = 0;
  peer.unsequencedWindow.fill(0);
  resetQueues(peer);
  peer.host.schedule.remove(peer);
}

/**
 * Queues a PING if connected (`enet_peer_ping`).
 *
 * @param peer The peer.
 */
export function pingPeer(peer: Peer): void {
  if (peer.state !== PeerState.CONNECTED) return;
  queueOutgoingCommand(
    peer,
    {
      command: ProtocolCommand.PING,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: CHANNEL_NONE,
      reliableSequenceNumber: 0,
    },
  );
}

/**
 * Sets the throttle parameters and queues THROTTLE_CONFIGURE for the remote side.
 *
 * @param peer The peer.
 * @param interval Throttle interval.
 * @param acceleration Throttle acceleration.
 * @param deceleration Throttle deceleration.
 */
export function throttleConfigurePeer(
  peer: Peer,
  interval: number,
  acceleration: number,
  deceleration: number,
): void {
  peer.packetThrottleInterval = interval;
  peer.packetThrottleAcceleration = acceleration;
  peer.packetThrottleDeceleration = deceleration;
  // C ENet queues the command in any state; only a live connection can carry it.
  if (peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE) return;
  queueOutgoingCommand(
    peer,
    {
      command: ProtocolCommand.THROTTLE_CONFIGURE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: CHANNEL_NONE,
      reliableSequenceNumber: 0,
      packetThrottleInterval: interval,
      packetThrottleAcceleration: acceleration,
      packetThrottleDeceleration: deceleration,
    },
  );
}

function queueDisconnect(peer: Peer, flags: number, data: number): void {
  queueOutgoingCommand(
    peer,
    {
      command: ProtocolCommand.DISCONNECT,
      flags,
      channelID: CHANNEL_NONE,
      reliableSequenceNumber: 0,
      data,
    },
  );
}

/**
 * `enet_peer_disconnect`: a connected peer sends an acknowledged DISCONNECT and waits in
 * DISCONNECTING; a peer still connecting sends an unsequenced one and is reset.
 *
 * @param peer The peer.
 * @param data 32-bit data.
 * @param now The current time for the flush of a peer still connecting, if known.
 */
export function disconnectPeer(peer: Peer, data: number, now?: number): void {
  const state = peer.state;
  if (
    state === PeerState.DISCONNECTING || state === PeerState.DISCONNECTED ||
    state === PeerState.ACKNOWLEDGING_DISCONNECT || state === PeerState.ZOMBIE
  ) {
    return;
  }
  resetQueues(peer);
  const connected = state === PeerState.CONNECTED || state === PeerState.DISCONNECT_LATER;
  queueDisconnect(peer, connected ? CommandFlag.ACKNOWLEDGE : CommandFlag.UNSEQUENCED, data);
  if (connected) {
    onDisconnect(peer);
    peer.state = PeerState.DISCONNECTING;
    peer.disconnectReason = "local";
  } else {
    peer.host.flushQueued(now);
    resetPeer(peer);
  }
}

/**
 * `enet_peer_disconnect_later`: disconnect once the outgoing queues are empty.
 *
 * @param peer The peer.
 * @param data 32-bit data.
 * @param now The current time for the flush of a peer still connecting, if known.
 */
export function disconnectLaterPeer(peer: Peer, data: number, now?: number): void {
  if (
    (peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER) &&
    hasOutgoingCommands(peer)
  ) {
    peer.state = PeerState.DISCONNECT_LATER;
    peer.data = data;
  } else {
    disconnectPeer(peer, data, now);
  }
}

/**
 * `enet_peer_disconnect_now`: send an unsequenced DISCONNECT right away and reset. The
 * host flushes everything queued, for every peer, as `enet_host_flush` does.
 *
 * @param peer The peer.
 * @param data 32-bit data.
 * @param now The current time, if known (else the host's last time is used).
 */
export function disconnectNowPeer(peer: Peer, data: number, now?: number): void {
  if (peer.state === PeerState.DISCONNECTED) return;
  if (peer.state !== PeerState.ZOMBIE && peer.state !== PeerState.DISCONNECTING) {
    resetQueues(peer);
    queueDisconnect(peer, CommandFlag.UNSEQUENCED, data);
    peer.host.flushQueued(now);
  }
  withdrawConnectEvent(peer);
  resetPeer(peer);
}
