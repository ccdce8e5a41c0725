/**
 * Seeded payloads and their hashes, computed exactly as the C test peer
 * (tests/c/enet_peer.c) and the pyenet peer do, so both ends can check a packet
 * byte for byte by exchanging only its length and hash.
 *
 * @module
 */

/**
 * The seeded payload: an xorshift32 stream started from `seed ^ 0xA5A5A5A5` (1 if that
 * is 0); byte `i` is byte `i % 4` (little end first) of the state after `i / 4 + 1` steps,
 * masked to its low 2 bits when the seed's top bit is set (a compressible payload, see
 * {@linkcode COMPRESSIBLE}).
 *
 * @param size Length in bytes.
 * @param seed 32-bit seed.
 * @returns A new array of `size` bytes.
 */
export function payload(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const mask = seed & 0x80000000 ? 0x03 : 0xff;
  let x = (seed ^ 0xa5a5a5a5) >>> 0;
  if (x === 0) x = 1;
  for (let i = 0; i < size; i++) {
    const shift = i & 3;
    if (shift === 0) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
    }
    out[i] = (x >>> (8 * shift)) & mask;
  }
  return out;
}

/** Add to a seed to make its payload compressible (2 random bits per byte). */
export const COMPRESSIBLE = 0x80000000;

/**
 * FNV-1a, 32 bits.
 *
 * @param bytes The bytes to hash.
 * @returns The hash as an unsigned 32-bit number.
 */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h;
}

/** A packet's identity as the peers report it. */
export interface Fingerprint {
  /** Length in bytes. */
  length: number;
  /** FNV-1a hash of the bytes. */
  hash: number;
}

const cache = new Map<string, Fingerprint>();

/**
 * The length and hash of `payload(size, seed)`, memoized.
 *
 * @param size Length in bytes.
 * @param seed 32-bit seed.
 * @returns Its fingerprint.
 */
export function fingerprint(size: number, seed: number): Fingerprint {
  const key = `${size}:${seed}`;
  let found = cache.get(key);
  if (found === undefined) {
    found = { length: size, hash: fnv1a(payload(size, seed)) };
    cache.set(key, found);
  }
  return found;
}
