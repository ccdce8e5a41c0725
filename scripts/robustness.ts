/**
 * The standalone robustness run (issue 9): a million fuzzed datagrams over loopback UDP
 * against an `ENetConnection` server while a client converses, memory before and after
 * with a forced collection, long impairment soaks, partitions and a CONNECT flood on the
 * in-memory network. Writes its figures as JSON; `--report` turns the JSON of several
 * runtimes into docs/robustness.md. `scripts/robustness.sh` runs all three runtimes.
 *
 *     deno run -A --v8-flags=--expose-gc scripts/robustness.ts --json deno.json
 *     bun scripts/robustness.ts --json bun.json
 *     node --expose-gc build/scripts/robustness.js --json node.json
 *     deno run -A scripts/robustness.ts --report deno.json bun.json node.json --out docs/robustness.md
 *
 * Before the ENet run, the same datagrams are thrown at a bare UDP transport in a process of
 * its own (`--baseline N RATE`): the runtime's own share of the memory growth.
 *
 * Options: --datagrams N (default 1000000), --rate R (datagrams/s aimed at, default 10000),
 * --scale S (soak length, default 1), --connects N (default 100000). The attack runs in a
 * child process (`--attack PORT N RATE`), so only the server side is measured.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import process from "node:process";
import { readFileSync, writeFileSync } from "node:fs";
import { udpRuntime } from "../adapters/mod.ts";
import { canForceGc, udpFuzz } from "../tests/robustness/_udp_fuzz.ts";
import { type UdpBaseline, udpBaseline } from "../tests/robustness/_udp_baseline.ts";
import { attack } from "../tests/robustness/_udp_attacker.ts";
import { runConnectFlood, runPartitions, runSoaks } from "../tests/robustness/_long_runs.ts";
import { renderReport, type RuntimeResult } from "../tests/robustness/_report.ts";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

function runtimeVersion(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return `Deno ${g.Deno.version.deno}`;
  if (g.Bun !== undefined) return `Bun ${g.Bun.version}`;
  return `Node ${process.version}`;
}

const log = (line: string) => console.error(`[${udpRuntime()}] ${line}`);

/**
 * This runtime's command line for this script: the attacker process, or with `gc` a run
 * that can force a collection (the baseline).
 */
function selfCommand(gc = false): string[] {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const script = process.argv[1];
  if (g.Deno !== undefined) {
    return [process.execPath, "run", "-A", ...(gc ? ["--v8-flags=--expose-gc"] : []), script];
  }
  if (g.Bun !== undefined || !gc) return [process.execPath, script];
  return [process.execPath, "--expose-gc", script];
}

/** Runs the bare-transport baseline in a process of its own, so neither run's growth hides the other's. */
function runBaseline(datagrams: number, rate: number): UdpBaseline {
  const [program, ...args] = selfCommand(true);
  const child = spawnSync(program, [...args, "--baseline", `${datagrams}`, `${rate}`], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  if (child.status !== 0) throw new Error(`the baseline run failed (status ${child.status})`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as UdpBaseline;
}

if (process.argv.includes("--attack")) {
  const at = process.argv.indexOf("--attack");
  const [port, total, rate] = process.argv.slice(at + 1, at + 4).map(Number);
  await attack(port, total, rate);
  process.exit(0);
} else if (process.argv.includes("--baseline")) {
  const at = process.argv.indexOf("--baseline");
  const [total, rate] = process.argv.slice(at + 1, at + 3).map(Number);
  console.log(JSON.stringify(await udpBaseline(total, rate, selfCommand(), log)));
  process.exit(0);
} else if (process.argv.includes("--report")) {
  const start = process.argv.indexOf("--report") + 1;
  const files = process.argv.slice(start).filter((a, i, all) =>
    !a.startsWith("--") && all[i - 1] !== "--out"
  );
  const results = files.map((f) => JSON.parse(readFileSync(f, "utf8")) as RuntimeResult);
  const markdown = renderReport(results);
  const out = option("out", "");
  if (out === "") console.log(markdown);
  else writeFileSync(out, markdown);
} else {
  if (!canForceGc()) log("warning: no forced GC (node --expose-gc, deno --v8-flags=--expose-gc)");
  const datagrams = Number(option("datagrams", "1000000"));
  const scale = Number(option("scale", "1"));
  const connects = Number(option("connects", "100000"));
  const started = performance.now();
  const rate = Number(option("rate", "10000"));
  const baseline = runBaseline(datagrams, rate);
  log(`baseline ${JSON.stringify(baseline)}`);
  const udp = await udpFuzz(datagrams, rate, selfCommand(), log);
  log(`udp ${JSON.stringify(udp)}`);
  const flood = runConnectFlood(connects);
  log(`flood ${JSON.stringify(flood)}`);
  const soaks = runSoaks(scale, log);
  const partitions = runPartitions(log);
  const result: RuntimeResult = {
    runtime: runtimeVersion(),
    forcedGc: canForceGc(),
    date: new Date().toISOString().slice(0, 10),
    minutes: (performance.now() - started) / 60_000,
    udp,
    baseline,
    flood,
    soaks,
    partitions,
  };
  const json = option("json", "");
  if (json !== "") writeFileSync(json, JSON.stringify(result, null, 2));
  else console.log(JSON.stringify(result, null, 2));
  process.exit(0);
}
