/**
 * Datagrams a non-blocking socket refused for now (its send buffer was full), kept in
 * order and sent again when it drains.
 *
 * @module
 */

/** The socket calls a {@linkcode SendBacklog} uses (`Bun.udpSocket`'s shape). */
export interface BacklogSocket {
  /** Sends one datagram now; false when the socket cannot take it now. */
  send(data: Uint8Array, port: number, address: string): boolean;
  /** Sends `[data, port, address, …]` in one call; returns how many datagrams it took. */
  sendMany?(packets: readonly (Uint8Array | number | string)[]): number;
}

/** Most datagrams held while the socket is full; more are refused (counted as dropped). */
export const DEFAULT_BACKLOG_LIMIT = 4096;

/**
 * Sends datagrams through a socket whose `send` may return false under load. A refused
 * datagram is copied and held, and so is every later one while any is held (order is
 * kept); {@linkcode SendBacklog.drain} (the socket's drain callback, and every later
 * send) sends the held ones again, in batches through `sendMany` when the socket has it.
 * Nothing is lost unless more than `limit` datagrams wait.
 *
 * @example A socket that refuses, then drains
 * ```ts
 * import assert from "node:assert/strict";
 * import { SendBacklog } from "./send_backlog.ts";
 *
 * const wire: number[] = [];
 * let full = true;
 * const backlog = new SendBacklog({
 *   send: (data) => full ? false : (wire.push(data[0]), true),
 * });
 * assert.equal(backlog.send(Uint8Array.of(1), 9, "127.0.0.1"), true); // held
 * full = false;
 * backlog.drain();
 * backlog.send(Uint8Array.of(2), 9, "127.0.0.1");
 * assert.deepEqual(wire, [1, 2]);
 * ```
 */
export class SendBacklog {
  #socket: BacklogSocket;
  #limit: number;
  /** Held datagrams, flattened as `sendMany` takes them: data, port, address. */
  #held: (Uint8Array | number | string)[] = [];
  #head = 0;
  /** Datagrams held after a refused send (for tests and stats). */
  heldTotal = 0;

  /**
   * @param socket The socket.
   * @param limit Most datagrams held at once.
   */
  constructor(socket: BacklogSocket, limit = DEFAULT_BACKLOG_LIMIT) {
    this.#socket = socket;
    this.#limit = limit;
  }

  /** How many datagrams wait for the socket. */
  get size(): number {
    return (this.#held.length - this.#head) / 3;
  }

  /**
   * Sends a datagram now, or holds a copy of it until the socket drains.
   *
   * @param data The datagram; the caller may reuse it after the call.
   * @param port The destination port.
   * @param address The destination address, as the socket takes it.
   * @returns False only when the backlog is full and the datagram is dropped.
   */
  send(data: Uint8Array, port: number, address: string): boolean {
    if (this.#head < this.#held.length) this.drain();
    if (this.#head === this.#held.length && this.#socket.send(data, port, address)) return true;
    if (this.size >= this.#limit) return false;
    this.#held.push(data.slice(), port, address);
    this.heldTotal++;
    return true;
  }

  /** Sends what is held, in order, until the socket refuses again. */
  drain(): void {
    const held = this.#held;
    const socket = this.#socket;
    while (this.#head < held.length) {
      let sent: number;
      if (socket.sendMany !== undefined) {
        sent = socket.sendMany(this.#head === 0 ? held : held.slice(this.#head));
      } else {
        sent = socket.send(
            held[this.#head] as Uint8Array,
            held[this.#head + 1] as number,
            held[this.#head + 2] as string,
          )
          ? 1
          : 0;
      }
      if (!(sent > 0)) break;
      this.#head += 3 * sent;
    }
    if (this.#head >= held.length) {
      held.length = 0;
      this.#head = 0;
    }
  }

  /** Drops everything held (the socket closed). */
  clear(): void {
    this.#held.length = 0;
    this.#head = 0;
  }
}
