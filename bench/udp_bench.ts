/**
 * End-to-end benchmark over loopback UDP: our ENet (core `Host` + `HostDriver` + the
 * runtime's UDP adapter) against C ENet (the system libenet, through
 * `bench/c/enet_bench.c`), with every client/server pairing measured in the same run:
 * C→C, TS→TS, TS client→C server and C client→TS server.
 *
 * Workloads (client → server, channel 0, reliable): a stream of 20,000 messages of
 * 200 bytes, timed until the server confirms it counted them all, and a ping-pong of
 * 2,000 round trips of 200 bytes, the server echoing each. The protocol is in
 * `bench/c/enet_bench.c`. Each server runs in its own process; the TypeScript server
 * is this script under the same runtime with `--serve`.
 *
 * Run from the repository root (it builds `bench/c/bin/enet_bench` first):
 *
 *   deno run -A bench/udp_bench.ts
 *   bun bench/udp_bench.ts
 *   node <tsc output>/bench/udp_bench.js
 *
 * `--quick` runs a tenth of the workload once. Not a test: nothing here asserts a timing.
 *
 * @module
 */

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { openUdpTransport } from "../adapters/mod.ts";
import { Host } from "../src/core/host.ts";
import { type HostEvent, PacketFlag } from "../src/core/types.ts";
import { HostDriver } from "../src/driver/host_driver.ts";
import { fmt, printTable, runtimeInfo } from "./bench_util.ts";

const args = (globalThis as { Deno?: { args: string[] } }).Deno?.args ??
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];
const QUICK = args.includes("--quick");
const DEADLINE_MS = 60_000;
const C_BINARY = "bench/c/bin/enet_bench";
const SIZE = 200;
const STREAM_COUNT = QUICK ? 2_000 : 20_000;
const PINGPONG_COUNT = QUICK ? 200 : 2_000;
const REPEATS = QUICK ? 1 : 3;

type Driver = HostDriver<HostEvent, unknown>;
type Workload = "stream" | "pingpong";

function message(kind: string, value: number, size: number): Uint8Array {
  const data = new Uint8Array(Math.max(size, 8)).fill(0x5a);
  data[0] = kind.charCodeAt(0);
  new DataView(data.buffer).setUint32(1, value);
  return data;
}

async function openDriver(): Promise<Driver> {
  const transport = await openUdpTransport({ address: "127.0.0.1" });
  const host = new Host({ peerCount: 4, channelLimit: 2 });
  return new HostDriver(host, transport) as Driver;
}

async function nextOf(driver: Driver, type: HostEvent["type"], deadline: number) {
  for (;;) {
    const left = deadline - performance.now();
    if (left <= 0) throw new Error(`Cannot finish: no ${type} event in time`);
    const event = await driver.nextEvent(left);
    if (event === null) continue;
    if (event.type === type) return event;
    if (event.type === "disconnect") throw new Error("Cannot finish: disconnected");
  }
}

/** The TypeScript server: the same protocol as the C one; exits when its client leaves. */
async function serve(): Promise<void> {
  const driver = await openDriver();
  console.log(`PORT ${driver.transport.localAddress.port}`);
  const deadline = performance.now() + DEADLINE_MS;
  let count = 0;
  let connected = false;
  while (performance.now() < deadline) {
    const event = await driver.nextEvent(deadline - performance.now());
    if (event === null) continue;
    if (event.type === "connect") connected = true;
    else if (event.type === "disconnect" && connected) break;
    else if (event.type === "receive") {
      const data = event.packet.data;
      if (data[0] === 0x53) count++; // 'S'
      else if (data[0] === 0x45) { // 'E'
        event.peer.send(0, { data: message("D", count, 8), flags: PacketFlag.RELIABLE });
        count = 0;
        driver.scheduleFlush();
      } else if (data[0] === 0x50) { // 'P': echo without a copy, as the C server does
        event.peer.send(0, { data, flags: PacketFlag.RELIABLE | PacketFlag.NO_ALLOCATE });
        driver.scheduleFlush();
      }
    }
  }
  driver.flush();
  await driver.close();
}

/** The TypeScript client; returns the workload's milliseconds. */
async function tsClient(port: number, workload: Workload, count: number): Promise<number> {
  const driver = await openDriver();
  try {
    const deadline = performance.now() + DEADLINE_MS;
    const peer = driver.connect("127.0.0.1", port, 2, 0) as HostEvent["peer"];
    await nextOf(driver, "connect", deadline);
    const start = performance.now();
    if (workload === "stream") {
      for (let i = 0; i < count; i++) {
        peer.send(0, { data: message("S", i, SIZE), flags: PacketFlag.RELIABLE });
      }
      peer.send(0, { data: message("E", 0, 8), flags: PacketFlag.RELIABLE });
      driver.flush();
      const done = await nextOf(driver, "receive", deadline);
      if (done.type !== "receive") throw new Error("unreachable");
      const got = new DataView(done.packet.data.buffer, done.packet.data.byteOffset).getUint32(1);
      if (got !== count) throw new Error(`Cannot finish: the server counted ${got} of ${count}`);
    } else {
      for (let i = 0; i < count; i++) {
        peer.send(0, { data: message("P", i, SIZE), flags: PacketFlag.RELIABLE });
        driver.flush();
        await nextOf(driver, "receive", deadline);
      }
    }
    const elapsed = performance.now() - start;
    peer.disconnect(0);
    driver.flush();
    await nextOf(driver, "disconnect", performance.now() + 1000).catch(() => null);
    return elapsed;
  } finally {
    await driver.close();
  }
}

function selfCommand(): string[] {
  const script = fileURLToPath(import.meta.url);
  const g = globalThis as { Deno?: { execPath(): string }; process?: { execPath: string } };
  if (g.Deno !== undefined) return [g.Deno.execPath(), "run", "-A", script];
  return [g.process!.execPath, script];
}

/** Reads a child's stdout until a line starting with `prefix`; returns the rest. */
function readLine(child: ChildProcess, prefix: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(
      () => reject(new Error(`Cannot read ${prefix}: timeout`)),
      DEADLINE_MS,
    );
    const onData = (chunk: Uint8Array) => {
      buffered += new TextDecoder().decode(chunk);
      const line = buffered.split("\n").find((l) => l.startsWith(prefix + " "));
      if (line !== undefined) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve(line.slice(prefix.length + 1).trim());
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Cannot read ${prefix}: process exited with ${code}`));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

async function runPair(
  client: "C" | "TS",
  server: "C" | "TS",
  workload: Workload,
  count: number,
): Promise<number> {
  const [cmd, ...rest] = server === "C" ? [C_BINARY] : selfCommand();
  const serverProcess = spawn(cmd, [...rest, server === "C" ? "server" : "--serve"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const killer = setTimeout(() => serverProcess.kill(), DEADLINE_MS + 5000);
  try {
    const port = Number(await readLine(serverProcess, "PORT"));
    if (client === "TS") return await tsClient(port, workload, count);
    const clientProcess = spawn(
      C_BINARY,
      ["client", String(port), workload, String(count), String(SIZE)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const result = Number(await readLine(clientProcess, "RESULT"));
    await exited(clientProcess);
    return result;
  } finally {
    await Promise.race([exited(serverProcess), new Promise((r) => setTimeout(r, 3000))]);
    if (serverProcess.exitCode === null) serverProcess.kill();
    await exited(serverProcess);
    clearTimeout(killer);
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  if (existsSync("bench/c/build.sh")) {
    execFileSync("bash", ["bench/c/build.sh"], { stdio: "inherit" });
  }
  if (!existsSync(C_BINARY)) {
    throw new Error(`Cannot run: ${C_BINARY} missing (run from the repository root)`);
  }
  const rt = runtimeInfo();
  console.log(`## udp_bench: ${rt.name} ${rt.version}${QUICK ? " (quick)" : ""}`);
  console.log(`date ${new Date().toISOString()}, loopback 127.0.0.1, median of ${REPEATS}\n`);
  const pairs: ["C" | "TS", "C" | "TS"][] = [["C", "C"], ["TS", "TS"], ["TS", "C"], ["C", "TS"]];
  const rows: string[][] = [];
  for (const workload of ["stream", "pingpong"] as const) {
    const count = workload === "stream" ? STREAM_COUNT : PINGPONG_COUNT;
    let reference = Number.NaN;
    for (const [client, server] of pairs) {
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) times.push(await runPair(client, server, workload, count));
      const ms = median(times);
      if (client === "C" && server === "C") reference = ms;
      const label = workload === "stream"
        ? `stream ${count} × ${SIZE} B reliable`
        : `ping-pong ${count} × ${SIZE} B`;
      rows.push([
        label,
        `${client} → ${server}`,
        fmt(ms),
        workload === "stream"
          ? `${fmt(count / (ms / 1000))} msg/s`
          : `${fmt((ms * 1000) / count)} µs/RTT`,
        fmt(ms / reference),
      ]);
    }
  }
  printTable(["workload", "client → server", "ms", "rate", "× C→C"], rows);
}

if (args.includes("--serve")) await serve();
else await main();
