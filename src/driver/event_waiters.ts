/**
 * The consumers waiting for a host's next event, oldest first, each with an optional
 * time limit.
 *
 * @module
 */

import { deferTask, type TimerHandle } from "./timers.ts";

/** One consumer's wait: it ends once, with an event, `null`, or an error. */
export interface EventWaiter<E> {
  /** Called with the event, or `null` when the wait ended without one. */
  readonly resolve: (event: E | null) => void;
  /** Called with the error that stopped the host. */
  readonly reject: (error: unknown) => void;
  /** When the wait ends without an event: 0 = after pending I/O, `Infinity` = never. */
  readonly deadline: number;
  /** Removes the abort listener, if any. */
  unlisten: (() => void) | undefined;
}

const defaultClock = (): number => performance.now();

/**
 * A queue of {@linkcode EventWaiter}s. Events go to the oldest waiter first, so waits
 * made through different paths (a `nextEvent` call, an iterator) share one order.
 *
 * Time limits share one timer, armed for the earliest deadline and kept while later
 * waits come and go: a `service(5)` loop that gets an event every few microseconds arms
 * one timer per 5 ms, not a `setTimeout`/`clearTimeout` pair per event. A zero time
 * limit waits on no timer at all: the wait ends (`null`) in a `setImmediate` callback,
 * after the I/O already pending, which may still bring an event.
 *
 * @typeParam E The event type.
 *
 * @example Hand a queued event to the oldest waiter
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventWaiters } from "./event_waiters.ts";
 *
 * const waiters = new EventWaiters<string>();
 * const first = new Promise((resolve, reject) => waiters.add(Infinity, resolve, reject));
 * const second = new Promise((resolve, reject) => waiters.add(10, resolve, reject));
 * const events = ["hello"];
 * waiters.deliver({ pollEvent: () => events.shift() });
 * assert.equal(await first, "hello");
 * assert.equal(await second, null); // after 10 ms
 * ```
 */
export class EventWaiters<E> {
  #queue: EventWaiter<E>[] = [];
  #clock: () => number;
  #timer: TimerHandle | undefined;
  #timerDeadline = Infinity;
  #immediateQueued = false;

  /** @param clock Milliseconds, for the time limits; default `performance.now()`. */
  constructor(clock: () => number = defaultClock) {
    this.#clock = clock;
  }

  /** How many consumers are waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /**
   * Adds a waiter at the end of the queue.
   *
   * @param timeoutMs Milliseconds before it resolves `null`; 0 for "after pending I/O",
   *   `Infinity` for no limit.
   * @param resolve Called once with the event or `null`.
   * @param reject Called once if the host fails.
   * @param signal Cancels the wait when aborted (it resolves `null`).
   * @returns The waiter, for {@linkcode EventWaiters.cancel}.
   */
  add(
    timeoutMs: number,
    resolve: (event: E | null) => void,
    reject: (error: unknown) => void,
    signal?: AbortSignal,
  ): EventWaiter<E> {
    let deadline = Infinity;
    if (timeoutMs === 0) {
      deadline = 0;
      if (!this.#immediateQueued) {
        this.#immediateQueued = true;
        deferTask(this.#expireImmediate);
      }
    } else if (timeoutMs !== Infinity) {
      deadline = this.#clock() + timeoutMs;
      this.#arm(deadline);
    }
    const waiter: EventWaiter<E> = { resolve, reject, deadline, unlisten: undefined };
    if (signal !== undefined) {
      const abort = () => this.cancel(waiter);
      signal.addEventListener("abort", abort, { once: true });
      waiter.unlisten = () => signal.removeEventListener("abort", abort);
    }
    this.#queue.push(waiter);
    return waiter;
  }

  /**
   * Ends one wait early: it leaves the queue and resolves `null`.
   *
   * @param waiter A waiter from {@linkcode EventWaiters.add}.
   */
  cancel(waiter: EventWaiter<E>): void {
    const index = this.#queue.indexOf(waiter);
    if (index < 0) return;
    this.#queue.splice(index, 1);
    settle(waiter, null);
  }

  /**
   * Hands events to the waiters, oldest first, while both last.
   *
   * @param source Where events come from (the host): `pollEvent()` returns the next
   *   one, or `undefined` when there is none.
   */
  deliver(source: { pollEvent(): E | undefined }): void {
    const queue = this.#queue;
    while (queue.length > 0) {
      const event = source.pollEvent();
      if (event === undefined) return;
      settle(queue.shift()!, event);
    }
  }

  /** Ends every wait: each resolves `null`. */
  endAll(): void {
    this.#stopTimer();
    for (const waiter of this.#queue.splice(0)) settle(waiter, null);
  }

  /**
   * Fails every wait.
   *
   * @param error What each waiter rejects with.
   */
  failAll(error: unknown): void {
    this.#stopTimer();
    for (const waiter of this.#queue.splice(0)) {
      waiter.unlisten?.();
      waiter.reject(error);
    }
  }

  /** Arms the shared timer for `deadline` unless it already fires no later. */
  #arm(deadline: number): void {
    if (this.#timer !== undefined && this.#timerDeadline <= deadline) return;
    this.#stopTimer();
    this.#timerDeadline = deadline;
    this.#timer = setTimeout(this.#expire, Math.max(0, Math.ceil(deadline - this.#clock())));
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDeadline = Infinity;
  }

  /** Ends the waits whose deadline passed (and re-arms for the next one). */
  #expire = (): void => {
    this.#timer = undefined;
    this.#timerDeadline = Infinity;
    // Timers may fire a fraction of a millisecond before a fractional deadline.
    const now = this.#clock() + 1;
    let next = Infinity;
    const queue = this.#queue;
    for (let i = 0; i < queue.length;) {
      const waiter = queue[i];
      const deadline = waiter.deadline;
      if (deadline !== 0 && deadline <= now) {
        queue.splice(i, 1);
        settle(waiter, null);
      } else {
        if (deadline !== 0 && deadline < next) next = deadline;
        i++;
      }
    }
    if (next !== Infinity) this.#arm(next);
  };

  /** Ends the zero-time-limit waits, once the I/O pending when they started got in. */
  #expireImmediate = (): void => {
    this.#immediateQueued = false;
    const queue = this.#queue;
    for (let i = 0; i < queue.length;) {
      const waiter = queue[i];
      if (waiter.deadline === 0) {
        queue.splice(i, 1);
        settle(waiter, null);
      } else {
        i++;
      }
    }
  };
}

function settle<E>(waiter: EventWaiter<E>, event: E | null): void {
  waiter.unlisten?.();
  waiter.resolve(event);
}
