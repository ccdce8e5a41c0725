/**
 * The suite: which scenarios run with which sizes (full or quick), every pairing of C
 * and the TypeScript runtimes, runs alternated between pairings, medians taken per
 * figure, and the correctness checks the quick (smoke) mode relies on.
 *
 * @module
 */

import type { Runtime, Side } from "./children.ts";
import type { CodecFigures } from "./codec_role.ts";
import {
  measureBulk,
  measureCodecs,
  measurePingPong,
  measureRaw,
  measureTick,
  type Pair,
} from "./measure.ts";

/** How the suite runs. */
export interface SuiteOptions {
  /** Tiny workloads, one run, correctness only. */
  quick: boolean;
  /** The TypeScript runtimes to measure. */
  runtimes: Runtime[];
  /** Runs per measurement (the median is kept). */
  runs: number;
  /** Progress lines. */
  log: (line: string) => void;
}

/** A scenario: a name, its parameters and how to measure one pairing once. */
export interface Scenario {
  /** Stable identifier. */
  id: string;
  /** Human title. */
  title: string;
  /** The group: bulk, pingpong or tick. */
  group: "bulk" | "pingpong" | "tick";
  /** The figure ratios to C are taken on. */
  headline: string;
  /** Measures one pairing once. */
  measure: (pair: Pair) => Promise<Record<string, number>>;
  /** Throws when the figures show a correctness failure. */
  check: (figures: Record<string, number>) => void;
}

/** The medians of one pairing in one scenario. */
export interface Measurement {
  /** The scenario id. */
  scenario: string;
  /** Who played which side. */
  pair: Pair;
  /** Median of each figure over the runs. */
  figures: Record<string, number>;
  /** How many runs succeeded (failed runs are logged and left out). */
  runs: number;
}

/** Everything one suite run measured. */
export interface SuiteResult {
  /** The options used. */
  quick: boolean;
  /** Runs per measurement. */
  runs: number;
  /** The runtimes measured. */
  runtimes: Runtime[];
  /** The scenarios, in order. */
  scenarios: Omit<Scenario, "measure" | "check">[];
  /** One entry per scenario and pairing. */
  measurements: Measurement[];
  /** Bare UDP round trips per second, per side. */
  raw: Partial<Record<Side, number>>;
  /** The raw measurement's parameters. */
  rawSetup: { inflight: number; size: number };
  /** Codec figures per side. */
  codecs: Partial<Record<Side, CodecFigures[]>>;
}

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`Check failed: ${what}`);
}

const asRecord = (figures: object) => ({ ...figures }) as Record<string, number>;

/**
 * The scenarios for a mode.
 *
 * @param quick Tiny workloads.
 * @returns The scenarios.
 */
export function scenarios(quick: boolean): Scenario[] {
  const out: Scenario[] = [];
  const bulk: [boolean, number, number][] = quick
    ? [[true, 100, 3000], [false, 1000, 500]]
    : [[true, 100, 1_000_000], [false, 100, 1_000_000], [true, 1000, 100_000], [
      false,
      1000,
      100_000,
    ]];
  for (const [reliable, size, count] of bulk) {
    const mode = reliable ? "reliable" : "unreliable";
    out.push({
      id: `bulk-${mode}-${size}`,
      title: `bulk ${mode} ${size} B × ${count.toLocaleString("en-US")}`,
      group: "bulk",
      headline: "messagesPerSecond",
      measure: async (pair) => asRecord(await measureBulk(pair, count, size, reliable)),
      check: (f) => {
        if (reliable) expect(f.delivered === 1, `${mode} bulk delivered all (${f.delivered})`);
        else expect(f.delivered > 0, `${mode} bulk delivered some`);
      },
    });
  }
  // Ping-pong runs 5 s, as the issue's own measurement (and NetworkBenchmarkDotNet's
  // PingPong): its p99 should not be the first second's compilation. The tick measures
  // 3 s after 1 s of warm-up: a server's steady state, not its first compilation.
  const pingPongWindow = quick ? 300 : 5000;
  const tickWindow = quick ? 300 : 3000;
  const tickWarmup = quick ? 100 : 1000;
  const pingPongs: [number, number][] = quick ? [[20, 2]] : [[500, 1], [500, 10]];
  for (const [peers, inflight] of pingPongs) {
    out.push({
      id: `pingpong-${peers}x${inflight}`,
      title: `ping-pong ${peers} peers × ${inflight} in flight × 32 B`,
      group: "pingpong",
      headline: "roundTripsPerSecond",
      measure: async (pair) =>
        asRecord(await measurePingPong(pair, peers, inflight, 32, pingPongWindow)),
      check: (f) => expect(f.roundTripsPerSecond > 0 && f.p50 >= 0, "ping-pong round trips"),
    });
  }
  for (const peers of quick ? [20] : [1000, 4000]) {
    out.push({
      id: `tick-${peers}`,
      title: `game tick ${peers} peers × 64 B at 20 Hz`,
      group: "tick",
      headline: "echoed",
      measure: async (pair) =>
        asRecord(await measureTick(pair, peers, 20, 64, tickWindow, tickWarmup)),
      check: (f) => expect(f.sent > 0 && f.echoed > 0, `tick echoes (${f.echoed} of ${f.sent})`),
    });
  }
  return out;
}

/**
 * Every pairing: C↔C, then per runtime TS↔TS, C client → TS server, TS client → C server.
 *
 * @param runtimes The runtimes.
 * @returns The pairings.
 */
export function pairings(runtimes: readonly Runtime[]): Pair[] {
  const pairs: Pair[] = [{ client: "c", server: "c" }];
  for (const r of runtimes) {
    pairs.push({ client: r, server: r }, { client: "c", server: r }, { client: r, server: "c" });
  }
  return pairs;
}

/**
 * The median of each figure.
 *
 * @param runs Figures per run.
 * @returns Medians.
 */
export function medians(runs: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(runs[0])) {
    const values = runs.map((r) => r[key]).sort((a, b) => a - b);
    out[key] = values[Math.floor(values.length / 2)];
  }
  return out;
}

/** A label such as "c→deno". */
export const pairLabel = (pair: Pair): string => `${pair.client}→${pair.server}`;

/**
 * Runs the whole suite. In quick mode a failed check throws; otherwise failures are
 * logged and the figures kept.
 *
 * @param options How.
 * @returns The figures.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteResult> {
  const list = scenarios(options.quick);
  const pairs = pairings(options.runtimes);
  const sides: Side[] = ["c", ...options.runtimes];
  const measurements: Measurement[] = [];
  for (const scenario of list) {
    const runs = new Map<Pair, Record<string, number>[]>(pairs.map((p) => [p, []]));
    for (let run = 0; run < options.runs; run++) {
      // Alternate the order so no pairing always runs first or on a warmer machine.
      for (const pair of run % 2 === 0 ? pairs : [...pairs].reverse()) {
        const started = performance.now();
        const label = `${scenario.id} ${pairLabel(pair)} run ${run + 1}`;
        try {
          const figures = await scenario.measure(pair);
          const seconds = ((performance.now() - started) / 1000).toFixed(1);
          const shown = JSON.stringify(
            figures,
            (_, v) => typeof v === "number" ? +v.toPrecision(4) : v,
          );
          options.log(`${label} (${seconds} s): ${shown}`);
          scenario.check(figures);
          runs.get(pair)!.push(figures);
        } catch (error) {
          // A smoke run must pass every check; a full run notes the failure and goes on.
          if (options.quick) throw new Error(`${label}: ${(error as Error).message}`);
          const lines = (error as Error).message.split("\n");
          options.log(
            `  ${label} failed: ${lines[0]} ${lines.length > 1 ? lines.at(-1)!.trim() : ""}`,
          );
        }
      }
    }
    for (const pair of pairs) {
      const done = runs.get(pair)!;
      measurements.push({
        scenario: scenario.id,
        pair,
        figures: done.length > 0 ? medians(done) : {},
        runs: done.length,
      });
    }
  }
  const rawSetup = { inflight: 64, size: 32 };
  const raw: Partial<Record<Side, number>> = {};
  const codecs: Partial<Record<Side, CodecFigures[]>> = {};
  for (const side of sides) {
    try {
      const samples: number[] = [];
      for (let run = 0; run < options.runs; run++) {
        const ms = options.quick ? 200 : 1500;
        samples.push(await measureRaw(side, rawSetup.inflight, rawSetup.size, ms));
      }
      raw[side] = medians(samples.map((v) => ({ v }))).v;
      options.log(`raw ${side}: ${raw[side]} round trips/s`);
      expect(raw[side]! > 0, `raw UDP round trips on ${side}`);
      codecs[side] = await measureCodecs(side, options.quick ? 30 : 400);
      expect(codecs[side]!.length > 0, `codecs on ${side}`);
      options.log(`codecs ${side}: ${JSON.stringify(codecs[side])}`);
    } catch (error) {
      if (options.quick) throw error;
      options.log(`  raw UDP or codecs on ${side} failed: ${(error as Error).message}`);
    }
  }
  const shown = list.map(({ id, title, group, headline }) => ({ id, title, group, headline }));
  return {
    quick: options.quick,
    runs: options.runs,
    runtimes: options.runtimes,
    scenarios: shown,
    measurements,
    raw,
    rawSetup,
    codecs,
  };
}
