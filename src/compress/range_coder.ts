/**
 * ENet's adaptive order-2 PPM range coder (COMPRESS_RANGE_CODER), bit-exact with
 * C ENet's `enet_range_coder_compress` / `enet_range_coder_decompress`.
 *
 * The model is a table of 4096 symbols. Each symbol is also a context: a binary
 * tree of the bytes seen after it, with an escape count. A byte is coded in the
 * order-2 context, escaping to the order-1 context and then to the root (order 0)
 * until one of them knows it; the root knows every byte. Counts adapt as bytes are
 * coded and are halved when a total nears 2^16. When the table is nearly full the
 * model starts over. The coder keeps ENet's 32-bit low/range arithmetic and its
 * 16-bit counts, so the output matches C ENet byte for byte.
 *
 * @module
 */

import { type Compressor, scratch } from "./compressor.ts";

import {
  CONTEXT_SYMBOL_DELTA,
  CONTEXT_SYMBOL_MINIMUM,
  RANGE_BOTTOM,
  RangeModel,
  ROOT,
  ROOT_COUNT_LIMIT,
  SUBCONTEXT_COUNT_LIMIT,
  SUBCONTEXT_ESCAPE_DELTA,
  SUBCONTEXT_SYMBOL_DELTA,
  TO_PREDICTED,
  TOTAL_LIMIT,
} from "./_range_model.ts";

const RANGE_TOP = 1 << 24;
const EMPTY: Uint8Array = new Uint8Array(0);

/**
 * ENet's range coder as a {@link Compressor}. One instance holds one model table
 * (about 60 KiB) and scratch buffers; it is reset for every datagram, so one
 * instance serves any number of peers, but calls must not interleave.
 *
 * @example Compress a datagram body the way C ENet does
 * ```ts
 * import { RangeCoder } from "./range_coder.ts";
 * const coder = new RangeCoder();
 * const body = new Uint8Array(200).fill(7);
 * const packed = coder.compress(body, body.length)!;
 * console.assert(packed.length < body.length);
 * console.assert(coder.decompress(packed, 4096)!.every((b) => b === 7));
 * ```
 */
export class RangeCoder implements Compressor {
  readonly #model = new RangeModel();

  // Coder state: C's encodeLow/encodeRange or decodeLow/decodeRange/decodeCode.
  #low = 0;
  #range = 0;
  #code = 0;
  #out: Uint8Array = EMPTY;
  #packed: Uint8Array = EMPTY;
  #unpacked: Uint8Array = EMPTY;
  #outPos = 0;
  #outEnd = 0;
  #in: Uint8Array = EMPTY;
  #inPos = 0;

  /**
   * Compresses `input` as `enet_range_coder_compress` does.
   *
   * @param input the datagram's commands
   * @param limit the most bytes to produce
   * @returns the coded bytes (a view valid until the next call), or null when
   *   `input` is empty or the output would pass `limit`
   */
  compress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0 || !(limit > 0)) return null;
    const capacity = Math.min(limit, 6 * input.length + 16);
    this.#out = this.#packed = scratch(this.#packed, capacity);
    this.#outPos = 0;
    this.#outEnd = capacity;
    this.#low = 0;
    this.#range = 0xffffffff;
    this.#model.reset();
    const escapes = this.#model.escapes;
    const total = this.#model.total;
    for (let i = 0; i < input.length; i++) {
      const value = input[i];
      let link = TO_PREDICTED;
      let coded = false;
      for (
        let context = this.#model.predicted;
        context !== ROOT;
        context = this.#model.parent[context]
      ) {
        this.#model.contextEncode(context, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        link = this.#model.link(link, this.#model.found);
        const count = this.#model.foundCount;
        const contextTotal = total[context];
        if (count > 0) {
          if (!this.#encode(escapes[context] + this.#model.foundUnder, count, contextTotal)) {
            return null;
          }
        } else {
          if (escapes[context] > 0 && escapes[context] < contextTotal) {
            if (!this.#encode(0, escapes[context], contextTotal)) return null;
          }
          escapes[context] += SUBCONTEXT_ESCAPE_DELTA;
          total[context] += SUBCONTEXT_ESCAPE_DELTA;
        }
        total[context] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || total[context] > TOTAL_LIMIT) {
          this.#model.rescaleContext(context, 0);
        }
        if (count > 0) {
          coded = true;
          break;
        }
      }
      if (!coded) {
        this.#model.contextEncode(ROOT, value, CONTEXT_SYMBOL_DELTA, CONTEXT_SYMBOL_MINIMUM);
        this.#model.link(link, this.#model.found);
        const count = this.#model.foundCount;
        if (!this.#encode(escapes[ROOT] + this.#model.foundUnder, count, total[ROOT])) return null;
        total[ROOT] += CONTEXT_SYMBOL_DELTA;
        if (count > ROOT_COUNT_LIMIT || total[ROOT] > TOTAL_LIMIT) {
          this.#model.rescaleContext(ROOT, CONTEXT_SYMBOL_MINIMUM);
        }
      }
      this.#model.advance();
    }
    // Flush: emit `low` until what is left is zero (the decoder pads with zeros).
    while (this.#low !== 0) {
      if (this.#outPos >= this.#outEnd) return null;
      this.#out[this.#outPos++] = this.#low >>> 24;
      this.#low = (this.#low << 8) >>> 0;
    }
    return this.#out.subarray(0, this.#outPos);
  }

  /**
   * Decompresses `input` as `enet_range_coder_decompress` does.
   *
   * @param input range-coded bytes (any bytes: garbage yields null or junk, never an exception)
   * @param limit the most bytes to produce
   * @returns the decoded bytes (a view valid until the next call), or null when
   *   `input` is empty, the output would pass `limit`, nothing was decoded, or
   *   the data names a symbol the model does not have
   */
  decompress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0 || !(limit > 0)) return null;
    const capacity = Math.min(limit, 0x7fffffff);
    this.#in = input;
    this.#inPos = 0;
    this.#out = this.#unpacked;
    this.#outPos = 0;
    this.#outEnd = capacity;
    this.#low = 0;
    this.#range = 0xffffffff;
    this.#code = 0;
    for (let i = 0; i < 4; i++) this.#code = ((this.#code << 8) | this.#nextInput()) >>> 0;
    this.#model.reset();
    const escapes = this.#model.escapes;
    const total = this.#model.total;
    for (;;) {
      let value = 0;
      let bottom = 0;
      let context = this.#model.predicted;
      for (; context !== ROOT; context = this.#model.parent[context]) {
        const contextEscapes = escapes[context];
        const contextTotal = total[context];
        if (contextEscapes <= 0 || contextEscapes >= contextTotal) continue;
        let code = this.#read(contextTotal);
        if (code < contextEscapes) {
          if (!this.#decode(0, contextEscapes)) return null;
          continue;
        }
        code -= contextEscapes;
        if (!this.#model.contextDecode(context, code, SUBCONTEXT_SYMBOL_DELTA, 0, false)) {
          return null;
        }
        value = this.#model.foundValue;
        bottom = this.#model.found;
        const count = this.#model.foundCount;
        if (!this.#decode(contextEscapes + this.#model.foundUnder, count)) return null;
        total[context] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || total[context] > TOTAL_LIMIT) {
          this.#model.rescaleContext(context, 0);
        }
        break;
      }
      if (context === ROOT) {
        const rootTotal = total[ROOT];
        const rootEscapes = escapes[ROOT];
        const code = this.#read(rootTotal);
        if (code < rootEscapes) {
          // An escape from the root ends the data.
          if (!this.#decode(0, rootEscapes)) return null;
          break;
        }
        this.#model.contextDecode(
          ROOT,
          code - rootEscapes,
          CONTEXT_SYMBOL_DELTA,
          CONTEXT_SYMBOL_MINIMUM,
          true,
        );
        value = this.#model.foundValue;
        bottom = this.#model.found;
        const count = this.#model.foundCount;
        if (!this.#decode(rootEscapes + this.#model.foundUnder, count)) return null;
        total[ROOT] += CONTEXT_SYMBOL_DELTA;
        if (count > ROOT_COUNT_LIMIT || total[ROOT] > TOTAL_LIMIT) {
          this.#model.rescaleContext(ROOT, CONTEXT_SYMBOL_MINIMUM);
        }
      }
      // Teach the byte to the contexts that escaped, as the encoder did.
      let link = TO_PREDICTED;
      for (
        let patch = this.#model.predicted;
        patch !== context;
        patch = this.#model.parent[patch]
      ) {
        this.#model.contextEncode(patch, value, SUBCONTEXT_SYMBOL_DELTA, 0);
        link = this.#model.link(link, this.#model.found);
        const count = this.#model.foundCount;
        if (count <= 0) {
          escapes[patch] += SUBCONTEXT_ESCAPE_DELTA;
          total[patch] += SUBCONTEXT_ESCAPE_DELTA;
        }
        total[patch] += SUBCONTEXT_SYMBOL_DELTA;
        if (count > SUBCONTEXT_COUNT_LIMIT || total[patch] > TOTAL_LIMIT) {
          this.#model.rescaleContext(patch, 0);
        }
      }
      this.#model.link(link, bottom);
      if (this.#outPos >= this.#outEnd) return null;
      if (this.#outPos >= this.#out.length) this.#growOutput();
      this.#out[this.#outPos++] = value;
      this.#model.advance();
    }
    this.#in = EMPTY;
    return this.#outPos === 0 ? null : this.#out.subarray(0, this.#outPos);
  }

  #growOutput(): void {
    const grown = new Uint8Array(Math.min(Math.max(this.#out.length * 2, 1024), this.#outEnd));
    grown.set(this.#out);
    this.#out = this.#unpacked = grown;
  }

  #nextInput(): number {
    return this.#inPos < this.#in.length ? this.#in[this.#inPos++] : 0;
  }

  /** Codes the interval [under, under + count) of `total` (C's ENET_RANGE_CODER_ENCODE). */
  #encode(under: number, count: number, total: number): boolean {
    let range = (this.#range / total) >>> 0;
    let low = (this.#low + Math.imul(under, range)) >>> 0;
    range = Math.imul(range, count) >>> 0;
    for (;;) {
      if (((low ^ (low + range)) >>> 0) >= RANGE_TOP) {
        if (range >= RANGE_BOTTOM) break;
        range = -low & (RANGE_BOTTOM - 1);
      }
      if (this.#outPos >= this.#outEnd) return false;
      this.#out[this.#outPos++] = low >>> 24;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
    }
    this.#low = low;
    this.#range = range;
    return true;
  }

  /** Divides the range by `total` and returns the 16-bit code (C's ENET_RANGE_CODER_READ). */
  #read(total: number): number {
    this.#range = (this.#range / total) >>> 0;
    if (this.#range === 0) return 0; // only from garbage, where C ENet would divide by zero
    return (((this.#code - this.#low) >>> 0) / this.#range) & 0xffff;
  }

  /** Consumes the interval [under, under + count) (C's ENET_RANGE_CODER_DECODE). */
  #decode(under: number, count: number): boolean {
    let low = (this.#low + Math.imul(under, this.#range)) >>> 0;
    let range = Math.imul(this.#range, count) >>> 0;
    let code = this.#code;
    for (;;) {
      if (((low ^ (low + range)) >>> 0) >= RANGE_TOP) {
        if (range >= RANGE_BOTTOM) break;
        range = -low & (RANGE_BOTTOM - 1);
      }
      code = ((code << 8) | this.#nextInput()) >>> 0;
      range = (range << 8) >>> 0;
      low = (low << 8) >>> 0;
      // A valid stream never gets here; garbage can, and C ENet would then loop or divide by zero.
      if (range === 0) return false;
    }
    this.#low = low;
    this.#range = range;
    this.#code = code;
    return true;
  }
}
