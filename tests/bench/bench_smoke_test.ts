/**
 * The benchmark suite's smoke mode (`npm run bench -- --quick`) end to end: every scenario
 * runs tiny, C against this runtime in every pairing, and the figures show correct
 * behaviour (all reliable messages delivered, echoes received, codecs round-tripping,
 * this runtime's range coder writing as many bytes as C ENet's). No timing is asserted.
 */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { test } from "node:test";
import { ROOT, type Runtime } from "../../bench/suite/children.ts";
import { runBenchmarks } from "../../bench/suite/main.ts";
import { pairings, scenarios } from "../../bench/suite/suite.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime: Runtime = g.Deno !== undefined ? "deno" : g.Bun !== undefined ? "bun" : "node";

test(`bench --quick: every scenario and pairing of C and ${runtime} runs and checks out`, {
  timeout: 110_000,
}, async () => {
  execFileSync("bash", [join(ROOT, "bench/c/build.sh")], { stdio: "ignore", timeout: 60_000 });
  const { result, markdown, svg } = await runBenchmarks({
    quick: true,
    runtimes: [runtime],
    log: () => {},
  });
  const pairs = pairings([runtime]);
  assert.equal(pairs.length, 4);
  for (const scenario of scenarios(true)) {
    for (const pair of pairs) {
      const found = result.measurements.find((m) =>
        m.scenario === scenario.id && m.pair.client === pair.client &&
        m.pair.server === pair.server
      );
      assert.ok(found, `${scenario.id} ${pair.client}→${pair.server} measured`);
      scenario.check(found.figures);
      if (scenario.id.startsWith("bulk-reliable")) assert.equal(found.figures.delivered, 1);
      if (scenario.group !== "bulk") assert.equal(found.figures.peersLost, 0, "no peer timed out");
    }
  }
  for (const side of ["c", runtime] as const) assert.ok(result.raw[side]! > 0, `raw ${side}`);
  const modes = result.codecs[runtime]!.map((c) => c.mode);
  assert.deepEqual(modes, ["range-coder", "fastlz", "zlib", "zstd"]);
  const ts = result.codecs[runtime]!.find((c) => c.mode === "range-coder")!;
  const c = result.codecs.c!.find((c) => c.mode === "range-coder")!;
  assert.equal(ts.compressedBytes, c.compressedBytes, "the corpus compresses as with C ENet");
  assert.ok(ts.ratio > 0.2 && ts.ratio < 1);
  assert.match(markdown, /## Ratios to C ↔ C/);
  assert.match(markdown, new RegExp(`${runtime} ↔ ${runtime}`));
  assert.match(svg, /^<svg [^]*<\/svg>\n$/);
});
