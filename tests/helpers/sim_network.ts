/**
 * A simulated datagram network with a virtual clock for testing core `Host`s without
 * sockets: seeded loss, duplication, reordering, latency, jitter and an MTU limit.
 *
 * @module
 */

import type { Host } from "../../src/core/host.ts";
import type { HostEvent, PeerAddress } from "../../src/core/types.ts";

/** Link impairments; probabilities are 0..1, times in milliseconds. */
export interface LinkOptions {
  /** Probability a datagram is lost. */
  loss?: number;
  /** Probability a datagram is delivered twice. */
  duplicate?: number;
  /** Probability a datagram is held back by an extra `2 * latency`. */
  reorder?: number;
  /** One-way delay. */
  latency?: number;
  /** Extra random delay, uniform in 0..jitter. */
  jitter?: number;
  /** Datagrams larger than this are dropped. */
  mtu?: number;
}

/** A host attached to the network. */
export interface SimNode {
  /** The host. */
  host: Host;
  /** Its address on the network. */
  address: PeerAddress;
  /** Every event it produced, in order, with the virtual time. */
  events: Array<{ time: number; event: HostEvent }>;
  /** Called for each event as it is polled (may send packets). */
  onEvent?: (event: HostEvent, node: SimNode) => void;
  /** Datagrams it sent. */
  sent: number;
}

interface InFlight {
  deliverAt: number;
  order: number;
  from: SimNode;
  to: SimNode;
  data: Uint8Array;
}

/** Mulberry32, for reproducible impairments. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let n = state;
    n = Math.imul(n ^ (n >>> 15), n | 1);
    n ^= n + Math.imul(n ^ (n >>> 7), n | 61);
    return ((n ^ (n >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The network: `step()` advances the virtual clock to the next delivery or host timer.
 *
 * @example Two hosts connect
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../../src/core/host.ts";
 * import { SimNetwork } from "./sim_network.ts";
 *
 * const net = new SimNetwork(1, { latency: 10 });
 * const a = net.add(new Host({ seed: 1 }), { address: "10.0.0.1", port: 1 });
 * const b = net.add(new Host({ seed: 2 }), { address: "10.0.0.2", port: 2 });
 * a.host.connect(net.now, b.address, 1, 0);
 * assert.ok(net.runUntil(() => b.events.length > 0, 1000));
 * ```
 */
export class SimNetwork {
  /** Virtual time in milliseconds. */
  now: number;
  /** Impairments for every link. */
  options: LinkOptions;
  /** Return false to drop a datagram (applied before the impairments). */
  filter: ((from: SimNode, to: SimNode, data: Uint8Array) => boolean) | null = null;
  readonly nodes: SimNode[] = [];
  readonly #random: () => number;
  #inFlight: InFlight[] = [];
  #order = 0;

  /**
   * Creates a network.
   *
   * @param seed Seed of the impairments.
   * @param options Link impairments.
   * @param start Initial virtual time.
   */
  constructor(seed: number, options: LinkOptions = {}, start = 0) {
    this.#random = seededRandom(seed);
    this.options = options;
    this.now = start;
  }

  /** Attaches a host at `address`. */
  add(host: Host, address: PeerAddress): SimNode {
    const node: SimNode = { host, address, events: [], sent: 0 };
    this.nodes.push(node);
    return node;
  }

  #nodeAt(address: PeerAddress): SimNode | undefined {
    return this.nodes.find((n) =>
      n.address.address === address.address && n.address.port === address.port
    );
  }

  /** Sends raw bytes from `from` to `to` now (subject to the impairments). */
  inject(from: SimNode, to: SimNode, data: Uint8Array, delay = 0): void {
    this.#schedule(from, to, data.slice(), this.now + delay);
  }

  #schedule(from: SimNode, to: SimNode, data: Uint8Array, deliverAt: number): void {
    const item = { deliverAt, order: this.#order++, from, to, data };
    const list = this.#inFlight;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid].deliverAt <= deliverAt) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, item);
  }

  #transmit(from: SimNode, to: SimNode, data: Uint8Array): void {
    const o = this.options;
    const r = this.#random;
    if (this.filter !== null && !this.filter(from, to, data)) return;
    if (o.mtu !== undefined && data.length > o.mtu) return;
    if (o.loss && r() < o.loss) return;
    const copies = o.duplicate && r() < o.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let delay = (o.latency ?? 0) + (o.jitter ? r() * o.jitter : 0);
      if (o.reorder && r() < o.reorder) delay += 2 * (o.latency ?? 1);
      this.#schedule(from, to, data.slice(), this.now + delay);
    }
  }

  /** Drains a node's transmits and events. */
  drain(node: SimNode): void {
    const host = node.host;
    for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
      node.sent++;
      const to = this.#nodeAt(t.address);
      if (to !== undefined) this.#transmit(node, to, t.data);
    }
    for (let e = host.pollEvent(); e !== undefined; e = host.pollEvent()) {
      node.events.push({ time: this.now, event: e });
      node.onEvent?.(e, node);
    }
    for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
      node.sent++;
      const to = this.#nodeAt(t.address);
      if (to !== undefined) this.#transmit(node, to, t.data);
    }
  }

  /**
   * Advances to the next delivery or timer and processes it.
   *
   * @returns False when nothing is scheduled.
   */
  step(): boolean {
    let next = this.#inFlight.length > 0 ? this.#inFlight[0].deliverAt : Infinity;
    for (const node of this.nodes) {
      const t = node.host.pollTimeout();
      if (t !== undefined && t < next) next = t;
    }
    if (next === Infinity) return false;
    if (next > this.now) this.now = next;
    while (this.#inFlight.length > 0 && this.#inFlight[0].deliverAt <= this.now) {
      const item = this.#inFlight.shift()!;
      item.to.host.handleDatagram(this.now, item.from.address, item.data);
      this.drain(item.to);
    }
    for (const node of this.nodes) {
      const t = node.host.pollTimeout();
      if (t !== undefined && t <= this.now) {
        node.host.handleTimeout(this.now);
        this.drain(node);
      }
    }
    return true;
  }

  /**
   * Steps until `done()` or `maxTime` virtual milliseconds pass.
   *
   * @returns Whether `done()` became true.
   * @throws {Error} If the clock stops advancing (a host asks for timeouts in a loop).
   */
  runUntil(done: () => boolean, maxTime: number): boolean {
    const end = this.now + maxTime;
    let stuck = 0;
    while (!done()) {
      const before = this.now;
      if (!this.step()) return done();
      if (this.now > end) return done();
      stuck = this.now === before ? stuck + 1 : 0;
      if (stuck > 10000) throw new Error(`Simulation stuck at ${this.now}`);
    }
    return true;
  }

  /** Steps for `ms` virtual milliseconds. */
  run(ms: number): void {
    this.runUntil(() => false, ms);
  }
}
