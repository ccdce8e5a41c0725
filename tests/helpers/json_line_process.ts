/**
 * A child process that prints one JSON object per line on stdout, each with an `event`
 * field: the lines are queued as they arrive and taken by event type, with bounded waits.
 * Shared by the external ENet peers (C, pyenet) and the Godot peer. Works under Deno, Bun
 * and Node through `node:child_process`.
 *
 * @module
 */

import type { ChildProcess } from "node:child_process";

/** What every line carries. */
export interface EventLine {
  /** The event type. */
  event: string;
}

/** How a `JsonLineProcess` reads its child. */
export interface JsonLineOptions<L extends EventLine> {
  /** Names the child in error messages, e.g. "Godot" or "the peer". */
  name: string;
  /**
   * Turns one non-empty stdout line into an event line, or undefined to skip it
   * (a skipped line is not logged either).
   */
  parse: (text: string) => L | undefined;
}

interface Waiter<L> {
  match: (line: L) => boolean;
  resolve: (line: L) => void;
}

/** A running child printing JSON event lines. */
export class JsonLineProcess<L extends EventLine> {
  /** The process. */
  protected readonly child: ChildProcess;
  readonly #options: JsonLineOptions<L>;
  readonly #lines: L[] = [];
  readonly #log: string[] = [];
  readonly #exited: Promise<void>;
  #waiters: Waiter<L>[] = [];
  #partial = "";
  #exitCode: number | null | undefined;

  /**
   * Starts reading a freshly spawned child: stdout as event lines, stderr (when piped)
   * into the log.
   *
   * @param child The process, spawned with stdout piped.
   * @param options How to read it.
   */
  constructor(child: ChildProcess, options: JsonLineOptions<L>) {
    this.child = child;
    this.#options = options;
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => this.#onData(chunk));
    child.stdin?.on("error", () => {}); // the child may exit before reading everything
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      for (const text of chunk.split("\n")) {
        if (text.trim() !== "") this.#log.push(`stderr: ${text}`);
      }
    });
    this.#exited = new Promise((resolve) => {
      child.on("error", (error) => {
        this.#log.push(`spawn error: ${error.message}`);
        this.#exitCode = null;
        resolve();
      });
      // "close" (not "exit"): every line of stdout has been read by then.
      child.on("close", (code) => {
        this.#exitCode = code;
        resolve();
      });
    });
  }

  /** Everything read so far (stdout lines, stderr prefixed), for failure messages. */
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
   * @throws {Error} On timeout or when the child exits first, with its recent output.
   */
  next(event: string, timeoutMs: number, match: (line: L) => boolean = () => true): Promise<L> {
    const test = (line: L) => line.event === event && match(line);
    const index = this.#lines.findIndex(test);
    if (index >= 0) return Promise.resolve(this.#lines.splice(index, 1)[0]);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        this.#waiters = this.#waiters.filter((w) => w !== waiter);
        const name = this.#options.name;
        reject(
          new Error(`${why} waiting for "${event}" from ${name}; its output:\n  ${this.tail()}`),
        );
      };
      const waiter: Waiter<L> = {
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
          fail(`${this.#options.name} exited (code ${this.#exitCode})`);
        }
      });
    });
  }

  /**
   * Takes `count` lines of one event type, in order.
   *
   * @param event The event type.
   * @param count How many.
   * @param timeoutMs How long to wait for all of them.
   * @returns The lines.
   */
  async take(event: string, count: number, timeoutMs: number): Promise<L[]> {
    const deadline = Date.now() + timeoutMs;
    const out: L[] = [];
    while (out.length < count) out.push(await this.next(event, Math.max(1, deadline - Date.now())));
    return out;
  }

  /**
   * The lines of one event type read so far and not taken (they stay queued).
   *
   * @param event The event type.
   * @returns The lines.
   */
  pending(event: string): L[] {
    return this.#lines.filter((line) => line.event === event);
  }

  /**
   * The last lines of the log, one per line, for error messages.
   *
   * @param count How many.
   * @returns The text.
   */
  tail(count = 20): string {
    return this.#log.slice(-count).join("\n  ");
  }

  /**
   * Waits for the child to exit by itself.
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
   * Kills the child (SIGKILL) unless it already exited, and waits for it.
   *
   * @returns Resolves once it is gone.
   */
  async kill(): Promise<void> {
    if (this.#exitCode === undefined) {
      this.child.stdin?.end();
      this.child.kill("SIGKILL");
    }
    await this.#exited;
    this.child.stdout!.destroy();
    this.child.stderr?.destroy();
  }

  #onData(chunk: string): void {
    this.#partial += chunk;
    let newline: number;
    while ((newline = this.#partial.indexOf("\n")) >= 0) {
      const text = this.#partial.slice(0, newline);
      this.#partial = this.#partial.slice(newline + 1);
      if (text.trim() === "") continue;
      const line = this.#options.parse(text);
      if (line === undefined) continue;
      this.#log.push(text);
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
