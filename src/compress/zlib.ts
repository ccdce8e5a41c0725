/**
 * Godot's COMPRESS_ZLIB: each datagram's commands as one RFC 1950 zlib stream
 * (2-byte header, deflate at level 6, Adler-32), as Godot's
 * `Compression::compress(MODE_DEFLATE)` writes it.
 *
 * The synchronous codec uses `node:zlib` (present in Deno, Bun and Node). The
 * async functions use the Web-standard `CompressionStream("deflate")` /
 * `DecompressionStream("deflate")`, whose "deflate" format is exactly RFC 1950.
 *
 * @module
 */

import { deflateSync, inflateSync, type ZlibOptions } from "node:zlib";
import type { Compressor } from "./compressor.ts";

/** zlib's Z_DEFAULT_COMPRESSION, which Godot uses unless a project setting changes it. */
export const ZLIB_LEVEL = 6;
/** Caps `maxOutputLength`, which must be a safe buffer size. */
const MAX_OUTPUT = 1 << 30;

/** Adler-32 (RFC 1950 §8.2) of `bytes`. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length;) {
    // 5552 bytes is the most that cannot overflow before the modulo.
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The big-endian Adler-32 trailer that ends a zlib stream. */
function readTrailer(input: Uint8Array): number {
  const n = input.length;
  return ((input[n - 4] << 24) | (input[n - 3] << 16) | (input[n - 2] << 8) | input[n - 1]) >>> 0;
}

function view(buffer: Uint8Array): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

/**
 * The COMPRESS_ZLIB codec over `node:zlib`'s synchronous deflate/inflate.
 * Decompression is bounded while it runs (`maxOutputLength`), never after.
 *
 * @example
 * ```ts
 * import { ZlibCompressor } from "./zlib.ts";
 * const codec = new ZlibCompressor();
 * const body = new TextEncoder().encode("position 10 20 30 position 10 20 31");
 * const packed = codec.compress(body, body.length)!;
 * console.assert(packed[0] === 0x78);
 * console.assert(codec.decompress(packed, 4096)!.length === body.length);
 * ```
 */
export class ZlibCompressor implements Compressor {
  readonly #deflateOptions: ZlibOptions;
  readonly #inflateOptions: ZlibOptions = { maxOutputLength: 1 };

  /**
   * Creates a codec.
   *
   * @param level the deflate level, 0..9 (Godot's default is 6)
   */
  constructor(level: number = ZLIB_LEVEL) {
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new RangeError(`Cannot create zlib codec: level ${level} is not 0..9`);
    }
    this.#deflateOptions = { level };
  }

  /**
   * Compresses `input` into one zlib stream.
   *
   * @returns the stream, or null when `input` is empty or the stream is longer than `limit`
   */
  compress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0) return null;
    try {
      const out = deflateSync(input, this.#deflateOptions);
      return out.length <= limit ? view(out) : null;
    } catch {
      return null;
    }
  }

  /**
   * Inflates one zlib stream; a truncated or corrupt stream, a wrong Adler-32, or
   * more than `limit` bytes of output yield null. Bytes after the stream's end
   * are ignored, as zlib's `inflate(Z_FINISH)` in Godot ignores them.
   */
  decompress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0 || !(limit >= 1)) return null;
    this.#inflateOptions.maxOutputLength = Math.min(Math.floor(limit), MAX_OUTPUT);
    try {
      const out = inflateSync(input, this.#inflateOptions);
      return out.length > 0 ? view(out) : null;
    } catch {
      return null;
    }
  }
}

async function readAll(
  readable: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array | null> {
  const reader = readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function pipeOne(
  input: Uint8Array,
  transform: { writable: WritableStream<BufferSource>; readable: ReadableStream<Uint8Array> },
): ReadableStream<Uint8Array> {
  const writer = transform.writable.getWriter();
  writer.write(input as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  return transform.readable;
}

/**
 * Compresses `input` into one zlib stream with `CompressionStream("deflate")`
 * (the runtime's default level, 6 in practice).
 *
 * @example
 * ```ts
 * import { zlibCompressAsync, zlibDecompressAsync } from "./zlib.ts";
 * const packed = await zlibCompressAsync(new Uint8Array(100));
 * console.assert((await zlibDecompressAsync(packed, 100))!.length === 100);
 * ```
 */
export function zlibCompressAsync(input: Uint8Array): Promise<Uint8Array> {
  return readAll(pipeOne(input, new CompressionStream("deflate")), Infinity) as Promise<
    Uint8Array
  >;
}

/**
 * Inflates one zlib stream with `DecompressionStream("deflate")`, reading no
 * further once more than `limit` bytes have come out.
 *
 * @returns the bytes, or null on corrupt or truncated input, trailing bytes
 *   after the stream, empty output or more than `limit` bytes
 */
export async function zlibDecompressAsync(
  input: Uint8Array,
  limit: number,
): Promise<Uint8Array | null> {
  if (input.length === 0 || !(limit >= 1)) return null;
  try {
    const out = await readAll(pipeOne(input, new DecompressionStream("deflate")), limit);
    // Some runtimes end a truncated stream quietly: check the trailer ourselves.
    return out !== null && out.length > 0 && adler32(out) === readTrailer(input) ? out : null;
  } catch {
    return null;
  }
}
