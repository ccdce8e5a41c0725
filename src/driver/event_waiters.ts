/**
 * The consumers waiting for a host's next event, oldest first, each with an optional
 * time limit.
 *
 * @module
 */

import type { TimerHandle } from "./timers.ts";

/** One consumer's wait: it settles once, with an event, `null`, or an error. */
export interface EventWaiter<E> {
  /** Settles with the event, or `null` when the wait ended without one. */
  readonly promise: Promise<E | null>;
  /** Settles the promise with an event or `null`. */
  resolve(event: E | null): void;
  /** Settles the promise with an error. */
  reject(error: unknown): void;
  /** The time limit's timer, if any. */
  timer: TimerHandle | undefined;
  /** Removes the abort listener, if any. */
  unlisten: (() => void) | undefined;
}

/**
 * A queue of {@linkcode EventWaiter}s. Events go to the oldest waiter first, so waits
 * made through different paths (a `nextEvent` call, an iterator) share one order.
 *
 * @typeParam E The event type.
 *
 * @example Hand a queued event to the oldest waiter
 * ```ts
 * import assert from "node:assert/strict";
 * import { EventWaiters } from "./event_waiters.ts";
 *
 * const waiters = new EventWaiters<string>();
 * const first = waiters.add(Infinity);
 * const second = waiters.add(10); // null after 10 ms
 * const events = ["hello"];
 * waiters.deliver({ pollEvent: () => events.shift() });
 * assert.equal(await first.promise, "hello");
 * assert.equal(await second.promise, null);
 * ```
 */
export class EventWaiters<E> {
  #queue: EventWaiter<E>[] = [];

  /** How many consumers are waiting. */
  get size(): number {
    return this.#queue.length;
  }

  /**
   * Adds a waiter at the end of the queue.
   *
   * @param timeoutMs Milliseconds before it resolves `null`; `Infinity` for no limit.
   * @param signal Cancels the wait when aborted (it resolves `null`).
   * @returns The waiter.
   */
  add(timeoutMs: number, signal?: AbortSignal): EventWaiter<E> {
    let resolve!: (event: E | null) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<E | null>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiter: EventWaiter<E> = {
      promise,
      resolve,
      reject,
      timer: undefined,
      unlisten: undefined,
    };
    if (timeoutMs !== Infinity) waiter.timer = setTimeout(() => this.cancel(waiter), timeoutMs);
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
    if (index >= 0) this.#queue.splice(index, 1);
    settle(waiter, null);
  }

  /**
   * Hands events to the waiters, oldest first, while both last.
   *
   * @param source Where events come from (the host): `pollEvent()` returns the next
   *   one, or `undefined` when there is none.
   */
  deliver(source: { pollEvent(): E | undefined }): void {
    while (this.#queue.length > 0) {
      const event = source.pollEvent();
      if (event === undefined) return;
      settle(this.#queue.shift()!, event);
    }
  }

  /** Ends every wait: each resolves `null`. */
  endAll(): void {
    for (const waiter of this.#queue.splice(0)) settle(waiter, null);
  }

  /**
   * Fails every wait.
   *
   * @param error What each waiter rejects with.
   */
  failAll(error: unknown): void {
    for (const waiter of this.#queue.splice(0)) {
      if (waiter.timer !== undefined) clearTimeout(waiter.timer);
      waiter.unlisten?.();
      waiter.reject(error);
    }
  }
}

function settle<E>(waiter: EventWaiter<E>, event: E | null): void {
  if (waiter.timer !== undefined) clearTimeout(waiter.timer);
  waiter.unlisten?.();
  waiter.resolve(event);
}
