/**
 * The hand-written part of the benchmark report: what the figures mean against the
 * targets and what a profile shows in the way. It sits between two markers in
 * docs/benchmarks.md and is carried over when `npm run bench` rewrites the file.
 *
 * @module
 */

/** Opens the hand-written section. */
export const ANALYSIS_BEGIN = "<!-- analysis:begin -->";
/** Closes the hand-written section. */
export const ANALYSIS_END = "<!-- analysis:end -->";

/**
 * Carries the hand-written section of the previous report into a freshly generated
 * one: right after the chart (the first image line), or at the end when there is none.
 *
 * @param previous The report being replaced, or `null` when there is none.
 * @param generated The new report.
 * @returns The new report with the previous hand-written section, if it had one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { keepAnalysis } from "./analysis.ts";
 *
 * const old = "# B\n![c](b.svg)\n<!-- analysis:begin -->\nwhy\n<!-- analysis:end -->\nold\n";
 * const fresh = "# B\n![c](b.svg)\nnew\n";
 * assert.equal(
 *   keepAnalysis(old, fresh),
 *   "# B\n![c](b.svg)\n\n<!-- analysis:begin -->\nwhy\n<!-- analysis:end -->\n\nnew\n",
 * );
 * ```
 */
export function keepAnalysis(previous: string | null, generated: string): string {
  if (previous === null || generated.includes(ANALYSIS_BEGIN)) return generated;
  const begin = previous.indexOf(ANALYSIS_BEGIN);
  const end = previous.indexOf(ANALYSIS_END, begin);
  if (begin < 0 || end < 0) return generated;
  const section = previous.slice(begin, end + ANALYSIS_END.length);
  const chart = generated.search(/^!\[.*$/m);
  if (chart < 0) return `${generated.trimEnd()}\n\n${section}\n`;
  const lineEnd = generated.indexOf("\n", chart);
  const at = lineEnd < 0 ? generated.length : lineEnd + 1;
  return `${generated.slice(0, at)}\n${section}\n\n${generated.slice(at).replace(/^\n+/, "")}`;
}
