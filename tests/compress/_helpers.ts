/**
 * Test helpers for the codec tests: hex, a seeded generator of datagram-like
 * bodies, and a small hash for known answers.
 *
 * @module
 */

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
