/**
 * Synchronous `sendto` / `recvfrom` on a runtime's UDP socket through the C library
 * (see `libc.ts`). Deno's `DatagramConn` runs one asynchronous operation per datagram,
 * and sends must go one at a time to stay in order: about 10 µs a datagram, against 3
 * for a direct `sendto`. The Deno adapter sends with this whenever no asynchronous send
 * is waiting, and after each datagram its own `receive()` brings it drains whatever
 * else the socket holds; anything this cannot do falls back to the runtime's path.
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
import type { RawDatagram } from "./socket_transport.ts";

const MSG_DONTWAIT = 0x40;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCKADDR_IN_SIZE = 16;
const SOCKADDR_IN6_SIZE = 28;
/** Room for the largest UDP payload. */
const RECEIVE_SIZE = 65536;
const MAX_CACHED_ADDRESSES = 1024;

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
    this.#to[0] = this.#ipv6 ? AF_INET6 : AF_INET; // sa_family, little-endian
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
      let bytes = this.#destinations.get(address);
      if (bytes === undefined) {
        bytes = addressBytes(address);
        if (bytes !== null && bytes.length !== (this.#ipv6 ? 16 : 4)) bytes = null;
        if (this.#destinations.size >= MAX_CACHED_ADDRESSES) this.#destinations.clear();
        this.#destinations.set(address, bytes);
      }
      if (bytes === null) return false;
      to.set(bytes, this.#ipv6 ? 8 : 4);
      this.#toAddress = address;
    }
    to[2] = port >> 8;
    to[3] = port & 0xff;
    const sent = this.#calls.sendto(this.#fd, data, data.length, MSG_DONTWAIT, to, to.length);
    return Number(sent) === data.length;
  }

  /**
   * Takes the next datagram the socket holds, without waiting.
   *
   * @returns The datagram (its bytes lent until the next call), or `null` when the
   *   socket holds none (or fails: the runtime's own read then reports it).
   */
  receive(): RawDatagram | null {
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
    return { data, address: this.#source(), port, lent: true };
  }

  #source(): string {
    const from = this.#from;
    if (from[0] === AF_INET) {
      const key = ((from[4] << 24) | (from[5] << 16) | (from[6] << 8) | from[7]) >>> 0;
      let text = this.#sources.get(key);
      if (text === undefined) {
        text = `${from[4]}.${from[5]}.${from[6]}.${from[7]}`;
        if (this.#sources.size >= MAX_CACHED_ADDRESSES) this.#sources.clear();
        this.#sources.set(key, text);
      }
      return text;
    }
    const last = this.#lastSource;
    let same = this.#lastSourceText !== "";
    for (let i = 0; same && i < 16; i++) same = last[i] === from[8 + i];
    if (!same) {
      last.set(from.subarray(8, 24));
      this.#lastSourceText = formatIPv6(from, 8);
    }
    return this.#lastSourceText;
  }
}
