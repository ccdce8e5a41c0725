/**
 * State changes that produce events, and handing events out
 * (`enet_protocol_change_state`, `enet_protocol_dispatch_state`,
 * `enet_protocol_notify_connect` / `_disconnect`,
 * `enet_protocol_dispatch_incoming_commands`).
 *
 * A completed handshake takes the peer straight to CONNECTED with its "connect" event
 * queued, as `enet_host_service` does when it has an event to fill, so packets arriving
 * in the same datagram are accepted. Other events go through the host's dispatch queue
 * as in C ENet: a peer the remote side disconnected waits in ZOMBIE (keeping its slot)
 * until its "disconnect" event is polled, and packets wait in the peer's dispatched
 * queue. A timeout or an acknowledged disconnect frees the slot at once and queues its
 * event directly, as a completed handshake does: the event's `peer` is then the slot,
 * which a later event of the same batch may show reused by a new connection.
 *
 * @module
 */

import { PeerFlag } from "./constants.ts";
import type { IncomingCommand } from "./commands.ts";
import { takeDispatched } from "./incoming.ts";
import type { Host } from "./host.ts";
import type { Peer } from "./peer.ts";
import { resetPeer } from "./connection.ts";
import { type DisconnectReason, type HostEvent, PeerState, type PeerStateValue } from "./types.ts";

/**
 * Adds the peer to its host's dispatch queue unless already there.
 *
 * @param peer The peer.
 */
export function markNeedsDispatch(peer: Peer): void {
  if (peer.flags & PeerFlag.NEEDS_DISPATCH) return;
  peer.host.dispatchQueue.push(peer);
  peer.flags |= PeerFlag.NEEDS_DISPATCH;
}

/**
 * Counts the peer as connected on its host (`enet_peer_on_connect`).
 *
 * @param peer The peer.
 */
export function onConnect(peer: Peer): void {
  if (peer.state !== PeerState.CONNECTED && peer.state !== PeerState.DISCONNECT_LATER) {
    if (peer.incomingBandwidth !== 0) peer.host.bandwidthLimitedPeers++;
    peer.host.connectedPeers++;
  }
}

/**
 * Stops counting the peer as connected (`enet_peer_on_disconnect`).
 *
 * @param peer The peer.
 */
export function onDisconnect(peer: Peer): void {
  if (peer.state === PeerState.CONNECTED || peer.state === PeerState.DISCONNECT_LATER) {
    if (peer.incomingBandwidth !== 0) peer.host.bandwidthLimitedPeers--;
    peer.host.connectedPeers--;
  }
}

/**
 * Changes state, keeping the host's connected-peer counts right.
 *
 * @param peer The peer.
 * @param state The new state.
 */
export function changeState(peer: Peer, state: PeerStateValue): void {
  if (state === PeerState.CONNECTED || state === PeerState.DISCONNECT_LATER) onConnect(peer);
  else onDisconnect(peer);
  peer.state = state;
}

/**
 * Changes state and queues the peer for dispatch.
 *
 * @param peer The peer.
 * @param state The new state.
 */
export function dispatchState(peer: Peer, state: PeerStateValue): void {
  changeState(peer, state);
  markNeedsDispatch(peer);
}

/**
 * Moves the peer to ZOMBIE: a "disconnect" event with `reason` is due.
 *
 * @param peer The peer.
 * @param reason Reported in the event.
 */
export function dispatchZombie(peer: Peer, reason: DisconnectReason): void {
  peer.disconnectReason = reason;
  dispatchState(peer, PeerState.ZOMBIE);
}

/**
 * Queues the peer's dispatched packets as "receive" events, in order, ahead of the
 * "disconnect" event its connection's end is about to produce. C ENet's
 * `enet_host_service` hands out every dispatched packet before it reads the socket or
 * checks timeouts again, so a packet complete before the end always reaches the
 * application there; a driver that reads while events wait must not lose it either.
 *
 * @param peer The peer whose connection is ending.
 */
export function releaseDispatched(peer: Peer): void {
  const events = peer.host.pendingEvents;
  for (let taken = takeDispatched(peer); taken !== undefined; taken = takeDispatched(peer)) {
    events.push(receiveEvent(peer, taken));
  }
}

/** The "receive" event of a dispatched command. */
function receiveEvent(peer: Peer, incoming: IncomingCommand): HostEvent {
  return { type: "receive", peer, channelID: incoming.channelID, packet: incoming.packet! };
}

/**
 * The handshake completed: the peer is CONNECTED and its "connect" event queued.
 *
 * @param peer The peer.
 */
export function notifyConnect(peer: Peer): void {
  const host = peer.host;
  host.recalculateBandwidthLimits = true;
  changeState(peer, PeerState.CONNECTED);
  host.pendingEvents.push({ type: "connect", peer, data: peer.data });
}

/**
 * The connection timed out or our disconnect was acknowledged: queue a "disconnect"
 * event (data 0) and free the slot at once, as `enet_protocol_notify_disconnect` does
 * when `enet_host_service` has an event to fill, so a CONNECT in the same batch can take
 * it. A connection the application never saw is reset silently.
 *
 * @param peer The peer.
 * @param reason Reported in the event.
 */
export function notifyDisconnect(peer: Peer, reason: DisconnectReason): void {
  const host = peer.host;
  if (peer.state >= PeerState.CONNECTION_PENDING) host.recalculateBandwidthLimits = true;
  const seen = peer.state === PeerState.CONNECTING ||
    peer.state >= PeerState.CONNECTION_SUCCEEDED;
  if (seen) releaseDispatched(peer);
  resetPeer(peer);
  if (seen) host.pendingEvents.push({ type: "disconnect", peer, data: 0, reason });
}

/**
 * Withdraws the pending "connect" event of the peer's current connection, for a peer
 * the application resets before it polled that event (C ENet would have handed it out
 * already). Events of an earlier connection in the same slot stay.
 *
 * @param peer The peer being reset.
 */
export function withdrawConnectEvent(peer: Peer): void {
  const events = peer.host.pendingEvents;
  for (let i = events.length - 1; i >= peer.host.pendingEventsHead; i--) {
    const event = events[i];
    if (event.peer !== peer) continue;
    if (event.type === "connect") events.splice(i, 1);
    break;
  }
}

/**
 * Produces the next event: connect events first, then the host's dispatch queue.
 *
 * @param host The host.
 * @returns The event, or `undefined` when none is due.
 */
export function dispatchNextEvent(host: Host): HostEvent | undefined {
  if (host.pendingEventsHead < host.pendingEvents.length) {
    const event = host.pendingEvents[host.pendingEventsHead++];
    if (host.pendingEventsHead === host.pendingEvents.length) {
      host.pendingEvents.length = 0;
      host.pendingEventsHead = 0;
    }
    return event;
  }
  const queue = host.dispatchQueue;
  while (queue.length > 0) {
    const peer = queue.shift()!;
    peer.flags &= ~PeerFlag.NEEDS_DISPATCH;
    switch (peer.state) {
      case PeerState.ZOMBIE: {
        peer.host.recalculateBandwidthLimits = true;
        const event: HostEvent = {
          type: "disconnect",
          peer,
          data: peer.data,
          reason: peer.disconnectReason,
        };
        resetPeer(peer);
        return event;
      }
      case PeerState.CONNECTED: {
        const received = takeDispatched(peer);
        if (received === undefined) continue;
        if (!peer.dispatchedCommands.isEmpty()) markNeedsDispatch(peer);
        return receiveEvent(peer, received);
      }
      default:
        break;
    }
  }
  return undefined;
}
