/**
 * Benchmark of the sans-IO core and the protocol codec, with same-run references.
 *
 * Two core `Host`s are joined in memory (no sockets; a virtual clock advances 1 ms per
 * step; each datagram is handed straight to the other host without a copy), and a
 * workload is pushed one way: small reliable messages, unreliable ones and 64 KiB
 * reliable messages that fragment. Each is compared with a floor measured in the same
 * run: copying the same payload bytes with `Uint8Array.set`. The codec and crc32 are
 * measured per command and per KiB; crc32 is compared with `node:zlib`'s `crc32` where
 * the runtime has it.
 *
 * Run (from the repository root):
 *
 *   deno run -A --v8-flags=--expose-gc,--max-semi-space-size=64 bench/core_bench.ts
 *   bun bench/core_bench.ts
 *   node --expose-gc --max-semi-space-size=64 <tsc output>/bench/core_bench.js
 *
 * Pass `--quick` for a short run. Not a test: nothing here asserts a timing.
 *
 * @module
 */

import { CommandReader, writeCommand } from "../src/protocol/codec.ts";
import type { Command } from "../src/protocol/command.ts";
import { CommandFlag, ProtocolCommand } from "../src/protocol/constants.ts";
import { crc32 } from "../src/protocol/crc32.ts";
import { Host } from "../src/core/host.ts";
import type { Peer } from "../src/core/peer.ts";
import { PacketFlag, type PeerAddress, PeerState } from "../src/core/types.ts";
import { bytesPerOp, fmt, medianTime, printTable, runtimeInfo } from "./bench_util.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];
const QUICK = args.includes("--quick");
const SCALE = QUICK ? 0.1 : 1;

/** Two hosts in memory, client → server, with a virtual clock. */
class Pair {
  readonly client = new Host({ seed: 1 });
  readonly server = new Host({ seed: 2 });
  readonly clientAddress: PeerAddress = { address: "127.0.0.1", port: 1001 };
  readonly serverAddress: PeerAddress = { address: "127.0.0.1", port: 1002 };
  now = 1;
  peer: Peer;
  receivedMessages = 0;
  receivedBytes = 0;

  constructor() {
    this.peer = this.client.connect(this.now, this.serverAddress, 2, 0);
    for (let i = 0; i < 100 && this.peer.state !== PeerState.CONNECTED; i++) this.step();
    if (this.peer.state !== PeerState.CONNECTED) throw new Error("Cannot connect the pair");
    this.step();
  }

  /** One millisecond: the client sends, the server receives and acknowledges. */
  step(): void {
    this.now++;
    this.client.handleTimeout(this.now);
    this.#pump(this.client, this.clientAddress, this.server);
    this.#drain(this.server);
    this.server.handleTimeout(this.now);
    this.#pump(this.server, this.serverAddress, this.client);
    this.#drain(this.client);
  }

  #pump(from: Host, address: PeerAddress, to: Host): void {
    for (let t = from.pollTransmit(); t !== undefined; t = from.pollTransmit()) {
      to.handleDatagram(this.now, address, t.data);
    }
  }

  #drain(host: Host): void {
    for (let e = host.pollEvent(); e !== undefined; e = host.pollEvent()) {
      if (e.type === "receive") {
        this.receivedMessages++;
        this.receivedBytes += e.packet.data.length;
      }
    }
  }
}

interface Workload {
  name: string;
  size: number;
  flags: number;
  count: number;
  /** Messages queued per 1 ms step. */
  burst: number;
}

const WORKLOADS: Workload[] = [
  { name: "reliable 32 B", size: 32, flags: PacketFlag.RELIABLE, count: 200_000, burst: 256 },
  { name: "reliable 200 B", size: 200, flags: PacketFlag.RELIABLE, count: 100_000, burst: 128 },
  { name: "unreliable 200 B", size: 200, flags: 0, count: 100_000, burst: 128 },
  {
    name: "reliable 64 KiB (fragmented)",
    size: 65536,
    flags: PacketFlag.RELIABLE,
    count: 400,
    burst: 1,
  },
];

/** Sends `count` messages through a fresh pair; returns the messages delivered. */
function runWorkload(w: Workload, count: number): Pair {
  const pair = new Pair();
  const payload = new Uint8Array(w.size).fill(7);
  const packet = { data: payload, flags: w.flags };
  let sent = 0;
  while (sent < count) {
    const n = Math.min(w.burst, count - sent);
    for (let i = 0; i < n; i++) pair.peer.send(0, packet);
    sent += n;
    pair.step();
  }
  for (let i = 0; i < 1000 && pair.peer.reliableDataInTransit > 0; i++) pair.step();
  pair.step();
  return pair;
}

/** The floor: copying the same payload bytes, message by message, into a ring. */
function copyFloor(size: number, count: number): void {
  const source = new Uint8Array(size).fill(7);
  const ring = new Uint8Array(Math.max(1 << 20, size));
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + size > ring.length) at = 0;
    ring.set(source, at);
    at += size;
  }
  if (ring[0] !== 7) throw new Error("unreachable");
}

function hostWorkloads(): void {
  const rows: string[][] = [];
  for (const w of WORKLOADS) {
    const count = Math.max(1, Math.round(w.count * SCALE));
    let delivered = 0;
    const ms = medianTime(() => {
      delivered = runWorkload(w, count).receivedMessages;
    }, QUICK ? 3 : 5);
    const floorMs = medianTime(() => copyFloor(w.size, count), 5);
    const allocCount = Math.max(1, Math.round(count / 20));
    const perMessage = bytesPerOp(() => runWorkload(w, allocCount), allocCount);
    const setup = bytesPerOp(() => runWorkload(w, 0), 1) ?? 0;
    const perMessageNet = perMessage === null ? null : perMessage - setup / allocCount;
    rows.push([
      w.name,
      fmt(count / (ms / 1000)),
      fmt((count * w.size) / (ms / 1000) / 1e6),
      `${((100 * delivered) / count).toFixed(1)}%`,
      fmt(ms / floorMs),
      fmt(perMessageNet),
    ]);
  }
  printTable(
    ["workload (in memory)", "msg/s", "MB/s", "delivered", "× copy floor", "B alloc/msg"],
    rows,
  );
}

function codecMicro(): void {
  const buf = new Uint8Array(4096);
  const payload200 = new Uint8Array(200);
  const commands: [string, Command][] = [
    ["ACKNOWLEDGE", {
      command: ProtocolCommand.ACKNOWLEDGE,
      flags: 0,
      channelID: 0,
      reliableSequenceNumber: 5,
      receivedReliableSequenceNumber: 5,
      receivedSentTime: 1234,
    }],
    ["SEND_RELIABLE 32 B", {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: 0,
      reliableSequenceNumber: 9,
      data: new Uint8Array(32),
    }],
    ["SEND_RELIABLE 200 B", {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: 0,
      reliableSequenceNumber: 9,
      data: payload200,
    }],
    ["SEND_FRAGMENT 1352 B", {
      command: ProtocolCommand.SEND_FRAGMENT,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: 0,
      reliableSequenceNumber: 9,
      startSequenceNumber: 9,
      fragmentCount: 49,
      fragmentNumber: 3,
      totalLength: 65536,
      fragmentOffset: 4056,
      data: new Uint8Array(1352),
    }],
  ];
  const reps = Math.round(400_000 * SCALE);
  const rows: string[][] = [];
  const reader = new CommandReader();
  for (const [name, cmd] of commands) {
    const writeMs = medianTime(() => {
      let at = 0;
      for (let i = 0; i < reps; i++) {
        if (at + 1400 > buf.length) at = 0;
        at = writeCommand(buf, at, cmd);
      }
    });
    // A datagram body full of this command, decoded over and over.
    const datagram = new Uint8Array(4096);
    let end = 0;
    let perDatagram = 0;
    while (end + 1400 <= datagram.length && perDatagram < 32) {
      end = writeCommand(datagram, end, cmd);
      perDatagram++;
    }
    const rounds = Math.ceil(reps / perDatagram);
    let decoded = 0;
    const decode = () => {
      for (let r = 0; r < rounds; r++) {
        reader.reset(datagram, 0, end);
        while (reader.next() !== null) decoded++;
      }
    };
    const readMs = medianTime(decode);
    const readAlloc = bytesPerOp(decode, rounds * perDatagram);
    rows.push([
      name,
      fmt((writeMs * 1e6) / reps),
      fmt((readMs * 1e6) / (rounds * perDatagram)),
      fmt(readAlloc),
    ]);
    if (decoded === 0) throw new Error("nothing decoded");
  }
  printTable(["command", "write ns/cmd", "read ns/cmd", "read B alloc/cmd"], rows);
}

async function crcMicro(): Promise<void> {
  const kib = new Uint8Array(1024);
  for (let i = 0; i < kib.length; i++) kib[i] = (i * 31 + 7) & 0xff;
  let zlibCrc: ((data: Uint8Array, value?: number) => number) | null = null;
  try {
    const zlib = await import("node:zlib") as { crc32?: (d: Uint8Array) => number };
    if (typeof zlib.crc32 === "function") zlibCrc = zlib.crc32;
  } catch {
    zlibCrc = null;
  }
  if (zlibCrc !== null && zlibCrc(kib) !== crc32(kib)) throw new Error("crc32 mismatch");
  const reps = Math.round(50_000 * SCALE);
  let sink = 0;
  const ours = medianTime(() => {
    for (let i = 0; i < reps; i++) sink ^= crc32(kib);
  });
  const zlibMs = zlibCrc === null ? null : medianTime(() => {
    for (let i = 0; i < reps; i++) sink ^= zlibCrc!(kib);
  });
  const copyMs = medianTime(() => {
    const dst = new Uint8Array(1024);
    for (let i = 0; i < reps; i++) dst.set(kib);
    sink ^= dst[3];
  });
  const perKib = (ms: number) => (ms * 1e6) / reps;
  printTable(["crc32 over 1 KiB", "ns/KiB", "MB/s", "ratio"], [
    ["ours (table-driven)", fmt(perKib(ours)), fmt(1024 * reps / ours / 1e3), "1"],
    [
      "node:zlib crc32",
      zlibMs === null ? "n/a" : fmt(perKib(zlibMs)),
      zlibMs === null ? "n/a" : fmt(1024 * reps / zlibMs / 1e3),
      zlibMs === null ? "n/a" : `ours = ${fmt(ours / zlibMs)}× zlib`,
    ],
    [
      "Uint8Array.set copy (floor)",
      fmt(perKib(copyMs)),
      fmt(1024 * reps / copyMs / 1e3),
      `ours = ${fmt(ours / copyMs)}× copy`,
    ],
  ]);
  if (sink === 0.5) console.log(sink);
}

async function main(): Promise<void> {
  const rt = runtimeInfo();
  const gc = typeof (globalThis as { gc?: unknown }).gc === "function" && rt.name !== "bun";
  console.log(`## core_bench: ${rt.name} ${rt.version}${QUICK ? " (quick)" : ""}`);
  console.log(
    `date ${new Date().toISOString()}, allocation figures ${gc ? "on" : "off (no gc)"}\n`,
  );
  hostWorkloads();
  console.log();
  codecMicro();
  console.log();
  await crcMicro();
}

await main();
