/**
 * The machine a suite ran on: cores, CPU model, memory, runtime and libenet versions.
 *
 * @module
 */

import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { peerCommand, ROOT, type Runtime } from "./children.ts";

/** What the report says about the machine. */
export interface MachineInfo {
  /** When the report was made (ISO 8601, UTC). */
  date: string;
  /** Logical cores. */
  cores: number;
  /** CPU model name. */
  cpu: string;
  /** Total memory, GiB. */
  memoryGiB: number;
  /** Version strings: each runtime, libenet, the compiler. */
  versions: Record<string, string>;
}

function firstLine(program: string, args: string[]): string {
  const result = spawnSync(program, args, { encoding: "utf8", timeout: 10_000 });
  return result.status === 0 ? result.stdout.split("\n")[0].trim() : "unknown";
}

/**
 * Describes this machine.
 *
 * @param runtimes The runtimes measured.
 * @returns The description.
 */
export function machineInfo(runtimes: readonly Runtime[]): MachineInfo {
  const list = cpus();
  const versions: Record<string, string> = {};
  for (const runtime of runtimes) {
    versions[runtime] = firstLine(peerCommand(runtime)[0], ["--version"]);
  }
  versions.libenet = firstLine("pkg-config", ["--modversion", "libenet"]);
  versions.gcc = firstLine("gcc", ["--version"]);
  versions["@x/enet commit"] = firstLine("git", ["-C", ROOT, "log", "-1", "--format=%h %cs"]);
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cores: list.length,
    cpu: list[0]?.model ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    versions,
  };
}
