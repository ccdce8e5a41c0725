/**
 * Terminal output for the `enet` tool: event lines on stdout, messages on
 * stderr, and a live status line kept at the bottom of a terminal. Uses only
 * `node:process`, which Deno, Bun and Node all provide.
 *
 * @module
 */
import process from "node:process";

/** Where the tool writes; replaceable in tests. */
export interface OutputStreams {
  /** Event lines (and the status line on a terminal). */
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  /** Messages and errors. */
  readonly stderr: { write(text: string): unknown };
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * Writes event lines, messages, and an optional status line that is redrawn
 * below the output. The status line appears only when stdout is a terminal
 * and status is enabled. With `json`, messages and errors are JSON objects on
 * stdout too, among the events: `{"type":"warning","message":…}` and
 * `{"type":"error","message":…,"status":…}`.
 */
export class Output {
  /** Whether messages and errors are printed as JSON lines on stdout (`--json`). */
  json: boolean;
  #streams: OutputStreams;
  #status = "";
  #statusEnabled: boolean;

  /**
   * @param options `status: false` disables the status line; `streams` replaces
   *   stdout/stderr; `json` prints messages and errors as JSON.
   */
  constructor(options: { status?: boolean; streams?: OutputStreams; json?: boolean } = {}) {
    this.json = options.json ?? false;
    this.#streams = options.streams ?? { stdout: process.stdout, stderr: process.stderr };
    this.#statusEnabled = (options.status ?? true) && this.#streams.stdout.isTTY === true;
  }

  /** Whether a status line is being drawn. */
  get statusEnabled(): boolean {
    return this.#statusEnabled;
  }

  /**
   * Prints one line on stdout, above the status line.
   *
   * @param line The text, without a newline.
   */
  line(line: string): void {
    this.#write(`${line}\n`);
  }

  /**
   * Prints one message on stderr, prefixed with `enet: ` (with `json`, a
   * `{"type":"warning"}` line on stdout).
   *
   * @param message The text, without a newline.
   */
  message(message: string): void {
    if (this.json) {
      this.line(JSON.stringify({ type: "warning", message }));
      return;
    }
    this.#stderr(message);
  }

  /**
   * Reports what ends the run: `enet: message` on stderr, then `hint` on its own
   * line (with `json`, one `{"type":"error"}` line on stdout).
   *
   * @param message What went wrong, without a newline.
   * @param status The exit status the run ends with.
   * @param hint What to do about it, if anything.
   */
  error(message: string, status: number, hint?: string): void {
    if (this.json) {
      this.line(JSON.stringify({ type: "error", message, status, ...(hint ? { hint } : {}) }));
      return;
    }
    this.#stderr(hint === undefined ? message : `${message}\n${hint}`);
  }

  #stderr(message: string): void {
    if (this.#status !== "") this.#streams.stdout.write(CLEAR_LINE);
    this.#streams.stderr.write(`enet: ${message}\n`);
    if (this.#status !== "") this.#streams.stdout.write(this.#status);
  }

  /**
   * Replaces the status line (ignored when the status line is disabled).
   *
   * @param text The new status, a single line.
   */
  status(text: string): void {
    if (!this.#statusEnabled) return;
    const columns = (this.#streams.stdout as { columns?: number }).columns ?? 80;
    this.#status = text.length >= columns ? text.slice(0, columns - 1) : text;
    this.#streams.stdout.write(CLEAR_LINE + this.#status);
  }

  /** Removes the status line for good. */
  clearStatus(): void {
    if (this.#status !== "") this.#streams.stdout.write(CLEAR_LINE);
    this.#status = "";
    this.#statusEnabled = false;
  }

  #write(text: string): void {
    if (this.#status === "") {
      this.#streams.stdout.write(text);
    } else {
      this.#streams.stdout.write(CLEAR_LINE + text + this.#status);
    }
  }
}
