/**
 * An in-memory datagram network for testing games and hosts under bad network
 * conditions: seeded loss, duplication, reordering, latency and jitter, delivered on
 * real timers.
 *
 * @module
 */

import { isIPv4, isNumericAddress, normalizeAddress } from "./address.ts";
import { type SocketBackend, SocketTransport } from "./socket_transport.ts";
import type { DatagramTransport, TransportOptions } from "./transport.ts";

/** How a link treats datagrams. Probabilities are from 0 to 1, times in milliseconds. */
export interface LinkConditions {
  /** Probability that a datagram is lost, default 0. */
  loss?: number;
  /** Probability that a datagram that is not lost arrives twice, default 0. */
  duplicate?: number;
  /** Probability that a datagram is held back by up to `reorderDelay` extra, default 0. */
  reorder?: number;
  /** Extra delay bound for reordered datagrams, default 20 ms. */
  reorderDelay?: number;
  /** One-way delay, default 0 (delivery is still asynchronous). */
  latency?: number;
  /** Extra delay drawn uniformly from 0 to `jitter`, default 0. */
  jitter?: number;
  /** Datagrams longer than this are dropped, default 65507 (the UDP limit). */
  mtu?: number;
}

/** Options of {@linkcode MemoryNetwork}: the default link conditions and more. */
export interface MemoryNetworkOptions extends LinkConditions {
  /** Seeds the random draws: the same seed and the same sends give the same fates. */
  seed?: number;
  /** The receive queue bound of every transport opened, see `TransportOptions`. */
  highWaterMark?: number;
}

/** What happened to the datagrams sent through a {@linkcode MemoryNetwork}. */
export interface MemoryNetworkStats {
  /** Datagrams handed to the network. */
  sent: number;
  /** Copies handed to a receiving transport (duplicates count twice). */
  delivered: number;
  /** Lost to the `loss` probability. */
  lost: number;
  /** Datagrams that were delivered twice. */
  duplicated: number;
  /** Datagrams held back by `reorder`. */
  reordered: number;
  /** Dropped for exceeding the `mtu`. */
  oversized: number;
  /** Dropped because nothing was bound at the destination. */
  unroutable: number;
}

/** A bound endpoint: the address and port a transport listens on. */
export interface Endpoint {
  /** Numeric address, or `"::"` for a transport bound to every address. */
  address: string;
  /** Port. */
  port: number;
}

interface Binding {
  transport: SocketTransport;
  endpoint: Endpoint;
  timers: Set<ReturnType<typeof setTimeout>>;
}

const WILDCARDS = new Set(["", "*", "::", "0.0.0.0"]);
const FIRST_EPHEMERAL_PORT = 49152;

/**
 * A simulated network of datagram transports in this process. `open()` binds a
 * transport; a datagram sent to an address and port reaches the transport bound
 * there (or bound to the wildcard on that port) after the link's latency and
 * jitter, unless the seeded draws lose it; it may also be duplicated or reordered.
 * Addresses are compared as strings after IPv4-mapped unwrapping, so use canonical
 * forms (`"::1"`). Delivery uses real timers; closing a transport cancels the
 * datagrams travelling to it, and `close()` closes everything so the process can
 * exit.
 *
 * @example Lose a tenth of the datagrams between two hosts
 * ```ts
 * import assert from "node:assert/strict";
 * const network = new MemoryNetwork({ seed: 1, loss: 0.1, latency: 5 });
 * const a = network.open("127.0.0.1", 1000);
 * const b = network.open("127.0.0.1", 2000);
 * assert.equal(a.send!({ data: new Uint8Array([1]), address: "127.0.0.1", port: 2000 }), true);
 * await network.close();
 * assert.equal(b.localAddress.port, 2000);
 * ```
 */
export class MemoryNetwork {
  /** The conditions of every link without its own, see {@linkcode MemoryNetwork.setLink}. */
  readonly conditions: Required<LinkConditions>;
  /** Counters of the datagrams' fates. */
  readonly stats: MemoryNetworkStats = {
    sent: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    oversized: 0,
    unroutable: 0,
  };

  #random: () => number;
  #highWaterMark: number | undefined;
  #bindings = new Map<string, Binding>();
  #links = new Map<string, Required<LinkConditions>>();
  #nextPort = FIRST_EPHEMERAL_PORT;

  /**
   * Creates an empty network.
   *
   * @param options Default link conditions, seed and queue bound.
   * @throws {RangeError} When a probability is outside 0..1 or a time is negative.
   */
  constructor(options: MemoryNetworkOptions = {}) {
    this.conditions = resolveConditions(options);
    this.#random = mulberry32(options.seed ?? (Math.random() * 2 ** 32) >>> 0);
    this.#highWaterMark = options.highWaterMark;
  }

  /**
   * Gives the one-way link from `from` to `to` its own conditions (any missing field
   * takes the network default), or restores the defaults with `null`. Endpoints are
   * the ones transports were opened with (`"::"` for a wildcard).
   *
   * @param from The sending endpoint.
   * @param to The receiving endpoint.
   * @param conditions The link's conditions, or `null`.
   */
  setLink(from: Endpoint, to: Endpoint, conditions: LinkConditions | null): void {
    const key = `${endpointKey(from)}>${endpointKey(to)}`;
    if (conditions === null) this.#links.delete(key);
    else this.#links.set(key, resolveConditions({ ...this.conditions, ...conditions }));
  }

  /**
   * Binds a transport. `"::"`, `"*"`, `""` and `"0.0.0.0"` bind the wildcard, which
   * receives datagrams sent to any address on that port and sends from `127.0.0.1`
   * or `::1`.
   *
   * @param address Numeric address or wildcard, default `"127.0.0.1"`.
   * @param port Port, default 0 (a free port from 49152 up).
   * @param options The receive queue bound, default the network's.
   * @returns The bound transport (synchronously).
   * @throws {TypeError} When the address is not numeric.
   * @throws {RangeError} When the port is out of range.
   * @throws {Error} When the endpoint is already bound.
   */
  open(address = "127.0.0.1", port = 0, options: TransportOptions = {}): DatagramTransport {
    const wildcard = WILDCARDS.has(address);
    if (!wildcard && (typeof address !== "string" || !isNumericAddress(address))) {
      throw new TypeError(`Cannot bind: "${String(address)}" is not a numeric IP address`);
    }
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new RangeError(`Cannot bind: port ${port} is not an integer from 0 to 65535`);
    }
    const endpoint = { address: wildcard ? "::" : normalizeAddress(address), port };
    if (port === 0) endpoint.port = this.#freePort();
    else if (this.#conflicts(endpoint)) {
      throw new Error(`Cannot bind: ${endpoint.address} port ${port} is already in use`);
    }
    const transport = new SocketTransport({
      highWaterMark: options.highWaterMark ?? this.#highWaterMark,
    });
    const binding: Binding = { transport, endpoint, timers: new Set() };
    const key = endpointKey(endpoint);
    this.#bindings.set(key, binding);
    const backend: SocketBackend = {
      family: "any",
      localAddress: { ...endpoint },
      send: (data, to, toPort) => {
        this.#route(endpoint, data, to, toPort);
        return true;
      },
      close: () => {
        for (const timer of binding.timers) clearTimeout(timer);
        binding.timers.clear();
        if (this.#bindings.get(key) === binding) this.#bindings.delete(key);
        return Promise.resolve();
      },
    };
    transport.attach(backend);
    return transport;
  }

  /** How many datagram copies are travelling (scheduled, not yet delivered). */
  get inFlight(): number {
    let count = 0;
    for (const binding of this.#bindings.values()) count += binding.timers.size;
    return count;
  }

  /**
   * Closes every transport and cancels every datagram in flight.
   *
   * @returns Resolves when all are closed.
   */
  async close(): Promise<void> {
    const all = [...this.#bindings.values()];
    await Promise.all(all.map((binding) => binding.transport.close()));
  }

  #route(from: Endpoint, data: Uint8Array, address: string, port: number): void {
    const stats = this.stats;
    stats.sent++;
    const target = this.#bindings.get(`${address}|${port}`) ??
      this.#bindings.get(`::|${port}`);
    const conditions = this.#links.size === 0 || target === undefined
      ? this.conditions
      : this.#links.get(`${endpointKey(from)}>${endpointKey(target.endpoint)}`) ??
        this.conditions;
    const random = this.#random;
    if (data.byteLength > conditions.mtu) {
      stats.oversized++;
      return;
    }
    if (conditions.loss > 0 && random() < conditions.loss) {
      stats.lost++;
      return;
    }
    if (target === undefined) {
      stats.unroutable++;
      return;
    }
    const source = from.address !== "::" ? from.address : isIPv4(address) ? "127.0.0.1" : "::1";
    const copies = conditions.duplicate > 0 && random() < conditions.duplicate ? 2 : 1;
    if (copies === 2) stats.duplicated++;
    for (let i = 0; i < copies; i++) {
      let delay = conditions.latency;
      if (conditions.jitter > 0) delay += random() * conditions.jitter;
      if (conditions.reorder > 0 && random() < conditions.reorder) {
        stats.reordered++;
        delay += random() * conditions.reorderDelay;
      }
      this.#schedule(target, data.slice(), source, from.port, delay);
    }
  }

  #schedule(target: Binding, data: Uint8Array, address: string, port: number, delay: number) {
    const timer = setTimeout(() => {
      target.timers.delete(timer);
      this.stats.delivered++;
      target.transport.deliver(data, address, port);
    }, delay);
    target.timers.add(timer);
  }

  #conflicts(endpoint: Endpoint): boolean {
    for (const { endpoint: bound } of this.#bindings.values()) {
      if (bound.port !== endpoint.port) continue;
      if (bound.address === endpoint.address || bound.address === "::") return true;
      if (endpoint.address === "::") return true;
    }
    return false;
  }

  #freePort(): number {
    for (let tries = 0; tries < 65536 - FIRST_EPHEMERAL_PORT; tries++) {
      const port = this.#nextPort;
      this.#nextPort = port === 65535 ? FIRST_EPHEMERAL_PORT : port + 1;
      let used = false;
      for (const { endpoint } of this.#bindings.values()) used ||= endpoint.port === port;
      if (!used) return port;
    }
    throw new Error("Cannot bind: no free port left");
  }
}

function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.address}|${endpoint.port}`;
}

function resolveConditions(options: LinkConditions): Required<LinkConditions> {
  const conditions = {
    loss: options.loss ?? 0,
    duplicate: options.duplicate ?? 0,
    reorder: options.reorder ?? 0,
    reorderDelay: options.reorderDelay ?? 20,
    latency: options.latency ?? 0,
    jitter: options.jitter ?? 0,
    mtu: options.mtu ?? 65507,
  };
  for (const name of ["loss", "duplicate", "reorder"] as const) {
    const p = conditions[name];
    if (!(p >= 0 && p <= 1)) {
      throw new RangeError(`Cannot configure network: ${name} ${p} is not from 0 to 1`);
    }
  }
  for (const name of ["reorderDelay", "latency", "jitter", "mtu"] as const) {
    const value = conditions[name];
    if (!(value >= 0)) {
      throw new RangeError(`Cannot configure network: ${name} ${value} is negative`);
    }
  }
  return conditions;
}

/**
 * A small seeded pseudo-random generator (mulberry32): uniform in [0, 1).
 *
 * @param seed Any 32-bit integer.
 * @returns The generator.
 *
 * @example Reproduce a sequence
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(mulberry32(7)(), mulberry32(7)());
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
