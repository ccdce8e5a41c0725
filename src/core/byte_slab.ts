/**
 * Copies of small payloads carved out of shared slabs.
 *
 * Under V8, a typed array over 64 bytes gets its own off-heap backing store, which costs
 * several times more to allocate and collect than the copy itself (Node's `Buffer` pool
 * exists for the same reason). Queued outgoing packets are internal to the core, so
 * their copies can share a slab: a bump allocator over 16 KiB blocks, each dropped by
 * the allocator once full and freed by the collector once no queued packet views it.
 * Received packets are handed to the application and keep `slice()` copies of their
 * own, so that `packet.data.buffer` holds exactly the packet.
 *
 * @module
 */

const SLAB_SIZE = 16 * 1024;
/** Larger payloads get a backing store of their own. */
const MAXIMUM_SLAB_COPY = 1024;

let slab = new Uint8Array(SLAB_SIZE);
let used = 0;

/**
 * A private copy of `bytes`: a view into a shared slab for small payloads, an
 * ordinary `slice()` for large ones. The view's `buffer` is shared, so the copy must
 * stay inside the core.
 *
 * @param bytes The bytes to copy.
 * @returns A copy with the same length and contents.
 *
 * @example Copy a payload
 * ```ts
 * import assert from "node:assert/strict";
 * import { copyToSlab } from "./byte_slab.ts";
 *
 * const source = Uint8Array.of(1, 2, 3);
 * const copy = copyToSlab(source);
 * source[0] = 9;
 * assert.deepEqual([...copy], [1, 2, 3]);
 * ```
 */
export function copyToSlab(bytes: Uint8Array): Uint8Array {
  const length = bytes.length;
  if (length > MAXIMUM_SLAB_COPY) return bytes.slice();
  if (used + length > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    used = 0;
  }
  const copy = slab.subarray(used, used + length);
  copy.set(bytes);
  // Keep views 8-byte aligned, as separate allocations would be.
  used = (used + length + 7) & ~7;
  return copy;
}
