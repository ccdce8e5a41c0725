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

/**
 * One timer armed for an absolute deadline on a clock. Arming it for a deadline at or
 * after the one it already waits for keeps the running timer, which then fires early:
 * the owner runs its work and arms it again for the later deadline. Only an earlier
 * deadline replaces the timer. A host's next deadline moves later at almost every
 * input (each acknowledgement pushes back a retransmission), so this turns a
 * `clearTimeout` and `setTimeout` per input into one early wake-up per deadline. The
 * timer is unref'ed (see {@linkcode unrefTimer}).
 *
 * @example Fire once at a deadline 5 ms away
 * ```ts
 * import { DeadlineTimer } from "./timers.ts";
 *
 * const clock = () => performance.now();
 * await new Promise<void>((resolve) => {
 *   const timer = new DeadlineTimer(clock, resolve);
 *   timer.arm(clock() + 5);
 *   setTimeout(() => {}, 10); // keeps the process alive meanwhile
 * });
 * ```
 */
export class DeadlineTimer {
  #clock: () => number;
  #fire: () => void;
  #handle: TimerHandle | undefined;
  #deadline = 0;

  /**
   * Creates a stopped timer.
   *
   * @param clock The clock deadlines are read on, in milliseconds.
   * @param fire Called when a deadline falls due.
   */
  constructor(clock: () => number, fire: () => void) {
    this.#clock = clock;
    this.#fire = fire;
  }

  /**
   * Arms the timer to fire no later than `deadline`, or stops it.
   *
   * @param deadline When to fire, on the clock; `undefined` stops the timer.
   */
  arm(deadline: number | undefined): void {
    if (deadline === undefined) {
      this.stop();
      return;
    }
    if (this.#handle !== undefined && this.#deadline <= deadline) return;
    this.stop();
    this.#deadline = deadline;
    this.#handle = setTimeout(this.#expire, Math.max(0, Math.ceil(deadline - this.#clock())));
    unrefTimer(this.#handle);
  }

  /** Stops the timer; it does not fire until armed again. */
  stop(): void {
    if (this.#handle !== undefined) clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #expire = (): void => {
    this.#handle = undefined;
    this.#fire();
  };
}
