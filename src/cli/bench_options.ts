/**
 * The options and help text of `enet bench`, kept apart from the code that runs it so
 * that help and argument errors need no network library.
 *
 * @module
 */
import { formatOptions, type OptionSpec, type OptionValues, UsageError } from "./args.ts";
import { PROGRESS_EVERY, WINDOW_BYTES } from "./bench_protocol.ts";
import { COMMON_OPTIONS, COMPRESS_CHOICES } from "./commands.ts";
/** A scenario that hears nothing from the other end for this long stops. */
export const GIVE_UP_MS = 5000;

/** The help of the common options, as they apply to bench's two hosts. */
const COMMON_HELP: Readonly<Record<string, string>> = {
  compress: `${COMPRESS_CHOICES.join(" | ")}, on both hosts (default none)`,
  checksum: "add ENet's CRC32 checksum to every datagram, on both hosts",
  json: "print one JSON object per scenario on stdout",
};

/** `enet bench --scenario` values. */
export const BENCH_SCENARIOS = ["bulk", "pingpong", "all"] as const;

/** The options of `enet bench`. */
export const BENCH_OPTIONS: readonly OptionSpec[] = [
  {
    name: "scenario",
    short: "s",
    kind: "string",
    value: "NAME",
    choices: BENCH_SCENARIOS,
    help: `${BENCH_SCENARIOS.join(" | ")} (default all)`,
  },
  {
    name: "bind",
    short: "b",
    kind: "string",
    value: "ADDR",
    choices: ["127.0.0.1", "::1"],
    help: "loopback address of the server: 127.0.0.1 (default) or ::1",
  },
  {
    name: "count",
    short: "n",
    kind: "integer",
    value: "N",
    min: 1,
    max: 1e9,
    help: "bulk: messages to send (default 200000)",
  },
  {
    name: "size",
    kind: "integer",
    value: "B",
    min: 8,
    max: 65536,
    help: "bulk: bytes per message (default 100)",
  },
  { name: "unreliable", short: "u", kind: "boolean", help: "bulk: send unreliable messages" },
  {
    name: "peers",
    kind: "integer",
    value: "P",
    min: 1,
    max: 4095,
    help: "pingpong: client connections (default 50)",
  },
  {
    name: "seconds",
    kind: "string",
    value: "S",
    help: "pingpong: how long to measure, 0.1 to 600 (default 3)",
  },
  ...COMMON_OPTIONS.filter((o) => o.name !== "no-status").map((o) =>
    Object.hasOwn(COMMON_HELP, o.name) ? { ...o, help: COMMON_HELP[o.name] } : o
  ),
];

/** The help text of `enet bench`. */
export const BENCH_HELP = `Usage: enet bench [options]

Measures this runtime's ENet over loopback UDP, server and clients in one
process, through the public ENetConnection/ENetPacketPeer API, and prints one
line per scenario with the runtime's name and version:

  bulk      a client streams --count messages of --size bytes on channel 0 to
            a server: messages/s, MB/s (payload), the share delivered, time
  pingpong  --peers clients (one ENetConnection each, as in Godot) each keep
            one 32-byte reliable ping in flight to an echo server for
            --seconds: round trips/s, median and 99th-percentile round trip

The bulk sender keeps at most ${WINDOW_BYTES / 1024} KiB beyond the server's last progress report
(sent every ${PROGRESS_EVERY} messages), so memory stays bounded. A scenario that hears
nothing from the other end for ${GIVE_UP_MS / 1000} s stops, reports what arrived and exits 1.
Figures depend on the machine and its load: compare runs on one machine.
Comparisons with C ENet and with the other runtimes are "npm run bench" in a
clone of the repository (it needs a C compiler and libenet).

Options:
${formatOptions(BENCH_OPTIONS)}

Examples:
  enet bench
  enet bench --scenario bulk --count 1000000 --size 1000 --unreliable
  enet bench --scenario pingpong --peers 500 --seconds 10 --json
  enet bench --bind ::1 --compress zlib --checksum crc32
`;

/** What `enet bench` runs, from its options (defaults filled in). */
export interface BenchSettings {
  /** The scenarios, in the order they run. */
  readonly scenarios: readonly ("bulk" | "pingpong")[];
  /** The loopback address the server binds and the clients connect to. */
  readonly bind: string;
  /** Bulk: messages to send. */
  readonly count: number;
  /** Bulk: bytes per message. */
  readonly size: number;
  /** Bulk: reliable (the default) or unreliable sequenced messages. */
  readonly reliable: boolean;
  /** Ping-pong: client connections. */
  readonly peers: number;
  /** Ping-pong: how long to measure, in seconds. */
  readonly seconds: number;
}

/**
 * Checks the options of `enet bench` and fills in the defaults.
 *
 * @param options Parsed options.
 * @returns The settings.
 * @throws {UsageError} When --seconds is not a number from 0.1 to 600.
 */
export function benchSettings(options: OptionValues): BenchSettings {
  const scenario = (options.scenario as string | undefined) ?? "all";
  let seconds = 3;
  if (options.seconds !== undefined) {
    const raw = options.seconds as string;
    seconds = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : NaN;
    if (!(seconds >= 0.1 && seconds <= 600)) {
      throw new UsageError(`Cannot use --seconds ${raw}: expected a number from 0.1 to 600`);
    }
  }
  return {
    scenarios: scenario === "all" ? ["bulk", "pingpong"] : [scenario as "bulk" | "pingpong"],
    bind: (options.bind as string | undefined) ?? "127.0.0.1",
    count: (options.count as number | undefined) ?? 200_000,
    size: (options.size as number | undefined) ?? 100,
    reliable: options.unreliable !== true,
    peers: (options.peers as number | undefined) ?? 50,
    seconds,
  };
}
