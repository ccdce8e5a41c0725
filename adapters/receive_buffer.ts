/**
 * The kernel receive buffer of a UDP socket (`SO_RCVBUF`), grown where the runtime's own
 * API cannot. C ENet asks for 256 KiB on every host socket; a server written in a
 * garbage-collected runtime needs more, since a collection or a busy turn keeps it away
 * from the socket for milliseconds while a thousand peers keep sending, and a full
 * buffer drops datagrams in the kernel (unreliable ones are lost, reliable ones wait
 * for a retransmission, which is what a round trip's 99th percentile then measures).
 * `node:dgram` can set the size; `Deno.listenDatagram` and `Bun.udpSocket` cannot, and
 * keep the system's default (208 KiB on Linux).
 *
 * On Linux this calls `setsockopt` from the C library on the socket's descriptor (see
 * `libc.ts` for how it is found, and where that works). It is best effort: where it
 * cannot, the socket keeps its size and nothing is reported.
 *
 * @module
 */

import { findUdpSocket, intOption, type LibcSocketCalls, openLibc, SOL_SOCKET } from "./libc.ts";

/**
 * The receive buffer asked for by default: 16 times C ENet's 256 KiB
 * (ENET_HOST_RECEIVE_BUFFER_SIZE), about 4,000 small datagrams. The system caps it
 * (`net.core.rmem_max` on Linux) and reports twice what it grants (its bookkeeping).
 */
export const DEFAULT_RECEIVE_BUFFER_SIZE = 4 * 1024 * 1024;

/**
 * The receive buffer size to ask for, from the transport's options.
 *
 * @param size `UdpTransportOptions.receiveBufferSize`.
 * @returns `size`, or {@linkcode DEFAULT_RECEIVE_BUFFER_SIZE} when it is `undefined`.
 * @throws {RangeError} When `size` is not a positive integer.
 *
 * @example The default
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(receiveBufferRequest(undefined), DEFAULT_RECEIVE_BUFFER_SIZE);
 * ```
 */
export function receiveBufferRequest(size: number | undefined): number {
  if (size === undefined) return DEFAULT_RECEIVE_BUFFER_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > 0x3fffffff) {
    throw new RangeError(`Cannot bind: receiveBufferSize ${size} is not a positive integer`);
  }
  return size;
}

const SO_RCVBUF = 8;

/**
 * Asks the kernel for a receive buffer of `bytes` on the socket `fd`.
 *
 * @param calls The C library (see `libc.ts`).
 * @param fd The socket.
 * @param bytes The size to ask for.
 * @returns The size the system reports afterwards, or `undefined` if unreadable.
 *
 * @example Grow descriptor 3's buffer
 * ```ts
 * import { openLibc } from "./libc.ts";
 * const calls = openLibc();
 * if (calls) console.log(setReceiveBuffer(calls, 3, DEFAULT_RECEIVE_BUFFER_SIZE));
 * calls?.close();
 * ```
 */
export function setReceiveBuffer(
  calls: LibcSocketCalls,
  fd: number,
  bytes: number,
): number | undefined {
  const value = new Int32Array([bytes]);
  calls.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, new Uint8Array(value.buffer), 4);
  return intOption(calls, fd, SOL_SOCKET, SO_RCVBUF);
}

/**
 * Asks the kernel for a receive buffer of `bytes` on this process's UDP socket bound to
 * `port` (see the module's notes for where this works).
 *
 * @param port The socket's local port.
 * @param bytes The size to ask for.
 * @returns The size the system reports afterwards, or `undefined` where it could not be
 *   set here.
 *
 * @example Grow the buffer of the socket bound to port 7777
 * ```ts
 * const size = growReceiveBuffer(7777, DEFAULT_RECEIVE_BUFFER_SIZE);
 * console.log(size ?? "unchanged");
 * ```
 */
export function growReceiveBuffer(port: number, bytes: number): number | undefined {
  const calls = openLibc();
  if (calls === undefined) return undefined;
  try {
    const fd = findUdpSocket(calls, port);
    return fd === undefined ? undefined : setReceiveBuffer(calls, fd, bytes);
  } catch {
    return undefined; // the default stays
  } finally {
    calls.close();
  }
}
