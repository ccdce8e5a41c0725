/**
 * The `enet` command: a netcat for ENet. Dispatches to `serve`, `connect` and
 * `bench`, prints help, and maps failures to exit statuses (0 ok, 1 failure, 2 usage).
 *
 * @module
 */
import process from "node:process";
import { parseArgs, UsageError } from "./args.ts";
import { parseHostPort, resolveBind } from "./address.ts";
import { BENCH_HELP, BENCH_OPTIONS, benchSettings } from "./bench_options.ts";
import {
  checkConnectOptions,
  checkServeOptions,
  CONNECT_HELP,
  CONNECT_OPTIONS,
  SERVE_HELP,
  SERVE_OPTIONS,
} from "./commands.ts";
import { clientTls, serverTls } from "./dtls.ts";
import { Output } from "./output.ts";
import { closest } from "./suggest.ts";

/** The version printed by `enet --version` (the package's version). */
export const VERSION = "0.1.0";

const COMMANDS = ["serve", "connect", "bench", "help"];

/** The help text of `enet` itself. */
export const MAIN_HELP =
  `enet: a netcat for ENet (reliable UDP, wire-compatible with C ENet and Godot)

Usage:
  enet serve --port PORT [options]   host a server, print (and --echo) what arrives
  enet connect HOST:PORT [options]   send stdin lines as packets, print what arrives
  enet bench [options]               measure ENet on this runtime over loopback
  enet help [COMMAND]                show help
  enet --version                     show the version

Run "enet COMMAND --help" for the options of a command. With --json, every
line the tool prints is a JSON object, errors included.

Exit status: 0 success, 1 network failure, 2 bad arguments.
`;

/** Exit status for a command-line mistake. */
export const EXIT_USAGE = 2;

/**
 * Runs the tool with the given arguments (without the runtime and script).
 *
 * @param argv The arguments, e.g. `["serve", "--port", "7777"]`.
 * @param output Where help and errors go (JSON when `argv` has `--json`).
 * @returns The exit status.
 */
export async function main(
  argv: readonly string[],
  output = new Output({ status: false }),
): Promise<number> {
  const [command, ...rest] = argv;
  if (options(argv).includes("--json")) output.json = true;
  try {
    if (command !== "help" && options(rest).some((a) => a === "--version" || a === "-V")) {
      return version(output);
    }
    switch (command) {
      case undefined:
        output.line(MAIN_HELP.trimEnd());
        return EXIT_USAGE;
      case "-h":
      case "--help":
        output.line(MAIN_HELP.trimEnd());
        return 0;
      case "-V":
      case "--version":
        return version(output);
      case "help":
        return help(rest[0], output);
      case "serve": {
        if (wantsHelp(rest)) return help("serve", output);
        const { options, positionals } = parseArgs(rest, SERVE_OPTIONS);
        if (positionals.length > 0) {
          throw new UsageError(`Cannot parse "${positionals[0]}": serve takes no arguments`);
        }
        checkServeOptions(options);
        if (options.bind !== undefined) options.bind = await resolveBind(options.bind as string);
        const tls = await serverTls(options);
        // Loaded on demand: help and argument errors need no network library.
        const [{ serve }, { Reporter }] = await Promise.all([
          import("./serve.ts"),
          import("./session.ts"),
        ]);
        return await serve(options, new Reporter(options), tls);
      }
      case "connect": {
        if (wantsHelp(rest)) return help("connect", output);
        const { options, positionals } = parseArgs(rest, CONNECT_OPTIONS, {
          port: "connect takes the server as HOST:PORT",
          bind: "a client binds a free port on every interface",
        });
        if (positionals.length !== 1) {
          throw new UsageError(
            positionals.length === 0
              ? "Cannot connect: missing HOST:PORT"
              : `Cannot parse "${positionals[1]}": connect takes one HOST:PORT`,
          );
        }
        const target = parseHostPort(positionals[0]);
        checkConnectOptions(options);
        const tls = await clientTls(options, target.host);
        const [{ connect }, { Reporter }] = await Promise.all([
          import("./connect.ts"),
          import("./session.ts"),
        ]);
        const typing = process.stdin.isTTY === true;
        return await connect(target, options, new Reporter(options, typing), tls);
      }
      case "bench": {
        if (wantsHelp(rest)) return help("bench", output);
        const { options, positionals } = parseArgs(rest, BENCH_OPTIONS, {
          port: "bench binds a free loopback port itself",
        });
        if (positionals.length > 0) {
          throw new UsageError(`Cannot parse "${positionals[0]}": bench takes no arguments`);
        }
        const settings = benchSettings(options);
        const { bench } = await import("./bench.ts");
        return await bench(settings, options, output);
      }
      default: {
        const guess = closest(command, COMMANDS);
        const hint = guess === undefined ? "try serve, connect or bench" : `did you mean ${guess}?`;
        throw new UsageError(`Cannot run "${command}": unknown command (${hint})`);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const topic = command === "serve" || command === "connect" || command === "bench"
        ? ` ${command}`
        : "";
      output.error(error.message, EXIT_USAGE, `Run "enet${topic} --help" for usage.`);
      return EXIT_USAGE;
    }
    output.error(`error: ${error instanceof Error ? error.message : String(error)}`, 1);
    return 1;
  }
}

/** The arguments before `--` (after it, everything is a positional). */
function options(args: readonly string[]): readonly string[] {
  const end = args.indexOf("--");
  return end < 0 ? args : args.slice(0, end);
}

function wantsHelp(args: readonly string[]): boolean {
  return options(args).some((a) => a === "--help" || a === "-h");
}

function version(output: Output): number {
  output.line(
    output.json ? JSON.stringify({ type: "version", version: VERSION }) : `enet ${VERSION}`,
  );
  return 0;
}

function help(topic: string | undefined, output: Output): number {
  switch (topic) {
    case undefined:
      output.line(MAIN_HELP.trimEnd());
      return 0;
    case "serve":
      output.line(SERVE_HELP.trimEnd());
      return 0;
    case "connect":
      output.line(CONNECT_HELP.trimEnd());
      return 0;
    case "bench":
      output.line(BENCH_HELP.trimEnd());
      return 0;
    default:
      throw new UsageError(`Cannot show help for "${topic}": unknown command`);
  }
}
