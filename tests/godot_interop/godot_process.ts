/**
 * Runs `godot_project/godot_peer.gd` in a headless Godot 3 (Debian's `godot3-server`) as a child
 * process and reads the JSON line it prints for each event. Works under Deno, Bun and
 * Node through `node:child_process`.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

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

interface Waiter {
  match: (line: GodotLine) => boolean;
  resolve: (line: GodotLine) => void;
}

/** A running `godot_peer.gd`. */
export class GodotProcess {
  readonly #child: ChildProcess;
  readonly #lines: GodotLine[] = [];
  readonly #log: string[] = [];
  readonly #exited: Promise<void>;
  #waiters: Waiter[] = [];
  #partial = "";
  #exitCode: number | null | undefined;

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
    this.#child = spawn(godotBinary(), argv, {
      stdio: ["ignore", "pipe", "pipe"],
      env,
      cwd: project,
    });
    this.#child.stdout!.setEncoding("utf8");
    this.#child.stdout!.on("data", (chunk: string) => this.#onData(chunk));
    this.#child.stderr!.setEncoding("utf8");
    this.#child.stderr!.on("data", (chunk: string) => {
      for (const text of chunk.split("\n")) {
        if (text.trim() !== "") this.#log.push(`stderr: ${text}`);
      }
    });
    this.#exited = new Promise((resolve) => {
      this.#child.on("error", (error) => {
        this.#log.push(`spawn error: ${error.message}`);
        this.#exitCode = null;
        resolve();
      });
      // "close" (not "exit"): every line of stdout has been read by then.
      this.#child.on("close", (code) => {
        this.#exitCode = code;
        resolve();
      });
    });
  }

  /** Everything Godot printed so far (stdout and stderr), for failure messages. */
  get log(): readonly string[] {
    return this.#log;
  }

  /** The exit code once the process ended (null when killed), else undefined. */
  get exitCode(): number | null | undefined {
    return this.#exitCode;
  }

  /**
   * Takes the first line of an event type (already read or still to come) that also
   * satisfies `match`; other lines stay queued.
   *
   * @param event The event type.
   * @param timeoutMs How long to wait.
   * @param match An extra condition.
   * @returns The line.
   * @throws {Error} On timeout or when Godot exits first, with Godot's recent output.
   */
  next(
    event: string,
    timeoutMs: number,
    match: (line: GodotLine) => boolean = () => true,
  ): Promise<GodotLine> {
    const test = (line: GodotLine) => line.event === event && match(line);
    const index = this.#lines.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#lines.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        reject(
          new Error(`${why} waiting for "${event}" from Godot; its output:\n  ${this.tail()}`),
        );
      };
      const waiter: Waiter = {
        match: test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => fail(`Timed out after ${timeoutMs} ms`), timeoutMs);
      this.#waiters.push(waiter);
      void this.#exited.then(() => {
        // All output is parsed before "close"; a waiter still here will never be served.
        if (this.#waiters.includes(waiter)) {
          clearTimeout(timer);
          fail(`Godot exited (code ${this.#exitCode})`);
        }
      });
    });
  }

  /**
   * The lines of one event type read so far and not taken (they stay queued).
   *
   * @param event The event type.
   * @returns The lines.
   */
  pending(event: string): GodotLine[] {
    return this.#lines.filter((line) => line.event === event);
  }

  /**
   * The last lines Godot printed, one per line, for error messages.
   *
   * @param count How many.
   * @returns The text.
   */
  tail(count = 20): string {
    return this.#log.slice(-count).join("\n  ");
  }

  /**
   * Waits for Godot to exit by itself.
   *
   * @param timeoutMs How long to wait.
   * @returns True if it exited in time.
   */
  async waitExit(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.#exited.then(() => true as const), late]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Kills Godot (SIGKILL) unless it already exited, and waits for it.
   *
   * @returns Resolves once it is gone.
   */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined) this.#child.kill("SIGKILL");
    await this.#exited;
    this.#child.stdout!.destroy();
    this.#child.stderr!.destroy();
  }

  #onData(chunk: string): void {
    this.#partial += chunk;
    let newline: number;
    while ((newline = this.#partial.indexOf("\n")) >= 0) {
      const text = this.#partial.slice(0, newline);
      this.#partial = this.#partial.slice(newline + 1);
      if (!text.startsWith("{")) continue; // Godot's banner
      this.#log.push(text);
      let line: GodotLine;
      try {
        line = JSON.parse(text) as GodotLine;
      } catch {
        continue;
      }
      const waiter = this.#waiters.find((w) => w.match(line));
      if (waiter !== undefined) {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        waiter.resolve(line);
      } else {
        this.#lines.push(line);
      }
    }
  }
}
