/**
 * Spawning the suite's peers (C or a TypeScript runtime) and reading their CPU time and
 * memory from /proc. Every child gets a kill timer and is killed when the runner exits.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { JsonLineProcess } from "../../tests/helpers/json_line_process.ts";

/** A runtime running the TypeScript peers. */
export type Runtime = "deno" | "bun" | "node";
/** Who plays a role: the C reference peer or a TypeScript runtime. */
export type Side = "c" | Runtime;

/** Every runtime, in report order. */
export const RUNTIMES: readonly Runtime[] = ["deno", "bun", "node"];

/** A line a peer prints. */
export interface PeerLine {
  /** The event type. */
  event: string;
  /** Anything else. */
  [field: string]: unknown;
}

const here = fileURLToPath(new URL(".", import.meta.url));
/** The repository root, from the source tree or from the tsc output in build/. */
export const ROOT: string = join(
  here,
  /[\\/]build[\\/]bench[\\/]suite[\\/]?$/.test(here) ? "../../.." : "../..",
);

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL");
});

/**
 * The command that runs a peer for a side.
 *
 * @param side Who.
 * @returns Program and leading arguments.
 */
export function peerCommand(side: Side): string[] {
  const bin = join(ROOT, "node_modules/.bin");
  switch (side) {
    case "c":
      return [join(ROOT, "bench/c/bin/enet_suite")];
    case "deno":
      return [join(bin, "deno"), "run", "-A", "--unstable-net", join(ROOT, "bench/suite/main.ts")];
    case "bun":
      return [join(bin, "bun"), join(ROOT, "bench/suite/main.ts")];
    case "node":
      return ["node", join(ROOT, "build/bench/suite/main.js")];
  }
}

/** A running peer. */
export class PeerProcess extends JsonLineProcess<PeerLine> {
  readonly #timer: ReturnType<typeof setTimeout>;

  /**
   * Spawns a peer; it is killed after `limitMs` at the latest.
   *
   * @param side Who.
   * @param args The role and its arguments.
   * @param limitMs The time limit.
   */
  constructor(side: Side, args: (string | number)[], limitMs: number) {
    const [program, ...lead] = peerCommand(side);
    const child = spawn(program, [...lead, ...args.map(String)], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "pipe"],
    });
    super(child, {
      name: `${side} ${args[0]}`,
      parse: (text) => text.startsWith("{") ? JSON.parse(text) as PeerLine : undefined,
    });
    live.add(child);
    this.#timer = setTimeout(() => void this.kill(), limitMs);
    child.on("close", () => {
      live.delete(child);
      clearTimeout(this.#timer);
    });
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Kills the peer and waits for it. */
  override async kill(): Promise<void> {
    clearTimeout(this.#timer);
    await super.kill();
  }
}

/** CPU time and resident memory of a process. */
export interface ProcSample {
  /** User + system CPU seconds. */
  cpuSeconds: number;
  /** Resident set size, bytes. */
  rssBytes: number;
}

/**
 * Reads a process's CPU time and RSS from /proc (Linux).
 *
 * @param pid The process.
 * @returns The sample, or null where /proc is missing.
 */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name come field 3 (state) onwards; utime and stime are fields 14 and 15,
    // in clock ticks (USER_HZ, 100 on Linux).
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rss = /VmRSS:\s+(\d+) kB/.exec(status);
    return { cpuSeconds: ticks / 100, rssBytes: rss === null ? NaN : Number(rss[1]) * 1024 };
  } catch {
    return null;
  }
}
