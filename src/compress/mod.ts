/**
 * The datagram codecs of Godot's ENetConnection.compress(): ENet's range coder,
 * FastLZ, zlib and zstd, byte-compatible with C ENet and Godot.
 *
 * @example Pick a codec by its Godot name
 * ```ts
 * import { createCompressor } from "./mod.ts";
 * const codec = await createCompressor("zlib");
 * const body = new Uint8Array(100).fill(1);
 * console.assert(codec.decompress(codec.compress(body, 100)!, 4096)!.length === 100);
 * ```
 *
 * @module
 */

import { type CodecName, COMPRESSION_MODES, type Compressor } from "./compressor.ts";
import { FastLzCompressor } from "./fastlz.ts";
import { RangeCoder } from "./range_coder.ts";
import { ZlibCompressor } from "./zlib.ts";
import { createZstdCompressor, type ZstdBackend } from "./zstd.ts";

export { type CodecName, COMPRESSION_MODES, type Compressor } from "./compressor.ts";
export { RangeCoder } from "./range_coder.ts";
export { fastlzBound, fastlzCompress, FastLzCompressor, fastlzDecompress } from "./fastlz.ts";
export { ZLIB_LEVEL, zlibCompressAsync, ZlibCompressor, zlibDecompressAsync } from "./zlib.ts";
export {
  createZstdCompressor,
  type NodeZstd,
  type WasmZstd,
  ZSTD_LEVEL,
  type ZstdBackend,
  ZstdCompressor,
  zstdFrameContentSize,
  type ZstdOptions,
} from "./zstd.ts";
export {
  type AsyncCompressor,
  createCompressStream,
  createDecompressStream,
  type DecompressStreamOptions,
  webZlibCodec,
} from "./stream.ts";

/** Options of {@link createCompressor}. */
export interface CreateCompressorOptions {
  /** zstd only: force a backend (default: `node:zlib` where it has zstd, else WebAssembly). */
  zstdBackend?: ZstdBackend;
}

/**
 * Builds a fresh codec for one of Godot's compression modes. Async because the
 * zstd codec may load WebAssembly; the codec itself is synchronous. Use one
 * codec per host: codecs reuse scratch buffers between calls.
 *
 * @param mode `"range-coder"`, `"fastlz"`, `"zlib"` or `"zstd"`
 * @param options backend choice for zstd
 * @returns the codec
 * @throws {TypeError} for an unknown mode
 */
export function createCompressor(
  mode: CodecName,
  options: CreateCompressorOptions = {},
): Promise<Compressor> {
  switch (mode) {
    case "range-coder":
      return Promise.resolve(new RangeCoder());
    case "fastlz":
      return Promise.resolve(new FastLzCompressor());
    case "zlib":
      return Promise.resolve(new ZlibCompressor());
    case "zstd":
      return createZstdCompressor({ backend: options.zstdBackend ?? "auto" });
    default:
      return Promise.reject(
        new TypeError(
          `Cannot create compressor: unknown mode ${JSON.stringify(mode)} (use ${
            COMPRESSION_MODES.join(", ")
          })`,
        ),
      );
  }
}
