/**
 * The benchmark suite's entry point (issue 11): C ENet against our ENet on Deno, Bun and
 * Node over loopback, every client/server pairing, ratios to C from the same run.
 *
 *   npm run bench                       builds C and tsc, runs everything, rewrites
 *                                       docs/benchmarks.md and docs/benchmarks.svg
 *   npm run bench -- --quick            tiny workloads, correctness checks only
 *   ... --runtimes deno,node --runs 5   a subset, more runs
 *   ... --out <file.md>                 write the report (and its .svg) elsewhere
 *   ... --note "<text>"                 a paragraph at the top of the report
 *   ... --render bench/report.suite.json   re-render the last run's report, no measuring
 *
 * With a role as first argument (server, bulk, pingpong, tick, raw-echo, raw-client,
 * codec) it is one of the TypeScript peers instead (bench/suite/peer.ts).
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import process from "node:process";
import { keepAnalysis } from "./analysis.ts";
import { renderChart } from "./chart.ts";
import { ROOT, type Runtime, RUNTIMES } from "./children.ts";
import { type MachineInfo, machineInfo } from "./machine.ts";
import { runPeer } from "./peer.ts";
import { renderReport } from "./report.ts";
import { runSuite, type SuiteResult } from "./suite.ts";

/** What the runner was asked. */
export interface RunnerOptions {
  /** Tiny workloads, one run, correctness checks. */
  quick?: boolean;
  /** Runtimes to measure (default all three). */
  runtimes?: Runtime[];
  /** Runs per measurement (default 3; 1 in quick mode). */
  runs?: number;
  /** The chart's file name, next to the report (default benchmarks.svg). */
  chartName?: string;
  /** A paragraph for the top of the report (what this run is, e.g. "before"). */
  note?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/**
 * Runs the suite and renders its report.
 *
 * @param options How.
 * @returns The figures, the Markdown report and the SVG chart.
 */
export async function runBenchmarks(
  options: RunnerOptions = {},
): Promise<{ result: SuiteResult; machine: MachineInfo; markdown: string; svg: string }> {
  const quick = options.quick ?? false;
  const result = await runSuite({
    quick,
    runtimes: options.runtimes ?? [...RUNTIMES],
    runs: options.runs ?? (quick ? 1 : 3),
    log: options.log ?? ((line) => console.error(line)),
  });
  const machine = machineInfo(result.runtimes);
  return {
    result,
    machine,
    markdown: renderReport(result, machine, options.chartName ?? "benchmarks.svg", options.note),
    svg: renderChart(result),
  };
}

async function cli(args: string[]): Promise<void> {
  const value = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const quick = args.includes("--quick");
  const runtimes = value("--runtimes")?.split(",") as Runtime[] | undefined;
  if (runtimes?.some((r) => !RUNTIMES.includes(r))) {
    throw new Error(`Cannot run: --runtimes takes ${RUNTIMES.join(",")}`);
  }
  const runs = value("--runs") === undefined ? undefined : Number(value("--runs"));
  const started = performance.now();
  const out = value("--out") ?? (quick ? undefined : join(ROOT, "docs/benchmarks.md"));
  const chartName = basename(out ?? "benchmarks.md").replace(/\.md$/, "") + ".svg";
  const note = value("--note");
  const saved = value("--render");
  let markdown: string;
  let svg: string;
  if (saved !== undefined) {
    // Re-render a saved run (bench/report.suite.json) without measuring again.
    const { result, machine } = JSON.parse(readFileSync(saved, "utf8"));
    markdown = renderReport(result, machine, chartName, note);
    svg = renderChart(result);
  } else {
    const run = await runBenchmarks({ quick, runtimes, runs, chartName, note });
    const saved = { result: run.result, machine: run.machine };
    writeFileSync(join(ROOT, "bench/report.suite.json"), JSON.stringify(saved, null, 1));
    ({ markdown, svg } = run);
    console.error(`suite done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  if (out === undefined) {
    console.log(markdown);
  } else {
    writeFileSync(out, keepAnalysis(existsSync(out) ? readFileSync(out, "utf8") : null, markdown));
    writeFileSync(join(dirname(out), chartName), svg);
    // The repository's formatter owns the layout (docs/ is checked with deno fmt).
    const files = [out, join(dirname(out), chartName)];
    spawnSync(join(ROOT, "node_modules/.bin/deno"), ["fmt", "--quiet", ...files], {
      stdio: "inherit",
    });
    console.error(`wrote ${out} and its .svg`);
  }
}

const argv = process.argv.slice(2);
const isMain = /bench[\\/]suite[\\/]main\.[jt]s$/.test(process.argv[1] ?? "");
if (isMain && !(await runPeer(argv))) await cli(argv);
