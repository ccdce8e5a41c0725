/**
 * The options and help texts of the `enet` commands, kept apart from the code
 * that runs them so that help and argument errors need no network library.
 *
 * @module
 */
import { formatOptions, type OptionSpec, type OptionValues, UsageError } from "./args.ts";

/** `--compress` values, in the order of Godot's CompressionMode enum. */
export const COMPRESS_CHOICES = ["none", "range-coder", "fastlz", "zlib", "zstd"] as const;

/** Options both commands accept. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  {
    name: "compress",
    kind: "string",
    value: "MODE",
    choices: COMPRESS_CHOICES,
    help: `${COMPRESS_CHOICES.join(" | ")} (both ends must agree; default none)`,
  },
  {
    name: "checksum",
    kind: "string",
    value: "crc32",
    choices: ["crc32"],
    help: "add ENet's CRC32 checksum to every datagram (both ends must agree)",
  },
  { name: "json", kind: "boolean", help: "print one JSON object per event on stdout" },
  {
    name: "verbose",
    short: "v",
    kind: "boolean",
    help: "report dropped datagrams and their likely cause (a compression or checksum mismatch)",
  },
  { name: "no-status", kind: "boolean", help: "no live status line, even on a terminal" },
  { name: "help", short: "h", kind: "boolean", help: "show this help" },
];

/** The options of `enet serve`. */
export const SERVE_OPTIONS: readonly OptionSpec[] = [
  {
    name: "port",
    short: "p",
    kind: "integer",
    value: "PORT",
    min: 0,
    max: 65535,
    required: true,
    help: "UDP port to listen on (0 picks a free one, printed at start)",
  },
  {
    name: "bind",
    short: "b",
    kind: "string",
    value: "ADDR",
    help: 'address to bind: "*" for every interface (default), 127.0.0.1, ::1, localhost, …',
  },
  {
    name: "peers",
    kind: "integer",
    value: "N",
    min: 1,
    max: 4095,
    help: "maximum number of peers (default 32)",
  },
  {
    name: "channels",
    kind: "integer",
    value: "N",
    min: 1,
    max: 255,
    help: "maximum channels per peer (default 255)",
  },
  {
    name: "echo",
    kind: "boolean",
    help: "send every packet back on its channel with the same delivery mode",
  },
  {
    name: "dtls-key",
    kind: "string",
    value: "FILE",
    help: "serve over DTLS with this private key (PEM, RSA or EC P-256; needs --dtls-cert)",
  },
  {
    name: "dtls-cert",
    kind: "string",
    value: "FILE",
    help: "the certificate of --dtls-key (PEM; the first certificate is sent)",
  },
  ...COMMON_OPTIONS,
];

/** The help text of `enet serve`. */
export const SERVE_HELP = `Usage: enet serve --port PORT [options]

Hosts an ENet server and prints connections, disconnections and packets
(channel, delivery mode, length, and the payload as text or hex).
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM.

Options:
${formatOptions(SERVE_OPTIONS)}

With --dtls-key and --dtls-cert every datagram is a DTLS 1.2 record (Godot's
ENet DTLS): clients must connect with --dtls, and those that fail the handshake
never reach ENet.

Examples:
  enet serve --port 7777 --echo
  enet serve --port 7777 --bind 127.0.0.1 --compress zlib --json
  enet serve --port 7777 --echo --dtls-key server.key --dtls-cert server.crt
`;

/**
 * Checks the options of `enet serve` that depend on each other.
 *
 * @param options Parsed options.
 * @throws {UsageError} When only one of --dtls-key and --dtls-cert is given.
 */
export function checkServeOptions(options: OptionValues): void {
  const key = options["dtls-key"] !== undefined;
  const cert = options["dtls-cert"] !== undefined;
  if (key && !cert) {
    throw new UsageError("Cannot use --dtls-key without --dtls-cert: DTLS needs both");
  }
  if (cert && !key) {
    throw new UsageError("Cannot use --dtls-cert without --dtls-key: DTLS needs both");
  }
}

/** The options of `enet connect`. */
export const CONNECT_OPTIONS: readonly OptionSpec[] = [
  {
    name: "channels",
    kind: "integer",
    value: "N",
    min: 1,
    max: 255,
    help: "channels to allocate (default 8)",
  },
  {
    name: "data",
    kind: "integer",
    value: "N",
    min: 0,
    max: 0xffffffff,
    help: "32-bit value sent with the connection request (default 0)",
  },
  {
    name: "channel",
    short: "c",
    kind: "integer",
    value: "C",
    min: 0,
    max: 254,
    help: "channel to send on (default 0)",
  },
  { name: "unreliable", short: "u", kind: "boolean", help: "send unreliable (sequenced) packets" },
  { name: "unsequenced", kind: "boolean", help: "send unreliable unsequenced packets" },
  {
    name: "timeout",
    short: "t",
    kind: "integer",
    value: "MS",
    min: 1,
    max: 600000,
    help: "give up connecting or disconnecting after MS milliseconds (default 5000)",
  },
  {
    name: "linger",
    kind: "integer",
    value: "MS",
    min: 0,
    max: 600000,
    help: "after end of input, keep receiving for MS milliseconds before disconnecting (default 0)",
  },
  { name: "dtls", kind: "boolean", help: "connect over DTLS (the server runs with --dtls-key)" },
  {
    name: "dtls-ca",
    kind: "string",
    value: "FILE",
    help: "trust the CA certificates in FILE (PEM; default: the runtime's root certificates)",
  },
  {
    name: "dtls-hostname",
    kind: "string",
    value: "NAME",
    help: "check the server certificate against NAME (default: HOST)",
  },
  {
    name: "dtls-insecure",
    kind: "boolean",
    help: "do not check the server certificate at all (testing only)",
  },
  ...COMMON_OPTIONS,
];

/** The help text of `enet connect`. */
export const CONNECT_HELP = `Usage: enet connect HOST:PORT [options]

Connects to an ENet server, sends each line of standard input as one packet
(reliable unless told otherwise), and prints every packet that arrives with its
channel and delivery mode. At end of input it disconnects once everything sent
was delivered. HOST is a name, an IPv4 address or an [IPv6] address.

With --dtls the traffic is encrypted (DTLS 1.2, Godot's ENet DTLS) and the
server certificate must chain to a trusted CA and be valid for HOST (a name, or
an IP address the certificate lists) or for --dtls-hostname.

Exit status: 0 after a clean disconnect (or when the server disconnects),
1 when the connection fails or times out (including a certificate or name
that does not check out), 2 for bad arguments.

Options:
${formatOptions(CONNECT_OPTIONS)}

Examples:
  enet connect localhost:7777
  printf 'hello\\nworld\\n' | enet connect 127.0.0.1:7777 --linger 500
  enet connect [::1]:7777 --unreliable --channel 1 --json
  enet connect localhost:7777 --dtls --dtls-ca ca.crt
  enet connect 10.0.0.5:7777 --dtls --dtls-ca ca.crt --dtls-hostname game.example
`;

/**
 * Checks the options of `enet connect` that depend on each other.
 *
 * @param options Parsed options.
 * @throws {UsageError} When --channel is not below --channels, both --unreliable and
 *   --unsequenced are given, a --dtls-… option comes without --dtls, or
 *   --dtls-insecure comes with --dtls-ca or --dtls-hostname.
 */
export function checkConnectOptions(options: OptionValues): void {
  const channels = (options.channels as number | undefined) ?? 8;
  const channel = (options.channel as number | undefined) ?? 0;
  if (channel >= channels) {
    throw new UsageError(
      `Cannot use --channel ${channel}: only ${channels} channels (0..${channels - 1})`,
    );
  }
  if (options.unreliable === true && options.unsequenced === true) {
    throw new UsageError("Cannot use --unreliable with --unsequenced: choose one");
  }
  for (const name of ["dtls-ca", "dtls-hostname", "dtls-insecure"]) {
    if (options[name] !== undefined && options.dtls !== true) {
      throw new UsageError(`Cannot use --${name} without --dtls`);
    }
  }
  if (options["dtls-insecure"] === true) {
    for (const name of ["dtls-ca", "dtls-hostname"]) {
      if (options[name] !== undefined) {
        throw new UsageError(
          `Cannot use --dtls-insecure with --${name}: an insecure client checks no certificate`,
        );
      }
    }
  }
  const hostname = options["dtls-hostname"];
  if (hostname === "") throw new UsageError("Cannot use --dtls-hostname: the name is empty");
}
