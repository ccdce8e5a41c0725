/**
 * `ENetConnection`: Godot's wrapper around an ENet host, over a real UDP socket or any
 * datagram transport.
 *
 * @module
 */

import { isNumericAddress } from "../../adapters/address.ts";
import type { Host } from "../core/host.ts";
import type { Peer } from "../core/peer.ts";
import { HostDriver } from "../driver/host_driver.ts";
import type { DtlsError } from "../dtls/errors.ts";
import type { DtlsStats } from "../dtls/stats.ts";
import { loadCodec } from "./codecs.ts";
import { type CompressionMode, EventType, type HostStatistic } from "./constants.ts";
import {
  addressInUse,
  checkClientArguments,
  checkServerOptions,
  type DtlsClientSetupOptions,
  type DtlsRole,
  failPeers,
  loadDtls,
  wrapClient,
  wrapServer,
} from "./dtls_setup.ts";
import {
  type DetachListener,
  detachPeer,
  ENetPacketPeer,
  PEER_TOKEN,
  queuePacket,
} from "./enet_packet_peer.ts";
import { ENetError } from "./errors.ts";
import { type ConnectionEvent, EventHost } from "./event_host.ts";
import { adoptEvent, type ENetEvent, type ServiceResult } from "./events.ts";
import { ENetConnectionConstants } from "./static_constants.ts";
import {
  bindUdp,
  checkBind,
  createCoreHost,
  type ENetHostOptions,
  type HostArguments,
} from "./host_setup.ts";
import { reachOf, resolveAddress } from "./resolve.ts";
import type { TLSOptions } from "./tls_options.ts";
import { checkData, checkFlags, checkInteger, checkPacket, checkTimeout } from "./validate.ts";

const STATS = ["totalSentData", "totalSentPackets", "totalReceivedData", "totalReceivedPackets"];
const NONE: ServiceResult = [EventType.EVENT_NONE, null, 0, 0];
const MAX_BANDWIDTH = 0xffffffff;

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
  #driver: HostDriver<ConnectionEvent, Peer> | null = null;
  #host: Host | null = null;
  #eventHost: EventHost | null = null;
  #dtls: DtlsRole | null = null;
  #dtlsError: DtlsError | null = null;
  #dtlsBusy = false;
  #peers: ENetPacketPeer[] = [];
  #refuseNewConnections = false;
  #generation = 0;
  #resolving = 0;
  #binding = false;
  #compressGeneration = 0;
  #changed = (): void => this.#driver?.scheduleFlush();
  #detached: DetachListener = (address, port) => this.#releaseDtlsSession(address, port);

  /**
   * Creates a host on a random port of every interface (dual-stack where possible).
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
   * Creates a host bound to an address and port.
   *
   * @param bindAddress A numeric IP address, or `"*"` for every interface.
   * @param bindPort 0 to 65535; 0 picks a free port.
   * @param maxPeers Peer slots, 1 to 4095.
   * @param maxChannels Channels per peer, 0 (meaning 255) to 255.
   * @param inBandwidth Incoming bytes per second, 0 for unlimited.
   * @param outBandwidth Outgoing bytes per second, 0 for unlimited.
   * @param options Extensions: C ENet checksums.
   * @throws {ENetError} `ERR_ALREADY_IN_USE` if a host exists, `ERR_CANT_CREATE` if the
   *   socket cannot be bound (port taken, address not local).
   */
  createHostBound(
    bindAddress: string,
    bindPort: number,
    maxPeers = 32,
    maxChannels = 0,
    inBandwidth = 0,
    outBandwidth = 0,
    options: ENetHostOptions = {},
  ): Promise<void> {
    let bind: { address: string; port: number };
    try {
      bind = checkBind(bindAddress, bindPort, options);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#create(bind, [maxPeers, maxChannels, inBandwidth, outBandwidth], options);
  }

  /**
   * Destroys the host: every peer becomes inactive (nobody is told; remote peers time
   * out), pending `service()` calls resolve `EVENT_NONE`, iterators end, and the socket
   * closes. Does nothing without a host.
   *
   * @returns Resolves once the port is free again.
   */
  destroy(): Promise<void> {
    const driver = this.#driver;
    this.#driver = null;
    this.#host = null;
    this.#eventHost = null;
    this.#dtls = null;
    this.#generation++;
    for (const peer of this.#peers) detachPeer(peer);
    this.#peers = [];
    return driver === null ? Promise.resolve() : driver.close();
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
    const action = "connect to host";
    const driver = this.#requireDriver(action);
    if (typeof address !== "string") {
      throw new TypeError(`Cannot ${action}: address is not a string`);
    }
    checkInteger(action, "port", port, 1, 65535);
    const channelCount = checkInteger(action, "channels", channels, 0, 255) || 255;
    const value = checkData(action, data);
    this.#pruneInactive();
    if (this.#peers.length > 0 || this.#resolving > 0) {
      throw new ENetError(
        "ERR_ALREADY_IN_USE",
        `Cannot ${action}: this connection already has a peer (one outgoing connection per host)`,
      );
    }
    let ip = address;
    if (!isNumericAddress(address)) {
      const generation = this.#generation;
      this.#resolving++;
      try {
        ip = await resolveAddress(action, address, reachOf(driver.transport.localAddress.address));
      } finally {
        this.#resolving--;
      }
      if (generation !== this.#generation) {
        throw new ENetError("ERR_UNCONFIGURED", `Cannot ${action}: the host was destroyed`);
      }
    }
    let peer: Peer;
    try {
      peer = driver.connect(ip, port, channelCount, value);
    } catch (error) {
      throw new ENetError("ERR_CANT_CONNECT", `Cannot ${action}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const wrapper = new ENetPacketPeer(PEER_TOKEN, peer, this.#changed, this.#detached);
    this.#peers.push(wrapper);
    return wrapper;
  }

  /**
   * Waits up to `timeout` ms for the next event. `EVENT_RECEIVE` queues the packet on
   * the peer (read it with `getPacket()`); peers forced off with `peerDisconnectNow()`
   * or `reset()` produce no `EVENT_DISCONNECT`.
   *
   * @param timeout Milliseconds to wait; 0 checks without waiting (it still lets
   *   pending I/O in, so a `service(0)` loop cannot starve the socket).
   * @returns `[type, peer, data, channel]`; `[EVENT_NONE, null, 0, 0]` when the time is
   *   up; `EVENT_ERROR` if the socket failed.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host.
   */
  async service(timeout = 0): Promise<ServiceResult> {
    const driver = this.#requireDriver("service");
    checkTimeout("service", timeout);
    this.#pruneInactive();
    let event: ConnectionEvent | null;
    try {
      event = await driver.nextEvent(timeout);
    } catch {
      return [EventType.EVENT_ERROR, null, 0, 0];
    }
    if (event === null) return [...NONE];
    const adopted = adoptEvent(event, this.#peers, this.#changed, this.#detached);
    if (adopted === null) return [EventType.EVENT_ERROR, null, 0, 0];
    if (event.type === "receive") queuePacket(adopted.peer, event.packet);
    return [adopted.type, adopted.peer, adopted.data, adopted.channel];
  }

  /**
   * The connection's events as an async iterator, ending when the host is destroyed.
   * Receive events carry their packet (it is not queued on the peer). It shares one
   * queue with `service()`: each event goes to exactly one of them.
   *
   * @returns The iterator.
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host.
   */
  events(): AsyncIterableIterator<ENetEvent> {
    let driver = this.#requireDriver("iterate events");
    let source = driver.events();
    let stopped = false;
    const generation = this.#generation;
    const next = async (): Promise<IteratorResult<ENetEvent>> => {
      for (;;) {
        const result = await source.next();
        if (result.done === true) {
          // The DTLS setup replaces the driver of the same host: follow it.
          const current = this.#driver;
          if (stopped || generation !== this.#generation || current === null) break;
          if (current === driver) break;
          driver = current;
          source = driver.events();
          continue;
        }
        this.#pruneInactive();
        const event = adoptEvent(result.value, this.#peers, this.#changed, this.#detached);
        if (event !== null) return { done: false, value: event };
      }
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<ENetEvent> = {
      next,
      return: async () => {
        stopped = true;
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
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
    this.#requireDriver("flush").flush();
  }

  /**
   * Limits the host's bandwidth; ENet shares the limits with connected peers.
   *
   * @param inBandwidth Incoming bytes per second, 0 for unlimited.
   * @param outBandwidth Outgoing bytes per second, 0 for unlimited.
   */
  bandwidthLimit(inBandwidth = 0, outBandwidth = 0): void {
    const driver = this.#requireDriver("limit bandwidth");
    checkInteger("limit bandwidth", "inBandwidth", inBandwidth, 0, MAX_BANDWIDTH);
    checkInteger("limit bandwidth", "outBandwidth", outBandwidth, 0, MAX_BANDWIDTH);
    this.#host!.bandwidthLimit(inBandwidth, outBandwidth);
    driver.scheduleFlush();
  }

  /**
   * Limits the channels of future incoming connections.
   *
   * @param limit 0 (meaning 255) to 255.
   */
  channelLimit(limit: number): void {
    const host = this.#requireHost("limit channels");
    const channels = checkInteger("limit channels", "limit", limit, 0, 255) || 255;
    host.channelLimit(channels);
  }

  /**
   * Queues a packet to every connected peer.
   *
   * @param channel The channel, below `getMaxChannels()`.
   * @param packet The payload (copied).
   * @param flags A combination of `ENetPacketPeer.FLAG_*`.
   */
  broadcast(channel: number, packet: Uint8Array, flags: number): void {
    const driver = this.#requireDriver("broadcast");
    checkInteger("broadcast", "channel", channel, 0, this.#host!.channelCountLimit - 1);
    checkPacket("broadcast", packet, this.#host!.maximumPacketSize);
    checkFlags("broadcast", flags);
    this.#host!.broadcast(channel, { data: packet, flags });
    driver.scheduleFlush();
  }

  /**
   * Sets how datagrams are compressed; both ends must use the same mode. The codec
   * loads asynchronously: await this before connecting.
   *
   * @param mode A `CompressionMode` value.
   */
  async compress(mode: CompressionMode): Promise<void> {
    const driver = this.#requireDriver("compress");
    checkInteger("compress", "mode", mode, 0, 4);
    const ticket = ++this.#compressGeneration;
    const compressor = await loadCodec(mode);
    if (ticket !== this.#compressGeneration || driver !== this.#driver) return;
    this.#host!.compressor = compressor;
  }

  /**
   * Makes the host a DTLS server (Godot's ENet DTLS extension): call it right after
   * `createHostBound`. Every datagram is then one DTLS 1.2 record; clients that fail
   * the handshake never reach ENet, plaintext datagrams are dropped and counted
   * (`getDtlsStats()`), and at most `maxPeers` DTLS sessions exist at once. The session
   * of a peer that disconnects, times out or is reset is released (Godot's
   * `disconnect_peer` hook). The DTLS library loads on the first call. A pending
   * `service()` resolves `EVENT_NONE` while the host switches over; iterators continue.
   *
   * @param serverOptions Options from `TLSOptions.server(key, certificate)` (RSA or EC
   *   P-256).
   * @throws {ENetError} `ERR_UNCONFIGURED` without a host; `FAILED` if the host already
   *   uses DTLS; `ERR_UNAVAILABLE` if the DTLS library cannot be loaded.
   * @throws {TypeError} Unless the options are server options.
   */
  async dtlsServerSetup(serverOptions: TLSOptions): Promise<void> {
    const action = "set up DTLS server";
    const driver = this.#requireDriver(action);
    const options = checkServerOptions(action, serverOptions);
    const dtls = await this.#loadDtlsFor(action, driver);
    const maxSessions = this.#host!.peers.length;
    this.#startDtls(
      wrapServer(dtls, driver.detach(), options, maxSessions, this.#refuseNewConnections),
    );
  }

  /**
   * Makes the host a DTLS client (Godot's ENet DTLS extension): call it before
   * `connectToHost`. The first datagram to the server starts the handshake; the server
   * certificate must chain to the trusted certificates and be valid for `hostname`. If
   * the handshake fails (untrusted certificate, name mismatch, no answer within the
   * time limit, an alert) or the server later ends the session, the connecting or
   * connected peer is reset and an `EVENT_DISCONNECT` follows, whose iterator event
   * carries the reason in `error`; `getDtlsError()` returns it too. The DTLS library
   * loads on the first call. A pending `service()` resolves `EVENT_NONE` while the
   * host switches over; iterators continue.
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
    const driver = this.#requireDriver(action);
    const tls = checkClientArguments(action, hostname, clientOptions, options);
    const dtls = await this.#loadDtlsFor(action, driver);
    const role = wrapClient(dtls, driver.detach(), hostname, tls, options);
    this.#startDtls(role);
    if (role.kind === "client") role.transport.onError((error) => this.#dtlsFailed(role, error));
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
    this.#requireDriver("refuse new connections");
    this.#refuseNewConnections = refuse === true;
    if (this.#dtls?.kind === "server") {
      this.#dtls.transport.refuseNewConnections = this.#refuseNewConnections;
    }
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
    this.#requireDriver("get DTLS stats");
    return this.#dtls?.transport.stats ?? null;
  }

  /**
   * Returns a host total and resets it to 0.
   *
   * @param statistic A `HostStatistic` value.
   * @returns The total since the last pop.
   */
  popStatistic(statistic: HostStatistic): number {
    const host = this.#requireHost("pop statistic");
    const index = checkInteger("pop statistic", "statistic", statistic, 0, STATS.length - 1);
    const stats = host.stats as unknown as Record<string, number>;
    const value = stats[STATS[index]];
    stats[STATS[index]] = 0;
    return value;
  }

  /**
   * The largest channel count incoming peers may use.
   *
   * @returns 1 to 255.
   */
  getMaxChannels(): number {
    this.#requireDriver("get max channels");
    return this.#host!.channelCountLimit;
  }

  /**
   * The local UDP port.
   *
   * @returns The port the host is bound to.
   */
  getLocalPort(): number {
    return this.#requireDriver("get local port").transport.localAddress.port;
  }

  /**
   * The local address (an extension Godot also binds): `"*"` for every interface.
   *
   * @returns The bound numeric address, or `"*"`.
   */
  getLocalAddress(): string {
    const address = this.#requireDriver("get local address").transport.localAddress.address;
    return address === "::" || address === "0.0.0.0" ? "*" : address;
  }

  /**
   * The host's peers: connected, connecting or disconnecting (not yet serviced).
   *
   * @returns A new array.
   */
  getPeers(): ENetPacketPeer[] {
    this.#requireDriver("get peers");
    return this.#peers.slice();
  }

  /**
   * Sends a raw UDP datagram from the host's own socket, outside ENet (for NAT
   * punching toward an address learned from a STUN service).
   *
   * @param address A numeric IP address or a host name.
   * @param port The destination port, 1 to 65535.
   * @param packet The bytes (copied).
   */
  async socketSend(address: string, port: number, packet: Uint8Array): Promise<void> {
    const driver = this.#requireDriver("send on socket");
    if (typeof address !== "string") {
      throw new TypeError("Cannot send on socket: address is not a string");
    }
    checkInteger("send on socket", "port", port, 1, 65535);
    checkPacket("send on socket", packet, 65507);
    const reach = reachOf(driver.transport.localAddress.address);
    const ip = await resolveAddress("send on socket", address, reach);
    await driver.sendRaw(ip, port, packet);
  }

  async #create(
    bind: { address: string; port: number } | null,
    args: HostArguments,
    options: ENetHostOptions,
  ): Promise<void> {
    const action = "create host";
    if (this.#driver !== null || this.#binding) {
      throw new ENetError(
        "ERR_ALREADY_IN_USE",
        `Cannot ${action}: the connection already has a host`,
      );
    }
    const host = createCoreHost(args, options);
    let transport = options.transport;
    if (transport === undefined) {
      const generation = this.#generation;
      this.#binding = true;
      try {
        transport = await bindUdp(bind);
      } finally {
        this.#binding = false;
      }
      if (generation !== this.#generation) {
        await transport.close();
        throw new ENetError("ERR_CANT_CREATE", `Cannot ${action}: destroyed while binding`);
      }
    }
    this.#host = host;
    this.#eventHost = new EventHost(host);
    this.#driver = new HostDriver<ConnectionEvent, Peer>(this.#eventHost, transport);
    this.#refuseNewConnections = false;
    this.#dtls = null;
    this.#dtlsError = null;
  }

  async #loadDtlsFor(
    action: string,
    driver: HostDriver<ConnectionEvent, Peer>,
  ): Promise<Awaited<ReturnType<typeof loadDtls>>> {
    if (this.#dtls !== null || this.#dtlsBusy) {
      throw new ENetError("FAILED", `Cannot ${action}: the host already uses DTLS`);
    }
    this.#dtlsBusy = true;
    try {
      const dtls = await loadDtls(action);
      if (driver !== this.#driver) {
        throw new ENetError("ERR_UNCONFIGURED", `Cannot ${action}: the host was destroyed`);
      }
      return dtls;
    } finally {
      this.#dtlsBusy = false;
    }
  }

  /** Runs the host over the DTLS transport from now on. */
  #startDtls(role: DtlsRole): void {
    this.#dtls = role;
    this.#driver = new HostDriver<ConnectionEvent, Peer>(this.#eventHost!, role.transport);
  }

  /**
   * A DTLS client session failed: reset the peers that were connecting or connected
   * through it and report their disconnect (the core reports none for reset peers).
   * Deferred, as the failure can be noticed while the driver is sending.
   */
  #dtlsFailed(role: DtlsRole, error: DtlsError): void {
    queueMicrotask(() => {
      if (this.#dtls !== role) return;
      this.#dtlsError = error;
      const reported = failPeers(this.#peers, this.#eventHost!, error);
      const driver = this.#driver;
      if (reported && driver !== null && !driver.closed && driver.failure === undefined) {
        driver.flush(); // hands the events to waiting consumers
      }
    });
  }

  /** An ENet peer of a DTLS server is gone: forget its DTLS session. */
  #releaseDtlsSession(address: string, port: number): void {
    const role = this.#dtls;
    const driver = this.#driver;
    if (role?.kind !== "server" || driver === null || driver.closed) return;
    if (driver.failure === undefined) driver.flush(); // a peerDisconnectNow leaves first
    if (!addressInUse(this.#host!, address, port)) role.transport.releaseSession(address, port);
  }

  #pruneInactive(): void {
    if (this.#peers.some((peer) => !peer.isActive())) {
      this.#peers = this.#peers.filter((peer) => peer.isActive());
    }
  }

  #requireHost(action: string): Host {
    this.#requireDriver(action);
    return this.#host!;
  }

  #requireDriver(action: string): HostDriver<ConnectionEvent, Peer> {
    if (this.#driver === null) {
      throw new ENetError(
        "ERR_UNCONFIGURED",
        `Cannot ${action}: the connection has no host (call createHost or createHostBound first)`,
      );
    }
    return this.#driver;
  }
}
