/**
 * `ENetConnection`: Godot's wrapper around an ENet host, over a real UDP socket or any
 * datagram transport.
 *
 * @module
 */

import type { DtlsError } from "../dtls/errors.ts";
import type { DtlsStats } from "../dtls/stats.ts";
import { loadCodec } from "./codecs.ts";
import type { CompressionMode, HostStatistic } from "./constants.ts";
import {
  checkClientArguments,
  checkServerOptions,
  type DtlsClientSetupOptions,
} from "./dtls_setup.ts";
import type { ENetPacketPeer } from "./enet_packet_peer.ts";
import { dropStatisticsOf, type ENetDropStatistics } from "./drop_statistics.ts";
import { ENetError } from "./errors.ts";
import type { ENetEvent, ServiceOptions, ServiceResult } from "./events.ts";
import {
  bindUdp,
  checkBind,
  createCoreHost,
  type ENetHostOptions,
  type HostArguments,
} from "./host_setup.ts";
import { HostSession } from "./host_session.ts";
import { ENetConnectionConstants } from "./static_constants.ts";
import { popHostStatistic } from "./statistics.ts";
import type { TLSOptions } from "./tls_options.ts";
import {
  checkChannelCount,
  checkInteger,
  checkSignal,
  checkTimeout,
  type PacketData,
} from "./validate.ts";

/**
 * Godot's `ENetConnection`: an ENet host that connects to and accepts peers. Methods
 * keep Godot's names in camelCase; what waits returns a Promise (`createHost`,
 * `createHostBound`, `connectToHost`, `service`, `compress`, `socketSend`, `destroy`).
 *
 * A driver services the host in the background (acknowledgements, retransmissions and
 * timeouts happen without calling `service()`); `service()` and the async iterator
 * only hand out events. Packets sent in one turn of the event loop leave together at
 * its end; `flush()` sends at once.
 *
 * ENet over DTLS (Godot's extension, `dtlsServerSetup` / `dtlsClientSetup`) loads the
 * DTLS library on the first setup. A pending `service()` resolves `EVENT_NONE` while
 * the host switches over to DTLS; iterators continue.
 *
 * A host keeps its socket open, and with it the process alive, until `destroy()`:
 * destroy every host you create, or declare the connection with `await using` (it is
 * `AsyncDisposable`) so the host is destroyed when the scope ends.
 *
 * @example Connect a client to a server on loopback
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
 *   console.assert(peer.getState() === ENetPacketPeer.STATE_CONNECTED);
 * } finally {
 *   await client.destroy();
 *   await server.destroy();
 * }
 * ```
 */
export class ENetConnection extends ENetConnectionConstants {
  #session: HostSession | null = null;
  /** A `createHost` binding its socket: `destroy()` aborts it. */
  #creating: AbortController | null = null;
  #dtlsError: DtlsError | null = null;
  #compressTicket = 0;

  /**
   * Creates a host on a random port of every interface (dual-stack where possible).
   * Await it before using the connection; the host's socket keeps the process alive
   * until `destroy()` (or the end of an `await using` scope).
   *
   * @param maxPeers Peer slots, 1 to 4095.
   * @param maxChannels Channels per peer, 0 (meaning 255) to 255.
   * @param inBandwidth Incoming bytes per second, 0 for unlimited.
   * @param outBandwidth Outgoing bytes per second, 0 for unlimited.
   * @param options Extensions: C ENet checksums, a transport instead of a UDP socket.
   * @throws {ENetError} `ERR_ALREADY_IN_USE` if a host exists, `ERR_CANT_CREATE` if the
   *   socket cannot be bound.
   */
  createHost(
    maxPeers = 32,
    maxChannels = 0,
    inBandwidth = 0,
    outBandwidth = 0,
    options: ENetHostOptions = {},
  ): Promise<void> {
    return this.#create(null, [maxPeers, maxChannels, inBandwidth, outBandwidth], options);
  }

  /**
   * Creates a host bound to an address and port. The other arguments are those of
   * {@linkcode ENetConnection.createHost} (`options` takes no transport here).
   *
   * @param bindAddress A numeric IP address, or `"*"` for every interface.
   * @param bindPort 0 to 65535; 0 picks a free port.
   * @throws {ENetError} `ERR_ALREADY_IN_USE` if a host exists, `ERR_CANT_CREATE` if the
   *   socket cannot be bound (port taken, address not local).
   */
  async createHostBound(
    bindAddress: string,
    bindPort: number,
    maxPeers = 32,
    maxChannels = 0,
    inBandwidth = 0,
    outBandwidth = 0,
    options: ENetHostOptions = {},
  ): Promise<void> {
    const bind = checkBind(bindAddress, bindPort, options);
    await this.#create(bind, [maxPeers, maxChannels, inBandwidth, outBandwidth], options);
  }

  /**
   * Destroys the host: every peer becomes inactive (nobody is told; remote peers time
   * out), pending `service()` calls resolve `EVENT_NONE`, iterators end, and the socket
   * closes. Does nothing without a host.
   *
   * @returns Resolves once the port is free again.
   */
  destroy(): Promise<void> {
    const session = this.#session;
    this.#session = null;
    this.#creating?.abort();
    this.#creating = null;
    return session === null ? Promise.resolve() : session.close();
  }

  /**
   * `await using connection = new ENetConnection()` destroys the host when the scope
   * ends, as {@linkcode ENetConnection.destroy}.
   *
   * @returns Resolves once the port is free again.
   */
  [Symbol.asyncDispose](): Promise<void> {
    return this.destroy();
  }

  /**
   * Starts connecting to a remote host. Numeric addresses connect at once (the peer is
   * in `getPeers()` when this returns); host names are looked up first.
   *
   * @param address A numeric IPv4 or IPv6 address, or a host name.
   * @param port The remote port, 1 to 65535.
   * @param channels Channels to allocate, 0 (meaning 255) to 255.
   * @param data 32-bit data delivered with the remote CONNECT event.
   * @returns The peer, in `STATE_CONNECTING`; an `EVENT_CONNECT` or `EVENT_DISCONNECT`
   *   for it follows.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host; `ERR_ALREADY_IN_USE` if the
   *   host already has peers (Godot's rule); `ERR_CANT_RESOLVE`; `ERR_CANT_CONNECT` when
   *   no peer slot is free.
   */
  async connectToHost(
    address: string,
    port: number,
    channels = 0,
    data = 0,
  ): Promise<ENetPacketPeer> {
    return await this.#require("connect to host").connect(address, port, channels, data);
  }

  /**
   * Waits up to `timeout` ms for the next event. `EVENT_RECEIVE` queues the packet on
   * the peer (read it with `getPacket()`); peers forced off with `peerDisconnectNow()`
   * or `reset()` produce no `EVENT_DISCONNECT`.
   *
   * @param timeout Milliseconds to wait; 0 checks without waiting (it still lets
   *   pending I/O in, so a `service(0)` loop cannot starve the socket).
   * @param options `signal`: aborting it ends the wait with `[EVENT_NONE, null, 0, 0]`.
   * @returns `[type, peer, data, channel]`; `[EVENT_NONE, null, 0, 0]` when the time is
   *   up or the signal aborted; `EVENT_ERROR` if the socket failed. Checking `type`
   *   narrows `peer` to non-null for connect, disconnect and receive events.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host.
   */
  service(timeout = 0, options?: ServiceOptions): Promise<ServiceResult> {
    try {
      const session = this.#require("service");
      checkTimeout("service", timeout);
      return session.service(timeout, checkSignal("service", options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The next event that is ready now, without waiting or yielding to the event loop, as
   * C ENet's `enet_host_check_events` (Godot has no counterpart). It shares one queue
   * with `service()` and the iterator. Drain every ready event after a `service()` with
   * it: `for (let e = connection.checkEvents(); e[0] !== ENetConnection.EVENT_NONE; e =
   * connection.checkEvents())`. `EVENT_RECEIVE` queues the packet on the peer, as
   * `service()` does.
   *
   * @returns `[type, peer, data, channel]` as `service()` returns it;
   *   `[EVENT_NONE, null, 0, 0]` when no event is ready; `EVENT_ERROR` if the socket
   *   failed.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host.
   *
   * @example Service once, then drain what else is ready
   * ```ts
   * import { ENetConnection } from "../../mod.ts";
   *
   * const server = new ENetConnection();
   * await server.createHostBound("127.0.0.1", 0);
   * for (
   *   let event = await server.service(10);
   *   event[0] !== ENetConnection.EVENT_NONE;
   *   event = server.checkEvents()
   * ) {
   *   console.log("event", event[0]);
   * }
   * await server.destroy();
   * ```
   */
  checkEvents(): ServiceResult {
    return this.#require("check events").checkEvents();
  }

  /**
   * The connection's events as an async iterator, ending when the host is destroyed.
   * Receive events carry their packet (it is not queued on the peer). It shares one
   * queue with `service()`: each event goes to exactly one of them.
   *
   * @param options `signal`: aborting it ends the iterator (a pending `next()` resolves
   *   done; no event is lost).
   * @returns The iterator.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host.
   */
  events(options?: ServiceOptions): AsyncIterableIterator<ENetEvent> {
    const session = this.#require("iterate events");
    return session.iterate(checkSignal("iterate events", options));
  }

  /**
   * Same as {@linkcode ENetConnection.events}: `for await (const event of connection)`.
   *
   * @returns The iterator.
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<ENetEvent> {
    return this.events();
  }

  /** Sends every queued packet now instead of at the end of this turn. */
  flush(): void {
    this.#require("flush").driver.flush();
  }

  /**
   * Limits the host's bandwidth; ENet shares the limits with connected peers.
   *
   * @param inBandwidth Incoming bytes per second, 0 for unlimited.
   * @param outBandwidth Outgoing bytes per second, 0 for unlimited.
   */
  bandwidthLimit(inBandwidth = 0, outBandwidth = 0): void {
    this.#require("limit bandwidth").bandwidthLimit(inBandwidth, outBandwidth);
  }

  /**
   * Limits the channels of future incoming connections.
   *
   * @param limit 0 (meaning 255) to 255.
   */
  channelLimit(limit: number): void {
    const { host } = this.#require("limit channels");
    host.channelLimit(checkChannelCount("limit channels", "limit", limit));
  }

  /**
   * Queues a packet to every connected peer.
   *
   * @param channel The channel, below `getMaxChannels()`.
   * @param packet The payload: any `ArrayBufferView` or `ArrayBuffer` (copied).
   * @param flags A combination of `ENetPacketPeer.FLAG_*`.
   */
  broadcast(channel: number, packet: PacketData, flags: number): void {
    this.#require("broadcast").broadcast(channel, packet, flags);
  }

  /**
   * Sets how datagrams are compressed; both ends must use the same mode. The codec
   * loads asynchronously: await this before connecting.
   *
   * @param mode A `CompressionMode` value.
   */
  async compress(mode: CompressionMode): Promise<void> {
    const session = this.#require("compress");
    checkInteger("compress", "mode", mode, 0, 4);
    const ticket = ++this.#compressTicket;
    const compressor = await loadCodec(mode);
    if (ticket === this.#compressTicket && !session.closed) session.host.compressor = compressor;
  }

  /**
   * Makes the host a DTLS server (Godot's ENet DTLS extension): call it right after
   * `createHostBound`. Every datagram is then one DTLS 1.2 record; clients that fail
   * the handshake never reach ENet, plaintext datagrams are dropped and counted
   * (`getDtlsStats()`), and at most `maxPeers` DTLS sessions exist at once. The session
   * of a peer that disconnects, times out or is reset is released (Godot's
   * `disconnect_peer` hook).
   *
   * @param serverOptions Options from `TLSOptions.server(key, certificate)` (RSA or EC
   *   P-256).
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host; `FAILED` if the host already
   *   uses DTLS; `ERR_UNAVAILABLE` if the DTLS library cannot be loaded.
   * @throws {TypeError} Unless the options are server options.
   */
  async dtlsServerSetup(serverOptions: TLSOptions): Promise<void> {
    const action = "set up DTLS server";
    const session = this.#require(action);
    await session.dtls.startServer(action, checkServerOptions(action, serverOptions));
  }

  /**
   * Makes the host a DTLS client (Godot's ENet DTLS extension): call it before
   * `connectToHost`. The first datagram to the server starts the handshake; the server
   * certificate must chain to the trusted certificates and be valid for `hostname`. If
   * the handshake fails (untrusted certificate, name mismatch, no answer within the
   * time limit, an alert) or the server later ends the session, the connecting or
   * connected peer is reset and an `EVENT_DISCONNECT` follows, whose iterator event
   * carries the reason in `error`; `getDtlsError()` returns it too.
   *
   * @param hostname The name the server certificate must be valid for.
   * @param clientOptions `TLSOptions.client(...)` or `TLSOptions.clientUnsafe()`;
   *   default `TLSOptions.client()` (the runtime's root certificates).
   * @param options Extensions: the handshake time limit.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host; `FAILED` if the host already
   *   uses DTLS; `ERR_UNAVAILABLE` if the DTLS library cannot be loaded.
   * @throws {TypeError} For server options, or an empty hostname where it is checked.
   */
  async dtlsClientSetup(
    hostname: string,
    clientOptions?: TLSOptions | null,
    options: DtlsClientSetupOptions = {},
  ): Promise<void> {
    const action = "set up DTLS client";
    const session = this.#require(action);
    const tls = checkClientArguments(action, hostname, clientOptions, options);
    await session.dtls.startClient(action, hostname, tls, options, (error) => {
      this.#dtlsError = error;
    });
  }

  /**
   * Makes a DTLS server drop datagrams from addresses without a DTLS session, so no new
   * client gets in while connected ones keep talking. As in Godot, it only matters
   * after `dtlsServerSetup` (before it the flag is kept for it); on a plain UDP host it
   * does nothing.
   *
   * @param refuse Whether to refuse.
   */
  refuseNewConnections(refuse: boolean): void {
    this.#require("refuse new connections").dtls.setRefuseNewConnections(refuse === true);
  }

  /**
   * Why this DTLS client's session last failed (an extension).
   *
   * @returns The error (`code`: `"certificate"`, `"hostname"`, `"signature"`,
   *   `"timeout"`, `"alert"` or `"handshake"`), or `null` if none failed.
   */
  getDtlsError(): DtlsError | null {
    return this.#dtlsError;
  }

  /**
   * The DTLS layer's counters (an extension): handshakes, and datagrams dropped
   * (plaintext, forged, replayed, refused).
   *
   * @returns A live view of the counters, or `null` on a host without DTLS.
   */
  getDtlsStats(): Readonly<DtlsStats> | null {
    return this.#require("get DTLS stats").dtls.stats;
  }

  /**
   * Returns a host total and resets it to 0.
   *
   * @param statistic A `HostStatistic` value.
   * @returns The total since the last pop.
   */
  popStatistic(statistic: HostStatistic): number {
    return popHostStatistic(this.#require("pop statistic").host, statistic);
  }

  /**
   * The datagrams the host dropped, by reason (an extension): a peer with another
   * compression mode counts under `decompression`, another checksum setting under
   * `checksum`, and limit hits under `maximumPacketSize`, `maximumWaitingData` and
   * `fragment`; the socket's own losses under `receiveQueueFull` (the host fell behind
   * its socket) and `sendErrors`. The `onDrop` option of `createHost` names each host
   * drop as it happens.
   *
   * @returns A frozen snapshot of the counters, with their `total`.
   */
  getDropStatistics(): ENetDropStatistics {
    const session = this.#require("get drop statistics");
    return dropStatisticsOf(session.host, session.driver.transport.stats);
  }

  /**
   * The largest channel count incoming peers may use.
   *
   * @returns 1 to 255.
   */
  getMaxChannels(): number {
    return this.#require("get max channels").host.channelCountLimit;
  }

  /**
   * The local UDP port.
   *
   * @returns The port the host is bound to.
   */
  getLocalPort(): number {
    return this.#require("get local port").driver.transport.localAddress.port;
  }

  /**
   * The local address (an extension Godot also binds): `"*"` for every interface.
   *
   * @returns The bound numeric address, or `"*"`.
   */
  getLocalAddress(): string {
    const { driver } = this.#require("get local address");
    const address = driver.transport.localAddress.address;
    return address === "::" || address === "0.0.0.0" ? "*" : address;
  }

  /**
   * The host's peers: connected, connecting or disconnecting (not yet serviced).
   *
   * @returns A new array.
   */
  getPeers(): ENetPacketPeer[] {
    return this.#require("get peers").peers.slice();
  }

  /**
   * Sends a raw UDP datagram from the host's own socket, outside ENet (for NAT
   * punching toward an address learned from a STUN service).
   *
   * @param address A numeric IP address or a host name.
   * @param port The destination port, 1 to 65535.
   * @param packet The bytes: any `ArrayBufferView` or `ArrayBuffer` (copied).
   */
  async socketSend(address: string, port: number, packet: PacketData): Promise<void> {
    await this.#require("send on socket").sendRaw(address, port, packet);
  }

  async #create(
    bind: { address: string; port: number } | null,
    args: HostArguments,
    options: ENetHostOptions,
  ): Promise<void> {
    const action = "create host";
    if (this.#session !== null || this.#creating !== null) {
      throw new ENetError(
        "ERR_ALREADY_IN_USE",
        `Cannot ${action}: the connection already has a host`,
      );
    }
    const host = createCoreHost(args, options);
    let transport = options.transport;
    if (transport === undefined) {
      const creating = new AbortController();
      this.#creating = creating;
      try {
        transport = await bindUdp(bind, creating.signal);
      } finally {
        if (this.#creating === creating) this.#creating = null;
      }
    }
    this.#session = new HostSession(host, transport);
    this.#dtlsError = null;
  }

  #require(action: string): HostSession {
    if (this.#session === null) {
      throw new ENetError(
        "ERR_UNCONFIGURED",
        this.#creating === null
          ? `Cannot ${action}: the connection has no host (call createHost or createHostBound first)`
          : `Cannot ${action}: the host is still being created (await createHost or ` +
            `createHostBound before using the connection)`,
      );
    }
    return this.#session;
  }
}
