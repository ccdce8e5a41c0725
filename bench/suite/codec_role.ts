/**
 * Codec throughput per compression mode (the package's codecs through the public
 * `createCompressor`) on the shared corpus, each body compressed and decompressed as one
 * datagram, round trips checked byte for byte.
 *
 * @module
 */

import { COMPRESSION_MODES, createCompressor } from "../../src/compress/mod.ts";
import { makeCorpus } from "./corpus.ts";
import { emit } from "./protocol.ts";

/** One codec's figures. */
export interface CodecFigures {
  /** The compression mode's codec name. */
  mode: string;
  /** Compressed bytes / original bytes. */
  ratio: number;
  /** The corpus's bytes, compressed once (datagrams that do not shrink count as sent). */
  compressedBytes: number;
  /** Original megabytes compressed per second. */
  compressMBs: number;
  /** Original megabytes restored per second. */
  decompressMBs: number;
}

/**
 * Measures every codec for about `ms` milliseconds each and prints the result.
 *
 * @param ms Time per codec.
 */
export async function codecs(ms: number): Promise<void> {
  const corpus = makeCorpus();
  const out: CodecFigures[] = [];
  for (const mode of COMPRESSION_MODES) {
    const codec = await createCompressor(mode);
    const pack = (body: Uint8Array) => {
      const result = codec.compress(body, body.length);
      return result === null || result.length >= body.length ? body : result.slice();
    };
    let compressed = 0;
    for (const body of corpus) {
      const packed = pack(body);
      const back = packed === body ? body : codec.decompress(packed, 4096);
      if (back === null || back.length !== body.length || back.some((b, i) => b !== body[i])) {
        throw new Error(`Cannot measure ${mode}: a round trip lost data`);
      }
      compressed += packed.length;
    }
    const packed = corpus.map(pack);
    // Warm up (the JITs tier up) for a quarter of the time before measuring.
    for (const warm = performance.now() + ms / 4; performance.now() < warm;) {
      for (let n = 0; n < corpus.length; n++) {
        codec.compress(corpus[n], corpus[n].length);
        if (packed[n] !== corpus[n]) codec.decompress(packed[n], 4096);
      }
    }
    let bytes = 0;
    let compressMs = 0;
    let decompressMs = 0;
    const end = performance.now() + ms;
    while (performance.now() < end) {
      const t0 = performance.now();
      for (const body of corpus) codec.compress(body, body.length);
      const t1 = performance.now();
      for (let n = 0; n < corpus.length; n++) {
        if (packed[n] !== corpus[n]) codec.decompress(packed[n], 4096);
      }
      compressMs += t1 - t0;
      decompressMs += performance.now() - t1;
      for (const body of corpus) bytes += body.length;
    }
    const total = corpus.reduce((sum, body) => sum + body.length, 0);
    out.push({
      mode,
      ratio: compressed / total,
      compressedBytes: compressed,
      compressMBs: bytes / 1e3 / compressMs,
      decompressMBs: bytes / 1e3 / decompressMs,
    });
  }
  emit({ event: "result", codecs: out });
}
