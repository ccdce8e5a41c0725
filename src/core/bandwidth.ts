/**
 * The host's bandwidth throttle, run every second (`enet_host_bandwidth_throttle`):
 * shares the host's outgoing bandwidth among peers by lowering their packet throttle
 * limits, and, when asked to recalculate, tells each peer how much it may send us with
 * BANDWIDTH_LIMIT. Arithmetic is unsigned 32-bit as in C ENet.
 *
 * @module
 */

import { CommandFlag, ProtocolCommand } from "../protocol/constants.ts";
import { CHANNEL_NONE, PeerDefault } from "./constants.ts";
import type { Host } from "./host.ts";
import { queueOutgoingCommand } from "./outgoing.ts";
import type { Peer } from "./peer.ts";
import { PeerState } from "./types.ts";

const SCALE = PeerDefault.PACKET_THROTTLE_SCALE;

function isConnected(peer: Peer): boolean {
  return peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER;
}

/** `a * b / c` on unsigned 32-bit values, wrapping the product like C. */
function mulDiv(a: number, b: number, c: number): number {
  return Math.floor((Math.imul(a, b) >>> 0) / c);
}

/**
 * Runs the throttle if a second has passed since the last run.
 *
 * @param host The host; `host.serviceTime` is the current time.
 */
export function bandwidthThrottle(host: Host): void {
  const now = host.serviceTime;
  const elapsedTime = (now - host.bandwidthThrottleEpoch) >>> 0;
  if (elapsedTime < 1000) return;
  host.bandwidthThrottleEpoch = now;
  let peersRemaining = host.connectedPeers;
  if (peersRemaining === 0) return;

  let dataTotal = 0xffffffff;
  let bandwidth = 0xffffffff;
  if (host.outgoingBandwidth !== 0) {
    dataTotal = 0;
    bandwidth = mulDiv(host.outgoingBandwidth, elapsedTime, 1000);
    for (const peer of host.peers) {
      if (isConnected(peer)) dataTotal = (dataTotal + peer.outgoingDataTotal) >>> 0;
    }
  }

  let needsAdjustment = host.bandwidthLimitedPeers > 0;
  let throttle = 0;
  while (peersRemaining > 0 && needsAdjustment) {
    needsAdjustment = false;
    throttle = dataTotal <= bandwidth ? SCALE : mulDiv(bandwidth, SCALE, dataTotal);
    for (const peer of host.peers) {
      if (
        !isConnected(peer) || peer.incomingBandwidth === 0 ||
        peer.outgoingBandwidthThrottleEpoch === now
      ) {
        continue;
      }
      const peerBandwidth = mulDiv(peer.incomingBandwidth, elapsedTime, 1000);
      if (mulDiv(throttle, peer.outgoingDataTotal, SCALE) <= peerBandwidth) continue;
      peer.packetThrottleLimit = mulDiv(peerBandwidth, SCALE, peer.outgoingDataTotal);
      if (peer.packetThrottleLimit === 0) peer.packetThrottleLimit = 1;
      if (peer.packetThrottle > peer.packetThrottleLimit) {
        peer.packetThrottle = peer.packetThrottleLimit;
      }
      peer.outgoingBandwidthThrottleEpoch = now;
      peer.incomingDataTotal = 0;
      peer.outgoingDataTotal = 0;
      needsAdjustment = true;
      peersRemaining--;
      bandwidth = (bandwidth - peerBandwidth) >>> 0;
      dataTotal = (dataTotal - peerBandwidth) >>> 0;
    }
  }

  if (peersRemaining > 0) {
    throttle = dataTotal <= bandwidth ? SCALE : mulDiv(bandwidth, SCALE, dataTotal);
    for (const peer of host.peers) {
      if (!isConnected(peer) || peer.outgoingBandwidthThrottleEpoch === now) continue;
      peer.packetThrottleLimit = throttle;
      if (peer.packetThrottle > peer.packetThrottleLimit) {
        peer.packetThrottle = peer.packetThrottleLimit;
      }
      peer.incomingDataTotal = 0;
      peer.outgoingDataTotal = 0;
    }
  }

  if (host.recalculateBandwidthLimits) {
    host.recalculateBandwidthLimits = false;
    peersRemaining = host.connectedPeers;
    bandwidth = host.incomingBandwidth;
    needsAdjustment = true;
    let bandwidthLimit = 0;
    if (bandwidth !== 0) {
      while (peersRemaining > 0 && needsAdjustment) {
        needsAdjustment = false;
        bandwidthLimit = Math.floor(bandwidth / peersRemaining);
        for (const peer of host.peers) {
          if (!isConnected(peer) || peer.incomingBandwidthThrottleEpoch === now) continue;
          if (peer.outgoingBandwidth > 0 && peer.outgoingBandwidth >= bandwidthLimit) continue;
          peer.incomingBandwidthThrottleEpoch = now;
          needsAdjustment = true;
          peersRemaining--;
          bandwidth = (bandwidth - peer.outgoingBandwidth) >>> 0;
        }
      }
    }
    for (const peer of host.peers) {
      if (!isConnected(peer)) continue;
      queueOutgoingCommand(
        peer,
        {
          command: ProtocolCommand.BANDWIDTH_LIMIT,
          flags: CommandFlag.ACKNOWLEDGE,
          channelID: CHANNEL_NONE,
          reliableSequenceNumber: 0,
          outgoingBandwidth: host.outgoingBandwidth,
          incomingBandwidth: peer.incomingBandwidthThrottleEpoch === now
            ? peer.outgoingBandwidth
            : bandwidthLimit,
        },
      );
    }
  }
}
