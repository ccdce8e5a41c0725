/**
 * Renders a suite's figures as docs/benchmarks.md: the machine, the ratios to C per
 * runtime, then one table per scenario group, the raw UDP ceilings and the codecs.
 *
 * @module
 */

import type { Side } from "./children.ts";
import type { MachineInfo } from "./machine.ts";
import type { Pair } from "./measure.ts";
import { type Measurement, pairLabel, type SuiteResult } from "./suite.ts";

/**
 * Formats a number compactly (3 significant digits, k/M suffixes).
 *
 * @param value The number.
 * @returns The text; "n/a" for NaN.
 */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${(value / 1e6).toPrecision(3)}M`;
  if (abs >= 1e4) return `${(value / 1e3).toPrecision(3)}k`;
  if (abs >= 100) return value.toFixed(0);
  return value.toPrecision(3);
}

const ratio = (value: number) => Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a";
const percent = (value: number) => Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : "n/a";
const sideName = (side: Side) => side === "c" ? "C" : side;
const pairName = (pair: Pair) =>
  pair.client === pair.server
    ? `${sideName(pair.client)} ↔ ${sideName(pair.server)}`
    : `${sideName(pair.client)} client → ${sideName(pair.server)} server`;

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
  for (const row of rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

/**
 * The figures of one scenario and pairing.
 *
 * @param result The suite's figures.
 * @param scenario The scenario id.
 * @param pair The pairing.
 * @returns The median figures, or undefined.
 */
export function figuresOf(result: SuiteResult, scenario: string, pair: Pair) {
  return result.measurements.find((m) =>
    m.scenario === scenario && pairLabel(m.pair) === pairLabel(pair)
  )?.figures;
}

/**
 * A figure of a pairing divided by the same figure of C ↔ C in the same run.
 *
 * @param result The suite's figures.
 * @param scenario The scenario id.
 * @param pair The pairing.
 * @param key The figure.
 * @returns The ratio (NaN when missing).
 */
export function ratioToC(result: SuiteResult, scenario: string, pair: Pair, key: string): number {
  const value = figuresOf(result, scenario, pair)?.[key] ?? NaN;
  const reference = figuresOf(result, scenario, { client: "c", server: "c" })?.[key] ?? NaN;
  return value / reference;
}

function summary(result: SuiteResult): string {
  const header = ["scenario (figure)"];
  const columns: Pair[] = [];
  for (const r of result.runtimes) {
    header.push(`${r} ↔ ${r}`, `C → ${r} server`, `${r} client → C`);
    columns.push({ client: r, server: r }, { client: "c", server: r }, { client: r, server: "c" });
  }
  const rows: string[][] = [];
  for (const s of result.scenarios) {
    const figure = s.group === "tick" ? "share echoed" : s.group === "bulk" ? "msg/s" : "RTT/s";
    rows.push([
      `${s.title} (${figure})`,
      ...columns.map((p) => ratio(ratioToC(result, s.id, p, s.headline))),
    ]);
    if (s.group === "tick") {
      rows.push([
        `${s.title} (server CPU, lower is better)`,
        ...columns.map((p) => ratio(ratioToC(result, s.id, p, "serverCores"))),
      ]);
    }
  }
  return table(header, rows);
}

function groupTable(
  result: SuiteResult,
  group: string,
  header: string[],
  cells: (m: Measurement) => string[],
): string {
  const rows: string[][] = [];
  for (const s of result.scenarios.filter((s) => s.group === group)) {
    for (const m of result.measurements.filter((m) => m.scenario === s.id)) {
      const failed = m.runs < result.runs
        ? ` (${result.runs - m.runs} of ${result.runs} runs failed)`
        : "";
      rows.push([
        s.title,
        pairName(m.pair) + failed,
        ...cells(m),
        ratio(ratioToC(result, s.id, m.pair, s.headline)),
      ]);
    }
  }
  return table(["scenario", "pairing", ...header, "× C ↔ C"], rows);
}

function pingPongTable(result: SuiteResult): string {
  const header = ["round trips/s", "p50 RTT ms", "p99 RTT ms", "peers lost"];
  return groupTable(result, "pingpong", header, (m) => [
    compact(m.figures.roundTripsPerSecond),
    compact(m.figures.p50),
    compact(m.figures.p99),
    String(m.figures.peersLost ?? "n/a"),
  ]);
}

function tickTable(result: SuiteResult): string {
  const header = ["sent", "echoed", "peers lost", "server CPU (cores)", "server memory / peer"];
  return groupTable(result, "tick", header, (m) => [
    percent(m.figures.sentShare),
    percent(m.figures.echoed),
    String(m.figures.peersLost ?? "n/a"),
    Number.isFinite(m.figures.serverCores) ? m.figures.serverCores.toFixed(2) : "n/a",
    Number.isFinite(m.figures.bytesPerPeer) ? `${compact(m.figures.bytesPerPeer)} B` : "n/a",
  ]);
}

function rawTable(result: SuiteResult): string {
  const pingpongs = result.scenarios.filter((s) => s.group === "pingpong");
  const last = pingpongs[0]; // one ping in flight per peer: one datagram per ping
  const bulk = result.scenarios.find((s) => s.group === "bulk");
  const rows = (Object.keys(result.raw) as Side[]).map((side) => {
    const pair = { client: side, server: side };
    const enet = last === undefined
      ? NaN
      : figuresOf(result, last.id, pair)?.roundTripsPerSecond ?? NaN;
    const raw = result.raw[side]!;
    // A bare round trip is one datagram out and one in on each socket.
    const datagrams = bulk === undefined
      ? NaN
      : figuresOf(result, bulk.id, pair)?.datagramsPerSecond ?? NaN;
    return [
      sideName(side),
      compact(raw),
      compact(enet),
      percent(enet / raw),
      compact(datagrams),
      percent(datagrams / (2 * raw)),
    ];
  });
  return table(
    [
      "side",
      "bare UDP round trips/s",
      `ENet round trips/s (${last?.title ?? "n/a"})`,
      "ENet / bare",
      `datagrams/s per socket (${bulk?.title ?? "n/a"})`,
      "share of bare",
    ],
    rows,
  );
}

function codecTable(result: SuiteResult): string {
  const rows: string[][] = [];
  const cRange = result.codecs.c?.find((c) => c.mode === "range-coder");
  for (const side of Object.keys(result.codecs) as Side[]) {
    for (const codec of result.codecs[side]!) {
      const vsC = codec.mode === "range-coder" && cRange !== undefined
        ? `${ratio(codec.compressMBs / cRange.compressMBs)} / ${
          ratio(codec.decompressMBs / cRange.decompressMBs)
        }`
        : "";
      rows.push([
        sideName(side),
        codec.mode,
        codec.ratio.toFixed(3),
        compact(codec.compressMBs),
        compact(codec.decompressMBs),
        vsC,
      ]);
    }
  }
  return table(
    [
      "side",
      "codec",
      "size ratio",
      "compress MB/s",
      "decompress MB/s",
      "× C (compress / decompress)",
    ],
    rows,
  );
}

/**
 * Renders the report.
 *
 * @param result The suite's figures.
 * @param machine The machine.
 * @param chartName The chart's file name, next to the report.
 * @param note A paragraph for the top, if any.
 * @returns Markdown.
 */
export function renderReport(
  result: SuiteResult,
  machine: MachineInfo,
  chartName: string,
  note?: string,
): string {
  const versions = Object.entries(machine.versions).map(([k, v]) => `${k}: ${v}`).join("; ");
  return `# Benchmarks
${note === undefined ? "" : `\n${note}\n`}
Generated by \`npm run bench\`${
    result.quick ? " --quick (smoke run: sizes too small to mean anything)" : ""
  }
on ${machine.date}: ${machine.cores} cores, ${machine.cpu}, ${machine.memoryGiB} GiB; ${versions}.
Every figure is the median of ${result.runs} run(s), the pairings alternating between runs, over
loopback UDP. **Read the ratios, not the absolute figures**: each is a pairing's figure divided by
C ENet ↔ C ENet's in the same run, and the machine may be shared and noisy. "C" is the system
libenet driven by bench/c/enet_suite.c; the TypeScript peers use only the public
\`ENetConnection\` / \`ENetPacketPeer\` API (one connection per peer, as in Godot) over each
runtime's own UDP adapter. bench/suite/ has the method; the chart is drawn from the
first table.

## Ratios to C ↔ C (higher is better unless marked)

${summary(result)}

![TS ↔ TS throughput as a share of C ↔ C](${chartName})

## Bulk one-way throughput

A client streams messages on channel 0 to a server that counts them, keeping at most 256 KiB of
payload (at least 256 messages) beyond the server's last progress report (one every 64 messages);
timed from the first send to the server's final count. Messages/s and MB/s count what arrived;
share delivered is below 100% only for unreliable streams (the sender outran the receiver).

${
    groupTable(result, "bulk", ["msg/s", "MB/s", "delivered"], (m) => [
      compact(m.figures.messagesPerSecond),
      compact(m.figures.megabytesPerSecond),
      percent(m.figures.delivered),
    ])
  }

## N-peer ping-pong

Each peer keeps k reliable 32-byte pings in flight to an echo server for 5 s; RTT from
the client's clock carried in the ping. Peers lost: connections that timed out under the load
(their pings stop; the others go on).

${pingPongTable(result)}

## Game tick

N peers each send 64 B unreliable at 20 Hz (staggered) to an echo server: 1 s of warm-up,
then a measured window of 3 s, then 500 ms for the last echoes; the clients turn ENet's throttle
deceleration off so losses show capacity, not ENet backing off. "Sent" is the share of the window's
schedule the client managed to send (below 100%: the client was the bottleneck); "echoed" is the
window's ticks echoed / the window's ticks sent (each tick carries its index). Server CPU is user +
system time from /proc over the window, in cores, the server's steady state rather than its first
compilation; memory per peer is the server's RSS growth from idle to the end of the window, per
peer.

${tickTable(result)}

## Bare UDP ceiling

Each runtime's own UDP adapter (C: plain sockets), no ENet: ${result.rawSetup.inflight} datagrams
of ${result.rawSetup.size} B kept in flight to an echo server, both ends on the same side. "ENet /
bare" is that side's ENet ping-pong with one ping in flight per peer (both ends on the side) as a
share of it. The bulk columns count the datagrams through each socket of that side's first bulk
stream (data one way, acknowledgements the other), against the bare echo's two per round trip.

${rawTable(result)}

## Codecs

Every compression mode on a corpus of 64 game-state snapshots (48-1152 B), one datagram at a
time, round trips checked. C ENet ships only the range coder.

${codecTable(result)}
`;
}
