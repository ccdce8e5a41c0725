/**
 * The codec behind each of Godot's compression modes.
 *
 * @module
 */

import type { Compressor } from "../core/compressor.ts";
import { COMPRESSION_MODES, createCompressor } from "../compress/mod.ts";
import { CompressionMode } from "./constants.ts";
import { ENetError } from "./errors.ts";

/**
 * Loads a fresh codec for a compression mode (one per host: codecs keep scratch buffers).
 *
 * @param mode A `CompressionMode` value, already checked to be one.
 * @returns The compressor, or `null` for `COMPRESS_NONE`.
 * @throws {ENetError} `ERR_UNAVAILABLE` when the codec cannot be loaded.
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
export async function loadCodec(mode: CompressionMode): Promise<Compressor | null> {
  if (mode === CompressionMode.COMPRESS_NONE) return null;
  const name = COMPRESSION_MODES[mode - 1];
  try {
    return await createCompressor(name);
  } catch (error) {
    throw new ENetError(
      "ERR_UNAVAILABLE",
      `Cannot compress: the ${name} codec did not load (${(error as Error).message})`,
      { cause: error },
    );
  }
}
