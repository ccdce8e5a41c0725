/**
 * Drives an external ENet peer (the C test peer, or the pyenet peer) as a child process:
 * writes line commands to its stdin and reads one JSON event per line from its stdout.
 * Works under Deno, Bun and Node through `node:child_process`.
 *
 * @module
 */

import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { JsonLineProcess } from "../helpers/json_line_process.ts";

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

/** Parses one stdout line of a peer; a line that is not JSON becomes an "unparsed" event. */
function parsePeerLine(text: string): PeerLine {
  try {
    return JSON.parse(text) as PeerLine;
  } catch {
    return { event: "unparsed", message: text };
  }
}

/** A running external peer. */
export class PeerProcess extends JsonLineProcess<PeerLine> {
  /**
   * Spawns `command args` and starts reading its output.
   *
   * @param command Executable.
   * @param args Its arguments.
   */
  constructor(command: string, args: readonly string[]) {
    const child = spawn(command, [...args], { stdio: ["pipe", "pipe", "inherit"] });
    super(child, { name: "the peer", parse: parsePeerLine });
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

  /**
   * Writes one command line (see tests/c/enet_peer.c).
   *
   * @param line The command, without the newline.
   */
  command(line: string): void {
    if (this.exitCode !== undefined) throw new Error(`Cannot send "${line}": the peer exited`);
    this.child.stdin!.write(line + "\n");
  }
}
