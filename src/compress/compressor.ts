/**
 * The codec contract the core calls once per datagram (re-exported from the
 * core), the names of Godot's ENetConnection compression modes, and a scratch
 * buffer helper.
 *
 * @module
 */

import type { Compressor } from "../core/compressor.ts";

/**
 * ENet's `ENetCompressor`, as the core defines it: `compress` returns null (or a
 * result not shorter than its input) to send uncompressed; `decompress` returns
 * null on any failure and never more than `limit` bytes.
 *
 * The codecs here return views into scratch buffers, valid until the same
 * codec's next call of the same method: copy what you keep.
 */
export type { Compressor };

/**
 * The codecs of Godot's `ENetConnection.compress()`: `"range-coder"` is
 * COMPRESS_RANGE_CODER (ENet's own), `"fastlz"` COMPRESS_FASTLZ, `"zlib"`
 * COMPRESS_ZLIB and `"zstd"` COMPRESS_ZSTD. Nothing on the wire names the codec:
 * both ends must choose the same one.
 */
export type CodecName = "range-coder" | "fastlz" | "zlib" | "zstd";

/** Every {@link CodecName}, in Godot's enum order (1..4). */
export const COMPRESSION_MODES: readonly CodecName[] = [
  "range-coder",
  "fastlz",
  "zlib",
  "zstd",
] as const;

/** Grows `buffer` to hold at least `size` bytes, keeping none of its contents. */
export function scratch(buffer: Uint8Array, size: number): Uint8Array {
  if (buffer.length >= size) return buffer;
  let length = Math.max(buffer.length, 256);
  while (length < size) length *= 2;
  return new Uint8Array(length);
}
