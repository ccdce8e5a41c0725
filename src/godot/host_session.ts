/**
 * One host of an `ENetConnection`, from `createHost` to `destroy`: the core host, the
 * driver running it, and the Godot peers handed out for it.
 *
 * @module
 */

import { isNumericAddress } from "../../adapters/address.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import type { Host } from "../core/host.ts";
import type { Peer } from "../core/peer.ts";
import type { EventWaiter } from "../driver/event_waiters.ts";
import { HostDriver } from "../driver/host_driver.ts";
import { EventType } from "./constants.ts";
import { SessionDtls } from "./dtls_setup.ts";
import {
  type ChangeListener,
  type Clock,
  type DetachListener,
  detachPeer,
  ENetPacketPeer,
  PEER_TOKEN,
  queuePacket,
} from "./enet_packet_peer.ts";
import { ENetError } from "./errors.ts";
import { type ConnectionEvent, EventHost } from "./event_host.ts";
import { adoptEvent, type ENetEvent, type ServiceResult } from "./events.ts";
import { type Reach, reachOf, resolveAddress } from "./resolve.ts";
import {
  checkChannelCount,
  checkData,
  checkFlags,
  checkInteger,
  checkPacket,
  checkRemote,
  checkUint32,
  type PacketData,
} from "./validate.ts";

/** The largest UDP payload over IPv4 (65535 minus the IP and UDP headers). */
const MAX_UDP_PAYLOAD = 65507;

/**
 * A live host of an `ENetConnection`. Its driver is replaced once if the host moves onto
 * DTLS; the host, its event queue and its peers stay. After {@linkcode HostSession.close}
 * it is `closed` for good: a connection's new host is a new session.
 *
 * @example Run a host over an in-memory socket
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../core/host.ts";
 * import { MemoryNetwork } from "../../adapters/mod.ts";
 * import { HostSession } from "./host_session.ts";
 *
 * const network = new MemoryNetwork();
 * const session = new HostSession(new Host(), network.open());
 * assert.deepEqual(await session.service(0), [0, null, 0, 0]); // EVENT_NONE
 * await session.close();
 * assert.equal(session.closed, true);
 * await network.close();
 * ```
 */
export class HostSession {
  /** The core host. */
  readonly host: Host;
  /** The host with the connection's own events (DTLS failures) in its queue. */
  readonly events: EventHost;
  /** The DTLS layer, none until a DTLS setup. */
  readonly dtls: SessionDtls;
  /** The active peers handed out, in the order they appeared. */
  peers: ENetPacketPeer[] = [];
  #driver: HostDriver<ConnectionEvent, Peer>;
  #resolving = 0;
  /** Given to every peer: its changes leave at the end of the turn. */
  #changed: ChangeListener = () => this.#driver.scheduleFlush();
  /** Given to every peer: an inactive peer's DTLS session is released. */
  #detached: DetachListener = (address, port) => {
    this.#stale = true;
    this.dtls.release(address, port);
  };
  /** Some peer in `peers` may have become inactive since the last prune. */
  #stale = false;
  /** Given to every peer: the driver's clock, for the flush of a disconnect. */
  #clock: Clock = () => this.#driver.now();

  /**
   * Starts driving a host.
   *
   * @param host The core host.
   * @param transport Its socket; the session owns it from now on.
   */
  constructor(host: Host, transport: DatagramTransport) {
    this.host = host;
    this.events = new EventHost(host);
    this.dtls = new SessionDtls(this);
    this.#driver = new HostDriver(this.events, transport);
  }

  /** The driver running the host now. */
  get driver(): HostDriver<ConnectionEvent, Peer> {
    return this.#driver;
  }

  /** True once the session was closed (the connection destroyed its host). */
  get closed(): boolean {
    return this.#driver.closed;
  }

  /**
   * Runs the host over another transport from now on (the DTLS setup, after detaching
   * the current driver's transport to wrap it).
   *
   * @param transport The new transport.
   */
  runOver(transport: DatagramTransport): void {
    this.#driver = new HostDriver(this.events, transport);
  }

  /** Sends what is queued now, unless the driver stopped. */
  flushNow(): void {
    const driver = this.#driver;
    if (!driver.closed && driver.failure === undefined) driver.flush();
  }

  /**
   * `ENetConnection.connectToHost`: numeric addresses connect at once, host names after
   * a lookup. One outgoing connection per host, as in Godot.
   *
   * @param address A numeric address or a host name.
   * @param port The remote port.
   * @param channels Channels, 0 (meaning 255) to 255.
   * @param data The 32-bit connect data.
   * @returns The new peer, connecting.
   * @throws {ENetError} `ERR_ALREADY_IN_USE`, `ERR_CANT_RESOLVE`, `ERR_CANT_CONNECT`, or
   *   `ERR_UNCONFIGURED` if the session closed during the lookup.
   */
  async connect(
    address: string,
    port: number,
    channels: number,
    data: number,
  ): Promise<ENetPacketPeer> {
    const action = "connect to host";
    checkRemote(action, address, port);
    const channelCount = checkChannelCount(action, "channels", channels);
    const value = checkData(action, data);
    this.prune();
    if (this.peers.length > 0 || this.#resolving > 0) {
      throw new ENetError(
        "ERR_ALREADY_IN_USE",
        `Cannot ${action}: this connection already has a peer (one outgoing connection per host)`,
      );
    }
    let ip = address;
    if (!isNumericAddress(address)) {
      this.#resolving++;
      try {
        ip = await resolveAddress(action, address, this.#reach());
      } finally {
        this.#resolving--;
      }
      if (this.closed) {
        throw new ENetError("ERR_UNCONFIGURED", `Cannot ${action}: the host was destroyed`);
      }
    }
    let peer: Peer;
    try {
      peer = this.#driver.connect(ip, port, channelCount, value);
    } catch (error) {
      throw new ENetError("ERR_CANT_CONNECT", `Cannot ${action}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const wrapper = new ENetPacketPeer(
      PEER_TOKEN,
      peer,
      this.#changed,
      this.#detached,
      this.#clock,
    );
    this.peers.push(wrapper);
    return wrapper;
  }

  /**
   * Waits for the next event, as `ENetConnection.service()`: a received packet is queued
   * on its peer. A ready event costs one resolved promise.
   *
   * @param timeout Milliseconds, checked.
   * @param signal Ends the wait early (`EVENT_NONE`); an aborted signal takes no event.
   * @returns Godot's event array; `EVENT_ERROR` if the driver failed or the event
   *   names a peer never handed out.
   */
  service(timeout: number, signal?: AbortSignal): Promise<ServiceResult> {
    if (signal?.aborted === true) return Promise.resolve([EventType.EVENT_NONE, null, 0, 0]);
    const ready = this.checkEvents();
    if (ready[0] !== EventType.EVENT_NONE) return Promise.resolve(ready);
    return new Promise((resolve) => {
      this.#driver.waitEvent(
        timeout,
        (event) =>
          resolve(event === null ? [EventType.EVENT_NONE, null, 0, 0] : this.#serve(event)),
        () => resolve([EventType.EVENT_ERROR, null, 0, 0]),
        signal,
      );
    });
  }

  /**
   * The next ready event without waiting, as `enet_host_check_events`: a received packet
   * is queued on its peer.
   *
   * @returns Godot's event array; `[EVENT_NONE, null, 0, 0]` when no event is ready;
   *   `EVENT_ERROR` if the driver failed or the event names a peer never handed out.
   */
  checkEvents(): ServiceResult {
    this.prune();
    let event: ConnectionEvent | undefined;
    try {
      event = this.#driver.pollEvent();
    } catch {
      return [EventType.EVENT_ERROR, null, 0, 0];
    }
    return event === undefined ? [EventType.EVENT_NONE, null, 0, 0] : this.#serve(event);
  }

  /**
   * The events as an async iterator, following the host onto a new driver (the DTLS
   * setup) and ending when the session closes. Events naming a peer never handed out
   * are skipped. A ready event costs one resolved promise.
   *
   * @param signal Ends the iterator when aborted.
   * @returns The iterator.
   */
  iterate(signal?: AbortSignal): AsyncIterableIterator<ENetEvent> {
    let driver = this.#driver;
    let stopped = false;
    let waiter: EventWaiter<ConnectionEvent> | null = null;
    const end: IteratorResult<ENetEvent> = { done: true, value: undefined };
    /** The next ready event, `null` at the end, `undefined` when it must wait. */
    const ready = (): IteratorResult<ENetEvent> | undefined => {
      for (;;) {
        if (stopped || signal?.aborted === true) return end;
        const event = driver.pollEvent();
        if (event === undefined) {
          if (!driver.closed) return undefined;
          if (this.closed || this.#driver === driver) return end;
          driver = this.#driver;
          continue;
        }
        const adopted = this.#adoptPruned(event);
        if (adopted !== null) return { done: false, value: adopted };
      }
    };
    /** After the driver ended the wait: the session closed, or it moved onto a new driver. */
    const afterEnd = (): IteratorResult<ENetEvent> | undefined => {
      if (stopped || signal?.aborted === true || this.closed || this.#driver === driver) {
        return end;
      }
      driver = this.#driver;
      return ready();
    };
    const wait = (
      resolve: (result: IteratorResult<ENetEvent>) => void,
      reject: (error: unknown) => void,
    ): void => {
      const settle = (next: () => IteratorResult<ENetEvent> | undefined): void => {
        let result: IteratorResult<ENetEvent> | undefined;
        try {
          result = next();
        } catch (error) {
          reject(error);
          return;
        }
        if (result === undefined) wait(resolve, reject);
        else resolve(result);
      };
      waiter = driver.waitEvent(
        Infinity,
        (event) => {
          waiter = null;
          if (event === null) {
            // The driver closed or was detached; a new one (DTLS) is set up right after.
            queueMicrotask(() => settle(afterEnd));
            return;
          }
          const adopted = this.#adoptPruned(event);
          settle(() => adopted !== null ? { done: false, value: adopted } : ready());
        },
        reject,
        signal,
      );
    };
    const iterator: AsyncIterableIterator<ENetEvent> = {
      next: () => {
        let result: IteratorResult<ENetEvent> | undefined;
        try {
          result = ready();
        } catch (error) {
          return Promise.reject(error);
        }
        return result !== undefined ? Promise.resolve(result) : new Promise(wait);
      },
      return: () => {
        stopped = true;
        if (waiter !== null) driver.cancelWait(waiter);
        waiter = null;
        return Promise.resolve(end);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * `ENetConnection.bandwidthLimit`: limits the host's bandwidth.
   *
   * @param inBandwidth Incoming bytes per second, 0 for unlimited.
   * @param outBandwidth Outgoing bytes per second, 0 for unlimited.
   */
  bandwidthLimit(inBandwidth: number, outBandwidth: number): void {
    checkUint32("limit bandwidth", "inBandwidth", inBandwidth);
    checkUint32("limit bandwidth", "outBandwidth", outBandwidth);
    this.host.bandwidthLimit(inBandwidth, outBandwidth);
    this.#driver.scheduleFlush();
  }

  /**
   * `ENetConnection.broadcast`: queues a packet to every connected peer.
   *
   * @param channel The channel, below the host's channel limit.
   * @param packet The payload, any `ArrayBufferView` or `ArrayBuffer` (copied).
   * @param flags A combination of `ENetPacketPeer.FLAG_*`.
   */
  broadcast(channel: number, packet: PacketData, flags: number): void {
    const host = this.host;
    checkInteger("broadcast", "channel", channel, 0, host.channelCountLimit - 1);
    const data = checkPacket("broadcast", packet, host.maximumPacketSize);
    checkFlags("broadcast", flags);
    host.broadcast(channel, { data, flags });
    this.#driver.scheduleFlush();
  }

  /**
   * `ENetConnection.socketSend`: a raw datagram from the host's socket, outside ENet.
   *
   * @param address A numeric address or a host name the socket can reach.
   * @param port The remote port.
   * @param packet The bytes, any `ArrayBufferView` or `ArrayBuffer` (copied), at most
   *   65507.
   * @returns Resolves once the datagram was handed to the socket.
   * @throws {ENetError} `ERR_CANT_RESOLVE` when the name does not resolve.
   */
  async sendRaw(address: string, port: number, packet: PacketData): Promise<void> {
    const action = "send on socket";
    checkRemote(action, address, port);
    const data = checkPacket(action, packet, MAX_UDP_PAYLOAD);
    const ip = await resolveAddress(action, address, this.#reach());
    await this.#driver.sendRaw(ip, port, data);
  }

  /** Drops the peers that became inactive from {@linkcode HostSession.peers}. */
  prune(): void {
    if (!this.#stale) return;
    this.#stale = false;
    if (this.peers.some((peer) => !peer.isActive())) {
      this.peers = this.peers.filter((peer) => peer.isActive());
    }
  }

  /**
   * Ends the session: the driver stops (pending waits resolve `null`, iterators end),
   * every peer becomes inactive, and the socket closes.
   *
   * @returns Resolves once the socket is closed.
   */
  close(): Promise<void> {
    const closing = this.#driver.close();
    for (const peer of this.peers) detachPeer(peer);
    this.peers = [];
    return closing;
  }

  /** Which address families the host's socket reaches, for host-name lookups. */
  #reach(): Reach {
    return reachOf(this.#driver.transport.localAddress.address);
  }

  #adopt(event: ConnectionEvent): ENetEvent | null {
    return adoptEvent(event, this.peers, this.#changed, this.#detached, this.#clock);
  }

  #adoptPruned(event: ConnectionEvent): ENetEvent | null {
    this.prune();
    return this.#adopt(event);
  }

  /** A `service()` result for an event; a received packet is queued on its peer. */
  #serve(event: ConnectionEvent): ServiceResult {
    const adopted = this.#adoptPruned(event);
    if (adopted === null) return [EventType.EVENT_ERROR, null, 0, 0];
    if (event.type === "receive") queuePacket(adopted.peer, event.packet);
    return [adopted.type, adopted.peer, adopted.data, adopted.channel] as ServiceResult;
  }
}
