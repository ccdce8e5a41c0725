/**
 * The C library's socket calls, reached through the runtime's foreign function
 * interface (`Deno.dlopen`, `bun:ffi`) on Linux, for what a runtime's own UDP API does
 * not offer: a larger receive buffer (`receive_buffer.ts`) and, under Deno, sending and
 * receiving without an asynchronous operation per datagram (`native_socket.ts`).
 *
 * The runtime owns the socket; this finds its descriptor among the process's own
 * (`/proc/self/fd`, the UDP socket bound to the port) and only ever calls the C library
 * on it. Everything here is best effort: on another system, under Deno without
 * `--allow-ffi` and read access to `/proc/self/fd`, or when anything fails, callers
 * get `undefined` and keep the runtime's own path.
 *
 * @module
 */

import { readdirSync, readlinkSync } from "node:fs";
import process from "node:process";

// Linux's <sys/socket.h> values.
/** `SOL_SOCKET`. */
export const SOL_SOCKET = 1;
const SO_TYPE = 3;
const SOCK_DGRAM = 2;
const LIBC = "libc.so.6";

/** The C library calls used, over byte buffers; `close()` unloads the library. */
export interface LibcSocketCalls {
  /** `getsockname(fd, address, &length)`. */
  getsockname(fd: number, address: Uint8Array, length: Uint8Array): number;
  /** `getsockopt(fd, level, name, value, &length)`. */
  getsockopt(
    fd: number,
    level: number,
    name: number,
    value: Uint8Array,
    length: Uint8Array,
  ): number;
  /** `setsockopt(fd, level, name, value, length)`. */
  setsockopt(fd: number, level: number, name: number, value: Uint8Array, length: number): number;
  /** `sendto(fd, data, size, flags, address, addressLength)`: bytes sent or -1. */
  sendto(
    fd: number,
    data: Uint8Array,
    size: number,
    flags: number,
    address: Uint8Array,
    addressLength: number,
  ): number | bigint;
  /** `recvfrom(fd, buffer, size, flags, address, &addressLength)`: bytes or -1. */
  recvfrom(
    fd: number,
    buffer: Uint8Array,
    size: number,
    flags: number,
    address: Uint8Array,
    addressLength: Uint8Array,
  ): number | bigint;
  /** `sendmmsg(fd, messages, count, flags)`: datagrams sent, or -1. */
  sendmmsg(fd: number, messages: Uint8Array, count: number, flags: number): number;
  /** `recvmmsg(fd, messages, count, flags, NULL)`: datagrams read, or -1. */
  recvmmsg(fd: number, messages: Uint8Array, count: number, flags: number, timeout: 0): number;
  /**
   * The memory address of a buffer's first byte, for the pointers `sendmmsg` and
   * `recvmmsg` read from their message arrays. Only for buffers whose bytes stay in
   * place (outside the garbage-collected heap: larger than a few hundred bytes).
   */
  address(buffer: Uint8Array): number;
  /** Unloads the library. */
  close(): void;
}

/** The part of the `Deno` namespace used here. */
interface DenoFfi {
  UnsafePointer: {
    of(buffer: Uint8Array): unknown;
    value(pointer: unknown): number | bigint;
  };
  dlopen(
    path: string,
    symbols: Record<string, { parameters: string[]; result: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => number>; close(): void };
  permissions: { querySync(descriptor: { name: string; path?: string }): { state: string } };
}

/** The part of `bun:ffi` used here. */
interface BunFfi {
  ptr(buffer: Uint8Array): number;
  dlopen(
    path: string,
    symbols: Record<string, { args: string[]; returns: string }>,
  ): { symbols: Record<string, (...args: unknown[]) => number>; close(): void };
}

const SIGNATURES: Record<string, [parameters: string[], result: string]> = {
  getsockname: [["i32", "buffer", "buffer"], "i32"],
  getsockopt: [["i32", "i32", "i32", "buffer", "buffer"], "i32"],
  setsockopt: [["i32", "i32", "i32", "buffer", "u32"], "i32"],
  sendto: [["i32", "buffer", "usize", "i32", "buffer", "u32"], "isize"],
  recvfrom: [["i32", "buffer", "usize", "i32", "buffer", "buffer"], "isize"],
  sendmmsg: [["i32", "buffer", "u32", "i32"], "i32"],
  recvmmsg: [["i32", "buffer", "u32", "i32", "usize"], "i32"],
};

function denoCalls(deno: DenoFfi): LibcSocketCalls | undefined {
  const granted = (descriptor: { name: string; path?: string }) =>
    deno.permissions.querySync(descriptor).state === "granted";
  // Asked without prompting: a program run without these permissions keeps the default.
  if (!granted({ name: "ffi" }) || !granted({ name: "read", path: "/proc/self/fd" })) {
    return undefined;
  }
  const symbols: Record<string, { parameters: string[]; result: string }> = {};
  for (const [name, [parameters, result]] of Object.entries(SIGNATURES)) {
    symbols[name] = { parameters, result };
  }
  const library = deno.dlopen(LIBC, symbols);
  const pointers = deno.UnsafePointer;
  return {
    ...library.symbols,
    address: (buffer: Uint8Array) => Number(pointers.value(pointers.of(buffer))),
    close: () => library.close(),
  } as unknown as LibcSocketCalls;
}

function bunCalls(): LibcSocketCalls | undefined {
  // Bun's synchronous require, which also keeps other tools from resolving "bun:ffi".
  const require = (import.meta as { require?: (specifier: string) => unknown }).require;
  if (require === undefined) return undefined;
  const ffi = require("bun:ffi") as BunFfi;
  const symbols: Record<string, { args: string[]; returns: string }> = {};
  for (const [name, [args, returns]] of Object.entries(SIGNATURES)) {
    symbols[name] = { args: args.map((type) => type === "buffer" ? "ptr" : type), returns };
  }
  const library = ffi.dlopen(LIBC, symbols);
  return {
    ...library.symbols,
    address: (buffer: Uint8Array) => ffi.ptr(buffer),
    close: () => library.close(),
  } as unknown as LibcSocketCalls;
}

/**
 * Loads the C library's socket calls, where this runtime and its permissions allow.
 *
 * @returns The calls (unload them with `close()`), or `undefined` off Linux, outside
 *   Deno and Bun, without Deno's `ffi` and `/proc/self/fd` read permissions, or when
 *   the library cannot be loaded.
 *
 * @example Load and unload
 * ```ts
 * const calls = openLibc();
 * calls?.close();
 * ```
 */
export function openLibc(): LibcSocketCalls | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const deno = (globalThis as { Deno?: DenoFfi }).Deno;
    return deno !== undefined ? denoCalls(deno) : bunCalls();
  } catch {
    return undefined; // no C library of that name, no FFI
  }
}

/**
 * Reads an `int` socket option.
 *
 * @param calls The C library.
 * @param fd The socket.
 * @param level The option's level (`SOL_SOCKET`).
 * @param name The option.
 * @returns Its value, or `undefined` when the call fails.
 *
 * @example Read SO_RCVBUF (8) of descriptor 3
 * ```ts
 * const calls = openLibc();
 * if (calls) console.log(intOption(calls, 3, SOL_SOCKET, 8));
 * calls?.close();
 * ```
 */
export function intOption(
  calls: LibcSocketCalls,
  fd: number,
  level: number,
  name: number,
): number | undefined {
  const value = new Int32Array(1);
  const length = new Uint32Array([4]);
  const result = calls.getsockopt(
    fd,
    level,
    name,
    new Uint8Array(value.buffer),
    new Uint8Array(length.buffer),
  );
  return result === 0 ? value[0] : undefined;
}

/** The local port of a socket descriptor (IPv4 and IPv6 keep it at the same offset). */
function boundPort(calls: LibcSocketCalls, fd: number): number | undefined {
  const address = new Uint8Array(128);
  const length = new Uint32Array([address.length]);
  if (calls.getsockname(fd, address, new Uint8Array(length.buffer)) !== 0) return undefined;
  return (address[2] << 8) | address[3];
}

/**
 * Finds this process's UDP socket bound to `port`, newest descriptor first.
 *
 * @param calls The C library.
 * @param port The socket's local port.
 * @returns Its descriptor, or `undefined` when there is none (or `/proc` is unreadable).
 *
 * @example Find the socket of port 7777
 * ```ts
 * const calls = openLibc();
 * if (calls) console.log(findUdpSocket(calls, 7777) ?? "none");
 * calls?.close();
 * ```
 */
export function findUdpSocket(calls: LibcSocketCalls, port: number): number | undefined {
  let descriptors: number[];
  try {
    descriptors = readdirSync("/proc/self/fd").map(Number).filter(Number.isInteger);
  } catch {
    return undefined;
  }
  descriptors.sort((a, b) => b - a);
  for (const fd of descriptors) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    if (!target.startsWith("socket:")) continue;
    if (intOption(calls, fd, SOL_SOCKET, SO_TYPE) === SOCK_DGRAM && boundPort(calls, fd) === port) {
      return fd;
    }
  }
  return undefined;
}
