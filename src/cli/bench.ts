/**
 * `enet bench`: measures this runtime's ENet over loopback UDP, a server and its
 * clients in one process, through the public `ENetConnection` / `ENetPacketPeer` API,
 * and prints one line (or one JSON object) per scenario. The full comparison with C
 * ENet and the other runtimes is the repository's `npm run bench`.
 *
 * @module
 */
import process from "node:process";
import { setImmediate } from "node:timers";
import type { OptionValues } from "./args.ts";
import { type BenchSettings, GIVE_UP_MS } from "./bench_options.ts";
import {
  bulkWindow,
  Kind,
  message,
  percentiles,
  PROGRESS_EVERY,
  readU32,
  STALL_MS,
  writeU32,
} from "./bench_protocol.ts";
import type { Output } from "./output.ts";
import { describeError } from "./session.ts";
import { type BenchClient, BenchEndpoint, connectClients, RELIABLE } from "./bench_endpoint.ts";

/** Bytes of a ping. */
const PING_SIZE = 32;
/** Round-trip samples kept for the percentiles (a uniform sample beyond that). */
const SAMPLE_LIMIT = 1 << 20;

const { BULK, END, PROGRESS, DONE } = Kind;

/** The runtime running the tool: `{ name: "Deno", version: "2.1.4" }`. */
function runtime(): { name: string; version: string } {
  const g = globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } };
  if (g.Deno !== undefined) return { name: "Deno", version: g.Deno.version.deno };
  if (g.Bun !== undefined) return { name: "Bun", version: g.Bun.version };
  return { name: "Node", version: process.versions.node };
}

/**
 * Runs the scenarios of `settings` one after the other and prints their figures.
 *
 * @param settings What to run (from `benchSettings`).
 * @param options The parsed options (`--compress`, `--checksum`, `--verbose`, `--json`).
 * @param output Where the figures go.
 * @returns The exit status: 0, or 1 when a scenario could not connect or stalled.
 */
export async function bench(
  settings: BenchSettings,
  options: OptionValues,
  output: Output,
): Promise<number> {
  const { name, version } = runtime();
  const common = {
    runtime: name.toLowerCase(),
    runtimeVersion: version,
    bind: settings.bind,
    compress: (options.compress as string | undefined) ?? "none",
    checksum: options.checksum === "crc32",
  };
  let status = 0;
  for (const scenario of settings.scenarios) {
    let result: BulkResult | PingPongResult;
    try {
      result = scenario === "bulk"
        ? await bulk(settings, options, output)
        : await pingpong(settings, options, output);
    } catch (error) {
      output.error(`${scenario}: ${describeError(error)}`, 1);
      status = 1;
      continue;
    }
    if (result.failure !== undefined) status = 1;
    if (output.json) {
      output.line(JSON.stringify({ type: "bench", ...result, ...common }));
      continue;
    }
    const mode = (common.compress === "none" ? "" : ` ${common.compress}`) +
      (common.checksum ? " crc32" : "");
    output.line(`${humanLine(result, mode)} (${name} ${version})`);
    if (result.failure !== undefined) output.message(`${scenario}: ${result.failure}`);
  }
  return status;
}

/**
 * One human-readable line of figures.
 *
 * @param result A scenario's figures.
 * @param mode The compression and checksum, `""` or like `" zlib crc32"`.
 * @returns `bulk 100 B reliable: 134265 msg/s, 13.43 MB/s, …` or `pingpong 50 peers: …`.
 */
function humanLine(result: BulkResult | PingPongResult, mode: string): string {
  if (result.scenario === "bulk") {
    const r = result;
    return `bulk ${r.size} B ${
      r.reliable ? "reliable" : "unreliable"
    }${mode}: ${r.messagesPerSecond} msg/s, ${
      r.megabytesPerSecond.toFixed(2)
    } MB/s, ${r.delivered}/${r.count} delivered in ${Math.round(r.ms)} ms`;
  }
  const r = result;
  const failed = r.failed > 0 ? `, ${r.failed} failed to connect` : "";
  const lost = r.lost > 0 ? `, ${r.lost} lost` : "";
  return `pingpong ${r.peers} peers${mode}${failed}${lost}: ${r.roundTripsPerSecond} round trips/s, p50 ${
    r.p50.toFixed(2)
  } ms, p99 ${r.p99.toFixed(2)} ms over ${r.seconds} s`;
}

/** The figures of a bulk run. */
interface BulkResult {
  scenario: "bulk";
  reliable: boolean;
  size: number;
  count: number;
  delivered: number;
  share: number;
  ms: number;
  messagesPerSecond: number;
  megabytesPerSecond: number;
  failure?: string;
}

/** Streams `settings.count` messages from a client to a server, windowed by its progress. */
async function bulk(
  settings: BenchSettings,
  options: OptionValues,
  output: Output,
): Promise<BulkResult> {
  const { count, size, reliable } = settings;
  let received = 0;
  let highest = 0;
  const server = await BenchEndpoint.listen(settings.bind, 1, options, output);
  server.onReceive = (peer, data, channel) => {
    if (channel !== 0 || data.length < 5) return;
    if (data[0] === BULK) {
      received++;
      highest = Math.max(highest, readU32(data, 1));
      if (received % PROGRESS_EVERY === 0) peer.send(1, message(PROGRESS, 5, highest), RELIABLE);
    } else if (data[0] === END) {
      peer.send(1, message(DONE, 5, received), RELIABLE);
    }
  };
  const clients: BenchClient[] = [];
  try {
    const port = server.connection.getLocalPort();
    const connected = await connectClients(1, settings.bind, port, options, output, clients);
    if (connected.length === 0) throw new Error("the client could not connect");
    const client = connected[0];
    const peer = client.peer!;
    let progress = 0;
    let done = -1;
    let heardAt = performance.now();
    let movedAt = heardAt;
    let wake: (() => void) | null = null;
    client.onReceive = (_peer, data, channel) => {
      if (channel !== 1 || data.length < 5) return;
      heardAt = performance.now();
      if (data[0] === PROGRESS && readU32(data, 1) > progress) {
        progress = readU32(data, 1);
        movedAt = heardAt;
      } else if (data[0] === DONE) done = readU32(data, 1);
      wake?.();
    };
    const window = bulkWindow(size);
    const flags = reliable ? RELIABLE : 0;
    const payload = message(BULK, size, 0);
    const start = performance.now();
    let sent = 0;
    let failure: string | undefined;
    while (done < 0) {
      for (let batch = 0; batch < 256 && sent < count && sent - progress < window; batch++) {
        writeU32(payload, 1, ++sent);
        peer.send(0, payload, flags);
        if (sent === count) peer.send(0, message(END, 5, 0), RELIABLE);
      }
      const now = performance.now();
      if (client.lost || client.failed) {
        failure = "the connection was lost";
        break;
      }
      if (now - heardAt > GIVE_UP_MS) {
        failure = `nothing heard from the server for ${GIVE_UP_MS / 1000} s`;
        break;
      }
      // Lost unreliable messages are never counted: after a silence, assume they are gone.
      if (!reliable && sent < count && now - movedAt > STALL_MS) {
        progress = Math.max(progress, sent - window / 2);
        movedAt = now;
      }
      if (sent < count && sent - progress < window) {
        await new Promise((resolve) => setImmediate(resolve));
      } else {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => wake!(), 1);
          wake = () => {
            clearTimeout(timer);
            wake = null;
            resolve();
          };
        });
      }
    }
    const ms = performance.now() - start;
    const delivered = done >= 0 ? done : received;
    return {
      scenario: "bulk",
      reliable,
      size,
      count,
      delivered,
      share: round(delivered / count, 4),
      ms: round(ms, 1),
      messagesPerSecond: Math.round((delivered * 1000) / ms),
      megabytesPerSecond: round((delivered * size) / 1000 / ms, 2),
      ...(failure === undefined ? {} : { failure }),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  }
}

/** The figures of a ping-pong run. */
interface PingPongResult {
  scenario: "pingpong";
  peers: number;
  failed: number;
  lost: number;
  size: number;
  seconds: number;
  roundTrips: number;
  roundTripsPerSecond: number;
  p50: number;
  p99: number;
  failure?: string;
}

/** `settings.peers` clients each keep one reliable ping in flight to an echo server. */
async function pingpong(
  settings: BenchSettings,
  options: OptionValues,
  output: Output,
): Promise<PingPongResult> {
  const server = await BenchEndpoint.listen(settings.bind, settings.peers, options, output);
  server.onReceive = (peer, data, channel) => peer.send(channel, data, RELIABLE);
  const clients: BenchClient[] = [];
  try {
    const connected = await connectClients(
      settings.peers,
      settings.bind,
      server.connection.getLocalPort(),
      options,
      output,
      clients,
    );
    if (connected.length === 0) throw new Error("no client could connect");
    const samples = new Float64Array(SAMPLE_LIMIT);
    let roundTrips = 0;
    let measuring = true;
    const ping = new Uint8Array(PING_SIZE).fill(0x50);
    for (const client of connected) {
      client.onReceive = () => {
        if (!measuring) return;
        const now = performance.now();
        const rtt = now - client.sentAt;
        // Reservoir sampling: every round trip has the same chance to be kept.
        const slot = roundTrips < SAMPLE_LIMIT
          ? roundTrips
          : Math.floor(Math.random() * (roundTrips + 1));
        if (slot < SAMPLE_LIMIT) samples[slot] = rtt;
        roundTrips++;
        client.sentAt = now;
        client.peer!.send(0, ping, RELIABLE);
      };
    }
    const start = performance.now();
    for (const client of connected) {
      client.sentAt = start;
      client.peer!.send(0, ping, RELIABLE);
    }
    await new Promise((resolve) => setTimeout(resolve, settings.seconds * 1000));
    measuring = false;
    const elapsed = performance.now() - start;
    const { p50, p99 } = percentiles(samples.subarray(0, Math.min(roundTrips, SAMPLE_LIMIT)));
    return {
      scenario: "pingpong",
      peers: connected.length,
      failed: settings.peers - connected.length,
      lost: connected.filter((client) => client.lost).length,
      size: PING_SIZE,
      seconds: settings.seconds,
      roundTrips,
      roundTripsPerSecond: Math.round((roundTrips * 1000) / elapsed),
      p50: p50 < 0 ? p50 : round(p50, 3),
      p99: p99 < 0 ? p99 : round(p99, 3),
      ...(roundTrips === 0 ? { failure: "no ping came back" } : {}),
    };
  } finally {
    await Promise.all(clients.map((client) => client.close()));
    await server.close();
  }
}

/** `value` rounded to `digits` decimals. */
function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
