/**
 * Datagram-in, datagram-out `TransformStream`s over any codec: each chunk is
 * one datagram body, compressed or decompressed as one unit.
 *
 * @module
 */

import type { Compressor } from "./compressor.ts";
import { zlibCompressAsync, zlibDecompressAsync } from "./zlib.ts";

/** A codec whose calls may be asynchronous, such as {@link webZlibCodec}. */
export interface AsyncCompressor {
  /** Compresses `input` into at most `limit` bytes, or resolves to null. */
  compress(input: Uint8Array, limit: number): Promise<Uint8Array | null>;
  /** Decompresses `input` into at most `limit` bytes, or resolves to null. */
  decompress(input: Uint8Array, limit: number): Promise<Uint8Array | null>;
}

/** Options of {@link createDecompressStream}. */
export interface DecompressStreamOptions {
  /** The most bytes one chunk may decompress to; default 4096 (ENet's largest datagram). */
  limit?: number;
  /** Called with each chunk that failed to decompress and was dropped. */
  onDrop?: (chunk: Uint8Array) => void;
}

/**
 * COMPRESS_ZLIB on the Web-standard `CompressionStream("deflate")` and
 * `DecompressionStream("deflate")`; one stream per datagram.
 */
export const webZlibCodec: AsyncCompressor = {
  async compress(input: Uint8Array, limit: number): Promise<Uint8Array | null> {
    if (input.length === 0) return null;
    const out = await zlibCompressAsync(input);
    return out.length <= limit ? out : null;
  },
  decompress: zlibDecompressAsync,
};

/**
 * A stream that compresses each chunk as one unit. Empty chunks are skipped.
 * The output chunks are fresh copies, whatever the codec's buffer reuse.
 *
 * @param codec a synchronous {@link Compressor} or an {@link AsyncCompressor}
 * @example
 * ```ts
 * import { RangeCoder } from "./range_coder.ts";
 * import { createCompressStream, createDecompressStream } from "./stream.ts";
 * const coder = new RangeCoder();
 * const packed = createCompressStream(coder);
 * const unpacked = packed.readable.pipeThrough(createDecompressStream(new RangeCoder()));
 * const writer = packed.writable.getWriter();
 * writer.write(new Uint8Array(50).fill(3));
 * writer.close();
 * for await (const chunk of unpacked) console.assert(chunk.length === 50);
 * ```
 */
export function createCompressStream(
  codec: Compressor | AsyncCompressor,
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      if (chunk.length === 0) return;
      // Room for any expansion: the limit only exists for ENet's "is it smaller" test.
      const out = await codec.compress(chunk, 8 * chunk.length + 64);
      if (out === null) {
        throw new TypeError(`Cannot compress chunk: the codec declined ${chunk.length} bytes`);
      }
      controller.enqueue(out.slice());
    },
  });
}

/**
 * A stream that decompresses each chunk as one unit. Chunks that fail (garbage,
 * truncation, more than `limit` bytes) are dropped, never thrown.
 *
 * @param codec a synchronous {@link Compressor} or an {@link AsyncCompressor}
 * @param options the output limit per chunk and a drop callback
 */
export function createDecompressStream(
  codec: Compressor | AsyncCompressor,
  options: DecompressStreamOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const limit = options.limit ?? 4096;
  if (!(limit >= 1)) throw new RangeError(`Cannot create stream: limit ${limit} is below 1`);
  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      let out: Uint8Array | null = null;
      try {
        out = await codec.decompress(chunk, limit);
      } catch {
        out = null;
      }
      if (out === null) options.onDrop?.(chunk);
      else controller.enqueue(out.slice());
    },
  });
}
