/**
 * The messages of ENet benchmarks, shared by `enet bench` and the repository's
 * benchmark suite (bench/suite/, mirrored by its C peer bench/c/enet_suite.c). Payload
 * byte 0 is the message kind, bytes 1-4 a little-endian u32, bytes 8-15 (the suite's
 * ping only) the sender's clock as a float64:
 *
 * - `S` bulk data on channel 0 (index from 1); the server counts it and every
 *   {@link PROGRESS_EVERY} messages reports the highest index as `C` on channel 1.
 * - `E` ends a bulk stream (reliable); the server answers `D` carrying its count.
 * - `P` ping, echoed reliably; `T` game tick, echoed unreliably.
 *
 * @module
 */

/** Payload bytes a bulk sender may have beyond the server's last progress report. */
export const WINDOW_BYTES = 262_144;
/** The server reports progress every this many bulk messages. */
export const PROGRESS_EVERY = 64;
/** A bulk sender that hears no progress for this long assumes losses and moves on. */
export const STALL_MS = 200;

/**
 * The bulk window in messages: {@link WINDOW_BYTES} worth, at least 256.
 *
 * @param size Bytes per message.
 * @returns Messages.
 */
export function bulkWindow(size: number): number {
  return Math.max(256, Math.floor(WINDOW_BYTES / size));
}

/** Message kinds, as byte values. */
export const Kind = {
  BULK: 0x53, // 'S'
  PROGRESS: 0x43, // 'C'
  END: 0x45, // 'E'
  DONE: 0x44, // 'D'
  PING: 0x50, // 'P'
  TICK: 0x54, // 'T'
} as const;

/**
 * Builds a message: `kind`, then `value` as a little-endian u32, padded with 0x5a.
 *
 * @param kind A {@link Kind} value.
 * @param size Total bytes (at least 5).
 * @param value The u32 at byte 1.
 * @returns The payload.
 */
export function message(kind: number, size: number, value: number): Uint8Array {
  const data = new Uint8Array(size).fill(0x5a);
  data[0] = kind;
  writeU32(data, 1, value);
  return data;
}

/**
 * Writes a little-endian u32.
 *
 * @param data The buffer.
 * @param offset Where.
 * @param value The value.
 */
export function writeU32(data: Uint8Array, offset: number, value: number): void {
  data[offset] = value & 0xff;
  data[offset + 1] = (value >>> 8) & 0xff;
  data[offset + 2] = (value >>> 16) & 0xff;
  data[offset + 3] = (value >>> 24) & 0xff;
}

/**
 * Reads a little-endian u32.
 *
 * @param data The buffer.
 * @param offset Where.
 * @returns The value.
 */
export function readU32(data: Uint8Array, offset: number): number {
  return (data[offset] | (data[offset + 1] << 8) | (data[offset + 2] << 16) |
    (data[offset + 3] << 24)) >>> 0;
}

/**
 * The median and the 99th percentile of round-trip samples (sorted in place).
 *
 * @param samples Milliseconds.
 * @returns p50 and p99, -1 when there are no samples.
 */
export function percentiles(samples: Float64Array): { p50: number; p99: number } {
  if (samples.length === 0) return { p50: -1, p99: -1 };
  samples.sort();
  return {
    p50: samples[Math.floor(samples.length / 2)],
    p99: samples[Math.floor((samples.length * 99) / 100)],
  };
}
