/**
 * Datagrams for a socket that can send many in one call (`Bun.udpSocket`'s `sendMany`):
 * gathered during a turn of the event loop, sent together once it ends, and held in order
 * while the socket's buffer is full.
 *
 * @module
 */

/** The socket calls a {@linkcode SendBatch} uses (`Bun.udpSocket`'s shape). */
export interface BatchSocket {
  /** Sends one datagram now; false when the socket cannot take it now. */
  send(data: Uint8Array, port: number, address: string): boolean;
  /** Sends `[data, port, address, …]` in one call; returns how many datagrams it took. */
  sendMany?(packets: readonly (Uint8Array | number | string)[]): number;
}

/** Most datagrams held at once; more are refused (the transport counts them as dropped). */
export const DEFAULT_BATCH_LIMIT = 4096;

/**
 * Most datagrams gathered before they are sent without waiting for the turn to end. A
 * busy turn (thousands of datagrams read from a deep receive buffer, a reply to each)
 * would otherwise leave as one burst that overflows the receivers' buffers: C ENet,
 * likewise, sends its replies after each read of at most 256 datagrams.
 */
export const DEFAULT_BATCH_BURST = 64;

/** Bytes of each block the datagrams are copied into. */
const SLAB_SIZE = 64 * 1024;

const immediate = (globalThis as { setImmediate?: (callback: () => void) => unknown })
  .setImmediate;

/** Runs `callback` after the I/O pending in this turn (`setImmediate`, else a 0 ms timer). */
function afterIo(callback: () => void): void {
  if (immediate !== undefined) immediate(callback);
  else setTimeout(callback, 0);
}

/**
 * Sends datagrams through a socket, many per call. `send` copies the datagram into a
 * shared block and schedules one flush after the I/O of this turn (a burst of received
 * datagrams and the replies to them go out in one `sendMany`, one system call), or at
 * once when {@linkcode DEFAULT_BATCH_BURST} have gathered in a busy turn. A
 * datagram the socket refuses (its buffer is full: `send`/`sendMany` return short) stays
 * held, with everything after it, and goes out on {@linkcode SendBatch.flush} — the
 * socket's drain callback, or the next turn's flush. Nothing is lost unless more than
 * `limit` datagrams wait.
 *
 * @example A socket that refuses, then drains
 * ```ts
 * import assert from "node:assert/strict";
 * import { SendBatch } from "./send_batch.ts";
 *
 * const wire: number[] = [];
 * let full = true;
 * const batch = new SendBatch({
 *   send: (data) => full ? false : (wire.push(data[0]), true),
 * }, { schedule: () => {} });
 * batch.send(Uint8Array.of(1), 9, "127.0.0.1");
 * batch.flush(); // refused: held
 * full = false;
 * batch.flush(); // the drain callback
 * assert.deepEqual(wire, [1]);
 * ```
 */
export class SendBatch {
  #socket: BatchSocket;
  #limit: number;
  #burst: number;
  #schedule: (callback: () => void) => void;
  #onError: () => void;
  /** Waiting datagrams, flattened as `sendMany` takes them: data, port, address. */
  #held: (Uint8Array | number | string)[] = [];
  #head = 0;
  #slab = new Uint8Array(SLAB_SIZE);
  #used = 0;
  #scheduled = false;
  /** Flushes that could not send everything (the socket's buffer was full). */
  refusals = 0;

  /**
   * @param socket The socket.
   * @param options `limit`: most datagrams held at once; `burst`: most gathered before
   *   they are sent at once (default {@linkcode DEFAULT_BATCH_BURST}); `schedule`: how the flush
   *   after this turn is scheduled (default `setImmediate`); `onError`: called for each
   *   datagram the socket rejects with an error.
   */
  constructor(
    socket: BatchSocket,
    options: {
      limit?: number;
      burst?: number;
      schedule?: (callback: () => void) => void;
      onError?: () => void;
    } = {},
  ) {
    this.#socket = socket;
    this.#limit = options.limit ?? DEFAULT_BATCH_LIMIT;
    this.#burst = options.burst ?? DEFAULT_BATCH_BURST;
    this.#schedule = options.schedule ?? afterIo;
    this.#onError = options.onError ?? (() => {});
  }

  /** How many datagrams wait. */
  get size(): number {
    return (this.#held.length - this.#head) / 3;
  }

  /**
   * Queues a copy of a datagram for the flush at the end of this turn.
   *
   * @param data The datagram; the caller may reuse it after the call.
   * @param port The destination port.
   * @param address The destination address, as the socket takes it.
   * @returns False only when `limit` datagrams already wait (this one is dropped).
   */
  send(data: Uint8Array, port: number, address: string): boolean {
    if (this.size >= this.#limit) return false;
    this.#held.push(this.#copy(data), port, address);
    // A busy turn: what gathered goes now (a refusing socket keeps more waiting, and is
    // not asked again until its drain or the turn's flush).
    if (this.size === this.#burst) this.flush();
    if (this.size > 0 && !this.#scheduled) {
      this.#scheduled = true;
      this.#schedule(this.#flushLater);
    }
    return true;
  }

  /**
   * Sends what waits, in order, until the socket refuses. A datagram the socket rejects
   * with an error (an address it cannot reach) is dropped and reported to `onError`.
   */
  flush(): void {
    const held = this.#held;
    const socket = this.#socket;
    while (this.#head < held.length) {
      if (socket.sendMany !== undefined) {
        let sent = 0;
        try {
          sent = socket.sendMany(this.#head === 0 ? held : held.slice(this.#head));
        } catch {
          // It throws when the first datagram is rejected: found out below.
        }
        if (sent > 0) this.#head += 3 * sent;
        if (this.#head >= held.length) break;
      }
      // sendMany stopped short (or is missing): send the next one alone to learn why.
      const head = this.#head;
      let sent: boolean;
      try {
        sent = socket.send(
          held[head] as Uint8Array,
          held[head + 1] as number,
          held[head + 2] as string,
        );
      } catch {
        this.#onError();
        sent = true; // dropped: move on
      }
      if (!sent) {
        this.refusals++;
        break;
      }
      this.#head += 3;
    }
    if (this.#head >= held.length) {
      held.length = 0;
      this.#head = 0;
      this.#used = 0; // nothing refers to the block any more
    }
  }

  /** Drops everything waiting (the socket closed). */
  clear(): void {
    this.#held.length = 0;
    this.#head = 0;
    this.#used = 0;
  }

  #flushLater = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  #copy(data: Uint8Array): Uint8Array {
    const length = data.length;
    if (length > SLAB_SIZE / 4) return data.slice();
    if (this.#used + length > SLAB_SIZE) {
      // Held datagrams may still refer to the old block: start a new one.
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#used = 0;
    }
    const copy = this.#slab.subarray(this.#used, this.#used + length);
    copy.set(data);
    this.#used += length;
    return copy;
  }
}
