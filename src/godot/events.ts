/**
 * The event shapes of `ENetConnection`: the array `service()` returns, and the objects
 * its async iterator yields.
 *
 * @module
 */

import type { DtlsError } from "../dtls/errors.ts";
import { EventType } from "./constants.ts";
import {
  type ChangeListener,
  type Clock,
  type DetachListener,
  detachPeer,
  ENetPacketPeer,
  noteConnected,
  PEER_TOKEN,
} from "./enet_packet_peer.ts";
import type { ConnectionEvent } from "./event_host.ts";

/**
 * What `ENetConnection.service()` resolves to, as Godot's 4-element array:
 * `[type, peer, data, channel]`. `peer` is `null` for `EVENT_NONE` and `EVENT_ERROR`;
 * `data` is the 32-bit connect or disconnect data; `channel` the receive channel.
 *
 * A union of tuples told apart by `type`: once `type` is checked, `peer` has its type
 * (`const [type, peer] = await connection.service(); if (type === EVENT_RECEIVE)
 * peer.getPacket();` needs no `!`).
 */
export type ServiceResult =
  | [type: typeof EventType.EVENT_NONE, peer: null, data: 0, channel: 0]
  | [type: typeof EventType.EVENT_ERROR, peer: null, data: 0, channel: 0]
  | [type: typeof EventType.EVENT_CONNECT, peer: ENetPacketPeer, data: number, channel: 0]
  | [type: typeof EventType.EVENT_DISCONNECT, peer: ENetPacketPeer, data: number, channel: 0]
  | [type: typeof EventType.EVENT_RECEIVE, peer: ENetPacketPeer, data: 0, channel: number];

/** Options of `ENetConnection.service()` and `ENetConnection.events()`. */
export interface ServiceOptions {
  /**
   * Ends the wait when aborted: a pending `service()` resolves
   * `[EVENT_NONE, null, 0, 0]` (as when its time is up) and an iterator ends. No event
   * is lost: one that was not handed out stays queued for the next call. An already
   * aborted signal takes no event.
   */
  readonly signal?: AbortSignal;
}

/** A peer connected (`EVENT_CONNECT`). */
export interface ENetConnectEvent {
  /** `EventType.EVENT_CONNECT`. */
  readonly type: 1;
  /** The peer. */
  readonly peer: ENetPacketPeer;
  /** The 32-bit data the remote side connected with (0 on the connecting side). */
  readonly data: number;
  /** Always 0. */
  readonly channel: 0;
}

/** A peer disconnected, timed out, or never connected (`EVENT_DISCONNECT`). */
export interface ENetDisconnectEvent {
  /** `EventType.EVENT_DISCONNECT`. */
  readonly type: 2;
  /** The peer, inactive from now on. */
  readonly peer: ENetPacketPeer;
  /** The 32-bit data the remote side disconnected with (0 on a timeout). */
  readonly data: number;
  /** Always 0. */
  readonly channel: 0;
  /**
   * Present when the connection's DTLS session failed (untrusted certificate, name
   * mismatch, handshake time-out, alert): why. `ENetConnection.getDtlsError()` returns
   * it too, for `service()` users.
   */
  readonly error?: DtlsError;
}

/**
 * A packet arrived (`EVENT_RECEIVE`). The iterator hands the packet over in the event
 * and does not queue it on the peer (`service()` queues it, as Godot does).
 */
export interface ENetReceiveEvent {
  /** `EventType.EVENT_RECEIVE`. */
  readonly type: 3;
  /** The sending peer. */
  readonly peer: ENetPacketPeer;
  /** Always 0. */
  readonly data: 0;
  /** The channel it arrived on. */
  readonly channel: number;
  /** The payload. */
  readonly packet: Uint8Array;
  /** Its flags as received (`FLAG_RELIABLE`, `FLAG_UNSEQUENCED`, ...). */
  readonly flags: number;
}

/** An event yielded by `for await (const event of connection)`. */
export type ENetEvent = ENetConnectEvent | ENetDisconnectEvent | ENetReceiveEvent;

/**
 * Turns a core event into a Godot event, as Godot's `_parse_event`: a CONNECT wraps a new
 * incoming peer and adds it to `peers`; a DISCONNECT makes the peer inactive and removes
 * it; a DISCONNECT or RECEIVE for a peer with no wrapper is an error (`null`). A local
 * DTLS failure becomes a DISCONNECT carrying the error.
 *
 * @param event The core event, or a local one.
 * @param peers The connection's peer list, updated in place.
 * @param changed The change listener new peers get.
 * @param detached The detach listener new peers get.
 * @param clock The clock new peers get.
 * @returns The Godot event, or `null` for `EVENT_ERROR`.
 *
 * @example An event for an unknown peer is an error
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../core/host.ts";
 * import { adoptEvent } from "./events.ts";
 *
 * const peer = new Host().peers[0];
 * assert.equal(adoptEvent({ type: "disconnect", peer, data: 0, reason: "remote" }, [], () => {}), null);
 * ```
 */
export function adoptEvent(
  event: ConnectionEvent,
  peers: ENetPacketPeer[],
  changed: ChangeListener,
  detached?: DetachListener,
  clock?: Clock,
): ENetEvent | null {
  if (event.type === "dtls-failure") {
    const { peer, error } = event;
    forget(peer, peers);
    return { type: EventType.EVENT_DISCONNECT, peer, data: 0, channel: 0, error };
  }
  const existing = event.peer.userData;
  const wrapper = existing instanceof ENetPacketPeer ? existing : null;
  switch (event.type) {
    case "connect": {
      let peer = wrapper;
      if (peer === null) {
        peer = new ENetPacketPeer(PEER_TOKEN, event.peer, changed, detached, clock);
        peers.push(peer);
      } else {
        noteConnected(peer);
      }
      return { type: EventType.EVENT_CONNECT, peer, data: event.data, channel: 0 };
    }
    case "disconnect": {
      if (wrapper === null) return null;
      forget(wrapper, peers);
      return { type: EventType.EVENT_DISCONNECT, peer: wrapper, data: event.data, channel: 0 };
    }
    case "receive": {
      if (wrapper === null) return null;
      const { data: packet, flags } = event.packet;
      const channel = event.channelID;
      return { type: EventType.EVENT_RECEIVE, peer: wrapper, data: 0, channel, packet, flags };
    }
  }
}

/** A peer disconnected: it becomes inactive and leaves the connection's list. */
function forget(peer: ENetPacketPeer, peers: ENetPacketPeer[]): void {
  detachPeer(peer);
  const index = peers.indexOf(peer);
  if (index >= 0) peers.splice(index, 1);
}
