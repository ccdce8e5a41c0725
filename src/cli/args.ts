/**
 * A small, strict command-line parser for the `enet` tool: long options
 * (`--port 7777`, `--port=7777`), short aliases (`-p 7777`), boolean flags,
 * integer ranges and enumerated choices. Anything it does not understand is a
 * {@linkcode UsageError}, which the tool reports with exit status 2.
 *
 * @module
 */
import { closest } from "./suggest.ts";

/** The kinds of value an option takes. */
export type OptionKind = "boolean" | "string" | "integer";

/** One option a command accepts. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `"port"`. */
  readonly name: string;
  /** What the option takes. */
  readonly kind: OptionKind;
  /** One-letter alias without the dash, e.g. `"p"`. */
  readonly short?: string;
  /** Placeholder shown in help, e.g. `"PORT"`. */
  readonly value?: string;
  /** One-line description for the help text. */
  readonly help: string;
  /** Smallest accepted integer (integer options). */
  readonly min?: number;
  /** Largest accepted integer (integer options). */
  readonly max?: number;
  /** Accepted values (string options). */
  readonly choices?: readonly string[];
  /** Must be given. */
  readonly required?: boolean;
}

/** Option values by long name; absent options are missing from the record. */
export type OptionValues = Record<string, string | number | boolean | undefined>;

/** The result of {@linkcode parseArgs}. */
export interface ParsedArgs {
  /** Values of the options given. */
  readonly options: OptionValues;
  /** Arguments that are not options, in order. */
  readonly positionals: string[];
}

/**
 * A mistake on the command line. The tool prints the message with a pointer to
 * `--help` and exits with status 2.
 */
export class UsageError extends Error {
  /**
   * @param message What is wrong, e.g. "Cannot parse --port: expected an integer, got abc".
   */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const INTEGER = /^[+-]?\d+$/;

/** The message for an unknown long option, with the option it most likely meant. */
function unknownOption(
  arg: string,
  name: string,
  specs: readonly OptionSpec[],
  elsewhere: Readonly<Record<string, string>>,
): UsageError {
  const guess = closest(name, specs.map((s) => s.name));
  const hint = Object.hasOwn(elsewhere, name)
    ? ` (${elsewhere[name]})`
    : guess === undefined
    ? ""
    : ` (did you mean --${guess}?)`;
  return new UsageError(`Cannot parse ${arg}: unknown option --${name}${hint}`);
}

function convert(spec: OptionSpec, raw: string): string | number {
  if (spec.kind === "integer") {
    if (!INTEGER.test(raw)) {
      throw new UsageError(`Cannot parse --${spec.name}: expected an integer, got "${raw}"`);
    }
    const n = Number(raw);
    const min = spec.min ?? Number.MIN_SAFE_INTEGER;
    const max = spec.max ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`Cannot use --${spec.name} ${raw}: expected ${min}..${max}`);
    }
    return n;
  }
  if (spec.choices !== undefined && !spec.choices.includes(raw)) {
    throw new UsageError(
      `Cannot use --${spec.name} ${raw}: expected one of ${spec.choices.join(", ")}`,
    );
  }
  return raw;
}

/**
 * Parses `argv` (the arguments after the command name) against `specs`.
 *
 * `--` ends option parsing; a lone `-` is a positional. Repeating an option
 * keeps the last value.
 *
 * @param argv The arguments to parse.
 * @param specs The options the command accepts.
 * @param elsewhere Hints for options this command does not take but users may try
 *   (another command's), by long name.
 * @returns The option values and positional arguments.
 * @throws {UsageError} On an unknown option (naming the closest known one), a missing or
 *   malformed value, or a missing required option.
 *
 * @example Parsing a port and a flag
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./args.ts";
 * const { options } = parseArgs(["--port=7777", "--echo"], [
 *   { name: "port", kind: "integer", min: 0, max: 65535, help: "port" },
 *   { name: "echo", kind: "boolean", help: "echo" },
 * ]);
 * assert.equal(options.port, 7777);
 * assert.equal(options.echo, true);
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  specs: readonly OptionSpec[],
  elsewhere: Readonly<Record<string, string>> = {},
): ParsedArgs {
  const byLong = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const options: OptionValues = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    let spec: OptionSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
      spec = byLong.get(name);
      if (spec === undefined) throw unknownOption(arg, name, specs, elsewhere);
    } else if (arg.startsWith("-") && arg.length > 1 && !INTEGER.test(arg)) {
      const letter = arg.slice(1, 2);
      spec = byShort.get(letter);
      if (spec === undefined) {
        throw new UsageError(`Cannot parse ${arg}: unknown option -${letter}`);
      }
      if (arg.length > 2) inline = arg.slice(2);
    } else {
      positionals.push(arg);
      continue;
    }
    if (spec.kind === "boolean") {
      if (inline !== undefined) {
        throw new UsageError(`Cannot parse ${arg}: --${spec.name} takes no value`);
      }
      options[spec.name] = true;
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next.length > 1 && !INTEGER.test(next))) {
        throw new UsageError(`Cannot parse ${arg}: missing value ${spec.value ?? "VALUE"}`);
      }
      raw = next;
      i++;
    }
    options[spec.name] = convert(spec, raw);
  }
  for (const spec of specs) {
    if (spec.required && options[spec.name] === undefined) {
      throw new UsageError(`Cannot run: missing required option --${spec.name}`);
    }
  }
  return { options, positionals };
}

/**
 * Formats the option table of a help text, one option per line.
 *
 * @param specs The options to describe.
 * @returns Lines like `  -p, --port PORT     UDP port to listen on`.
 */
export function formatOptions(specs: readonly OptionSpec[]): string {
  const heads = specs.map((s) => {
    const short = s.short ? `-${s.short}, ` : "    ";
    const value = s.kind === "boolean" ? "" : ` ${s.value ?? "VALUE"}`;
    return `  ${short}--${s.name}${value}`;
  });
  const width = Math.max(...heads.map((h) => h.length)) + 2;
  return specs.map((s, i) => heads[i].padEnd(width) + s.help).join("\n");
}
