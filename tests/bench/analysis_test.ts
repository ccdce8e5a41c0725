// The benchmark report's hand-written section survives `npm run bench` rewriting the file.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ANALYSIS_BEGIN, ANALYSIS_END, keepAnalysis } from "../../bench/suite/analysis.ts";

const section = `${ANALYSIS_BEGIN}\n## Targets\n\nBun misses by 0.3×.\n${ANALYSIS_END}`;

test("the hand-written section moves into the new report, after its chart", () => {
  const previous =
    `# Benchmarks\n\nold figures\n\n![chart](benchmarks.svg)\n\n${section}\n\nold tables\n`;
  const generated = "# Benchmarks\n\nnew figures\n\n![chart](benchmarks.svg)\n\nnew tables\n";
  const out = keepAnalysis(previous, generated);
  assert.equal(out.split(ANALYSIS_BEGIN).length, 2, "exactly one section");
  assert.ok(out.indexOf("![chart]") < out.indexOf(ANALYSIS_BEGIN));
  assert.ok(out.indexOf(ANALYSIS_END) < out.indexOf("new tables"));
  assert.ok(!out.includes("old"), "nothing else of the old report is kept");
  assert.ok(out.includes("Bun misses by 0.3×."));
});

test("without a chart the section goes at the end; without a section nothing changes", () => {
  const generated = "# Benchmarks\n\nnew tables\n";
  assert.equal(
    keepAnalysis(`x\n${section}\n`, generated),
    `${generated.trimEnd()}\n\n${section}\n`,
  );
  assert.equal(keepAnalysis("# old report\n", generated), generated);
  assert.equal(keepAnalysis(null, generated), generated);
  assert.equal(keepAnalysis(`${ANALYSIS_BEGIN} unterminated`, generated), generated);
});
