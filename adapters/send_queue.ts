/**
 * A bounded first-in first-out queue of datagram sends with one send in flight.
 *
 * Deno completes concurrent asynchronous UDP sends in reverse order (a burst of ten
 * leaves as 9, 8, … 0), which would turn every burst from the core into reordered
 * datagrams, and ENet drops older unreliable sequenced packets. Issuing sends one at
 * a time keeps them in order and is no slower.
 *
 * @module
 */

/** Sends one datagram; settles when the socket took it. */
export type AsyncSend = (data: Uint8Array, address: string, port: number) => Promise<unknown>;

/** Sends one datagram now if the socket takes it; `false` leaves it to the {@linkcode AsyncSend}. */
export type SyncSend = (data: Uint8Array, address: string, port: number) => boolean;

/** The default bound of {@linkcode SendQueue}: sends waiting beyond it fail. */
export const DEFAULT_SEND_QUEUE_LIMIT = 4096;

/**
 * Runs sends one after another in the order they were pushed.
 *
 * @example Keep three sends in order
 * ```ts
 * import assert from "node:assert/strict";
 * const order: number[] = [];
 * const queue = new SendQueue(async (data) => order.push(data[0]), () => {});
 * for (const n of [1, 2, 3]) queue.push(new Uint8Array([n]), "127.0.0.1", 9);
 * await queue.idle();
 * assert.deepEqual(order, [1, 2, 3]);
 * ```
 */
export class SendQueue {
  #send: AsyncSend;
  #onError: () => void;
  #limit: number;
  #items: ({ data: Uint8Array; address: string; port: number } | undefined)[] = [];
  #head = 0;
  #running: Promise<void> | null = null;
  #stopped = false;
  #trySend: SyncSend | undefined;

  /**
   * @param send The socket's asynchronous send.
   * @param onError Called once for each send that rejects.
   * @param limit The most sends waiting; `push` refuses beyond it.
   * @param trySend A synchronous send, tried for every datagram after the first of a
   *   run: a socket that refused a datagram (its buffer was full) is waited for once,
   *   then what queued behind it leaves at the synchronous pace while it takes them.
   */
  constructor(
    send: AsyncSend,
    onError: () => void,
    limit = DEFAULT_SEND_QUEUE_LIMIT,
    trySend?: SyncSend,
  ) {
    this.#send = send;
    this.#onError = onError;
    this.#limit = limit;
    this.#trySend = trySend;
  }

  /**
   * Queues a send. The queue keeps `data` until it is sent, so pass a copy.
   *
   * @param data The payload, owned by the queue from now on.
   * @param address The destination, in the socket's form.
   * @param port The destination port.
   * @returns `false` when the queue is full or stopped (the datagram is not sent).
   */
  push(data: Uint8Array, address: string, port: number): boolean {
    if (this.#stopped || this.#items.length - this.#head >= this.#limit) return false;
    this.#items.push({ data, address, port });
    this.#running ??= this.#run();
    return true;
  }

  /** True while a send is waiting or in flight: a later send must queue behind it. */
  get busy(): boolean {
    return this.#running !== null;
  }

  /**
   * Resolves when no send is waiting or in flight.
   *
   * @returns Settles once idle; never rejects.
   */
  idle(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  /**
   * Discards waiting sends and refuses new ones; the send in flight still settles.
   *
   * @returns Resolves when the send in flight (if any) has settled.
   */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#items.length = 0;
    this.#head = 0;
    return this.idle();
  }

  async #run(): Promise<void> {
    const items = this.#items;
    const trySend = this.#trySend;
    // The first send of a run is always awaited, so a run never ends synchronously
    // inside the `push` that started it.
    let waited = false;
    while (this.#head < items.length) {
      const item = items[this.#head]!;
      items[this.#head++] = undefined;
      if (!waited || trySend === undefined || !trySend(item.data, item.address, item.port)) {
        waited = true;
        try {
          await this.#send(item.data, item.address, item.port);
        } catch {
          if (!this.#stopped) this.#onError();
        }
      }
      if (this.#head > 1024 && this.#head * 2 > items.length) {
        items.splice(0, this.#head);
        this.#head = 0;
      }
    }
    items.length = 0;
    this.#head = 0;
    this.#running = null;
  }
}
