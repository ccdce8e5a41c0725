/**
 * ENet's wrap-aware time arithmetic on 32-bit millisecond clocks (C ENet's time.h).
 *
 * The core keeps time as an unsigned 32-bit count of milliseconds, like `enet_time_get`.
 * Two times compare as "less" when their unsigned difference is at least
 * `TIME_OVERFLOW` (one day), so comparisons survive the clock wrapping around.
 *
 * @module
 */

/** One day in milliseconds: differences at least this large are read as negative. */
export const TIME_OVERFLOW = 86_400_000;

/**
 * Converts a caller's `now` (milliseconds, any origin, possibly fractional) to ENet's
 * 32-bit clock.
 *
 * @param now Milliseconds.
 * @returns `floor(now)` modulo 2^32.
 *
 * @example Wrap a large clock value
 * ```ts
 * import assert from "node:assert/strict";
 * import { toEnetTime } from "./time.ts";
 *
 * assert.equal(toEnetTime(2 ** 32 + 5.7), 5);
 * ```
 */
export function toEnetTime(now: number): number {
  return Math.floor(now) >>> 0;
}

/**
 * `ENET_TIME_LESS(a, b)`: true when `a` is before `b`.
 *
 * @param a A 32-bit time.
 * @param b A 32-bit time.
 * @returns Whether `a` comes before `b`, wrap-aware.
 *
 * @example Compare across the wrap
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeLess } from "./time.ts";
 *
 * assert.equal(timeLess(0xffffff00, 0x10), true);
 * assert.equal(timeLess(0x10, 0xffffff00), false);
 * ```
 */
export function timeLess(a: number, b: number): boolean {
  return ((a - b) >>> 0) >= TIME_OVERFLOW;
}

/**
 * `ENET_TIME_GREATER_EQUAL(a, b)`: true when `a` is at or after `b`.
 *
 * @param a A 32-bit time.
 * @param b A 32-bit time.
 * @returns Whether `a` does not come before `b`.
 *
 * @example Equal times
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeGreaterEqual } from "./time.ts";
 *
 * assert.equal(timeGreaterEqual(5, 5), true);
 * ```
 */
export function timeGreaterEqual(a: number, b: number): boolean {
  return ((a - b) >>> 0) < TIME_OVERFLOW;
}

/**
 * `ENET_TIME_DIFFERENCE(a, b)`: the distance between two times, wrap-aware.
 *
 * @param a A 32-bit time.
 * @param b A 32-bit time.
 * @returns `|a - b|` on the 32-bit clock.
 *
 * @example Distance across the wrap
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeDifference } from "./time.ts";
 *
 * assert.equal(timeDifference(0x10, 0xfffffff0), 0x20);
 * assert.equal(timeDifference(0xfffffff0, 0x10), 0x20);
 * ```
 */
export function timeDifference(a: number, b: number): number {
  const d = (a - b) >>> 0;
  return d >= TIME_OVERFLOW ? (b - a) >>> 0 : d;
}
