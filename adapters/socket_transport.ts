/**
 * The runtime-independent half of every transport here: the bounded receive queue,
 * the two Web Streams, address checks, counters and closing. Each adapter supplies a
 * small {@linkcode SocketBackend} over its runtime's socket.
 *
 * @module
 */

import { normalizeAddress, socketAddress } from "./address.ts";
import {
  createTransportStats,
  type Datagram,
  type DatagramReceiver,
  type DatagramTransport,
  DEFAULT_HIGH_WATER_MARK,
  type TransportOptions,
  type TransportStats,
} from "./transport.ts";

/** A datagram as a socket produced it (address not yet normalised). */
export interface RawDatagram {
  /** The payload; see `lent`. */
  data: Uint8Array;
  /** True when `data` is only valid until the next `receive` (a reused buffer). */
  lent?: boolean;
  /** The source address as the socket reported it. */
  address: string;
  /** The source port. */
  port: number;
}

/**
 * What an adapter provides over its runtime's socket. A push-style socket calls
 * {@linkcode SocketTransport.deliver}; a pull-style socket implements `receive`.
 */
export interface SocketBackend {
  /** Which destinations the socket takes: `"IPv6"` maps IPv4 to `::ffff:`, `"IPv4"` unmaps. */
  readonly family: "IPv4" | "IPv6" | "any";
  /** The bound address and port. */
  readonly localAddress: { address: string; port: number };
  /** The kernel receive buffer in bytes as the system reports it, when known. */
  readonly receiveBufferSize?: number;
  /**
   * Sends one datagram to a numeric address already in the socket's family. Must not
   * keep `data` after returning unless it copied it. Returns `false` or throws when
   * the socket refused it; later failures go to {@linkcode SocketTransport.sendFailed}.
   */
  send(data: Uint8Array, address: string, port: number): boolean;
  /**
   * Pull-style sockets: resolves with the next datagram, rejects when closed. A `lent`
   * datagram's bytes must stay valid until `receive` is called again.
   */
  receive?(): Promise<RawDatagram>;
  /**
   * Pull-style sockets that can also read without waiting: the next datagram the socket
   * already holds, or `null`. Called after each `receive` to drain a burst without an
   * asynchronous read per datagram; a `lent` datagram is valid until the next call of
   * either method.
   */
  tryReceive?(): RawDatagram | null;
  /** Closes the socket; resolves when its port is released. */
  close(): Promise<void>;
}

const CLOSED_MESSAGE = "Cannot send: transport is closed";
const MAX_CACHED_ADDRESSES = 1024;
const MAX_CONSECUTIVE_RECEIVE_ERRORS = 64;
/**
 * Datagrams read without waiting after each awaited one (`tryReceive`), at most: C ENet
 * reads up to 256 per service call before it sends again.
 */
const MAX_DRAINED_DATAGRAMS = 256;

/**
 * A {@linkcode DatagramTransport} over a {@linkcode SocketBackend}. Adapters create it,
 * bind their socket with {@linkcode SocketTransport.deliver} as the receive callback,
 * then {@linkcode SocketTransport.attach} the backend. See `DatagramTransport` for the
 * ownership rules and `TransportOptions.highWaterMark` for the bounded queue.
 *
 * Received datagrams go to the receiver set with
 * {@linkcode SocketTransport.setReceiver} when there is one (synchronously, lent),
 * else into a ring of `highWaterMark` datagrams that `readable` drains. Order is kept
 * across a change of consumer: while older datagrams still wait (in the ring, or one
 * left inside the stream by a reader released during a read), newer ones queue behind
 * them and reach the consumer through the stream.
 */
export class SocketTransport implements DatagramTransport {
  /** Datagrams received, oldest first; ends when closed. */
  readonly readable: ReadableStream<Datagram>;
  /** Datagrams to send; single failures are counted, never fatal. */
  readonly writable: WritableStream<Datagram>;
  /** Counters, see {@linkcode TransportStats}. */
  readonly stats: TransportStats = createTransportStats();

  #backend: SocketBackend | null = null;
  #readController!: ReadableStreamDefaultController<Datagram>;
  #writeController!: WritableStreamDefaultController;
  #ring: (Datagram | undefined)[];
  #head = 0;
  #count = 0;
  #wake: (() => void) | null = null;
  #pumping = false;
  #cancelled = false;
  #closing: Promise<void> | null = null;
  #addresses = new Map<string, string | null>();
  #receiver: DatagramReceiver | null = null;
  /** A datagram sits inside the stream's own queue (its reader left before it came). */
  #stranded = false;
  // One-entry cache of the last source address: bursts come from one peer, and a
  // dual-stack socket reports IPv4 as "::ffff:a.b.c.d", which takes regexes to unwrap.
  #lastSource = "";
  #lastNormalized = "";

  /**
   * Creates the streams; no socket yet.
   *
   * @param options The receive queue bound.
   * @throws {RangeError} When `highWaterMark` is not a positive integer.
   */
  constructor(options: TransportOptions = {}) {
    const limit = options.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(
        `Cannot create transport: highWaterMark ${limit} is not a positive integer`,
      );
    }
    this.#ring = new Array(limit);
    this.readable = new ReadableStream<Datagram>({
      start: (controller) => {
        this.#readController = controller;
      },
      pull: () => this.#pull(),
      cancel: () => {
        this.#cancelled = true;
        this.#receiver = null;
        this.#clearQueue();
      },
    }, { highWaterMark: 0 });
    this.writable = new WritableStream<Datagram>({
      start: (controller) => {
        this.#writeController = controller;
      },
      write: (datagram) => {
        if (this.#closing !== null) throw new TypeError(CLOSED_MESSAGE);
        this.send(datagram);
      },
    });
  }

  /** The bound address and port. */
  get localAddress(): { address: string; port: number } {
    const backend = this.#backend;
    if (backend === null) throw new TypeError("Cannot read localAddress: socket not bound yet");
    return backend.localAddress;
  }

  /** The socket's kernel receive buffer in bytes as the system reports it, when known. */
  get receiveBufferSize(): number | undefined {
    return this.#backend?.receiveBufferSize;
  }

  /**
   * Connects the bound socket; a pull-style backend starts being read.
   *
   * @param backend The adapter's socket.
   */
  attach(backend: SocketBackend): void {
    this.#backend = backend;
    this.#pump();
  }

  /**
   * Hands a received datagram to the receiver, or queues it for `readable`, or drops
   * and counts it when the queue is full. Adapters call this from their socket's
   * receive callback.
   *
   * @param data The payload.
   * @param address The source address as the socket reported it.
   * @param port The source port.
   * @param lent True when `data` is only valid during this call (the socket reuses
   *   its buffer): it is then copied if it has to be queued. False (the default)
   *   gives the bytes to the transport.
   */
  deliver(data: Uint8Array, address: string, port: number, lent = false): void {
    const stats = this.stats;
    if (this.#closing !== null || this.#cancelled) {
      stats.droppedDatagrams++;
      return;
    }
    const receiver = this.#receiver;
    const direct = receiver !== null && this.#count === 0 && !this.#stranded;
    if (!direct && this.#full()) {
      stats.droppedDatagrams++;
      return;
    }
    stats.receivedDatagrams++;
    stats.receivedBytes += data.byteLength;
    const source = this.#normalize(address);
    if (direct) {
      this.#push(receiver, data, source, port);
      return;
    }
    const datagram: Datagram = { data: lent ? data.slice() : data, address: source, port };
    const wake = this.#wake;
    if (wake !== null) {
      // A read waits (the ring is empty): hand it over. If that reader was released
      // meanwhile, the datagram stays inside the stream, for the next reader.
      this.#wake = null;
      const controller = this.#readController;
      controller.enqueue(datagram);
      if ((controller.desiredSize ?? 0) < 0) this.#stranded = true;
      wake();
      return;
    }
    this.#ring[(this.#head + this.#count) % this.#ring.length] = datagram;
    this.#count++;
  }

  /**
   * Sets or removes the push receiver; see `DatagramTransport.setReceiver`. Queued
   * datagrams are pushed to the new receiver before this returns, oldest first.
   *
   * @param receiver Called once per received datagram, or `null` to queue for
   *   `readable` again.
   * @throws {TypeError} When `receiver` is neither a function nor `null`.
   */
  setReceiver(receiver: DatagramReceiver | null): void {
    if (receiver !== null && typeof receiver !== "function") {
      throw new TypeError("Cannot set receiver: it is not a function or null");
    }
    this.#receiver = receiver;
    if (receiver === null || this.#stranded) return; // the stream hands the queue over
    const ring = this.#ring;
    while (this.#count > 0 && this.#receiver === receiver) {
      const datagram = ring[this.#head]!;
      ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % ring.length;
      this.#count--;
      this.#push(receiver, datagram.data, datagram.address, datagram.port);
    }
    this.#pump();
  }

  /** Counts a send that the socket reported as failed after `send` returned. */
  sendFailed(): void {
    if (this.#closing === null) this.stats.sendErrors++;
  }

  /**
   * Sends now; `datagram.data` may be reused as soon as this returns.
   *
   * @param datagram The payload and numeric destination.
   * @returns `true` when handed to the socket, `false` when it failed (counted) or
   *   the transport is closed.
   * @throws {TypeError} When `datagram.data` is not a Uint8Array.
   */
  send(datagram: Datagram): boolean {
    const data = datagram?.data;
    if (!(data instanceof Uint8Array)) {
      throw new TypeError("Cannot send: datagram data is not a Uint8Array");
    }
    const backend = this.#backend;
    if (this.#closing !== null || backend === null) return false;
    const stats = this.stats;
    const port = datagram.port;
    const address = this.#resolve(datagram.address, backend.family);
    let sent = false;
    if (address !== null && Number.isInteger(port) && port > 0 && port <= 65535) {
      try {
        sent = backend.send(data, address, port);
      } catch {
        sent = false;
      }
    }
    if (!sent) {
      stats.sendErrors++;
      return false;
    }
    stats.sentDatagrams++;
    stats.sentBytes += data.byteLength;
    return true;
  }

  /**
   * Closes the socket and releases its port; the readable side ends, queued
   * datagrams are discarded, and writes are rejected from now on.
   *
   * @returns Resolves when the port is free again.
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    const backend = this.#backend;
    this.#closing = backend === null ? Promise.resolve() : backend.close();
    this.#clearQueue();
    if (!this.#cancelled) {
      try {
        this.#readController.close();
      } catch {
        // already errored: nothing to end
      }
    }
    this.#wakeReader();
    this.#writeController.error(new TypeError(CLOSED_MESSAGE));
    return this.#closing;
  }

  #full(): boolean {
    return this.#count >= this.#ring.length;
  }

  #normalize(address: string): string {
    if (address !== this.#lastSource) {
      this.#lastNormalized = normalizeAddress(address);
      this.#lastSource = address;
    }
    return this.#lastNormalized;
  }

  /** Runs the receiver; one that throws is detached and errors the readable side. */
  #push(receiver: DatagramReceiver, data: Uint8Array, address: string, port: number): void {
    try {
      receiver(data, address, port);
    } catch (error) {
      if (this.#receiver === receiver) this.#receiver = null;
      this.#readController.error(error);
      this.#wakeReader();
    }
  }

  #pull(): Promise<void> | undefined {
    this.#stranded = false; // pulled: the stream's own queue is empty
    if (this.#count > 0) {
      const ring = this.#ring;
      const datagram = ring[this.#head]!;
      ring[this.#head] = undefined;
      this.#head = (this.#head + 1) % ring.length;
      this.#count--;
      this.#readController.enqueue(datagram);
      this.#pump();
      return undefined;
    }
    if (this.#closing !== null) return undefined;
    return new Promise((resolve) => {
      this.#wake = resolve;
      this.#pump();
    });
  }

  #wakeReader(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #clearQueue(): void {
    this.#stranded = false;
    this.#ring.fill(undefined);
    this.#head = 0;
    this.#count = 0;
  }

  /** Reads a pull-style socket until the queue is full (then the kernel buffers). */
  async #pump(): Promise<void> {
    const backend = this.#backend;
    if (this.#pumping || backend === null || backend.receive === undefined) return;
    this.#pumping = true;
    let errors = 0;
    while (this.#closing === null && !this.#cancelled && !this.#full()) {
      let datagram: RawDatagram;
      try {
        datagram = await backend.receive();
        errors = 0;
      } catch (error) {
        if (this.#closing !== null || this.#cancelled) break;
        // Transient errors (Windows reports ICMP port unreachable on receive) are
        // skipped; a socket that keeps failing ends the stream.
        if (++errors < MAX_CONSECUTIVE_RECEIVE_ERRORS) continue;
        this.#readController.error(error);
        this.#wakeReader();
        break;
      }
      this.deliver(datagram.data, datagram.address, datagram.port, datagram.lent === true);
      for (let i = 0; i < MAX_DRAINED_DATAGRAMS && this.#closing === null; i++) {
        if (this.#cancelled || this.#full()) break;
        const next = backend.tryReceive?.();
        if (next == null) break;
        this.deliver(next.data, next.address, next.port, next.lent === true);
      }
    }
    this.#pumping = false;
  }

  #resolve(address: string, family: "IPv4" | "IPv6" | "any"): string | null {
    const cache = this.#addresses;
    let resolved = cache.get(address);
    if (resolved === undefined) {
      resolved = typeof address === "string"
        ? socketAddress(address, family === "any" ? "IPv4" : family)
        : null;
      if (cache.size >= MAX_CACHED_ADDRESSES) cache.clear();
      cache.set(address, resolved);
    }
    return resolved;
  }
}

/**
 * Wraps a runtime's bind failure in the message every adapter uses.
 *
 * @param address The address that was requested.
 * @param port The port that was requested.
 * @param cause The runtime's error.
 * @returns An `Error` "Cannot bind UDP socket on ADDRESS port PORT: reason" with `cause`.
 *
 * @example Wrap an error
 * ```ts
 * import assert from "node:assert/strict";
 * const error = bindError("::", 1, new Error("denied"));
 * assert.equal(error.message, "Cannot bind UDP socket on :: port 1: denied");
 * ```
 */
export function bindError(address: string, port: number, cause: unknown): Error {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new Error(`Cannot bind UDP socket on ${address} port ${port}: ${reason}`, { cause });
}
