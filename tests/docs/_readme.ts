/**
 * Test helper: the fenced code blocks of README.md with the test directive above each
 * `ts` block, and running a block as a program under the runtime running the tests.
 *
 * A directive is an HTML comment on its own line before the block (blank lines
 * between are allowed):
 *
 * - `<!-- test: serve NAME -->`: a server, started before its clients and killed after
 *   them; it must print its port (`listening on port N`).
 * - `<!-- test: client of NAME, prints "TEXT" -->`: runs to exit status 0 while server
 *   NAME runs, with the server's port for `7777`.
 * - `<!-- test: run, prints "TEXT" -->`: runs to exit status 0 on its own, with a free
 *   (closed) port for `7778`.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import { repoRoot, RUNTIME } from "../cli/child.ts";

/** A fenced block of README.md. */
export interface Block {
  /** The fence's language (`ts`, `gdscript`, `sh`, …). */
  lang: string;
  /** The code between the fences. */
  code: string;
  /** The README line of the opening fence (1-based). */
  line: number;
  /** The test directive above a block, if any. */
  directive?: Directive;
}

/** What the test does with a `ts` block. */
export interface Directive {
  /** `serve`, `client` (of a server) or `run` (alone). */
  kind: "serve" | "client" | "run";
  /** The server's name (its own for `serve`, the one it needs for `client`). */
  server?: string;
  /** Text the program must print. */
  prints?: string;
}

const DIRECTIVE = /^<!-- test: (?:serve (\w+)|client of (\w+)|(run))(?:, prints "([^"]*)")? -->$/;

/** The README's text. */
export const README: string = readFileSync(join(repoRoot, "README.md"), "utf8");

/**
 * Every fenced block of a Markdown text, with the directive above it.
 *
 * @param text The Markdown.
 * @returns The blocks, in order.
 */
export function blocks(text: string): Block[] {
  const lines = text.split("\n");
  const found: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```(\w*)\s*$/);
    if (!open) continue;
    const end = lines.indexOf("```", i + 1);
    if (end < 0) throw new Error(`README.md line ${i + 1}: unclosed code block`);
    let above = i - 1;
    while (above >= 0 && lines[above].trim() === "") above--;
    const m = above >= 0 ? lines[above].match(DIRECTIVE) : null;
    const directive: Directive | undefined = m
      ? { kind: m[1] ? "serve" : m[2] ? "client" : "run", server: m[1] ?? m[2], prints: m[4] }
      : undefined;
    found.push({ lang: open[1], code: lines.slice(i + 1, end).join("\n"), line: i + 1, directive });
    i = end;
  }
  return found;
}

/** Where the library is for the runtime running the tests: sources, or the tsc output. */
const library = (path: string) =>
  pathToFileURL(
    RUNTIME === "node" ? join(repoRoot, "build", path + ".js") : join(repoRoot, path + ".ts"),
  ).href;

/**
 * The block as a program of this checkout: the package's name (`jsr:@x/enet`, `npm:…`
 * or `@x/enet`, with subpaths) becomes the local module, and the given literal
 * replacements are made (ports, the bind address).
 *
 * @param code The block.
 * @param replacements Literal texts to replace and their replacements, applied in order.
 * @returns The program.
 */
export function localize(code: string, replacements: ReadonlyArray<[string, string]>): string {
  let out = code.replace(
    /(["'])(?:jsr:|npm:)?@x\/enet(\/adapters|\/compress|\/cli)?\1/g,
    (_, quote: string, sub: string | undefined) => {
      const path = sub === "/adapters"
        ? "adapters/mod"
        : sub === "/compress"
        ? "src/compress/mod"
        : sub === "/cli"
        ? "cli"
        : "mod";
      return quote + library(path) + quote;
    },
  );
  for (const [from, to] of replacements) out = out.split(from).join(to);
  return out;
}

/**
 * The command line the README gives for running a file under this runtime: Deno
 * with `--allow-net --unstable-net`, Bun as is, Node on a `.mjs` file.
 *
 * @param file The program file.
 * @returns Executable and arguments.
 */
function commandFor(file: string): [string, string[]] {
  if (RUNTIME === "deno") {
    return [process.execPath, ["run", "--allow-net", "--unstable-net", file]];
  }
  return [process.execPath, [file]];
}

/** A README block running as a child process. */
export class Program {
  /** What it printed. */
  stdout = "";
  /** What it printed on stderr. */
  stderr = "";
  /** Its exit status once it ended (null when killed). */
  status: Promise<number | null>;
  readonly #child: ChildProcess;
  readonly #dir: string;
  #waiters = new Set<() => void>();
  #ended = false;

  /**
   * Writes the program to a scratch folder and starts it.
   *
   * @param code The localized block.
   */
  constructor(code: string) {
    this.#dir = mkdtempSync(join(tmpdir(), "enet-readme-"));
    const file = join(this.#dir, RUNTIME === "node" ? "block.mjs" : "block.ts");
    writeFileSync(file, code);
    const [exe, args] = commandFor(file);
    this.#child = spawn(exe, args, {
      cwd: this.#dir,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    this.#child.stdout!.setEncoding("utf8").on("data", (s: string) => {
      this.stdout += s;
      this.#wake();
    });
    this.#child.stderr!.setEncoding("utf8").on("data", (s: string) => (this.stderr += s));
    this.status = new Promise((resolve) => {
      this.#child.on("close", (code) => {
        this.#ended = true;
        this.#wake();
        rmSync(this.#dir, { recursive: true, force: true });
        resolve(code);
      });
    });
  }

  #wake(): void {
    for (const wake of this.#waiters) wake();
  }

  /**
   * Waits until stdout matches, failing after `ms` or when the program ends first.
   *
   * @param pattern What to wait for.
   * @param ms The bound.
   * @returns The match.
   */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no ${pattern} within ${ms} ms`)), ms);
      const finish = (error: Error | null, match?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        if (error) reject(new Error(`${error.message}\n${this.stdout}\n${this.stderr}`));
        else resolve(match!);
      };
      const check = () => {
        const match = this.stdout.match(pattern);
        if (match) finish(null, match);
        else if (this.#ended) finish(new Error(`ended before ${pattern}`));
      };
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Waits for the program to end by itself, killing it after `ms`.
   *
   * @param ms The bound.
   * @returns The exit status (null when it had to be killed).
   */
  async end(ms: number): Promise<number | null> {
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), ms);
    try {
      return await this.status;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Kills the program if it still runs, and waits for it. */
  async dispose(): Promise<void> {
    if (!this.#ended) this.#child.kill("SIGKILL");
    await this.status;
  }
}
