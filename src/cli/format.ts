/**
 * How the `enet` tool prints events: one human-readable line, or one JSON
 * object per line with `--json`.
 *
 * @module
 */

/** Godot's ENetPacketPeer.FLAG_RELIABLE. */
const FLAG_RELIABLE = 1;
/** Godot's ENetPacketPeer.FLAG_UNSEQUENCED. */
const FLAG_UNSEQUENCED = 2;
/** Godot's ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT. */
const FLAG_UNRELIABLE_FRAGMENT = 8;

/** Longest payload shown in full on a human-readable line. */
const HUMAN_LIMIT = 256;

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Names the delivery mode of a packet from its ENet flags.
 *
 * @param flags A packet's flags (`ENetPacketPeer.getPacketFlags()`).
 * @returns `"reliable"`, `"unsequenced"`, `"unreliable-fragment"` or `"unreliable"`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { deliveryName } from "./format.ts";
 * assert.equal(deliveryName(1), "reliable");
 * assert.equal(deliveryName(0), "unreliable");
 * ```
 */
export function deliveryName(flags: number): string {
  if (flags & FLAG_RELIABLE) return "reliable";
  if (flags & FLAG_UNSEQUENCED) return "unsequenced";
  if (flags & FLAG_UNRELIABLE_FRAGMENT) return "unreliable-fragment";
  return "unreliable";
}

/**
 * Returns the payload as text when it is valid UTF-8 without control
 * characters (tabs allowed), else `undefined`.
 *
 * @param data The payload.
 * @returns The text, or `undefined` when it should be shown as hex.
 */
export function printableText(data: Uint8Array): string | undefined {
  let text: string;
  try {
    text = decoder.decode(data);
  } catch {
    return undefined;
  }
  // deno-lint-ignore no-control-regex
  return /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/.test(text) ? undefined : text;
}

/**
 * Lowercase hex of `data`, without separators.
 *
 * @param data Bytes.
 * @returns The hex string, two digits per byte.
 */
export function toHex(data: Uint8Array): string {
  let out = "";
  for (let i = 0; i < data.length; i++) out += data[i].toString(16).padStart(2, "0");
  return out;
}

/** One event as the tool reports it. */
export type CliEvent =
  | { type: "listening"; address: string; port: number; dtls?: boolean }
  | { type: "connect"; peer: string; data: number }
  | { type: "disconnect"; peer: string; data: number }
  | {
    type: "receive";
    peer: string;
    channel: number;
    flags: number;
    data: Uint8Array;
  }
  | { type: "stats"; [key: string]: unknown };

/**
 * Formats an event for `--json`: a single line of JSON. Receive events carry
 * `text` when the payload is printable, else `hex`.
 *
 * @param event The event.
 * @returns The JSON text, without a newline.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatJson } from "./format.ts";
 * const line = formatJson({
 *   type: "receive", peer: "127.0.0.1:7777", channel: 1, flags: 1,
 *   data: new TextEncoder().encode("hi"),
 * });
 * assert.deepEqual(JSON.parse(line), {
 *   type: "receive", peer: "127.0.0.1:7777", channel: 1, flags: 1,
 *   delivery: "reliable", length: 2, text: "hi",
 * });
 * ```
 */
export function formatJson(event: CliEvent): string {
  if (event.type !== "receive") return JSON.stringify(event);
  const text = printableText(event.data);
  return JSON.stringify({
    type: "receive",
    peer: event.peer,
    channel: event.channel,
    flags: event.flags,
    delivery: deliveryName(event.flags),
    length: event.data.length,
    ...(text === undefined ? { hex: toHex(event.data) } : { text }),
  });
}

/**
 * Formats an event as one human-readable line:
 * `< 127.0.0.1:7777 ch 0 reliable 5 B: hello`.
 *
 * @param event The event.
 * @returns The line, without a newline.
 */
export function formatHuman(event: CliEvent): string {
  switch (event.type) {
    case "listening":
      return `listening on ${
        event.address.includes(":") ? `[${event.address}]` : event.address
      }:${event.port}${event.dtls === true ? " (DTLS)" : ""}`;
    case "connect":
      return `+ ${event.peer} connected (data ${event.data})`;
    case "disconnect":
      return `- ${event.peer} disconnected (data ${event.data})`;
    case "receive": {
      const head = `< ${event.peer} ch ${event.channel} ${
        deliveryName(event.flags)
      } ${event.data.length} B`;
      const shown = event.data.length > HUMAN_LIMIT
        ? event.data.subarray(0, HUMAN_LIMIT)
        : event.data;
      const more = shown === event.data ? "" : " …";
      const text = printableText(shown);
      return text === undefined ? `${head} hex ${toHex(shown)}${more}` : `${head}: ${text}${more}`;
    }
    case "stats":
      return Object.entries(event).filter(([k]) => k !== "type").map(([k, v]) => `${k}=${v}`)
        .join(" ");
  }
}

/**
 * Formats a byte count per second: `512 B/s`, `12.5 KiB/s`, `3.1 MiB/s`.
 *
 * @param bytesPerSecond A rate.
 * @returns The short form.
 */
export function formatRate(bytesPerSecond: number): string {
  if (bytesPerSecond < 1024) return `${Math.round(bytesPerSecond)} B/s`;
  if (bytesPerSecond < 1024 * 1024) return `${(bytesPerSecond / 1024).toFixed(1)} KiB/s`;
  return `${(bytesPerSecond / 1024 / 1024).toFixed(1)} MiB/s`;
}
