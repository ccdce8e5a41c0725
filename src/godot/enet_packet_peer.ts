/**
 * `ENetPacketPeer`: Godot's wrapper around one ENet peer of an `ENetConnection`.
 *
 * @module
 */

import type { Host } from "../core/host.ts";
import type { Peer } from "../core/peer.ts";
import type { Packet } from "../core/types.ts";
import { MAX_PACKET_SIZE, PacketFlags, PeerState, type PeerStatistic } from "./constants.ts";
import { ENetError } from "./errors.ts";
import { ENetPacketPeerConstants } from "./static_constants.ts";
import { peerStatisticKey } from "./statistics.ts";
import {
  checkData,
  checkFlags,
  checkInteger,
  checkPacket,
  checkUint32,
  type PacketData,
} from "./validate.ts";

/** The token `ENetConnection` passes to create peers; users get peers from it. */
export const PEER_TOKEN: unique symbol = Symbol("ENetPacketPeer");

/** Called after a peer method changed the host, so the driver flushes at the end of the turn. */
export type ChangeListener = () => void;

/** The connection's clock, in milliseconds: what the host's driver calls now. */
export type Clock = () => number;

/**
 * Called once when a peer becomes inactive (Godot's `disconnect_peer` socket hook: a
 * DTLS server forgets the session with that address).
 */
export type DetachListener = (address: string, port: number) => void;

/**
 * What `ENetPacketPeer.send()` and `putPacket()` return, as Godot's `Error` names:
 * `"OK"` when the packet was queued, `"FAILED"` when the peer is not connected
 * (connecting, or disconnecting: ENet's `enet_peer_send` refuses), `"ERR_UNCONFIGURED"`
 * when the peer is no longer active.
 */
export type SendResult = "OK" | "FAILED" | "ERR_UNCONFIGURED";

/** Queues a received packet on a peer (used by `ENetConnection.service`). */
export let queuePacket: (peer: ENetPacketPeer, packet: Packet) => void;
/** Detaches a peer from its core peer: it becomes inactive (used by `ENetConnection`). */
export let detachPeer: (peer: ENetPacketPeer) => void;
/** Notes a peer's connect event: its channel count is final (used by `ENetConnection`). */
export let noteConnected: (peer: ENetPacketPeer) => void;

/**
 * One peer of an `ENetConnection`: a remote host connected, connecting or
 * disconnecting. Get peers from `connectToHost()`, `service()`, the connection's event
 * iterator or `getPeers()`; they cannot be constructed directly.
 *
 * Once a peer disconnects (a DISCONNECT event, `peerDisconnectNow()`, `reset()` or the
 * connection's `destroy()`) it is inactive: `isActive()` is false, `getState()` is
 * `STATE_DISCONNECTED`, `send()` and `putPacket()` return `"ERR_UNCONFIGURED"`, and
 * the other methods that act on the connection throw `ENetError` `ERR_UNCONFIGURED`.
 * Unlike Godot, its remote address and port stay readable, and so do packets queued
 * before the disconnect.
 *
 * Sending never throws for the peer's state, so a tick loop over `getPeers()` survives
 * a peer that is connecting or disconnecting: `send()` returns `"FAILED"` for it, as
 * Godot's `send` does.
 *
 * @example Send to a peer and read its packets
 * ```ts
 * import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
 *
 * const server = new ENetConnection();
 * const client = new ENetConnection();
 * await server.createHostBound("127.0.0.1", 0);
 * await client.createHost();
 * try {
 *   const peer = await client.connectToHost("127.0.0.1", server.getLocalPort());
 *   let connected = false;
 *   while (!connected) {
 *     await server.service(20);
 *     connected = (await client.service(20))[0] === ENetConnection.EVENT_CONNECT;
 *   }
 *   peer.send(0, new TextEncoder().encode("hi"), ENetPacketPeer.FLAG_RELIABLE);
 *   for (;;) {
 *     const [type, from] = await server.service(20);
 *     if (type !== ENetConnection.EVENT_RECEIVE) continue;
 *     console.assert(new TextDecoder().decode(from.getPacket()) === "hi"); // `from` is not null
 *     break;
 *   }
 * } finally {
 *   await client.destroy();
 *   await server.destroy();
 * }
 * ```
 */
export class ENetPacketPeer extends ENetPacketPeerConstants {
  static {
    queuePacket = (peer, packet) => peer.#queue.push(packet);
    detachPeer = (peer) => {
      const core = peer.#peer;
      if (core === null) return;
      if (core.userData === peer) core.userData = null;
      peer.#peer = null;
      peer.#detached?.(peer.#address, peer.#port);
    };
    noteConnected = (peer) => {
      if (peer.#peer !== null) peer.#active("note connect");
    };
  }

  #peer: Peer | null;
  /** The connection's id: a slot the core freed and reused carries another. */
  #connectID: number;
  #changed: ChangeListener;
  #detached: DetachListener | undefined;
  #clock: Clock | undefined;
  #queue: Packet[] = [];
  /** The channel count negotiated, kept when ENet frees the channels on disconnect. */
  #channels: number;
  /** The host, kept for the packet size limit once the peer is inactive. */
  #host: Host;
  #address: string;
  #port: number;

  /**
   * Not for users: peers come from `ENetConnection`.
   *
   * @internal
   * @param token `ENetConnection`'s private token.
   * @param peer The core peer.
   * @param changed Called after each change to the host.
   * @param detached Called once when the peer becomes inactive.
   * @param clock The connection's clock, for the flush of a disconnect.
   */
  constructor(
    token: typeof PEER_TOKEN,
    peer: Peer,
    changed: ChangeListener,
    detached?: DetachListener,
    clock?: Clock,
  ) {
    super();
    if (token !== PEER_TOKEN) {
      throw new TypeError(
        "Cannot construct ENetPacketPeer: get peers from ENetConnection (connectToHost, service)",
      );
    }
    this.#peer = peer;
    this.#connectID = peer.connectID;
    this.#changed = changed;
    this.#detached = detached;
    this.#clock = clock;
    this.#address = peer.address?.address ?? "";
    this.#port = peer.address?.port ?? 0;
    this.#channels = peer.channelCount;
    this.#host = peer.host;
    peer.userData = this;
  }

  /**
   * The number of channels negotiated with this peer. It stays the same while the peer
   * disconnects, until the peer becomes inactive (ENet frees a disconnecting peer's
   * channels at once, and Godot then returns 0).
   *
   * @returns 1 to 255.
   */
  getChannels(): number {
    this.#active("get channels");
    return this.#channels;
  }

  /**
   * The flags of the next packet in the received queue, as they arrived:
   * `FLAG_RELIABLE` for reliable packets, `FLAG_UNSEQUENCED` for unsequenced ones.
   *
   * @returns The flags.
   * @throws {ENetError} `ERR_UNAVAILABLE` when no packet is queued.
   */
  getPacketFlags(): number {
    const packet = this.#queue[0];
    if (packet === undefined) {
      throw new ENetError("ERR_UNAVAILABLE", "Cannot get packet flags: no packet is queued");
    }
    return packet.flags;
  }

  /**
   * The peer's numeric IP address: IPv4 (and IPv4-mapped IPv6) as dotted quads, as in
   * Godot; IPv6 in the runtime's compressed form (`"::1"`), where Godot's `IPAddress`
   * writes all eight groups (`"0:0:0:0:0:0:0:1"`). Still readable once the peer is
   * inactive (Godot returns an empty address then).
   *
   * @returns The address.
   */
  getRemoteAddress(): string {
    return this.#address;
  }

  /**
   * The peer's UDP port. Still readable once the peer is inactive (Godot returns 0).
   *
   * @returns The port.
   */
  getRemotePort(): number {
    return this.#port;
  }

  /**
   * The peer's state.
   *
   * @returns A `PeerState` value; `STATE_DISCONNECTED` once inactive.
   */
  getState(): PeerState {
    const peer = this.#current();
    return peer === null ? PeerState.STATE_DISCONNECTED : peer.state as PeerState;
  }

  /**
   * One of the peer's statistics, with ENet's scales.
   *
   * @param statistic A `PeerStatistic` value.
   * @returns Its current value.
   */
  getStatistic(statistic: PeerStatistic): number {
    const key = peerStatisticKey(statistic);
    return this.#active("get statistic")[key];
  }

  /**
   * Tells whether the peer still belongs to a live connection.
   *
   * @returns `false` once the peer disconnected, was reset, or its host destroyed.
   */
  isActive(): boolean {
    return this.#current() !== null;
  }

  /**
   * Asks the peer to disconnect; a DISCONNECT event follows once it acknowledges
   * (or times out).
   *
   * @param data 32-bit data delivered with the remote DISCONNECT event.
   */
  peerDisconnect(data = 0): void {
    const value = checkData("disconnect peer", data);
    this.#active("disconnect peer").disconnect(value, this.#clock?.());
    this.#changed();
  }

  /**
   * Disconnects once every queued outgoing packet is sent; a DISCONNECT event follows.
   *
   * @param data 32-bit data delivered with the remote DISCONNECT event.
   */
  peerDisconnectLater(data = 0): void {
    const value = checkData("disconnect peer later", data);
    this.#active("disconnect peer later").disconnectLater(value, this.#clock?.());
    this.#changed();
  }

  /**
   * Disconnects at once: sends one unacknowledged disconnect and forgets the peer. No
   * DISCONNECT event is generated here; the peer becomes inactive now.
   *
   * @param data 32-bit data delivered with the remote DISCONNECT event.
   */
  peerDisconnectNow(data = 0): void {
    const value = checkData("disconnect peer now", data);
    this.#active("disconnect peer now").disconnectNow(value, this.#clock?.());
    detachPeer(this);
    this.#changed();
  }

  /** Sends a ping now (ENet also pings on its own every ping interval). */
  ping(): void {
    this.#active("ping").ping();
    this.#changed();
  }

  /**
   * Sets how often the peer is pinged when otherwise idle.
   *
   * @param pingInterval Milliseconds; 0 restores ENet's default of 500.
   */
  pingInterval(pingInterval: number): void {
    const ms = checkUint32("set ping interval", "pingInterval", pingInterval);
    this.#active("set ping interval").setPingInterval(ms);
    this.#changed();
  }

  /**
   * Forgets the peer without telling it (it will time out). No DISCONNECT event; the
   * peer becomes inactive now.
   */
  reset(): void {
    this.#active("reset peer").reset();
    detachPeer(this);
    this.#changed();
  }

  /**
   * Queues a packet to the peer on a channel; it leaves at the end of this turn. As in
   * Godot, a peer that is not connected is reported by the result, not thrown, so a
   * loop over `getPeers()` carries on past a peer that is connecting or disconnecting.
   *
   * @param channel The channel, from 0 to `getChannels() - 1`.
   * @param packet The payload: any `ArrayBufferView` (its bytes) or `ArrayBuffer`
   *   (copied).
   * @param flags `FLAG_RELIABLE`, `FLAG_UNSEQUENCED`, `FLAG_UNRELIABLE_FRAGMENT` or a
   *   combination; 0 sends unreliable and sequenced.
   * @returns `"OK"` once queued; `"FAILED"` if the peer is not connected (connecting,
   *   or disconnecting: ENet only sends to connected peers); `"ERR_UNCONFIGURED"` if it
   *   is inactive.
   * @throws {RangeError} For a channel outside the negotiated count, unknown flags or a
   *   packet over the size limit.
   * @throws {TypeError} For arguments of the wrong type.
   */
  send(channel: number, packet: PacketData, flags: number): SendResult {
    checkInteger("send packet", "channel", channel, 0, this.#channelLimit() - 1);
    const data = checkPacket("send packet", packet, this.#host.maximumPacketSize);
    checkFlags("send packet", flags);
    return this.#sendChecked(channel, data, flags);
  }

  /**
   * Takes the next received packet from the queue.
   *
   * @returns Its payload.
   * @throws {ENetError} `ERR_UNAVAILABLE` when no packet is queued.
   */
  getPacket(): Uint8Array {
    const packet = this.#queue.shift();
    if (packet === undefined) {
      throw new ENetError("ERR_UNAVAILABLE", "Cannot get packet: no packet is queued");
    }
    return packet.data;
  }

  /**
   * Sends a packet reliably on channel 0 (Godot's `PacketPeer.put_packet`).
   *
   * @param buffer The payload: any `ArrayBufferView` or `ArrayBuffer` (copied).
   * @returns As {@linkcode ENetPacketPeer.send}.
   */
  putPacket(buffer: PacketData): SendResult {
    const data = checkPacket("put packet", buffer, this.#host.maximumPacketSize);
    return this.#sendChecked(0, data, PacketFlags.FLAG_RELIABLE);
  }

  /**
   * The number of received packets queued on this peer.
   *
   * @returns The count.
   */
  getAvailablePacketCount(): number {
    return this.#queue.length;
  }

  /**
   * The largest packet Godot's `PacketPeer` advertises for ENet.
   *
   * @returns 16 MiB (`1 << 24`).
   */
  getMaxPacketSize(): number {
    return MAX_PACKET_SIZE;
  }

  /**
   * Sets the peer's timeouts. An unacknowledged reliable packet is resent with a
   * doubling delay; the peer is dropped once the doublings reach `timeout` and
   * `timeoutMin` ms passed, or after `timeoutMax` ms in any case.
   *
   * @param timeout The limit on doublings (ENet's `timeoutLimit`); 0 for ENet's 32.
   * @param timeoutMin Milliseconds, at least `timeout`; 0 for ENet's 5000.
   * @param timeoutMax Milliseconds, at least `timeoutMin`; 0 for ENet's 30000.
   * @throws {RangeError} Unless `timeout <= timeoutMin <= timeoutMax` (Godot's rule).
   */
  setTimeout(timeout: number, timeoutMin: number, timeoutMax: number): void {
    checkUint32("set timeout", "timeout", timeout);
    checkUint32("set timeout", "timeoutMin", timeoutMin);
    checkUint32("set timeout", "timeoutMax", timeoutMax);
    if (timeout > timeoutMin || timeoutMin > timeoutMax) {
      throw new RangeError(
        `Cannot set timeout: need timeout <= timeoutMin <= timeoutMax, got ` +
          `${timeout}, ${timeoutMin}, ${timeoutMax}`,
      );
    }
    this.#active("set timeout").setTimeout(timeout, timeoutMin, timeoutMax);
    this.#changed();
  }

  /**
   * Configures the throttle that drops unreliable packets as round trip times grow.
   *
   * @param interval Milliseconds over which round trip times are measured (ENet: 5000).
   * @param acceleration Throttle increase per interval, out of `PACKET_THROTTLE_SCALE`.
   * @param deceleration Throttle decrease per interval, out of `PACKET_THROTTLE_SCALE`.
   */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): void {
    checkUint32("configure throttle", "interval", interval);
    checkUint32("configure throttle", "acceleration", acceleration);
    checkUint32("configure throttle", "deceleration", deceleration);
    this.#active("configure throttle").throttleConfigure(interval, acceleration, deceleration);
    this.#changed();
  }

  #sendChecked(channel: number, data: Uint8Array, flags: number): SendResult {
    const peer = this.#current();
    if (peer === null) return "ERR_UNCONFIGURED";
    if (peer.state !== PeerState.STATE_CONNECTED) return "FAILED";
    peer.send(channel, { data, flags });
    this.#changed();
    return "OK";
  }

  /** The negotiated channel count, refreshed while the core peer still has channels. */
  #channelLimit(): number {
    const peer = this.#current();
    if (peer !== null && peer.channelCount !== 0) this.#channels = peer.channelCount;
    return this.#channels;
  }

  #active(action: string): Peer {
    const peer = this.#current();
    if (peer === null) {
      throw new ENetError("ERR_UNCONFIGURED", `Cannot ${action}: the peer is not active`);
    }
    if (peer.channelCount !== 0) this.#channels = peer.channelCount;
    return peer;
  }

  /**
   * The core peer while it still carries this connection. A timeout or an acknowledged
   * disconnect frees the slot before its event is handed out, and a new connection may
   * take it: this peer must not act on that one.
   */
  #current(): Peer | null {
    const peer = this.#peer;
    return peer !== null && peer.connectID === this.#connectID ? peer : null;
  }
}
