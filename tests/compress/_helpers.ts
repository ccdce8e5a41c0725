/**
 * Test helpers for the codec tests: hex, a seeded generator of datagram-like
 * bodies, a small hash for known answers, and the captured-datagram checks.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Compressor } from "../../src/core/compressor.ts";
import type { Capture } from "./_captures.ts";

/** Parses lowercase or uppercase hex. */
export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Formats bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/**
 * Asserts that `codec` decompresses every captured datagram body to exactly the captured
 * plain bytes (with a 4096-byte limit).
 *
 * @param codec The codec under test.
 * @param captures Its known answers.
 * @param label Added to failure messages (e.g. a backend's name).
 */
export function assertDecodesCaptures(
  codec: Pick<Compressor, "decompress">,
  captures: readonly Capture[],
  label = "",
): void {
  for (const capture of captures) {
    const plain = codec.decompress(fromHex(capture.packed), 4096);
    assert.ok(plain, `${label} ${capture.packed}`);
    assert.equal(toHex(plain), capture.plain, label);
  }
}

/**
 * Asserts that `codec` compresses every captured plain body (limit: its own length) to
 * exactly the captured datagram body: for codecs that are bit-exact with the reference.
 *
 * @param codec The codec under test.
 * @param captures Its known answers.
 */
export function assertEncodesCaptures(
  codec: Pick<Compressor, "compress">,
  captures: readonly Capture[],
): void {
  for (const capture of captures) {
    const plain = fromHex(capture.plain);
    const packed = codec.compress(plain, plain.length);
    assert.ok(packed, capture.plain);
    assert.equal(toHex(packed), capture.packed);
  }
}

/** A known answer on a generated body: kind, size, seed, output length, FNV-1a of the output. */
export type KnownAnswer = readonly [
  kind: Kind,
  size: number,
  seed: number,
  length: number,
  hash: number,
];

/**
 * Asserts that `compress` turns each generated body into output of exactly the known
 * length and FNV-1a hash.
 *
 * @param vectors The known answers.
 * @param compress The compressor under test (null: it refused).
 */
export function assertKnownAnswers(
  vectors: readonly KnownAnswer[],
  compress: (body: Uint8Array) => Uint8Array | null,
): void {
  for (const [kind, size, seed, length, hash] of vectors) {
    const packed = compress(makeBody(kind, size, seed));
    assert.ok(packed, `${kind} ${size}`);
    assert.deepEqual([packed.length, fnv1a(packed)], [length, hash], `${kind} ${size}`);
  }
}

/** FNV-1a, 32 bits: a compact fingerprint for long known answers. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** A seeded xorshift32 generator of unsigned 32-bit integers. */
export function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** Kinds of generated body: random bytes, game-state records, text, sparse bytes, long runs. */
export const KINDS = ["random", "records", "text", "sparse", "runs"] as const;
/** One of {@link KINDS}. */
export type Kind = typeof KINDS[number];

const TEXT = "the quick brown fox jumps over the lazy dog ";

/** A deterministic body of `size` bytes of the given kind. */
export function makeBody(kind: Kind, size: number, seed: number): Uint8Array {
  const next = xorshift(seed);
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    switch (kind) {
      case "random":
        out[i] = next() & 0xff;
        break;
      case "records":
        out[i] = i % 12 < 4 ? (i / 12) & 0xff : next() % 4 === 0 ? next() & 0xff : (i * 7) & 0x3f;
        break;
      case "text":
        out[i] = TEXT.charCodeAt((i + (next() % 3 === 0 ? next() % 5 : 0)) % TEXT.length);
        break;
      case "sparse":
        out[i] = next() % 16 === 0 ? next() & 0xff : 0;
        break;
      case "runs":
        out[i] = next() % 600 === 0 ? next() & 0xff : 0x41;
        break;
    }
  }
  return out;
}
