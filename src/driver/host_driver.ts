/**
 * `HostDriver`: runs a sans-IO ENet host over a datagram transport, with a real clock.
 *
 * @module
 */

import { isNumericAddress, normalizeAddress } from "../../adapters/address.ts";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import type { DriverAddress, DriverHost } from "./driver_host.ts";
import { deferTask, type TimerHandle, unrefTimer } from "./timers.ts";

/** Options of {@linkcode HostDriver}. */
export interface HostDriverOptions {
  /** Milliseconds on any origin; default `Math.floor(performance.now())`. */
  clock?: () => number;
}

interface Waiter<E> {
  resolve(event: E | null): void;
  reject(error: unknown): void;
  timer: TimerHandle | undefined;
}

const defaultClock = (): number => Math.floor(performance.now());
const ignore = (): void => {};

/**
 * Joins a sans-IO host to a {@linkcode DatagramTransport} and runs its clock.
 *
 * - Received datagrams go to `host.handleDatagram(now, …)` as they arrive; ENet's send
 *   phase (`host.handleTimeout(now)`: acknowledgements, retransmissions, pings) runs
 *   once after each burst of arrivals, and whenever `host.pollTimeout()` falls due. One
 *   timer is armed at a time; it is unref'ed, so an idle host alone never keeps the
 *   process alive (a pending `nextEvent(timeout)` does, through its own timer).
 * - Changes made to the host between turns (sends, disconnects, settings) are flushed
 *   once at the end of the current turn: call {@linkcode HostDriver.scheduleFlush}
 *   after them, so sends made together share a datagram.
 * - Events stay in the host until asked for by {@linkcode HostDriver.nextEvent} or
 *   {@linkcode HostDriver.events} (both draw from the same queue, so none is lost or
 *   seen twice). Leaving them there keeps ENet's own limit on waiting data in force.
 * - If the host throws or the transport fails, the driver stops and every pending and
 *   later `nextEvent` rejects with that error; `close()` still releases the socket.
 *
 * @typeParam E The host's event type.
 * @typeParam P The host's peer type.
 *
 * @example Drive a core host over UDP
 * ```ts
 * import { Host } from "../core/host.ts";
 * import { openUdpTransport } from "../../adapters/mod.ts";
 * import { HostDriver } from "./host_driver.ts";
 *
 * const driver = new HostDriver(new Host(), await openUdpTransport({ address: "127.0.0.1" }));
 * const event = await driver.nextEvent(10); // null: nobody connected within 10 ms
 * console.assert(event === null);
 * await driver.close();
 * ```
 */
export class HostDriver<E, P> {
  /** The host being driven. */
  readonly host: DriverHost<E, P>;
  /** The transport carrying its datagrams. */
  readonly transport: DatagramTransport;

  #clock: () => number;
  #reader: ReadableStreamDefaultReader<Datagram> | null = null;
  #writer: WritableStreamDefaultWriter<Datagram> | null = null;
  #scratch: Datagram = { data: new Uint8Array(0), address: "", port: 0 };
  #timer: TimerHandle | undefined;
  #timerDeadline = Number.NaN;
  #flushQueued = false;
  #serviceQueued = false;
  #waiters: Waiter<E>[] = [];
  #closing: Promise<void> | null = null;
  #failure: { error: unknown } | null = null;

  /**
   * Starts driving: reads the transport and runs the host's first send phase.
   *
   * @param host The sans-IO host (the core's `Host`).
   * @param transport A bound transport; the driver owns it from now on.
   * @param options The clock to use.
   *
   * @example Use a virtual clock
   * ```ts
   * import { Host } from "../core/host.ts";
   * import { MemoryNetwork } from "../../adapters/mod.ts";
   * import { HostDriver } from "./host_driver.ts";
   *
   * const network = new MemoryNetwork();
   * let now = 0;
   * const driver = new HostDriver(new Host(), network.open(), { clock: () => now++ });
   * await driver.close();
   * await network.close();
   * ```
   */
  constructor(host: DriverHost<E, P>, transport: DatagramTransport, options?: HostDriverOptions) {
    this.host = host;
    this.transport = transport;
    this.#clock = options?.clock ?? defaultClock;
    void this.#readLoop();
    this.#run(() => this.host.handleTimeout(this.#clock()));
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closing !== null;
  }

  /** The error that stopped the driver, or `undefined` while it runs. */
  get failure(): unknown {
    return this.#failure?.error;
  }

  /**
   * The driver's clock.
   *
   * @returns The current time in milliseconds, as the host sees it.
   */
  now(): number {
    return this.#clock();
  }

  /**
   * Starts connecting to a numeric address; the connect request leaves at the end of
   * the current turn.
   *
   * @param address A numeric IPv4 or IPv6 address.
   * @param port The remote UDP port, 1 to 65535.
   * @param channelCount Channels to allocate, 1 to 255.
   * @param data 32-bit data delivered with the remote connect event.
   * @returns The host's new peer, connecting.
   * @throws {TypeError} When the address is not numeric.
   * @throws {RangeError} When the port is out of range.
   */
  connect(address: string, port: number, channelCount: number, data: number): P {
    this.#checkOpen("connect");
    const to = checkDestination("connect", address, port);
    const peer = this.host.connect(this.#clock(), to, channelCount, data);
    this.scheduleFlush();
    return peer;
  }

  /**
   * Flushes the host now: sends what is queued (ENet's `enet_host_flush`).
   */
  flush(): void {
    this.#checkOpen("flush");
    this.#run(() => this.host.flush(this.#clock()));
  }

  /**
   * Schedules one flush at the end of the current turn of the event loop (a microtask).
   * Call it after anything that changes the host outside the driver; calls made in the
   * same turn share the flush.
   */
  scheduleFlush(): void {
    if (this.#flushQueued || this.#closing !== null || this.#failure !== null) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      if (this.#closing === null && this.#failure === null) {
        this.#run(() => this.host.flush(this.#clock()));
      }
    });
  }

  /**
   * Waits for the host's next event.
   *
   * @param timeoutMs How long to wait, in milliseconds (0 still lets pending I/O in;
   *   `Infinity` waits until an event or `close()`).
   * @returns The event, or `null` when the time is up or the driver closed.
   * @throws {RangeError} When the timeout is negative or not a number.
   */
  nextEvent(timeoutMs: number): Promise<E | null> {
    if (typeof timeoutMs !== "number" || !(timeoutMs >= 0)) {
      return Promise.reject(
        new RangeError(`Cannot wait for an event: timeout ${timeoutMs} is not a number >= 0`),
      );
    }
    if (this.#failure !== null) return Promise.reject(this.#failure.error);
    if (this.#closing !== null) return Promise.resolve(null);
    if (this.#waiters.length === 0) {
      const event = this.host.pollEvent();
      if (event !== undefined) return Promise.resolve(event);
    }
    return this.#addWaiter(timeoutMs).promise;
  }

  /**
   * The host's events as an async iterator; it ends when the driver closes. It shares
   * one queue with {@linkcode HostDriver.nextEvent}.
   *
   * @returns An iterator; `return()` (a `break` out of `for await`) stops it.
   */
  events(): AsyncIterableIterator<E> {
    let done = false;
    let waiter: Waiter<E> | null = null;
    const finish = (): IteratorResult<E> => {
      done = true;
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<E> = {
      next: async (): Promise<IteratorResult<E>> => {
        if (done) return finish();
        if (this.#failure !== null) throw this.#failure.error;
        if (this.#closing !== null) return finish();
        let event: E | null | undefined = this.#waiters.length === 0
          ? this.host.pollEvent()
          : undefined;
        if (event === undefined) {
          const wait = this.#addWaiter(Infinity);
          waiter = wait.waiter;
          event = await wait.promise;
          waiter = null;
        }
        return event === null || done ? finish() : { done: false, value: event };
      },
      return: (): Promise<IteratorResult<E>> => {
        if (waiter !== null) {
          this.#dropWaiter(waiter);
          waiter.resolve(null);
          waiter = null;
        }
        return Promise.resolve(finish());
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /**
   * Sends one raw datagram from the host's socket, outside ENet (NAT punching).
   *
   * @param address A numeric IPv4 or IPv6 address.
   * @param port The remote UDP port, 1 to 65535.
   * @param bytes The datagram; copied before this returns.
   * @returns Resolves once the datagram was handed to the socket.
   */
  async sendRaw(address: string, port: number, bytes: Uint8Array): Promise<void> {
    this.#checkOpen("send");
    const to = checkDestination("send", address, port);
    if (!(bytes instanceof Uint8Array)) {
      throw new TypeError("Cannot send: the datagram is not a Uint8Array");
    }
    const datagram: Datagram = { data: bytes.slice(), address: to.address, port: to.port };
    if (this.transport.send !== undefined) {
      if (!this.transport.send(datagram)) throw new Error("Cannot send: the socket refused it");
      return;
    }
    await this.#getWriter().write(datagram);
  }

  /**
   * Stops the driver: cancels the timer, ends waits (`null`) and iterators, stops
   * reading and closes the transport, releasing its port. Safe to call twice.
   *
   * @returns Resolves once the transport is closed.
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#stopTimer();
    const waiters = this.#waiters.splice(0);
    for (const waiter of waiters) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.#closing = this.#shutdown();
    return this.#closing;
  }

  /**
   * Stops driving without closing the transport, and hands it back: the timer stops,
   * waits end (`null`), iterators end, and the transport's streams are unlocked, so a
   * wrapper (a DTLS layer) can take them over and a new driver can run the same host.
   * Afterwards the driver counts as closed and `close()` does nothing.
   *
   * @returns The transport, unlocked.
   *
   * @example Hand the socket over to a new driver
   * ```ts
   * import { Host } from "../core/host.ts";
   * import { MemoryNetwork } from "../../adapters/mod.ts";
   * import { HostDriver } from "./host_driver.ts";
   *
   * const network = new MemoryNetwork();
   * const host = new Host();
   * const transport = new HostDriver(host, network.open()).detach();
   * const driver = new HostDriver(host, transport);
   * await driver.close();
   * await network.close();
   * ```
   */
  detach(): DatagramTransport {
    this.#checkOpen("detach");
    this.#closing = Promise.resolve();
    this.#stopTimer();
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(null);
    }
    this.#reader?.releaseLock(); // a pending read rejects; the read loop then ends quietly
    this.#reader = null;
    this.#writer?.releaseLock();
    this.#writer = null;
    return this.transport;
  }

  async #shutdown(): Promise<void> {
    try {
      await this.#reader?.cancel();
    } catch {
      // The stream already failed; closing the transport below is what matters.
    }
    this.#writer?.releaseLock();
    await this.transport.close();
  }

  async #readLoop(): Promise<void> {
    let reader: ReadableStreamDefaultReader<Datagram>;
    try {
      reader = this.transport.readable.getReader();
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#reader = reader;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (this.#closing !== null || this.#failure !== null) return;
        if (done) throw new Error("Cannot receive: the transport closed underneath the host");
        this.host.handleDatagram(this.#clock(), value, value.data);
        this.#deliver();
        this.#queueService();
      }
    } catch (error) {
      if (this.#closing === null) this.#fail(error);
    }
  }

  /** Runs the send phase once, after the arrivals already waiting in this turn. */
  #queueService(): void {
    if (this.#serviceQueued) return;
    this.#serviceQueued = true;
    deferTask(() => {
      this.#serviceQueued = false;
      if (this.#closing === null && this.#failure === null) {
        this.#run(() => this.host.handleTimeout(this.#clock()));
      }
    });
  }

  /** Runs one input, then sends its output, hands out events and re-arms the timer. */
  #run(input: () => void): void {
    try {
      input();
      this.#transmit();
      this.#deliver();
      this.#arm();
    } catch (error) {
      this.#fail(error);
    }
  }

  #transmit(): void {
    const send = this.transport.send;
    for (let t = this.host.pollTransmit(); t !== undefined; t = this.host.pollTransmit()) {
      if (send !== undefined) {
        const scratch = this.#scratch;
        scratch.data = t.data;
        scratch.address = t.address.address;
        scratch.port = t.address.port;
        send.call(this.transport, scratch);
      } else {
        const datagram = { data: t.data.slice(), address: t.address.address, port: t.address.port };
        this.#getWriter().write(datagram).catch(ignore);
      }
    }
    this.#scratch.data = new Uint8Array(0);
  }

  #deliver(): void {
    while (this.#waiters.length > 0) {
      const event = this.host.pollEvent();
      if (event === undefined) return;
      const waiter = this.#waiters.shift()!;
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.resolve(event);
    }
  }

  #arm(): void {
    const deadline = this.host.pollTimeout();
    if (deadline === undefined) {
      this.#stopTimer();
      return;
    }
    if (deadline === this.#timerDeadline && this.#timer !== undefined) return;
    this.#stopTimer();
    const delay = Math.max(0, Math.ceil(deadline - this.#clock()));
    this.#timerDeadline = deadline;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerDeadline = Number.NaN;
      if (this.#closing === null && this.#failure === null) {
        this.#run(() => this.host.handleTimeout(this.#clock()));
      }
    }, delay);
    unrefTimer(this.#timer);
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDeadline = Number.NaN;
  }

  #fail(error: unknown): void {
    if (this.#failure !== null || this.#closing !== null) return;
    this.#failure = { error };
    this.#stopTimer();
    for (const waiter of this.#waiters.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  #dropWaiter(waiter: Waiter<E>): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
  }

  #addWaiter(timeoutMs: number): { promise: Promise<E | null>; waiter: Waiter<E> } {
    let waiter!: Waiter<E>;
    const promise = new Promise<E | null>((resolve, reject) => {
      waiter = { resolve, reject, timer: undefined };
    });
    if (timeoutMs !== Infinity) {
      waiter.timer = setTimeout(() => {
        this.#dropWaiter(waiter);
        waiter.resolve(null);
      }, timeoutMs);
    }
    this.#waiters.push(waiter);
    return { promise, waiter };
  }

  #getWriter(): WritableStreamDefaultWriter<Datagram> {
    this.#writer ??= this.transport.writable.getWriter();
    return this.#writer;
  }

  #checkOpen(action: string): void {
    if (this.#closing !== null) throw new Error(`Cannot ${action}: the host driver is closed`);
    if (this.#failure !== null) {
      throw new Error(`Cannot ${action}: the host driver failed`, { cause: this.#failure.error });
    }
  }
}

function checkDestination(action: string, address: string, port: number): DriverAddress {
  if (typeof address !== "string" || !isNumericAddress(address)) {
    throw new TypeError(`Cannot ${action}: "${String(address)}" is not a numeric IP address`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`Cannot ${action}: port ${port} is not an integer from 1 to 65535`);
  }
  return { address: normalizeAddress(address), port };
}
