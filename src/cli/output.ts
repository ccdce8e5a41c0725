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
 * and status is enabled.
 */
export class Output {
  #streams: OutputStreams;
  #status = "";
  #statusEnabled: boolean;

  /**
   * @param options `status: false` disables the status line; `streams` replaces stdout/stderr.
   */
  constructor(options: { status?: boolean; streams?: OutputStreams } = {}) {
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
   * Prints one message on stderr, prefixed with `enet: `.
   *
   * @param message The text, without a newline.
   */
  message(message: string): void {
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
