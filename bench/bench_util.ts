/**
 * Small helpers shared by the benchmarks: runtime identification, timing, allocation
 * estimates and table output. Benchmarks are not tests: they print numbers and never
 * fail on them.
 *
 * @module
 */

/** Which runtime runs the benchmark, and its version. */
export interface RuntimeInfo {
  /** "deno", "bun" or "node". */
  name: "deno" | "bun" | "node";
  /** The runtime's own version string. */
  version: string;
}

/**
 * Identifies the running runtime.
 *
 * @returns Its name and version.
 *
 * @example Print the runtime
 * ```ts
 * import { runtimeInfo } from "./bench_util.ts";
 * console.log(runtimeInfo().name);
 * ```
 */
export function runtimeInfo(): RuntimeInfo {
  const g = globalThis as {
    Deno?: { version: { deno: string; v8: string } };
    Bun?: { version: string };
    process?: { version: string };
  };
  if (g.Deno !== undefined) {
    return { name: "deno", version: `${g.Deno.version.deno} (V8 ${g.Deno.version.v8})` };
  }
  if (g.Bun !== undefined) return { name: "bun", version: `${g.Bun.version} (JSC)` };
  return { name: "node", version: `${g.process?.version ?? "?"} (V8)` };
}

/**
 * Runs `fn` `runs` times after one warm-up run and returns the median duration.
 *
 * @param fn The work; returns nothing of interest.
 * @param runs How many timed runs.
 * @returns The median wall time of one run, in milliseconds.
 *
 * @example Time a loop
 * ```ts
 * import { medianTime } from "./bench_util.ts";
 * const ms = medianTime(() => { for (let i = 0; i < 1e5; i++); }, 3);
 * console.log(ms >= 0);
 * ```
 */
export function medianTime(fn: () => void, runs = 5): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

type GcFunction = () => void;

function findGc(): GcFunction | null {
  const g = globalThis as { gc?: GcFunction; Bun?: unknown };
  // JavaScriptCore collects its young generation too eagerly for heap growth to count
  // allocations, so Bun reports none.
  if (g.Bun !== undefined) return null;
  return typeof g.gc === "function" ? g.gc : null;
}

function heapUsed(): number | null {
  const g = globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } };
  return typeof g.process?.memoryUsage === "function" ? g.process.memoryUsage().heapUsed : null;
}

/**
 * Estimates the bytes allocated per operation: heap growth over a short window started
 * right after a forced collection, median of several windows. Needs a collector we can
 * call (`--expose-gc`) and a young generation large enough that no collection runs
 * inside a window (`--max-semi-space-size=64`): V8 only (Deno, Node).
 *
 * @param fn Runs `ops` operations.
 * @param ops How many operations one call of `fn` performs.
 * @returns Bytes per operation, or `null` when the runtime gives no way to measure.
 *
 * @example Bytes per array
 * ```ts
 * import { bytesPerOp } from "./bench_util.ts";
 * console.log(bytesPerOp(() => { for (let i = 0; i < 100; i++) new Array(8); }, 100));
 * ```
 */
export function bytesPerOp(fn: () => void, ops: number): number | null {
  const gc = findGc();
  if (gc === null || heapUsed() === null) return null;
  fn();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    gc();
    const before = heapUsed()!;
    fn();
    const after = heapUsed()!;
    samples.push(Math.max(0, after - before) / ops);
  }
  samples.sort((x, y) => x - y);
  return samples[2];
}

/**
 * Formats a number with a fixed number of significant digits for the tables.
 *
 * @param value The number.
 * @param digits Significant digits.
 * @returns A compact string.
 *
 * @example
 * ```ts
 * import { fmt } from "./bench_util.ts";
 * console.log(fmt(1234567)); // "1.23M"
 * ```
 */
export function fmt(value: number | null, digits = 3): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(digits)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(digits)}k`;
  return value.toPrecision(digits);
}

/**
 * Prints a Markdown table.
 *
 * @param header Column titles.
 * @param rows Cells, already formatted.
 *
 * @example
 * ```ts
 * import { printTable } from "./bench_util.ts";
 * printTable(["a", "b"], [["1", "2"]]);
 * ```
 */
export function printTable(header: string[], rows: string[][]): void {
  console.log(`| ${header.join(" | ")} |`);
  console.log(`|${header.map(() => "---").join("|")}|`);
  for (const row of rows) console.log(`| ${row.join(" | ")} |`);
}
