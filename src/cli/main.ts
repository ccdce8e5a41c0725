/**
 * The `enet` command: a netcat for ENet. Dispatches to `serve` and `connect`,
 * prints help, and maps failures to exit statuses (0 ok, 1 failure, 2 usage).
 *
 * @module
 */
import process from "node:process";
import { parseArgs, UsageError } from "./args.ts";
import { parseHostPort } from "./address.ts";
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

/** The version printed by `enet --version`. */
export const VERSION = "0.1.0";

/** The help text of `enet` itself. */
export const MAIN_HELP =
  `enet: a netcat for ENet (reliable UDP, wire-compatible with C ENet and Godot)

Usage:
  enet serve --port PORT [options]   host a server, print (and --echo) what arrives
  enet connect HOST:PORT [options]   send stdin lines as packets, print what arrives
  enet help [COMMAND]                show help
  enet --version                     show the version

Run "enet COMMAND --help" for the options of a command.

Exit status: 0 success, 1 network failure, 2 bad arguments.
`;

/** Exit status for a command-line mistake. */
export const EXIT_USAGE = 2;

/**
 * Runs the tool with the given arguments (without the runtime and script).
 *
 * @param argv The arguments, e.g. `["serve", "--port", "7777"]`.
 * @param output Where help and errors go.
 * @returns The exit status.
 */
export async function main(
  argv: readonly string[],
  output = new Output({ status: false }),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
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
        output.line(`enet ${VERSION}`);
        return 0;
      case "help":
        return help(rest[0], output);
      case "serve": {
        if (wantsHelp(rest)) return help("serve", output);
        const { options, positionals } = parseArgs(rest, SERVE_OPTIONS);
        if (positionals.length > 0) {
          throw new UsageError(`Cannot parse "${positionals[0]}": serve takes no arguments`);
        }
        checkServeOptions(options);
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
        const { options, positionals } = parseArgs(rest, CONNECT_OPTIONS);
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
      default:
        throw new UsageError(`Cannot run "${command}": unknown command (try serve or connect)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      const topic = command === "serve" || command === "connect" ? ` ${command}` : "";
      output.message(`${error.message}\nRun "enet${topic} --help" for usage.`);
      return EXIT_USAGE;
    }
    output.message(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
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
    default:
      throw new UsageError(`Cannot show help for "${topic}": unknown command`);
  }
}
