/**
 * Drives an external ENet peer (the C test peer, or the pyenet peer) as a child process:
 * writes line commands to its stdin and reads one JSON event per line from its stdout.
 * Works under Deno, Bun and Node through `node:child_process`.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

/** One line of the peer's output. */
export interface PeerLine {
  /** listening, connecting, connect, receive, disconnect, sent, garbage, state, error, exit. */
  event: string;
  /** Peer slot index on the external side. */
  peer?: number;
  /** Connect or disconnect data. */
  data?: number;
  /** Channel count of a connect. */
  channels?: number;
  /** Channel of a receive. */
  channel?: number;
  /** Packet flags of a receive (RELIABLE 1, UNSEQUENCED 2, UNRELIABLE_FRAGMENT 8). */
  flags?: number;
  /** Packet length of a receive. */
  length?: number;
  /** FNV-1a hash of a received packet. */
  hash?: number;
  /** Bound port of a server. */
  port?: number;
  /** Send failures reported by `sent`. */
  failures?: number;
  /** Bytes handed to the socket, reported by `garbage`. */
  sent?: number;
  /** Peer state reported by `state`. */
  state?: number;
  /** Host totals reported by `stats`. */
  sentData?: number;
  /** Host totals reported by `stats`. */
  receivedData?: number;
  /** Datagrams the C peer sent compressed, reported by `stats`. */
  compressedOut?: number;
  /** Compressed datagrams the C peer received and decompressed, reported by `stats`. */
  compressedIn?: number;
  /** Free text of an error or exit. */
  message?: string;
  /** Why the process exited. */
  reason?: string;
}

/** Options of the C test peer (see the comment at the top of tests/c/enet_peer.c). */
export interface CPeerOptions {
  /** Server (binds 127.0.0.1, ephemeral port) or client (connects to 127.0.0.1:port). */
  mode: "server" | "client";
  /** Client: the port to connect to. Server: the port to bind (default 0). */
  port?: number;
  /** Server: channel limit. Client: channels requested. Default 4. */
  channels?: number;
  /** Client: connect data. */
  data?: number;
  /** Server: peer slots. */
  peers?: number;
  /** Use ENet's CRC32 checksum. */
  checksum?: boolean;
  /** Compression: none, range-coder, zlib or zstd (Godot-style). */
  compress?: "none" | "range-coder" | "zlib" | "zstd";
  /** enet_peer_timeout(limit, minimum, maximum) for every peer. */
  timeout?: readonly [number, number, number];
  /** Seconds after which the process exits by itself (default 30). */
  deadline?: number;
}

/** The project root: the first folder above this module (or the working directory) with tests/c. */
function findRepoRoot(): string {
  for (const start of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    let dir = start;
    for (let i = 0; i < 8; i++) {
      if (existsSync(join(dir, "tests", "c", "enet_peer.c"))) return dir;
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  throw new Error("Cannot find the C test peer: no tests/c/enet_peer.c above this module");
}

let builtPeer: string | undefined;

/**
 * Path of the C test peer binary, built on first use with tests/c/build.sh (which
 * skips the build when the binary is up to date).
 *
 * @returns The binary's path.
 */
export function cPeerBinary(): string {
  if (builtPeer !== undefined) return builtPeer;
  const root = findRepoRoot();
  execFileSync("bash", [join(root, "tests", "c", "build.sh")], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  builtPeer = join(root, "tests", "c", "bin", "enet_peer");
  return builtPeer;
}

/**
 * Path of the pyenet peer script (tests/interop/pyenet_peer.py).
 *
 * @returns The script's path.
 */
export function pyenetScript(): string {
  return join(findRepoRoot(), "tests", "interop", "pyenet_peer.py");
}

let python: string | undefined;

/**
 * A Python 3 interpreter that can `import enet` (Debian's python3-enet), probing
 * `python3` on the PATH first, then the system interpreter.
 *
 * @returns The interpreter's command.
 * @throws {Error} When none has pyenet.
 */
export function pyenetPython(): string {
  if (python !== undefined) return python;
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    try {
      execFileSync(candidate, ["-c", "import enet"], { stdio: "ignore" });
      python = candidate;
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error("Cannot run the pyenet peer: no python3 with the enet module (python3-enet)");
}

interface Waiter {
  match: (line: PeerLine) => boolean;
  resolve: (line: PeerLine) => void;
}

/** A running external peer. */
export class PeerProcess {
  readonly #child: ChildProcess;
  readonly #lines: PeerLine[] = [];
  readonly #log: string[] = [];
  #waiters: Waiter[] = [];
  #partial = "";
  #exited: Promise<void>;
  #exitCode: number | null | undefined;

  /**
   * Spawns `command args` and starts reading its output.
   *
   * @param command Executable.
   * @param args Its arguments.
   */
  constructor(command: string, args: readonly string[]) {
    this.#child = spawn(command, [...args], { stdio: ["pipe", "pipe", "inherit"] });
    this.#child.stdout!.setEncoding("utf8");
    this.#child.stdout!.on("data", (chunk: string) => this.#onData(chunk));
    this.#child.stdin!.on("error", () => {}); // the peer may exit before reading everything
    this.#exited = new Promise((resolve) => {
      this.#child.on("error", (error) => {
        this.#log.push(`spawn error: ${error.message}`);
        this.#exitCode = null;
        resolve();
      });
      this.#child.on("exit", (code) => {
        this.#exitCode = code;
        resolve();
      });
    });
  }

  /**
   * Starts the C test peer.
   *
   * @param options Its flags.
   * @returns The running peer.
   */
  static c(options: CPeerOptions): PeerProcess {
    const args = [options.mode === "server" ? "--server" : "--client"];
    args.push("--port", String(options.port ?? 0), "--channels", String(options.channels ?? 4));
    args.push("--deadline", String(options.deadline ?? 30));
    if (options.data !== undefined) args.push("--data", String(options.data >>> 0));
    if (options.peers !== undefined) args.push("--peers", String(options.peers));
    if (options.checksum) args.push("--checksum");
    if (options.compress !== undefined) args.push("--compress", options.compress);
    if (options.timeout !== undefined) args.push("--timeout", options.timeout.join(","));
    return new PeerProcess(cPeerBinary(), args);
  }

  /**
   * Starts the pyenet client peer (tests/interop/pyenet_peer.py), connecting to
   * 127.0.0.1:`port`.
   *
   * @param port The server's port.
   * @param channels Channels requested.
   * @param data Connect data.
   * @param deadline Seconds after which it exits by itself.
   * @returns The running peer.
   */
  static pyenet(port: number, channels: number, data: number, deadline = 30): PeerProcess {
    const args = ["-u", pyenetScript(), String(port), String(channels), String(data >>> 0)];
    return new PeerProcess(pyenetPython(), [...args, String(deadline)]);
  }

  /**
   * Starts a C server and waits for its bound port.
   *
   * @param options Its flags (mode is set to server).
   * @returns The running peer and its port.
   */
  static async cServer(
    options: Omit<CPeerOptions, "mode"> = {},
  ): Promise<{ peer: PeerProcess; port: number }> {
    const peer = PeerProcess.c({ ...options, mode: "server" });
    try {
      const line = await peer.next("listening", 10_000);
      return { peer, port: line.port! };
    } catch (error) {
      await peer.kill();
      throw error;
    }
  }

  /** Every line read so far, for failure messages. */
  get log(): readonly string[] {
    return this.#log;
  }

  /** The exit code once the process ended (null when killed), else undefined. */
  get exitCode(): number | null | undefined {
    return this.#exitCode;
  }

  /**
   * Writes one command line (see tests/c/enet_peer.c).
   *
   * @param line The command, without the newline.
   */
  command(line: string): void {
    if (this.#exitCode !== undefined) throw new Error(`Cannot send "${line}": the peer exited`);
    this.#child.stdin!.write(line + "\n");
  }

  /**
   * Takes the first line (already read or still to come) of the given event type that
   * also satisfies `match`; other lines stay queued.
   *
   * @param event Event type.
   * @param timeoutMs How long to wait.
   * @param match Extra condition.
   * @returns The line.
   * @throws {Error} On timeout, with the peer's recent output.
   */
  next(
    event: string,
    timeoutMs: number,
    match: (line: PeerLine) => boolean = () => true,
  ): Promise<PeerLine> {
    const test = (line: PeerLine) => line.event === event && match(line);
    const index = this.#lines.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#lines.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match: test,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const tail = this.#log.slice(-12).join("\n  ");
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for "${event}"; last lines:\n  ${tail}`,
          ),
        );
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  /**
   * Takes `count` lines of one event type, in order.
   *
   * @param event Event type.
   * @param count How many.
   * @param timeoutMs How long to wait for all of them.
   * @returns The lines.
   */
  async take(event: string, count: number, timeoutMs: number): Promise<PeerLine[]> {
    const deadline = Date.now() + timeoutMs;
    const out: PeerLine[] = [];
    while (out.length < count) out.push(await this.next(event, Math.max(1, deadline - Date.now())));
    return out;
  }

  /**
   * Lines of one event type read so far and not yet taken (they stay queued).
   *
   * @param event Event type.
   * @returns The lines.
   */
  pending(event: string): PeerLine[] {
    return this.#lines.filter((line) => line.event === event);
  }

  /**
   * Waits for the process to end by itself.
   *
   * @param timeoutMs How long to wait.
   * @returns True if it ended in time.
   */
  async waitExit(timeoutMs: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const result = await Promise.race([this.#exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return result;
  }

  /**
   * Ends the process (SIGKILL unless it already exited) and waits for it.
   *
   * @returns Resolves once it exited.
   */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined) {
      this.#child.stdin!.end();
      this.#child.kill("SIGKILL");
    }
    await this.#exited;
    this.#child.stdout!.destroy();
  }

  #onData(chunk: string): void {
    this.#partial += chunk;
    let newline: number;
    while ((newline = this.#partial.indexOf("\n")) >= 0) {
      const text = this.#partial.slice(0, newline);
      this.#partial = this.#partial.slice(newline + 1);
      if (text.trim() === "") continue;
      this.#log.push(text);
      let line: PeerLine;
      try {
        line = JSON.parse(text) as PeerLine;
      } catch {
        line = { event: "unparsed", message: text };
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
