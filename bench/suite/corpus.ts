/**
 * The codec corpus: game-state snapshots (entity id, position, flags), 64 bodies of 48 to
 * 1152 bytes, generated exactly as bench/c/enet_suite.c does so C and TypeScript
 * compress the same bytes.
 *
 * @module
 */

import { xorshift } from "../../tests/compress/_helpers.ts";

/** How many bodies the corpus holds. */
export const CORPUS_COUNT = 64;

/**
 * Generates the corpus.
 *
 * @returns The bodies.
 */
export function makeCorpus(): Uint8Array[] {
  const next = xorshift(0x9e3779b9);
  const bodies: Uint8Array[] = [];
  for (let n = 0; n < CORPUS_COUNT; n++) {
    const entities = 3 + (next() % 70);
    const body = new Uint8Array(entities * 16);
    const view = new DataView(body.buffer);
    for (let e = 0; e < entities; e++) {
      const p = e * 16;
      view.setUint16(p, 100 + e, true);
      view.setFloat32(p + 2, 100 + e * 3.5, true);
      view.setFloat32(p + 6, 12.5, true);
      view.setFloat32(p + 10, -40 + (next() % 100) / 100, true);
      body[p + 14] = next() & 3;
    }
    bodies.push(body);
  }
  return bodies;
}
