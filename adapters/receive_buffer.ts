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
 * On Linux this finds the socket's descriptor among the process's own (`/proc/self/fd`,
 * the UDP socket bound to the port) and calls `setsockopt` from the C library through
 * the runtime's foreign function interface (`Deno.dlopen`, `bun:ffi`). It is best
 * effort: on another system, under Deno without `--allow-ffi` and read access to
 * `/proc`, or when anything fails, the socket keeps its size and nothing is reported.
 *
 * @module
 */

import { readdirSync, readlinkSync } from "node:fs";
import process from "node:process";

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

// Linux's <sys/socket.h> values.
const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SO_RCVBUF = 8;
const SOCK_DGRAM = 2;
const LIBC = "libc.so.6";

/** The three C library calls used, over byte buffers. */
interface SocketCalls {
  getsockname(fd: number, address: Uint8Array, length: Uint8Array): number;
  getsockopt(
    fd: number,
    level: number,
    name: number,
    value: Uint8Array,
    length: Uint8Array,
  ): number;
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, length: number): number;
  close(): void;
}

/** The part of the `Deno` namespace used here. */
interface DenoFfi {
  dlopen(
    path: string,
    symbols: Record<string, { parameters: string[]; result: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => number>; close(): void };
  permissions: { querySync(descriptor: { name: string; path?: string }): { state: string } };
}

/** The part of `bun:ffi` used here. */
interface BunFfi {
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => number>; close(): void };
}

const SIGNATURES = {
  getsockname: ["i32", "buffer", "buffer"],
  getsockopt: ["i32", "i32", "i32", "buffer", "buffer"],
  setsockopt: ["i32", "i32", "i32", "buffer", "u32"],
} as const;

function denoCalls(deno: DenoFfi): SocketCalls | undefined {
  const granted = (descriptor: { name: string; path?: string }) =>
    deno.permissions.querySync(descriptor).state === "granted";
  // Asked without prompting: a program run without these permissions keeps the default.
  if (!granted({ name: "ffi" }) || !granted({ name: "read", path: "/proc/self/fd" })) {
    return undefined;
  }
  const symbols: Record<string, { parameters: string[]; result: string }> = {};
  for (const [name, parameters] of Object.entries(SIGNATURES)) {
    symbols[name] = { parameters: [...parameters], result: "i32" };
  }
  const library = deno.dlopen(LIBC, symbols);
  return { ...library.symbols, close: () => library.close() } as unknown as SocketCalls;
}

function bunCalls(): SocketCalls | undefined {
  // Bun's synchronous require, which also keeps other tools from resolving "bun:ffi".
  const require = (import.meta as { require?: (specifier: string) => unknown }).require;
  if (require === undefined) return undefined;
  const ffi = require("bun:ffi") as BunFfi;
  const symbols: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, args] of Object.entries(SIGNATURES)) {
    symbols[name] = { args: args.map((type) => type === "buffer" ? "ptr" : type), returns: "i32" };
  }
  const library = ffi.dlopen(LIBC, symbols);
  return { ...library.symbols, close: () => library.close() } as unknown as SocketCalls;
}

function intOption(calls: SocketCalls, fd: number, name: number): number | undefined {
  const value = new Int32Array(1);
  const length = new Uint32Array([4]);
  const result = calls.getsockopt(
    fd,
    SOL_SOCKET,
    name,
    new Uint8Array(value.buffer),
    new Uint8Array(length.buffer),
  );
  return result === 0 ? value[0] : undefined;
}

/** The local port of a socket descriptor (IPv4 and IPv6 keep it at the same offset). */
function boundPort(calls: SocketCalls, fd: number): number | undefined {
  const address = new Uint8Array(128);
  const length = new Uint32Array([address.length]);
  if (calls.getsockname(fd, address, new Uint8Array(length.buffer)) !== 0) return undefined;
  return (address[2] << 8) | address[3];
}

/** The process's UDP socket bound to `port`, newest descriptor first. */
function findSocket(calls: SocketCalls, port: number): number | undefined {
  const descriptors = readdirSync("/proc/self/fd").map(Number).filter(Number.isInteger);
  descriptors.sort((a, b) => b - a);
  for (const fd of descriptors) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (!target.startsWith("socket:")) continue;
    if (intOption(calls, fd, SO_TYPE) === SOCK_DGRAM && boundPort(calls, fd) === port) return fd;
  }
  return undefined;
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
  if (process.platform !== "linux") return undefined;
  let calls: SocketCalls | undefined;
  try {
    const deno = (globalThis as { Deno?: DenoFfi }).Deno;
    calls = deno !== undefined ? denoCalls(deno) : bunCalls();
    if (calls === undefined) return undefined;
    const fd = findSocket(calls, port);
    if (fd === undefined) return undefined;
    const value = new Int32Array([bytes]);
    calls.setsockopt(fd, SOL_SOCKET, SO_RCVBUF, new Uint8Array(value.buffer), 4);
    return intOption(calls, fd, SO_RCVBUF);
  } catch {
    return undefined; // no C library of that name, no FFI: the default stays
  } finally {
    calls?.close();
  }
}
