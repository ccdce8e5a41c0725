/**
 * Timer helpers that work the same in Deno, Bun and Node.
 *
 * @module
 */

/** What `setTimeout` returns in the running runtime (a number or a timer object). */
export type TimerHandle = ReturnType<typeof setTimeout>;

interface DenoTimers {
  unrefTimer?(id: number): void;
}

/**
 * Lets the process exit while this timer is pending, where the runtime allows it:
 * `timer.unref()` in Node and Bun, `Deno.unrefTimer(id)` in Deno. Elsewhere it does
 * nothing.
 *
 * @param handle What `setTimeout` returned.
 *
 * @example A timer that never keeps the process alive
 * ```ts
 * import { unrefTimer } from "./timers.ts";
 *
 * const handle = setTimeout(() => {}, 60_000);
 * unrefTimer(handle);
 * clearTimeout(handle);
 * ```
 */
export function unrefTimer(handle: TimerHandle): void {
  const timer = handle as unknown as { unref?: () => void };
  if (typeof timer === "object" && timer !== null && typeof timer.unref === "function") {
    timer.unref();
    return;
  }
  if (typeof handle === "number") {
    const deno = (globalThis as { Deno?: DenoTimers }).Deno;
    deno?.unrefTimer?.(handle);
  }
}

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown })
  .setImmediate;

/**
 * Runs `callback` soon, after the I/O already waiting in this turn of the event loop:
 * `setImmediate` where the runtime has it (Deno, Bun and Node do), else `setTimeout(0)`.
 *
 * @param callback What to run.
 *
 * @example Run after pending I/O
 * ```ts
 * import { deferTask } from "./timers.ts";
 *
 * await new Promise<void>((resolve) => deferTask(resolve));
 * ```
 */
export function deferTask(callback: () => void): void {
  if (immediate !== undefined) immediate(callback);
  else setTimeout(callback, 0);
}
