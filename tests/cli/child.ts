/**
 * Test helper: runs the tool or an example as a child process under the runtime
 * running the tests (Deno, Bun, or Node on the tsc output in build/), with
 * bounded waits, and the steps the CLI tests share (start a server, echo lines, stop
 * with SIGTERM). Not a test file itself.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { main } from "../../src/cli/main.ts";
import { Output } from "../../src/cli/output.ts";

// tests/cli/child.ts sits two levels below the source root: the repository
// under Deno and Bun, build/ under Node.
const sourceRoot = fileURLToPath(new URL("../../", import.meta.url));
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
/** The repository root (the working directory of children). */
export const repoRoot = runtime === "node"
  ? fileURLToPath(new URL("../../../", import.meta.url))
  : sourceRoot;

/** The name of the runtime running the tests. */
export const RUNTIME: "deno" | "bun" | "node" = runtime;

/**
 * The command line that runs `script` (a path like `"cli"` or
 * `"examples/demo"`, without extension) under the current runtime.
 *
 * @param script The script, relative to the source root, without extension.
 * @param args Its arguments.
 * @returns The executable and its arguments.
 */
export function commandFor(script: string, args: readonly string[]): [string, string[]] {
  const exe = process.execPath;
  if (runtime === "deno") return [exe, ["run", "-A", `${sourceRoot}${script}.ts`, ...args]];
  if (runtime === "bun") return [exe, [`${sourceRoot}${script}.ts`, ...args]];
  return [exe, [`${sourceRoot}${script}.js`, ...args]];
}

/** How a child ended. */
export interface Exit {
  /** The exit status, or null when killed by a signal. */
  code: number | null;
  /** The signal that killed it, if any. */
  signal: string | null;
}

/** A running child with its output collected. */
export class Child {
  /** Everything written to stdout so far. */
  stdout = "";
  /** Everything written to stderr so far. */
  stderr = "";
  readonly #proc: ChildProcess;
  readonly #exit: Promise<Exit>;
  #waiters = new Set<() => void>();
  #exited = false;

  /**
   * Starts `script` with `args`.
   *
   * @param script See {@linkcode commandFor}.
   * @param args Arguments.
   * @param env More environment variables.
   */
  constructor(script: string, args: readonly string[], env: Record<string, string> = {}) {
    const [exe, argv] = commandFor(script, args);
    this.#proc = spawn(exe, argv, {
      cwd: repoRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1", ...env },
    });
    this.#proc.stdout!.setEncoding("utf8").on("data", (s: string) => {
      this.stdout += s;
      this.#wake();
    });
    this.#proc.stderr!.setEncoding("utf8").on("data", (s: string) => {
      this.stderr += s;
      this.#wake();
    });
    this.#exit = new Promise((resolve) => {
      this.#proc.on("close", (code, signal) => {
        this.#exited = true;
        this.#wake();
        resolve({ code, signal });
      });
    });
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  /**
   * Waits until `pattern` matches stdout (or stderr with `stream`), failing
   * after `ms` milliseconds or when the child exits first.
   *
   * @param pattern What to wait for.
   * @param ms The bound.
   * @param stream Which output to watch.
   * @returns The match.
   */
  waitFor(
    pattern: RegExp,
    ms = 15000,
    stream: "stdout" | "stderr" = "stdout",
  ): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this[stream].match(pattern);
        if (match) {
          done();
          resolve(match);
        } else if (this.#exited) {
          done();
          reject(
            new Error(
              `exited before ${pattern} appeared\nstdout: ${this.stdout}\nstderr: ${this.stderr}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `timed out waiting for ${pattern}\nstdout: ${this.stdout}\nstderr: ${this.stderr}`,
          ),
        );
      }, ms);
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Writes to the child's stdin.
   *
   * @param text The text.
   */
  write(text: string): void {
    this.#proc.stdin!.write(text);
  }

  /** Closes the child's stdin. */
  end(): void {
    this.#proc.stdin!.end();
  }

  /**
   * Waits for the child to exit, killing it after `ms` milliseconds.
   *
   * @param ms The bound.
   * @returns How it ended.
   */
  async exit(ms = 15000): Promise<Exit> {
    const timer = setTimeout(() => this.kill("SIGKILL"), ms);
    try {
      return await this.#exit;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends a signal unless the child has exited.
   *
   * @param signal The signal, SIGTERM by default.
   */
  kill(signal: "SIGTERM" | "SIGKILL" | "SIGINT" = "SIGTERM"): void {
    // process.kill rather than ChildProcess.kill: under Deno the latter does not let
    // the child's signal handlers run.
    if (!this.#exited && this.#proc.pid !== undefined) {
      try {
        process.kill(this.#proc.pid, signal);
      } catch {
        // Already gone.
      }
    }
  }

  /** Kills the child if it still runs and waits for it (for `finally`). */
  async dispose(): Promise<void> {
    this.kill("SIGKILL");
    await this.#exit;
  }
}

/**
 * Runs `script` to completion with `input` on stdin.
 *
 * @param script See {@linkcode commandFor}.
 * @param args Arguments.
 * @param options `input` for stdin (closed after), `ms` bound on the run.
 * @returns The exit and the collected output.
 */
export async function run(
  script: string,
  args: readonly string[],
  options: { input?: string; ms?: number } = {},
): Promise<Exit & { stdout: string; stderr: string }> {
  const child = new Child(script, args);
  try {
    if (options.input !== undefined) child.write(options.input);
    child.end();
    const exit = await child.exit(options.ms ?? 20000);
    return { ...exit, stdout: child.stdout, stderr: child.stderr };
  } finally {
    await child.dispose();
  }
}

/**
 * Starts `enet serve --port 0 --bind 127.0.0.1 ...args` and waits until it listens: by
 * default its `--json` listening event when `args` has `--json`, else its status line
 * on stderr. A server that never listens is killed before the error is thrown.
 *
 * @param args More `serve` arguments.
 * @param listening What to wait for on stdout instead (group 1: the port).
 * @param env More environment variables for the server.
 * @returns The running server and its port.
 */
export async function startServer(
  args: readonly string[],
  listening?: RegExp,
  env: Record<string, string> = {},
): Promise<{ server: Child; port: number }> {
  const server = new Child("cli", ["serve", "--port", "0", "--bind", "127.0.0.1", ...args], env);
  try {
    const match = listening !== undefined
      ? await server.waitFor(listening)
      : args.includes("--json")
      ? await server.waitFor(/"type":"listening"[^\n]*"port":(\d+)/)
      : await server.waitFor(/listening on 127\.0\.0\.1:(\d+)/, 15000, "stderr");
    return { server, port: Number(match[1]) };
  } catch (error) {
    await server.dispose(); // a server that never listened must not outlive the test
    throw error;
  }
}

/**
 * Parses `--json` output: one object per line.
 *
 * @param text What a child printed.
 * @returns The events, in order.
 */
// deno-lint-ignore no-explicit-any -- events of every shape, read field by field by assertions
export function jsonLines(text: string): any[] {
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/**
 * The `type` of each `--json` event.
 *
 * @param text What a child printed.
 * @returns The event types, in order.
 */
export function eventTypes(text: string): string[] {
  return jsonLines(text).map((event) => event.type);
}

/**
 * Waits for a text-mode client to connect, sends each line and waits for its echo, then
 * closes stdin: the client must disconnect and exit 0.
 *
 * @param client A running `enet connect` to an echoing server on 127.0.0.1.
 * @param lines Lines of plain ASCII text to echo.
 */
export async function echoAndQuit(client: Child, lines: readonly string[]): Promise<void> {
  await client.waitFor(/\+ 127\.0\.0\.1:\d+ connected/);
  for (const line of lines) {
    client.write(`${line}\n`);
    const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await client.waitFor(
      new RegExp(`< 127\\.0\\.0\\.1:\\d+ ch 0 reliable ${line.length} B: ${escaped}\\n`),
    );
  }
  client.end();
  const exit = await client.exit();
  assert.equal(exit.code, 0, client.stderr);
  assert.match(client.stdout, /- 127\.0\.0\.1:\d+ disconnected/);
}

/**
 * Sends the bytes 01 02 from a connected `--json` client, waits until `watcher` (the
 * server, or the client when the server echoes) prints them as hex, then stops the server
 * with SIGTERM: the server exits 0, and so does the client after a clean disconnect.
 *
 * @param client A running `enet connect --json`.
 * @param server The `enet serve --json` it is connected to.
 * @param watcher The one of them expected to print the packet.
 */
export async function sendBinaryThenTerminate(
  client: Child,
  server: Child,
  watcher: Child,
): Promise<void> {
  await client.waitFor(/"type":"connect"/);
  client.write("\u0001\u0002\n");
  const received = await watcher.waitFor(/^\{"type":"receive".*\n/m);
  assert.equal(JSON.parse(received[0]).hex, "0102");
  server.kill("SIGTERM");
  assert.equal((await server.exit()).code, 0, server.stderr);
  // The server said goodbye: the client sees the disconnect and exits 0.
  assert.equal((await client.exit()).code, 0, client.stderr);
  assert.match(client.stdout, /"type":"disconnect"/);
}

/**
 * Runs the tool in this process (commands that end without reading stdin or signals),
 * collecting what it prints.
 *
 * @param argv The arguments after `enet`.
 * @returns The exit code and the output.
 */
export async function runHere(
  argv: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const output = new Output({
    status: false,
    streams: {
      stdout: { write: (s: string) => stdout += s },
      stderr: { write: (s: string) => stderr += s },
    },
  });
  const code = await main(argv, output);
  return { code, stdout, stderr };
}
