/**
 * Handlers for the connection-level commands: DISCONNECT, PING, BANDWIDTH_LIMIT and
 * THROTTLE_CONFIGURE. Each returns false when the command does not fit the peer's state,
 * which ends the datagram as in C ENet.
 *
 * @module
 */

import type {
  BandwidthLimitCommand,
  DisconnectCommand,
  ThrottleConfigureCommand,
} from "../protocol/command.ts";
import { CommandFlag } from "../protocol/constants.ts";
import { resetPeer, resetQueues } from "./connection.ts";
import { changeState, dispatchZombie, releaseDispatched } from "./dispatch.ts";
import { connectionWindowSize } from "./handshake.ts";
import type { Peer } from "./peer.ts";
import { PeerState } from "./types.ts";

function isConnected(peer: Peer): boolean {
  return peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER;
}

/**
 * DISCONNECT from the remote side.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns Always true.
 */
export function handleDisconnect(peer: Peer, command: DisconnectCommand): boolean {
  const state = peer.state;
  if (
    state === PeerState.DISCONNECTED || state === PeerState.ZOMBIE ||
    state === PeerState.ACKNOWLEDGING_DISCONNECT
  ) {
    return true;
  }
  releaseDispatched(peer);
  resetQueues(peer);
  if (
    state === PeerState.CONNECTION_SUCCEEDED || state === PeerState.DISCONNECTING ||
    state === PeerState.CONNECTING
  ) {
    dispatchZombie(peer, "remote");
  } else if (!isConnected(peer)) {
    if (state === PeerState.CONNECTION_PENDING) peer.host.recalculateBandwidthLimits = true;
    resetPeer(peer);
  } else if (command.flags & CommandFlag.ACKNOWLEDGE) {
    changeState(peer, PeerState.ACKNOWLEDGING_DISCONNECT);
  } else {
    dispatchZombie(peer, "remote");
  }
  if (peer.state !== PeerState.DISCONNECTED) peer.data = command.data;
  return true;
}

/**
 * PING: nothing to do beyond the acknowledgement.
 *
 * @param peer The peer.
 * @returns False unless connected.
 */
export function handlePing(peer: Peer): boolean {
  return isConnected(peer);
}

/**
 * BANDWIDTH_LIMIT: the remote side's new bandwidth, and our window size from it.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False unless connected.
 */
export function handleBandwidthLimit(peer: Peer, command: BandwidthLimitCommand): boolean {
  if (!isConnected(peer)) return false;
  const host = peer.host;
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers--;
  peer.incomingBandwidth = command.incomingBandwidth;
  peer.outgoingBandwidth = command.outgoingBandwidth;
  if (peer.incomingBandwidth !== 0) host.bandwidthLimitedPeers++;
  peer.windowSize = connectionWindowSize(host.outgoingBandwidth, peer.incomingBandwidth);
  return true;
}

/**
 * THROTTLE_CONFIGURE: the throttle parameters the remote side wants us to use.
 *
 * @param peer The peer.
 * @param command The command.
 * @returns False unless connected.
 */
export function handleThrottleConfigure(peer: Peer, command: ThrottleConfigureCommand): boolean {
  if (!isConnected(peer)) return false;
  peer.packetThrottleInterval = command.packetThrottleInterval;
  peer.packetThrottleAcceleration = command.packetThrottleAcceleration;
  peer.packetThrottleDeceleration = command.packetThrottleDeceleration;
  return true;
}
