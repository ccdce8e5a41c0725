/**
 * "Did you mean …?" for the `enet` tool: the known word closest to a mistyped one.
 *
 * @module
 */

/**
 * The edit distance between two words (insertions, deletions, substitutions and swaps
 * of adjacent letters each count 1).
 *
 * @param a A word.
 * @param b Another word.
 * @returns The distance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { editDistance } from "./suggest.ts";
 * assert.equal(editDistance("prot", "port"), 1);
 * assert.equal(editDistance("echo", "echo"), 0);
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[i].push(j);
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, rows[i - 2][j - 2] + 1);
      }
      rows[i].push(best);
    }
  }
  return rows[a.length][b.length];
}

/**
 * The known word a mistyped one most likely meant: one the word starts (`chan` for
 * `channels`) or one at most two edits away (a third of the word, for short words).
 *
 * @param word What was typed.
 * @param known The words that exist.
 * @returns The closest known word, or `undefined` when none is close.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { closest } from "./suggest.ts";
 * assert.equal(closest("prot", ["port", "bind", "echo"]), "port");
 * assert.equal(closest("frobnicate", ["port", "bind"]), undefined);
 * ```
 */
export function closest(word: string, known: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.min(2, Math.max(1, Math.floor(lower.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = lower.length >= 3 && candidate.startsWith(lower)
      ? 0.5
      : editDistance(lower, candidate);
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
