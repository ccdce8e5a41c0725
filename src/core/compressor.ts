/**
 * The compressor hook: C ENet's `ENetCompressor`, synchronous.
 *
 * @module
 */

/**
 * Compresses and decompresses the commands of one datagram (everything after the header
 * and checksum slot). Both peers must use the same compressor: nothing on the wire names
 * the algorithm, only the header's COMPRESSED flag says one was used.
 *
 * @example A compressor that never compresses
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Compressor } from "./compressor.ts";
 *
 * const identity: Compressor = {
 *   compress: () => null,
 *   decompress: (input) => input.slice(),
 * };
 * assert.equal(identity.compress(new Uint8Array(4), 4), null);
 * ```
 */
export interface Compressor {
  /**
   * Compresses `input`. The host sends the result only when it is not empty and shorter
   * than `input`.
   *
   * @param input The uncompressed commands; only valid during the call.
   * @param limit The most bytes the result may have (`input.length`).
   * @returns The compressed bytes, or `null` (or a result not shorter than `input`) to
   * send uncompressed.
   */
  compress(input: Uint8Array, limit: number): Uint8Array | null;
  /**
   * Decompresses `input`.
   *
   * @param input The compressed commands; only valid during the call.
   * @param limit The most bytes the result may have.
   * @returns The decompressed bytes, or `null` (or an empty or too long result) to drop
   * the datagram.
   */
  decompress(input: Uint8Array, limit: number): Uint8Array | null;
}
