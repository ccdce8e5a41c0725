/**
 * Counts the timers code arms: `globalThis.setTimeout` is wrapped until `restore()`.
 *
 * @module
 */

/** A running count of `setTimeout` calls. */
export interface TimerCount {
  /** Timers armed since the count started. */
  readonly armed: number;
  /** Puts the real `setTimeout` back. */
  restore(): void;
}

/**
 * Starts counting `setTimeout` calls (each still arms its timer).
 *
 * @returns The count; call `restore()` in a `finally`.
 */
export function countTimers(): TimerCount {
  const realSetTimeout = globalThis.setTimeout;
  let armed = 0;
  globalThis.setTimeout = ((...args: Parameters<typeof setTimeout>) => {
    armed++;
    return realSetTimeout(...args);
  }) as typeof setTimeout;
  return {
    get armed() {
      return armed;
    },
    restore: () => {
      globalThis.setTimeout = realSetTimeout;
    },
  };
}
