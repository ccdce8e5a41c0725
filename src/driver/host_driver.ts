/**
 * `HostDriver`: runs a sans-IO ENet host over a datagram transport, with a real clock.
 *
 * @module
 */

import { isNumericAddress, normalizeAddress } from "../../adapters/address.ts";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import { DatagramSender } from "./datagram_sender.ts";
import type { DriverAddress, DriverHost } from "./driver_host.ts";
import { type EventWaiter, EventWaiters } from "./event_waiters.ts";
import { DeadlineTimer, deferTask } from "./timers.ts";

/** Options of {@linkcode HostDriver}. */
export interface HostDriverOptions {
  /** Milliseconds on any origin; default `Math.floor(performance.now())`. */
  clock?: () => number;
}

const defaultClock = (): number => Math.floor(performance.now());

/**
 * During a burst of arrivals, ENet's send phase runs after every this many datagrams
 * (and once more when the burst ends). C ENet acknowledges whatever one read of the
 * socket produced, as soon as it has read it; a sender's window only moves on once its
 * acknowledgements arrive, so holding them until a long burst ends stalls the sender.
 * Four datagrams of small reliable messages carry about as many acknowledgements as one
 * datagram of acknowledgements holds (ENet puts at most 32 commands in a datagram).
 */
export const DATAGRAMS_PER_SEND_PHASE = 4;

/**
 * Joins a sans-IO host to a {@linkcode DatagramTransport} and runs its clock.
 *
 * - Received datagrams go to `host.handleDatagram(now, …)` as they arrive: pushed by
 *   the transport's `setReceiver` fast path when it has one (no promise or object per
 *   datagram), else read from its `readable` stream. ENet's send phase
 *   (`host.handleTimeout(now)`: acknowledgements, retransmissions, pings) runs after
 *   every {@linkcode DATAGRAMS_PER_SEND_PHASE} datagrams of a burst, once when the
 *   burst ends (`setImmediate`), and whenever `host.pollTimeout()` falls due. One
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
  #sender: DatagramSender;
  #timer: DeadlineTimer;
  #waiters = new EventWaiters<E>();
  #flushQueued = false;
  #serviceQueued = false;
  /** Datagrams handled since the last send phase. */
  #unserviced = 0;
  /** The last source address handed to the host; reused while the source repeats. */
  #from: DriverAddress = { address: "", port: 0 };
  #closing: Promise<void> | null = null;
  #failure: { error: unknown } | null = null;
  // The host's inputs, bound once so that running them allocates nothing.
  #service = (): void => this.host.handleTimeout(this.#clock());
  #flushHost = (): void => this.host.flush(this.#clock());

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
    this.#sender = new DatagramSender(transport);
    this.#timer = new DeadlineTimer(this.#clock, () => this.#run(this.#service));
    void this.#readLoop();
    this.#run(this.#service);
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
    this.#run(this.#flushHost);
  }

  /**
   * Schedules one flush at the end of the current turn of the event loop (a microtask).
   * Call it after anything that changes the host outside the driver; calls made in the
   * same turn share the flush.
   */
  scheduleFlush(): void {
    if (this.#flushQueued || !this.#running) return;
    this.#flushQueued = true;
    queueMicrotask(this.#flushLater);
  }

  /**
   * Waits for the host's next event.
   *
   * @param timeoutMs How long to wait, in milliseconds (0 still lets pending I/O in;
   *   `Infinity` waits until an event or `close()`).
   * @param signal Ends the wait when aborted; an aborted signal takes no event.
   * @returns The event, or `null` when the time is up, the signal aborted or the
   *   driver closed.
   * @throws {RangeError} When the timeout is negative or not a number.
   */
  nextEvent(timeoutMs: number, signal?: AbortSignal): Promise<E | null> {
    if (typeof timeoutMs !== "number" || !(timeoutMs >= 0)) {
      return Promise.reject(
        new RangeError(`Cannot wait for an event: timeout ${timeoutMs} is not a number >= 0`),
      );
    }
    if (this.#failure !== null) return Promise.reject(this.#failure.error);
    if (signal?.aborted === true) return Promise.resolve(null);
    const event = this.#takeEvent();
    return event === undefined
      ? this.#waiters.add(timeoutMs, signal).promise
      : Promise.resolve(event);
  }

  /**
   * The host's events as an async iterator; it ends when the driver closes. It shares
   * one queue with {@linkcode HostDriver.nextEvent}.
   *
   * @param signal Ends the iterator when aborted.
   * @returns An iterator; `return()` (a `break` out of `for await`) stops it.
   */
  events(signal?: AbortSignal): AsyncIterableIterator<E> {
    let done = false;
    let waiter: EventWaiter<E> | null = null;
    const finish = (): IteratorResult<E> => {
      done = true;
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<E> = {
      next: async (): Promise<IteratorResult<E>> => {
        if (done) return finish();
        if (this.#failure !== null) throw this.#failure.error;
        if (signal?.aborted === true) return finish();
        let event = this.#takeEvent();
        if (event === undefined) {
          waiter = this.#waiters.add(Infinity, signal);
          event = await waiter.promise;
          waiter = null;
        }
        return event === null || done ? finish() : { done: false, value: event };
      },
      return: (): Promise<IteratorResult<E>> => {
        if (waiter !== null) this.#waiters.cancel(waiter);
        waiter = null;
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
    await this.#sender.sendOwned({ data: bytes.slice(), address: to.address, port: to.port });
  }

  /**
   * Stops the driver: cancels the timer, ends waits (`null`) and iterators, stops
   * reading and closes the transport, releasing its port. Safe to call twice.
   *
   * @returns Resolves once the transport is closed.
   */
  close(): Promise<void> {
    if (this.#closing !== null) return this.#closing;
    this.#stop();
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
    this.#stop();
    this.transport.setReceiver?.(null);
    this.#reader?.releaseLock(); // a pending read rejects; the read loop then ends quietly
    this.#reader = null;
    this.#sender.release();
    return this.transport;
  }

  /** Whether the driver still runs: neither closed (or detached) nor failed. */
  get #running(): boolean {
    return this.#closing === null && this.#failure === null;
  }

  /** Ends the driving common to `close()` and `detach()`: the timer and the waits. */
  #stop(): void {
    this.#timer.stop();
    this.#waiters.endAll();
  }

  async #shutdown(): Promise<void> {
    try {
      this.transport.setReceiver?.(null);
      await this.#reader?.cancel();
    } catch {
      // The stream already failed; closing the transport below is what matters.
    }
    this.#sender.release();
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
      // The fast path, when the transport has one: datagrams are pushed from now on
      // (queued ones at once). The stream is still read, for its end, its errors and
      // any datagram a previous reader left in it.
      this.transport.setReceiver?.(this.#receive);
      for (;;) {
        const { done, value } = await reader.read();
        if (!this.#running) return;
        if (done) throw new Error("Cannot receive: the transport closed underneath the host");
        this.#receive(value.data, value.address, value.port);
      }
    } catch (error) {
      if (this.#closing === null) this.#fail(error);
    }
  }

  /** Hands one received datagram to the host; the transport's receiver. */
  #receive = (data: Uint8Array, address: string, port: number): void => {
    if (!this.#running) return;
    let from = this.#from;
    if (from.address !== address || from.port !== port) {
      from = { address, port };
      this.#from = from;
    }
    try {
      this.host.handleDatagram(this.#clock(), from, data);
      this.#waiters.deliver(this.host);
    } catch (error) {
      this.#fail(error);
      return;
    }
    if (++this.#unserviced >= DATAGRAMS_PER_SEND_PHASE) this.#run(this.#service);
    else if (!this.#serviceQueued) {
      this.#serviceQueued = true;
      deferTask(this.#serviceLater);
    }
  };

  /** The send phase at the end of a burst, unless one already ran since its last datagram. */
  #serviceLater = (): void => {
    this.#serviceQueued = false;
    if (this.#unserviced > 0) this.#run(this.#service);
  };

  #flushLater = (): void => {
    this.#flushQueued = false;
    this.#run(this.#flushHost);
  };

  /**
   * Runs one input while the driver runs, then sends its output, hands out events and
   * re-arms the timer.
   */
  #run(input: () => void): void {
    if (!this.#running) return;
    this.#unserviced = 0;
    try {
      input();
      const host = this.host;
      for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
        this.#sender.sendTransient(t.address, t.data);
      }
      this.#waiters.deliver(host);
      this.#timer.arm(host.pollTimeout());
    } catch (error) {
      this.#fail(error);
    }
  }

  /** An event at once; `null` once closed; `undefined` when the caller must wait. */
  #takeEvent(): E | null | undefined {
    if (this.#closing !== null) return null;
    return this.#waiters.size === 0 ? this.host.pollEvent() : undefined;
  }

  #fail(error: unknown): void {
    if (!this.#running) return;
    this.#failure = { error };
    this.#timer.stop();
    try {
      this.transport.setReceiver?.(null); // datagrams queue (bounded) or drop from now on
    } catch {
      // The transport failed too; it is stopped either way.
    }
    this.#waiters.failAll(error);
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
