/**
 * FastLZ level 1 (the block format of FastLZ 0.5.0 that Godot bundles), and
 * Godot's COMPRESS_FASTLZ codec built on it.
 *
 * A level-1 block is a sequence of instructions; the top 3 bits of the first
 * byte are 0 (the level). An instruction byte below 32 copies that many plus one
 * literal bytes. Otherwise its top 3 bits give a match length (7 means "plus the
 * next byte"), and its low 5 bits and the following byte a backward distance
 * (1..8192) into the output. Matches are 3..264 bytes and may overlap their
 * output (runs).
 *
 * @module
 */

import { type Compressor, scratch } from "./compressor.ts";

const MAX_COPY = 32;
const MAX_LEN = 264;
const MAX_L1_DISTANCE = 8192;
const MAX_L2_DISTANCE = 8191;
const HASH_LOG = 13;
const HASH_SIZE = 1 << HASH_LOG;
const HASH_MASK = HASH_SIZE - 1;
/** Godot pads shorter inputs with zeros to this size before compressing. */
const GODOT_MINIMUM_INPUT = 16;

/** The most bytes FastLZ level 1 can produce from `length` input bytes. */
export function fastlzBound(length: number): number {
  return length + Math.ceil(length / MAX_COPY) + 1;
}

function hash(data: Uint8Array, p: number): number {
  const v = data[p] | (data[p + 1] << 8);
  return (v ^ (data[p + 1] | (data[p + 2] << 8)) ^ (v >> (16 - HASH_LOG))) & HASH_MASK;
}

/**
 * Compresses `input` with FastLZ level 1, as FastLZ 0.5.0's `fastlz1_compress`
 * does, into `output` (at least {@link fastlzBound} bytes long).
 *
 * @param input bytes to compress, fewer than 65536 (FastLZ uses level 2 above that)
 * @param output where to write the block
 * @param table scratch hash table of 8192 entries, overwritten
 * @returns the block's length (0 for empty input)
 * @example Compress a run
 * ```ts
 * import { fastlzBound, fastlzCompress, fastlzDecompress } from "./fastlz.ts";
 * const input = new Uint8Array(100).fill(1);
 * const block = new Uint8Array(fastlzBound(input.length));
 * const size = fastlzCompress(input, block);
 * console.assert(size < 100);
 * console.assert(fastlzDecompress(block.subarray(0, size), new Uint8Array(100)) === 100);
 * ```
 */
export function fastlzCompress(
  input: Uint8Array,
  output: Uint8Array,
  table: Uint32Array = new Uint32Array(HASH_SIZE),
): number {
  const length = input.length;
  if (length < 4) {
    if (length === 0) return 0;
    output[0] = length - 1;
    output.set(input, 1);
    return length + 1;
  }
  const ipBound = length - 2;
  const ipLimit = length - 12 - 1;
  table.fill(0);
  // Start with a literal run holding the first two bytes; `copy` counts the
  // literals of the open run, whose length byte sits at op - copy - 1.
  let copy = 2;
  let op = 0;
  output[op++] = MAX_COPY - 1;
  output[op++] = input[0];
  output[op++] = input[1];
  let ip = 2;
  while (ip < ipLimit) {
    const anchor = ip;
    const h = hash(input, ip);
    let ref = table[h];
    table[h] = anchor;
    let distance = anchor - ref;
    if (
      distance === 0 || distance >= MAX_L1_DISTANCE || input[ref] !== input[ip] ||
      input[ref + 1] !== input[ip + 1] || input[ref + 2] !== input[ip + 2]
    ) {
      // Literal.
      output[op++] = input[anchor];
      ip = anchor + 1;
      copy++;
      if (copy === MAX_COPY) {
        copy = 0;
        output[op++] = MAX_COPY - 1;
      }
      continue;
    }
    // A match of at least 3 bytes: extend it. `ip` ends one past the first
    // mismatch (or at ipBound), as in the reference.
    ref += 3;
    ip = anchor + 3;
    distance--;
    if (distance === 0) {
      const x = input[ip - 1];
      while (ip < ipBound) {
        if (input[ref++] !== x) break;
        ip++;
      }
    } else {
      let unrolled = 0;
      for (; unrolled < 8; unrolled++) {
        if (input[ref++] !== input[ip++]) break;
      }
      if (unrolled === 8) {
        while (ip < ipBound) {
          if (input[ref++] !== input[ip++]) break;
        }
      }
    }
    // Close the open literal run (or drop its unused length byte).
    if (copy !== 0) output[op - copy - 1] = copy - 1;
    else op--;
    copy = 0;
    ip -= 3;
    let len = ip - anchor;
    while (len > MAX_LEN - 2) {
      output[op++] = (7 << 5) + (distance >> 8);
      output[op++] = MAX_LEN - 2 - 7 - 2;
      output[op++] = distance & 255;
      len -= MAX_LEN - 2;
    }
    if (len < 7) {
      output[op++] = (len << 5) + (distance >> 8);
      output[op++] = distance & 255;
    } else {
      output[op++] = (7 << 5) + (distance >> 8);
      output[op++] = len - 7;
      output[op++] = distance & 255;
    }
    table[hash(input, ip)] = ip;
    ip++;
    table[hash(input, ip)] = ip;
    ip++;
    output[op++] = MAX_COPY - 1;
  }
  // The tail is literal.
  while (ip < length) {
    output[op++] = input[ip++];
    copy++;
    if (copy === MAX_COPY) {
      copy = 0;
      output[op++] = MAX_COPY - 1;
    }
  }
  if (copy !== 0) output[op - copy - 1] = copy - 1;
  else op--;
  return op;
}

/**
 * Decompresses a FastLZ block into `output`, checking every read and write: it
 * never reads past `input` nor writes past `output`, and never throws. Level 1
 * is what FastLZ (and Godot) produce below 64 KiB; level-2 blocks are accepted
 * too, as FastLZ's `fastlz_decompress` does.
 *
 * @param input a FastLZ block (any bytes)
 * @param output where to write; its length is the limit
 * @returns the decompressed length, or 0 when the block is of an unknown level,
 *   is malformed, or would not fit (as FastLZ's safe decompressor does)
 * @example Decode a literal run
 * ```ts
 * import { fastlzDecompress } from "./fastlz.ts";
 * const out = new Uint8Array(16);
 * console.assert(fastlzDecompress(new Uint8Array([2, 65, 66, 67]), out) === 3);
 * ```
 */
export function fastlzDecompress(input: Uint8Array, output: Uint8Array): number {
  const length = input.length;
  if (length === 0) return 0;
  const level = (input[0] >> 5) + 1;
  if (level > 2) return 0;
  const ipBound = length - 2;
  const opLimit = output.length;
  let ip = 1;
  let op = 0;
  let ctrl = input[0] & 31;
  for (;;) {
    if (ctrl >= 32) {
      let len = (ctrl >> 5) - 1;
      const far = (ctrl & 31) === 31;
      let ref = op - ((ctrl & 31) << 8) - 1;
      if (len === 7 - 1) {
        // Level 1: one extra length byte. Level 2: bytes of 255 continue it.
        let code: number;
        do {
          if (ip > ipBound) return 0;
          code = input[ip++];
          len += code;
        } while (level === 2 && code === 255);
      }
      if (ip >= length) return 0;
      const code = input[ip++];
      ref -= code;
      len += 3;
      if (level === 2 && code === 255 && far) {
        // Level 2: a 16-bit distance beyond 8191 follows.
        if (ip >= ipBound) return 0;
        ref = op - ((input[ip] << 8) + input[ip + 1]) - MAX_L2_DISTANCE - 1;
        ip += 2;
      }
      if (op + len > opLimit || ref < 0) return 0;
      // Byte by byte: a match may overlap the bytes it is producing.
      for (let i = 0; i < len; i++) output[op++] = output[ref++];
    } else {
      ctrl++;
      if (op + ctrl > opLimit || ip + ctrl > length) return 0;
      output.set(input.subarray(ip, ip + ctrl), op);
      ip += ctrl;
      op += ctrl;
    }
    if (level === 1 ? ip > ipBound : ip >= length) break;
    ctrl = input[ip++];
  }
  return op;
}

/**
 * Godot's COMPRESS_FASTLZ: FastLZ level 1 over the datagram's commands, with
 * inputs under 16 bytes zero-padded to 16 first (so such a datagram decompresses
 * to 16 bytes, its tail zeros, which ENet reads as the end of the commands).
 *
 * @example
 * ```ts
 * import { FastLzCompressor } from "./fastlz.ts";
 * const codec = new FastLzCompressor();
 * const body = new Uint8Array(64).fill(9);
 * const packed = codec.compress(body, body.length)!;
 * console.assert(codec.decompress(packed, 4096)!.length === 64);
 * ```
 */
export class FastLzCompressor implements Compressor {
  readonly #table = new Uint32Array(HASH_SIZE);
  readonly #padded = new Uint8Array(GODOT_MINIMUM_INPUT);
  #packed: Uint8Array = new Uint8Array(0);
  #unpacked: Uint8Array = new Uint8Array(0);

  /**
   * Compresses as Godot's `Compression::compress(MODE_FASTLZ)`.
   *
   * @param input the datagram's commands
   * @param limit the most bytes to produce
   * @returns the block (a view valid until the next compress), or null when it
   *   is empty or longer than `limit`
   */
  compress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0) return null;
    let source = input;
    if (input.length < GODOT_MINIMUM_INPUT) {
      this.#padded.fill(0);
      this.#padded.set(input);
      source = this.#padded;
    }
    this.#packed = scratch(this.#packed, fastlzBound(source.length));
    const size = fastlzCompress(source, this.#packed, this.#table);
    return size > 0 && size <= limit ? this.#packed.subarray(0, size) : null;
  }

  /**
   * Decompresses as Godot's `Compression::decompress(MODE_FASTLZ)`.
   *
   * @param input a FastLZ block (any bytes)
   * @param limit the most bytes to produce
   * @returns the bytes (a view valid until the next decompress), or null
   */
  decompress(input: Uint8Array, limit: number): Uint8Array | null {
    if (!(limit > 0)) return null;
    // A level-1 instruction yields at most 264 bytes from 2 input bytes.
    const bound = Math.min(limit, input.length * 133);
    this.#unpacked = scratch(this.#unpacked, bound);
    const size = fastlzDecompress(input, this.#unpacked.subarray(0, bound));
    return size > 0 ? this.#unpacked.subarray(0, size) : null;
  }
}
