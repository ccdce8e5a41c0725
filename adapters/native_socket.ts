/**
 * Synchronous `sendto` / `recvfrom` on a runtime's UDP socket through the C library
 * (see `libc.ts`), and their batched forms `sendmmsg` / `recvmmsg` (see
 * `message_batch.ts`). Deno's `DatagramConn` runs one asynchronous operation per
 * datagram, and sends must go one at a time to stay in order: about 10 µs a datagram,
 * against 3 for a direct `sendto` and under 1 in a batch. The Deno adapter gathers its
 * sends here whenever no asynchronous send is waiting, and after each datagram its own
 * `receive()` brings it drains whatever else the socket holds; anything this cannot do
 * falls back to the runtime's path.
 *
 * The socket stays the runtime's: it is non-blocking (every call here also passes
 * `MSG_DONTWAIT`), and the runtime's event loop keeps watching it. Reading it here
 * between two of the runtime's own reads is safe, since Linux signals each arrival
 * anew.
 *
 * @module
 */

import { addressBytes } from "./address.ts";
import type { LibcSocketCalls } from "./libc.ts";
import { BATCH_SLOTS, LITTLE_ENDIAN, MessageBatch } from "./message_batch.ts";
import type { RawDatagram } from "./socket_transport.ts";

const MSG_DONTWAIT = 0x40;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCKADDR_IN_SIZE = 16;
const SOCKADDR_IN6_SIZE = 28;
/** Room for the largest UDP payload. */
const RECEIVE_SIZE = 65536;
const MAX_CACHED_ADDRESSES = 1024;
/**
 * Room for each datagram of a batched read: an ENet datagram (at most 4096 bytes) with
 * a DTLS record's overhead. A larger one is truncated by the kernel, and dropped.
 */
const READ_SLOT_SIZE = 8192;
/** The data area of a socket's batched sends; at least 16 ENet datagrams. */
const SEND_AREA_SIZE = 65536;
/**
 * Datagrams found waiting in one drain (between two empty reads) before reads switch to
 * batches: a socket that finds that many behind the one its runtime brought sees bursts
 * (a server), and only then gets the batch buffer for reading (about 260 KB). A client
 * socket that gets a reply now and then never does.
 */
const READS_BEFORE_BATCHES = 16;

/** A datagram gathered for the next `sendmmsg` that did not leave. */
export type UnsentListener = (data: Uint8Array, address: string, port: number) => void;

/** An IPv6 address in the text form the runtimes report (RFC 5952). */
function formatIPv6(bytes: Uint8Array, offset: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[offset + 2 * i] << 8) | bytes[offset + 2 * i + 1]);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const v4 = bytes.subarray(offset + 12, offset + 16);
    return `::ffff:${v4[0]}.${v4[1]}.${v4[2]}.${v4[3]}`;
  }
  let bestStart = -1;
  let bestLength = 1; // a single zero group is not shortened
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(":");
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}

/**
 * Direct, synchronous datagram calls on a socket the runtime owns.
 *
 * @example Send through a socket found with `findUdpSocket`
 * ```ts
 * import { findUdpSocket, openLibc } from "./libc.ts";
 * const calls = openLibc();
 * const fd = calls && findUdpSocket(calls, 7777);
 * if (calls && fd !== undefined) {
 *   const socket = new NativeUdpSocket(calls, fd, "IPv4");
 *   socket.send(Uint8Array.of(1), "127.0.0.1", 7778);
 * }
 * calls?.close();
 * ```
 */
export class NativeUdpSocket {
  #calls: LibcSocketCalls;
  #fd: number;
  #ipv6: boolean;
  /** Destinations' address bytes by their text; `null` for those this cannot send to. */
  #destinations = new Map<string, Uint8Array | null>();
  #to: Uint8Array;
  #toAddress = "";
  #buffer = new Uint8Array(RECEIVE_SIZE);
  #from = new Uint8Array(SOCKADDR_IN6_SIZE);
  #fromLength = new Uint32Array(1);
  #fromLengthBytes = new Uint8Array(this.#fromLength.buffer);
  /** IPv4 sources' text by their 32-bit address. */
  #sources = new Map<number, string>();
  #lastSource = new Uint8Array(16);
  #lastSourceText = "";
  /** Batched reads: the array, its datagrams, and the next one to hand out. */
  #reads: MessageBatch | null = null;
  #readCount = 0;
  #readNext = 0;
  #singleReads = 0;
  /** A datagram over `SLOT_SIZE` came: reads stay single, with room for any size. */
  #readsTruncate = false;
  /** Batched sends: the array, how many slots and data bytes are filled. */
  #sends: MessageBatch | null = null;
  #queued = 0;
  #queuedBytes = 0;
  #queuedAddresses: string[] = [];
  #queuedOffsets: number[] = [];
  /** Datagrams the socket dropped: truncated by a batched read. */
  dropped = 0;

  /**
   * @param calls The C library; the caller unloads it after this socket's last use.
   * @param fd The runtime's socket.
   * @param family The socket's family; destinations come in that family.
   */
  constructor(calls: LibcSocketCalls, fd: number, family: "IPv4" | "IPv6") {
    this.#calls = calls;
    this.#fd = fd;
    this.#ipv6 = family === "IPv6";
    this.#to = new Uint8Array(this.#ipv6 ? SOCKADDR_IN6_SIZE : SOCKADDR_IN_SIZE);
  }

  /**
   * Sends one datagram now, if the socket takes it whole.
   *
   * @param data The payload.
   * @param address A numeric destination in the socket's family.
   * @param port The destination port.
   * @returns `false` when it was not sent (buffer full, an address this cannot encode,
   *   any error): send it the runtime's way instead.
   */
  send(data: Uint8Array, address: string, port: number): boolean {
    const to = this.#to;
    if (address !== this.#toAddress) {
      const bytes = this.#destination(address);
      if (bytes === null) return false;
      this.#writeAddress(to, 0, bytes, port);
      this.#toAddress = address;
    } else {
      to[2] = port >> 8;
      to[3] = port & 0xff;
    }
    const sent = this.#calls.sendto(this.#fd, data, data.length, MSG_DONTWAIT, to, to.length);
    return Number(sent) === data.length;
  }

  /**
   * Whether datagrams of the last batched read are still to be handed out: the
   * runtime's own read must wait, or it would overtake them.
   */
  get holding(): boolean {
    return this.#readNext < this.#readCount;
  }

  /** How many datagrams wait for {@linkcode NativeUdpSocket.flush}. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Gathers a copy of a datagram for the next {@linkcode NativeUdpSocket.flush}, which
   * sends up to `BATCH_SLOTS` in one `sendmmsg`.
   *
   * @param data The payload; the caller may reuse it at once.
   * @param address A numeric destination in the socket's family.
   * @param port The destination port.
   * @returns `false` when it was not taken (the batch is full, the datagram too large,
   *   an address this cannot encode, a machine this layout does not fit): flush, then
   *   send it another way.
   */
  queue(data: Uint8Array, address: string, port: number): boolean {
    const i = this.#queued;
    const offset = this.#queuedBytes;
    if (i === BATCH_SLOTS || offset + data.length > SEND_AREA_SIZE || !LITTLE_ENDIAN) {
      return false;
    }
    const bytes = this.#destination(address);
    if (bytes === null) return false;
    const batch = this.#sends ??= new MessageBatch(this.#calls, SEND_AREA_SIZE);
    this.#writeAddress(batch.messages, batch.nameAt(i), bytes, port);
    batch.setNameLength(i, this.#to.length);
    batch.messages.set(data, batch.dataAt(offset));
    batch.place(i, offset, data.length);
    this.#queuedAddresses[i] = address;
    this.#queuedOffsets[i] = offset;
    this.#queued = i + 1;
    this.#queuedBytes = offset + data.length;
    return true;
  }

  /**
   * Sends the gathered datagrams with `sendmmsg`, in order. Those the socket does not
   * take (its buffer is full, or it refuses one) go to `unsent`, in order, from the
   * first it did not take on.
   *
   * @param unsent Receives each datagram not sent (a copy) with its destination.
   */
  flush(unsent: UnsentListener): void {
    const count = this.#queued;
    if (count === 0) return;
    this.#queued = this.#queuedBytes = 0;
    const batch = this.#sends!;
    const sent = Math.max(0, this.#calls.sendmmsg(this.#fd, batch.messages, count, MSG_DONTWAIT));
    const messages = batch.messages;
    for (let i = sent; i < count; i++) {
      const data = batch.bytes(this.#queuedOffsets[i], batch.dataLength(i)).slice();
      const at = batch.nameAt(i);
      unsent(data, this.#queuedAddresses[i], (messages[at + 2] << 8) | messages[at + 3]);
    }
  }

  /**
   * Takes the next datagram the socket holds, without waiting.
   *
   * @returns The datagram (its bytes lent until the next call), or `null` when the
   *   socket holds none (or fails: the runtime's own read then reports it).
   */
  receive(): RawDatagram | null {
    if (this.#readNext < this.#readCount) return this.#take(this.#readNext++);
    if (this.#reads !== null && !this.#readsTruncate) return this.#readBatch();
    const datagram = this.#readOne();
    if (datagram === null) {
      this.#singleReads = 0; // the burst, if any, is over
    } else if (
      this.#reads === null && !this.#readsTruncate && LITTLE_ENDIAN &&
      ++this.#singleReads >= READS_BEFORE_BATCHES
    ) {
      const reads = this.#reads = new MessageBatch(this.#calls, BATCH_SLOTS * READ_SLOT_SIZE);
      for (let i = 0; i < BATCH_SLOTS; i++) reads.place(i, i * READ_SLOT_SIZE, READ_SLOT_SIZE);
    }
    return datagram;
  }

  /** Reads up to `BATCH_SLOTS` datagrams with one `recvmmsg`; hands out the first. */
  #readBatch(): RawDatagram | null {
    const batch = this.#reads!;
    for (let i = 0; i < this.#readCount; i++) batch.setNameLength(i, SOCKADDR_IN6_SIZE);
    this.#readCount = this.#readNext = 0;
    const count = this.#calls.recvmmsg(this.#fd, batch.messages, BATCH_SLOTS, MSG_DONTWAIT, 0);
    if (count <= 0) return null;
    this.#readCount = count;
    this.#readNext = 1;
    return this.#take(0);
  }

  /** Hands out datagram `i` of the last batch read. */
  #take(i: number): RawDatagram | null {
    const batch = this.#reads!;
    if (batch.truncated(i)) {
      // Its end is lost: counted, and reads go back to one at a time, with room for any
      // size (C ENet, which reads into 4096 bytes, drops such datagrams too).
      this.dropped++;
      this.#readsTruncate = true;
      return this.receive();
    }
    const from = batch.messages;
    const at = batch.nameAt(i);
    const data = batch.bytes(i * READ_SLOT_SIZE, batch.received(i));
    const port = (from[at + 2] << 8) | from[at + 3];
    return { data, address: this.#source(from, at), port, lent: true };
  }

  /** Reads one datagram of any size with `recvfrom`. */
  #readOne(): RawDatagram | null {
    this.#fromLength[0] = SOCKADDR_IN6_SIZE;
    const from = this.#from;
    const size = Number(
      this.#calls.recvfrom(
        this.#fd,
        this.#buffer,
        RECEIVE_SIZE,
        MSG_DONTWAIT,
        from,
        this.#fromLengthBytes,
      ),
    );
    if (size < 0) return null;
    const port = (from[2] << 8) | from[3];
    const data = this.#buffer.subarray(0, size);
    return { data, address: this.#source(from, 0), port, lent: true };
  }

  /** Writes a `sockaddr_in` or `sockaddr_in6` of the socket's family at `at`. */
  #writeAddress(target: Uint8Array, at: number, bytes: Uint8Array, port: number): void {
    target.fill(0, at, at + this.#to.length);
    target[at] = this.#ipv6 ? AF_INET6 : AF_INET; // sa_family, little-endian
    target[at + 2] = port >> 8;
    target[at + 3] = port & 0xff;
    target.set(bytes, at + (this.#ipv6 ? 8 : 4));
  }

  /** A destination's address bytes, cached; `null` when this cannot send there. */
  #destination(address: string): Uint8Array | null {
    let bytes = this.#destinations.get(address);
    if (bytes === undefined) {
      bytes = addressBytes(address);
      if (bytes !== null && bytes.length !== (this.#ipv6 ? 16 : 4)) bytes = null;
      if (this.#destinations.size >= MAX_CACHED_ADDRESSES) this.#destinations.clear();
      this.#destinations.set(address, bytes);
    }
    return bytes;
  }

  /** The text of the source socket address at `at` in `from`. */
  #source(from: Uint8Array, at: number): string {
    if (from[at] === AF_INET) {
      const a = from[at + 4], b = from[at + 5], c = from[at + 6], d = from[at + 7];
      const key = ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
      let text = this.#sources.get(key);
      if (text === undefined) {
        text = `${a}.${b}.${c}.${d}`;
        if (this.#sources.size >= MAX_CACHED_ADDRESSES) this.#sources.clear();
        this.#sources.set(key, text);
      }
      return text;
    }
    const last = this.#lastSource;
    const start = at + 8;
    let same = this.#lastSourceText !== "";
    for (let i = 0; same && i < 16; i++) same = last[i] === from[start + i];
    if (!same) {
      last.set(from.subarray(start, start + 16));
      this.#lastSourceText = formatIPv6(from, start);
    }
    return this.#lastSourceText;
  }
}
