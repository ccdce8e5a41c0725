/**
 * Runs `godot_project/godot_peer.gd` in a headless Godot 3 (Debian's `godot3-server`) as a child
 * process and reads the JSON line it prints for each event. Works under Deno, Bun and
 * Node through `node:child_process`.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { JsonLineProcess } from "../helpers/json_line_process.ts";

/** One line printed by `godot_peer.gd`. */
export interface GodotLine {
  /** listening, connecting, connected, connect, disconnect, sent, receive, result, error, timeout, exit. */
  event: string;
  /** A peer's Godot multiplayer id (connect, disconnect, connecting, connected). */
  id?: number;
  /** The bound port (listening). */
  port?: number;
  /** The multiplayer source id of a received packet. */
  from?: number;
  /** The ENet channel of a received packet. */
  channel?: number;
  /** Payload length of a received packet (after Godot's 8-byte header). */
  length?: number;
  /** FNV-1a hash of that payload. */
  hash?: number;
  /** Packets sent (sent, result). */
  count?: number;
  sent?: number;
  /** Result: whether every packet came back exactly once, unchanged. */
  pass?: boolean;
  /** Result: packets matched, unexpected, with a wrong source, and the missing ones. */
  matched?: number;
  unexpected?: number;
  wrong_source?: number;
  missing?: string[];
  timed_out?: boolean;
  /** Exit or error code. */
  code?: number;
  /** Text of an error. */
  message?: string;
}

const BINARY_NAMES = ["godot3-server", "godot3-headless"];
const PROJECT = "godot_project";

/**
 * The headless Godot 3 binary: `$GODOT3_SERVER` if set, else `godot3-server` on the PATH.
 *
 * @returns Its path.
 * @throws {Error} When it is not installed, saying how to install it.
 */
export function godotBinary(): string {
  const override = process.env.GODOT3_SERVER;
  if (override !== undefined && override !== "") {
    if (!existsSync(override)) throw new Error(`GODOT3_SERVER names a missing file: ${override}`);
    return override;
  }
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (dir === "") continue;
    for (const name of BINARY_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
    }
  }
  throw new Error(
    "Cannot run the Godot interop tests: no godot3-server on the PATH " +
      "(install godot3-server, e.g. `apt-get install godot3-server`, or set GODOT3_SERVER)",
  );
}

/**
 * The folder of the tiny Godot project holding `godot_peer.gd` (its `project.godot`
 * turns off Godot's log files), found next to this module or, when this module runs
 * compiled from a build folder, in the source tree above it.
 *
 * @returns The folder's path.
 * @throws {Error} When it cannot be found.
 */
export function godotProject(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    for (const candidate of [join(dir, PROJECT), join(dir, "tests", "godot_interop", PROJECT)]) {
      if (existsSync(join(candidate, "godot_peer.gd"))) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`Cannot find ${PROJECT}/godot_peer.gd above this module`);
}

/** Parses one stdout line of Godot: JSON lines only (the rest is Godot's banner). */
function parseGodotLine(text: string): GodotLine | undefined {
  if (!text.startsWith("{")) return undefined;
  try {
    return JSON.parse(text) as GodotLine;
  } catch {
    return { event: "unparsed", message: text };
  }
}

/** A running `godot_peer.gd`. */
export class GodotProcess extends JsonLineProcess<GodotLine> {
  /**
   * Starts Godot on the script with `key=value` arguments.
   *
   * @param args The script's arguments (role, port, mode, ...).
   */
  constructor(args: Readonly<Record<string, string | number>>) {
    const pairs = Object.entries(args).map(([key, value]) => `${key}=${value}`);
    const project = godotProject();
    const argv = ["--no-window", "--path", project, "-s", "godot_peer.gd", "--", ...pairs];
    // Godot 3.2 complains about the "C" locale on stderr; any English one silences it.
    const env: Record<string, string | undefined> = { ...process.env, LANG: "en_US.UTF-8" };
    delete env.LC_ALL;
    const child = spawn(godotBinary(), argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env,
      cwd: project,
    });
    super(child, { name: "Godot", parse: parseGodotLine });
  }
}
