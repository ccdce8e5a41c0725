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

/**
 * Milliseconds from `now` until the send phase pings a silent peer: the first time at
 * which `timeDifference(time, lastReceiveTime) >= pingInterval`, as C ENet tests it.
 * Differences of a day or more read as negative there, so an interval of a day or more
 * falls due once a day has passed, or never when even that difference stays below it.
 *
 * @param lastReceiveTime When the peer was last heard from (32-bit).
 * @param pingInterval The peer's ping interval in milliseconds.
 * @param now The current 32-bit time.
 * @returns 0 when due, the milliseconds left, or `Infinity` when it never falls due.
 *
 * @example A ping interval of 0x7fffffff falls due after a day, not at once
 * ```ts
 * import assert from "node:assert/strict";
 * import { TIME_OVERFLOW, untilPing } from "./time.ts";
 *
 * assert.equal(untilPing(1000, 500, 1200), 300);
 * assert.equal(untilPing(1000, 0x7fffffff, 1000), TIME_OVERFLOW);
 * ```
 */
export function untilPing(lastReceiveTime: number, pingInterval: number, now: number): number {
  if (timeDifference(now, lastReceiveTime) >= pingInterval) return 0;
  const elapsed = (now - lastReceiveTime) >>> 0;
  if (elapsed >= TIME_OVERFLOW) return Infinity;
  if (pingInterval < TIME_OVERFLOW) return pingInterval - elapsed;
  return 2 ** 32 - TIME_OVERFLOW >= pingInterval ? TIME_OVERFLOW - elapsed : Infinity;
}
