/**
 * Argument checks shared by `ENetConnection` and `ENetPacketPeer`. Each throws
 * `TypeError` for a wrong type and `RangeError` for a value out of range, with
 * "Cannot X: detail" messages.
 *
 * @module
 */

import { PACKET_FLAGS_ALLOWED } from "./constants.ts";

/**
 * Checks that `value` is an integer from `min` to `max`.
 *
 * @param action What was being done, for the message ("send packet").
 * @param name The argument's name.
 * @param value The argument.
 * @param min The smallest allowed value.
 * @param max The largest allowed value.
 * @returns `value`.
 *
 * @example Reject a channel out of range
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkInteger } from "./validate.ts";
 *
 * assert.equal(checkInteger("send packet", "channel", 1, 0, 1), 1);
 * assert.throws(() => checkInteger("send packet", "channel", 2, 0, 1), RangeError);
 * ```
 */
export function checkInteger(
  action: string,
  name: string,
  value: unknown,
  min: number,
  max: number,
): number {
  if (typeof value !== "number") {
    throw new TypeError(`Cannot ${action}: ${name} is not a number (${typeof value})`);
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `Cannot ${action}: ${name} ${value} is not an integer from ${min} to ${max}`,
    );
  }
  return value;
}

/**
 * Checks an unsigned 32-bit integer (bandwidths, intervals, time limits).
 *
 * @param action What was being done.
 * @param name The argument's name.
 * @param value The argument.
 * @returns `value`.
 *
 * @example Reject a negative interval
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkUint32 } from "./validate.ts";
 *
 * assert.equal(checkUint32("set ping interval", "pingInterval", 500), 500);
 * assert.throws(() => checkUint32("set ping interval", "pingInterval", -1), RangeError);
 * ```
 */
export function checkUint32(action: string, name: string, value: unknown): number {
  return checkInteger(action, name, value, 0, 0xffffffff);
}

/**
 * Checks a channel count in Godot's form: 1 to 255, or 0 meaning 255 (ENet's maximum).
 *
 * @param action What was being done.
 * @param name The argument's name.
 * @param value The argument.
 * @returns The channel count, 1 to 255.
 *
 * @example 0 asks for every channel
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkChannelCount } from "./validate.ts";
 *
 * assert.equal(checkChannelCount("connect to host", "channels", 0), 255);
 * assert.equal(checkChannelCount("connect to host", "channels", 2), 2);
 * ```
 */
export function checkChannelCount(action: string, name: string, value: unknown): number {
  return checkInteger(action, name, value, 0, 255) || 255;
}

/**
 * Checks a 32-bit data word (connect and disconnect data): any integer from -2^31 to
 * 2^32 - 1, returned as the unsigned value ENet puts on the wire.
 *
 * @param action What was being done.
 * @param value The data.
 * @returns The unsigned 32-bit value.
 *
 * @example Negative data wraps as in Godot's int to uint32 cast
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkData } from "./validate.ts";
 *
 * assert.equal(checkData("connect to host", -1), 0xffffffff);
 * ```
 */
export function checkData(action: string, value: unknown): number {
  return checkInteger(action, "data", value, -0x80000000, 0xffffffff) >>> 0;
}

/**
 * Checks a combination of `FLAG_RELIABLE`, `FLAG_UNSEQUENCED` and
 * `FLAG_UNRELIABLE_FRAGMENT`.
 *
 * @param action What was being done.
 * @param flags The flags.
 * @returns `flags`.
 *
 * @example Reject an unknown flag
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkFlags } from "./validate.ts";
 *
 * assert.equal(checkFlags("send packet", 3), 3);
 * assert.throws(() => checkFlags("send packet", 4), RangeError);
 * ```
 */
export function checkFlags(action: string, flags: unknown): number {
  if (typeof flags !== "number") {
    throw new TypeError(`Cannot ${action}: flags is not a number (${typeof flags})`);
  }
  if (!Number.isInteger(flags) || (flags & ~PACKET_FLAGS_ALLOWED) !== 0 || flags < 0) {
    throw new RangeError(
      `Cannot ${action}: flags ${flags} are not a combination of FLAG_RELIABLE (1), ` +
        `FLAG_UNSEQUENCED (2) and FLAG_UNRELIABLE_FRAGMENT (8)`,
    );
  }
  return flags;
}

/**
 * The bytes a packet may be given as: any `ArrayBufferView` (`Uint8Array`, `DataView`,
 * `Uint16Array`, a Node `Buffer`...) stands for the bytes it views; an `ArrayBuffer`
 * for all of its bytes.
 */
export type PacketData = ArrayBufferView | ArrayBuffer;

const toTag = Object.prototype.toString;

/**
 * Checks a packet and returns its bytes as a `Uint8Array` over the same memory (no copy):
 * the packet itself when it is a `Uint8Array`, else a view of the bytes of an
 * `ArrayBufferView` or of a whole `ArrayBuffer`. At most `maxSize` bytes.
 *
 * @param action What was being done.
 * @param packet The packet.
 * @param maxSize The largest size allowed.
 * @returns The packet's bytes.
 *
 * @example Take the bytes of any view, reject a string
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkPacket } from "./validate.ts";
 *
 * assert.deepEqual(checkPacket("send packet", new Uint16Array([0x0201]), 100), new Uint8Array([1, 2]));
 * assert.throws(() => checkPacket("send packet", "hello", 100), TypeError);
 * ```
 */
export function checkPacket(action: string, packet: unknown, maxSize: number): Uint8Array {
  let bytes: Uint8Array;
  if (packet instanceof Uint8Array) {
    bytes = packet;
  } else if (ArrayBuffer.isView(packet)) {
    bytes = new Uint8Array(packet.buffer, packet.byteOffset, packet.byteLength);
  } else if (toTag.call(packet) === "[object ArrayBuffer]") {
    bytes = new Uint8Array(packet as ArrayBuffer);
  } else {
    throw new TypeError(
      `Cannot ${action}: the packet is not an ArrayBufferView or ArrayBuffer (${typeName(packet)})`,
    );
  }
  if (bytes.length > maxSize) {
    throw new RangeError(
      `Cannot ${action}: the packet has ${bytes.length} bytes, over the maximum of ${maxSize}`,
    );
  }
  return bytes;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  return (value as object).constructor?.name ?? "object";
}

/**
 * Checks a timeout in milliseconds: a number from 0 up (`Infinity` allowed).
 *
 * @param action What was being done.
 * @param timeout The timeout.
 * @returns `timeout`.
 *
 * @example Reject a negative timeout
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTimeout } from "./validate.ts";
 *
 * assert.throws(() => checkTimeout("service", -1), RangeError);
 * ```
 */
export function checkTimeout(action: string, timeout: unknown): number {
  if (typeof timeout !== "number") {
    throw new TypeError(`Cannot ${action}: timeout is not a number (${typeof timeout})`);
  }
  if (!(timeout >= 0)) {
    throw new RangeError(`Cannot ${action}: timeout ${timeout} is not a number of ms >= 0`);
  }
  return timeout;
}

/**
 * Checks the options of `service()` and `events()` and returns their signal.
 *
 * @param action What was being done.
 * @param options The options, or `undefined`.
 * @returns The `AbortSignal`, or `undefined` when none was given.
 *
 * @example Reject a signal that is not an AbortSignal
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSignal } from "./validate.ts";
 *
 * const { signal } = new AbortController();
 * assert.equal(checkSignal("service", { signal }), signal);
 * assert.throws(() => checkSignal("service", { signal: true }), TypeError);
 * ```
 */
export function checkSignal(action: string, options: unknown): AbortSignal | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Cannot ${action}: options is not an object`);
  }
  const signal = (options as { signal?: unknown }).signal;
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new TypeError(`Cannot ${action}: options.signal is not an AbortSignal`);
}

/**
 * Checks a remote endpoint before any lookup: the address is a string (a numeric IP or
 * a host name) and the port is from 1 to 65535.
 *
 * @param action What was being done.
 * @param address The address or host name.
 * @param port The port.
 *
 * @example Port 0 is no destination
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRemote } from "./validate.ts";
 *
 * checkRemote("connect to host", "localhost", 7777);
 * assert.throws(() => checkRemote("connect to host", "localhost", 0), RangeError);
 * ```
 */
export function checkRemote(action: string, address: unknown, port: unknown): void {
  if (typeof address !== "string") {
    throw new TypeError(`Cannot ${action}: address is not a string`);
  }
  checkInteger(action, "port", port, 1, 65535);
}
