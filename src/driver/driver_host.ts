/**
 * The part of a sans-IO host that `HostDriver` drives. The core's `Host` has this shape;
 * declaring it here keeps the driver independent of the core's internals and lets tests
 * drive a scripted host.
 *
 * @module
 */

/** A remote endpoint: a numeric IP address and a UDP port. */
export interface DriverAddress {
  /** Numeric IP address, such as `"127.0.0.1"` or `"::1"`. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** One datagram the host wants sent. `data` is valid until the host's next call. */
export interface DriverTransmit {
  /** Where to send it. */
  readonly address: DriverAddress;
  /** The datagram's bytes; the driver copies them before they can change. */
  readonly data: Uint8Array;
}

/**
 * A sans-IO ENet host: inputs take the time, outputs are polled.
 *
 * Call order the driver follows: an input (`handleDatagram`, `handleTimeout` or
 * `flush`), then `pollTransmit()` until `undefined`, then `pollTimeout()`. Events are
 * pulled with `pollEvent()` when a consumer asks for one, so undelivered events stay
 * in the host, as in ENet's own dispatch queue.
 *
 * @typeParam E The host's event type.
 * @typeParam P The host's peer type.
 *
 * @example A host that never does anything
 * ```ts
 * import type { DriverHost } from "./driver_host.ts";
 *
 * const idle: DriverHost<never, never> = {
 *   handleDatagram() {}, handleTimeout() {}, flush() {},
 *   pollTransmit: () => undefined, pollEvent: () => undefined, pollTimeout: () => undefined,
 *   connect() { throw new Error("Cannot connect: no peer slots"); },
 * };
 * console.assert(idle.pollTimeout() === undefined);
 * ```
 */
export interface DriverHost<E, P> {
  /** Feeds one received datagram; `bytes` may be reused by the caller after return. */
  handleDatagram(now: number, from: DriverAddress, bytes: Uint8Array): void;
  /** Runs ENet's send phase: throttle, acknowledgements, timeouts, pings, outgoing. */
  handleTimeout(now: number): void;
  /** Sends what is queued now (ENet's `enet_host_flush`). */
  flush(now: number): void;
  /** The next datagram to send, or `undefined`. */
  pollTransmit(): DriverTransmit | undefined;
  /** The next event, or `undefined`. */
  pollEvent(): E | undefined;
  /** The absolute time at which `handleTimeout` must next run, or `undefined` if never. */
  pollTimeout(): number | undefined;
  /** Starts connecting to a numeric address; throws when no peer slot is free. */
  connect(now: number, address: DriverAddress, channelCount: number, data: number): P;
}
