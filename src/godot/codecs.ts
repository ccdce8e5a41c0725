/**
 * The codec behind each of Godot's compression modes.
 *
 * @module
 */

import type { Compressor } from "../core/compressor.ts";
import { RangeCoder } from "../compress/range_coder.ts";
import { CompressionMode } from "./constants.ts";
import { ENetError } from "./errors.ts";

const NAMES = ["none", "range-coder", "fastlz", "zlib", "zstd"] as const;

/**
 * Loads the codec for a compression mode.
 *
 * @param mode A `CompressionMode` value, already checked to be one.
 * @returns The compressor, or `null` for `COMPRESS_NONE`.
 * @throws {ENetError} `ERR_UNAVAILABLE` for a codec this build lacks.
 *
 * @example ENet's range coder
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadCodec } from "./codecs.ts";
 *
 * assert.equal(await loadCodec(0), null);
 * assert.notEqual(await loadCodec(1), null);
 * ```
 */
export function loadCodec(mode: CompressionMode): Promise<Compressor | null> {
  switch (mode) {
    case CompressionMode.COMPRESS_NONE:
      return Promise.resolve(null);
    case CompressionMode.COMPRESS_RANGE_CODER:
      return Promise.resolve(new RangeCoder());
    default:
      return Promise.reject(
        new ENetError("ERR_UNAVAILABLE", `Cannot compress: ${NAMES[mode]} is not available yet`),
      );
  }
}
