/**
 * The transport contract between the driver and the datagram sockets: a pair of Web
 * Streams of {@linkcode Datagram}s, plus optional synchronous fast paths for sending
 * (`send`) and receiving (`setReceiver`), and counters.
 *
 * @module
 */

/**
 * One UDP datagram, received or to send.
 *
 * `address` is a numeric IP string (`"127.0.0.1"`, `"::1"`), never a host name;
 * IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`) are reported as plain IPv4.
 */
export interface Datagram {
  /** The payload. A received datagram owns its bytes (nothing else refers to them). */
  data: Uint8Array;
  /** The remote numeric IP address: the source when received, the destination when sent. */
  address: string;
  /** The remote UDP port. */
  port: number;
}

/**
 * Takes received datagrams from a transport's push fast path, see
 * {@linkcode DatagramTransport.setReceiver}. Called synchronously, once per datagram,
 * oldest first. `data` is lent only for the duration of the call: the transport may
 * reuse its memory afterwards (copy what you keep). `address` is normalised as in
 * {@linkcode Datagram}. It must not throw; if it does, the transport detaches it and
 * errors its readable side, as a failed socket would.
 */
export type DatagramReceiver = (data: Uint8Array, address: string, port: number) => void;

/**
 * Counters kept by the transports in this directory. They only grow.
 */
export interface TransportStats {
  /** Datagrams handed to the reader's queue. */
  receivedDatagrams: number;
  /** Payload bytes of `receivedDatagrams`. */
  receivedBytes: number;
  /** Datagrams handed to the socket (an asynchronous failure reported later still counts here). */
  sentDatagrams: number;
  /** Payload bytes of `sentDatagrams`. */
  sentBytes: number;
  /**
   * Received datagrams thrown away because the reader's queue was full, or because
   * they arrived after the readable side was cancelled: what a full kernel receive
   * buffer does, made visible.
   */
  droppedDatagrams: number;
  /**
   * Sends that failed: a destination that is not a numeric address or a valid port, a
   * socket that refused it (would block, unreachable, wrong address family), or an
   * operating-system error reported later. The transport carries on after each.
   */
  sendErrors: number;
}

/**
 * A bound datagram socket as Web Streams. This is the contract of
 * `docs/ARCHITECTURE.md`; `send`, `setReceiver` and `stats` are optional extras that
 * every transport in this directory provides. Consumers must work without them.
 *
 * Ownership of bytes:
 * - `send(datagram)` copies or sends `datagram.data` before it returns, so the caller
 *   may reuse its buffer right away (the core's scratch buffer after `pollTransmit`).
 * - A chunk given to `writable` is read when the stream gets to it, which may be
 *   after `write()` returns: do not mutate `chunk.data` until that write's promise
 *   settles (or copy it first, or use `send`).
 * - A datagram read from `readable` owns its bytes.
 * - A datagram pushed to a {@linkcode DatagramReceiver} lends its bytes for the call.
 *
 * Failures of a single send never error the writable side: they are counted in
 * `stats.sendErrors`. After `close()` the readable side ends (`done`) and writes
 * are rejected.
 */
export interface DatagramTransport {
  /** Datagrams received, oldest first. Ends (`done`) when the transport closes. */
  readonly readable: ReadableStream<Datagram>;
  /** Datagrams to send. A write resolves once the datagram was handed to the socket. */
  readonly writable: WritableStream<Datagram>;
  /** The bound address (`"::"` for the dual-stack wildcard) and port. */
  readonly localAddress: { address: string; port: number };
  /**
   * Sends one datagram now, synchronously as far as the runtime allows.
   * `datagram.data` may be reused by the caller as soon as this returns.
   *
   * @returns `true` when handed to the socket, `false` when it failed at once (counted
   *   in `stats.sendErrors`) or the transport is closed (not counted).
   */
  send?(datagram: Datagram): boolean;
  /**
   * Receive fast path: from now on, received datagrams are pushed to `receiver`
   * synchronously as the socket produces them, instead of being queued for
   * `readable`: no promise, no queue and no {@linkcode Datagram} object per datagram,
   * and no copy where the socket lends its buffer. Datagrams already queued are pushed
   * first, before this returns, so order is kept. `null` detaches the receiver and
   * datagrams queue for `readable` again (bounded by `highWaterMark`).
   *
   * Take `readable`'s reader first and keep it while a receiver is set, so nobody
   * else reads the stream meanwhile; keep reading it too: it still reports the end
   * (`done` on `close()`) and errors. With a receiver set, nothing new is queued and
   * nothing is dropped for a slow reader, since the receiver runs at once.
   *
   * @param receiver Called once per received datagram, or `null` to detach.
   */
  setReceiver?(receiver: DatagramReceiver | null): void;
  /**
   * The socket's kernel receive buffer in bytes as the system reports it (Linux reports
   * twice the size granted), when known. Node's `node:dgram` sets it on every system;
   * under Deno and Bun it is set through the C library on Linux (Deno needs
   * `--allow-ffi` and read access to `/proc`), and is `undefined` where it was not.
   */
  readonly receiveBufferSize?: number;
  /** Counters, see {@linkcode TransportStats}. */
  readonly stats?: Readonly<TransportStats>;
  /**
   * Closes the socket and releases its port: the readable side ends, queued received
   * datagrams are discarded, and further writes are rejected. Safe to call twice.
   */
  close(): Promise<void>;
}

/** Options every socket transport here accepts. */
export interface TransportOptions {
  /**
   * The most received datagrams held for a slow reader, default 1024. When the
   * queue is full, further datagrams are dropped and counted in
   * `stats.droppedDatagrams`, exactly as a full kernel receive buffer would drop
   * them, so a stalled reader cannot grow memory without bound. (The Deno adapter
   * stops reading from the socket instead, and the kernel drops.)
   */
  highWaterMark?: number;
}

/** Options of the UDP transport openers (`openUdpTransport` and the per-runtime ones). */
export interface UdpTransportOptions extends TransportOptions {
  /**
   * The address to bind: `"*"`, `""` or `"::"` (the default) for every interface,
   * dual-stack, falling back to `"0.0.0.0"` where IPv6 is unavailable; or a numeric
   * IPv4/IPv6 address.
   */
  address?: string;
  /** The port to bind, default 0 (any free port). */
  port?: number;
  /**
   * The kernel receive buffer to ask for (`SO_RCVBUF`), default 4 MiB: room for about
   * 4,000 small datagrams while the program is busy elsewhere. The system caps it
   * (`net.core.rmem_max` on Linux). See {@linkcode DatagramTransport.receiveBufferSize}
   * for what was granted.
   */
  receiveBufferSize?: number;
}

/** The default of {@linkcode TransportOptions.highWaterMark}. */
export const DEFAULT_HIGH_WATER_MARK = 1024;

/**
 * Creates a zeroed {@linkcode TransportStats}.
 *
 * @returns Fresh counters.
 *
 * @example Start counting
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(createTransportStats().droppedDatagrams, 0);
 * ```
 */
export function createTransportStats(): TransportStats {
  return {
    receivedDatagrams: 0,
    receivedBytes: 0,
    sentDatagrams: 0,
    sentBytes: 0,
    droppedDatagrams: 0,
    sendErrors: 0,
  };
}
