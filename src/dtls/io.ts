/**
 * Plumbing shared by the DTLS transports: the outward readable queue, the pump that
 * reads the inner transport, and sending through the inner transport.
 *
 * @module
 */

import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";

/** The most decrypted datagrams held for a slow reader by default. */
export const DEFAULT_QUEUE_LIMIT = 1024;

/** A bounded queue exposed as a `ReadableStream<Datagram>`. */
export class DatagramQueue {
  /** The stream side. */
  readonly readable: ReadableStream<Datagram>;
  #controller!: ReadableStreamDefaultController<Datagram>;
  #open = true;

  /** @param limit The most datagrams held; more are refused. */
  constructor(limit: number = DEFAULT_QUEUE_LIMIT) {
    this.readable = new ReadableStream<Datagram>({
      start: (controller) => {
        this.#controller = controller;
      },
      cancel: () => {
        this.#open = false;
      },
    }, { highWaterMark: limit });
  }

  /**
   * @param datagram What to queue (owned by the queue from now on).
   * @returns Whether it was queued (false: full or closed).
   */
  push(datagram: Datagram): boolean {
    if (!this.#open || (this.#controller.desiredSize ?? 0) <= 0) return false;
    this.#controller.enqueue(datagram);
    return true;
  }

  /** Ends the stream. */
  close(): void {
    if (!this.#open) return;
    this.#open = false;
    try {
      this.#controller.close();
    } catch {
      // already closed or cancelled
    }
  }
}

/**
 * Reads every datagram of `inner` until it ends.
 *
 * @param inner The transport to read.
 * @param onDatagram Called for each datagram (must not throw).
 * @param onEnd Called once when the inner readable ends or fails.
 */
export function pump(
  inner: DatagramTransport,
  onDatagram: (datagram: Datagram) => void,
  onEnd: () => void,
): void {
  const reader = inner.readable.getReader();
  (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        onDatagram(value);
      }
    } catch {
      // the inner transport failed: end as if closed
    } finally {
      reader.releaseLock();
      onEnd();
    }
  })();
}

/**
 * Makes a function sending datagrams through `inner` (its synchronous `send` when it
 * has one, else its writable side). Failures are counted, never thrown.
 *
 * @param inner The transport to send through.
 * @param onError Called when a send fails.
 * @returns The send function; `data` must not be reused by the caller.
 */
export function sender(
  inner: DatagramTransport,
  onError: () => void,
): (address: string, port: number, data: Uint8Array) => void {
  if (inner.send !== undefined) {
    const send = inner.send.bind(inner);
    return (address, port, data) => {
      try {
        if (!send({ address, port, data })) onError();
      } catch {
        onError();
      }
    };
  }
  let writer: WritableStreamDefaultWriter<Datagram> | null = null;
  return (address, port, data) => {
    try {
      writer ??= inner.writable.getWriter();
      writer.write({ address, port, data }).catch(onError);
    } catch {
      onError();
    }
  };
}
