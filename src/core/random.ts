/**
 * The host's seeded random source for connect IDs: Mulberry32, as C ENet 1.3.18's
 * `enet_host_random` uses.
 *
 * @module
 */

/**
 * A 32-bit Mulberry32 generator.
 *
 * @example Same seed, same sequence
 * ```ts
 * import assert from "node:assert/strict";
 * import { Mulberry32 } from "./random.ts";
 *
 * assert.equal(new Mulberry32(7).next(), new Mulberry32(7).next());
 * ```
 */
export class Mulberry32 {
  #state: number;

  /**
   * Creates a generator.
   *
   * @param seed Any number; its low 32 bits are used.
   */
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /**
   * The next value.
   *
   * @returns An unsigned 32-bit integer.
   */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let n = this.#state;
    n = Math.imul(n ^ (n >>> 15), n | 1);
    n ^= n + Math.imul(n ^ (n >>> 7), n | 61);
    return (n ^ (n >>> 14)) >>> 0;
  }
}
