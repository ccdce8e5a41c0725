/**
 * An array of Linux's `struct mmsghdr`, for `sendmmsg` and `recvmmsg`: one system call
 * for a batch of datagrams. On these machines a system call costs more than the
 * datagram it carries (loopback, 100 bytes: `sendto` 2.5 µs and `recvfrom` 1.3 µs each,
 * against 0.85 and 0.15 µs per datagram in batches of 64), so a server that sends and
 * reads one datagram per call spends most of its time entering the kernel.
 *
 * Everything lives in one buffer whose address is taken once: the headers, one
 * `struct iovec` and one socket address per slot, then a data area for the datagrams.
 * The layout is the 64-bit one (x86-64 and AArch64 Linux).
 *
 * @module
 */

import type { LibcSocketCalls } from "./libc.ts";

/** Datagrams per batch. */
export const BATCH_SLOTS = 32;

const HEADER_SIZE = 64; // struct mmsghdr: struct msghdr (56) + msg_len + padding
const IOVEC_SIZE = 16;
const NAME_SIZE = 32; // room for a sockaddr_in6 (28)
const IOVECS = BATCH_SLOTS * HEADER_SIZE;
const NAMES = IOVECS + BATCH_SLOTS * IOVEC_SIZE;
const DATA = NAMES + BATCH_SLOTS * NAME_SIZE;
const MSG_TRUNC = 0x20;
const TWO_32 = 2 ** 32;

/** Whether this machine stores integers little-endian, as the layout here assumes. */
export const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * The message array of one socket's batches, slots `0 … BATCH_SLOTS - 1`, over a data
 * area that {@linkcode MessageBatch.place} divides among them.
 *
 * @example Describe a datagram of 3 bytes in slot 0
 * ```ts
 * import { openLibc } from "./libc.ts";
 * const calls = openLibc();
 * if (calls) {
 *   const batch = new MessageBatch(calls, 4096);
 *   batch.place(0, 0, 3);
 *   batch.bytes(0, 3).set([1, 2, 3]);
 *   console.log(batch.dataLength(0)); // 3
 *   calls.close();
 * }
 * ```
 */
export class MessageBatch {
  /** The whole array, headers first: what `sendmmsg` and `recvmmsg` take. */
  readonly messages: Uint8Array;
  /** Bytes in the data area. */
  readonly capacity: number;
  #words: Uint32Array;
  #base: number;

  /**
   * @param calls The C library, for the buffer's address.
   * @param capacity Bytes of the data area.
   */
  constructor(calls: LibcSocketCalls, capacity: number) {
    const buffer = new ArrayBuffer(DATA + capacity);
    this.capacity = capacity;
    this.messages = new Uint8Array(buffer);
    this.#words = new Uint32Array(buffer);
    const base = this.#base = calls.address(this.messages);
    for (let i = 0; i < BATCH_SLOTS; i++) {
      const header = i * HEADER_SIZE;
      this.#pointer(header, base + NAMES + i * NAME_SIZE); // msg_name
      this.#pointer(header + 16, base + IOVECS + i * IOVEC_SIZE); // msg_iov
      this.#words[(header + 24) >> 2] = 1; // msg_iovlen
      this.setNameLength(i, NAME_SIZE);
    }
  }

  /**
   * Points a slot at part of the data area: what to send, or where to read.
   *
   * @param i The slot.
   * @param offset Where its bytes start in the data area.
   * @param length How many bytes to send (or may be read).
   */
  place(i: number, offset: number, length: number): void {
    const iovec = IOVECS + i * IOVEC_SIZE;
    this.#pointer(iovec, this.#base + DATA + offset); // iov_base
    this.#words[(iovec + 8) >> 2] = length; // iov_len
  }

  /**
   * Part of the data area.
   *
   * @param offset Where it starts.
   * @param length Bytes.
   * @returns A view of those bytes.
   */
  bytes(offset: number, length: number): Uint8Array {
    const start = this.dataAt(offset);
    return this.messages.subarray(start, start + length);
  }

  /**
   * How many bytes the slot sends (or may read).
   *
   * @param i The slot.
   * @returns Bytes.
   */
  dataLength(i: number): number {
    return this.#words[(IOVECS + i * IOVEC_SIZE + 8) >> 2];
  }

  /**
   * Where a slot's socket address is in {@linkcode MessageBatch.messages}: the
   * destination to send to, or the source read (room for a `sockaddr_in6`).
   *
   * @param i The slot.
   * @returns Its byte offset.
   */
  nameAt(i: number): number {
    return NAMES + i * NAME_SIZE;
  }

  /**
   * Where a byte of the data area is in {@linkcode MessageBatch.messages}.
   *
   * @param offset The byte's offset in the data area.
   * @returns Its offset in the whole array.
   */
  dataAt(offset: number): number {
    return DATA + offset;
  }

  /**
   * Sets the length of the slot's socket address (`msg_namelen`); `recvmmsg` overwrites
   * it with the source's, so reads set it back to the room there is.
   *
   * @param i The slot.
   * @param length Bytes.
   */
  setNameLength(i: number, length: number): void {
    this.#words[(i * HEADER_SIZE + 8) >> 2] = length;
  }

  /**
   * The length of the datagram `recvmmsg` read into the slot (`msg_len`).
   *
   * @param i The slot.
   * @returns Bytes.
   */
  received(i: number): number {
    return this.#words[(i * HEADER_SIZE + 56) >> 2];
  }

  /**
   * Whether the datagram read into the slot was larger than its room (`MSG_TRUNC`).
   *
   * @param i The slot.
   * @returns True when its end was lost.
   */
  truncated(i: number): boolean {
    return (this.#words[(i * HEADER_SIZE + 48) >> 2] & MSG_TRUNC) !== 0;
  }

  /** Writes a 64-bit pointer (exact: addresses are below 2^53) at a byte offset. */
  #pointer(offset: number, value: number): void {
    this.#words[offset >> 2] = value % TWO_32;
    this.#words[(offset >> 2) + 1] = Math.floor(value / TWO_32);
  }
}
