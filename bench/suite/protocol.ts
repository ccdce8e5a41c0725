/**
 * The benchmark suite's conventions beyond its messages (those are
 * `src/cli/bench_protocol.ts`, shared with `enet bench` and mirrored by the C peer
 * bench/c/enet_suite.c). Peers print one JSON object per line on stdout:
 * `{"event":"port","port":n}` once listening, `{"event":"ticking"}` /
 * `{"event":"window-end"}` around a game-tick window, and `{"event":"result", ...}` at
 * the end.
 *
 * @module
 */

import { message } from "../../src/cli/bench_protocol.ts";

export {
  bulkWindow,
  Kind,
  percentiles,
  PROGRESS_EVERY,
  readU32,
  STALL_MS,
  WINDOW_BYTES,
  writeU32,
} from "../../src/cli/bench_protocol.ts";

/** At most this many connections are being set up at once. */
export const CONNECT_BATCH = 64;
/** Every peer process exits by itself after this long. */
export const LIFETIME_MS = 600_000;

/**
 * Builds a payload of at least 16 bytes (room for a ping's clock at bytes 8-15).
 *
 * @param kind A `Kind` value.
 * @param size Total bytes (at least 16).
 * @param value The u32 at byte 1.
 * @returns The payload.
 */
export function makePayload(kind: number, size: number, value: number): Uint8Array {
  return message(kind, Math.max(16, size), value);
}

/**
 * Prints one JSON event line on stdout.
 *
 * @param line The object; needs an `event` field.
 */
export function emit(line: { event: string } & Record<string, unknown>): void {
  console.log(JSON.stringify(line));
}
