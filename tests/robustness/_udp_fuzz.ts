/**
 * The datagram fuzzer over real loopback UDP, for `scripts/robustness.ts`: an
 * `ENetConnection` echo server, a well-behaved `ENetConnection` client conversing with it
 * (checked byte-exact), handshaken attacker hosts whose real datagrams are mutated, and
 * 64 source ports throwing mutated captures, random bytes, crafted hostile commands and
 * CONNECT floods. Resident memory is measured with a forced collection before the attack
 * and after the attackers have vanished and timed out.
 *
 * @module
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { createInterface } from "node:readline";
import { ENetConnection } from "../../src/godot/enet_connection.ts";
import type { ENetPacketPeer } from "../../src/godot/enet_packet_peer.ts";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PeerState } from "../../src/core/types.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import { conversationPayload, DeliveryLedger } from "./_conversation.ts";
import { rawEndpoint, send } from "./_udp_attacker.ts";

/** Memory at one point, in bytes, after a forced collection. */
export interface MemorySample {
  /** Resident set size. */
  rss: number;
  /** JavaScript heap in use. */
  heapUsed: number;
  /** JavaScript heap reserved. */
  heapTotal: number;
  /** Memory of ArrayBuffers and other objects outside the heap. */
  external: number;
}

/** What the UDP run measured. */
export interface UdpFuzzResult {
  /** Hostile datagrams sent, by kind. */
  sent: Record<string, number>;
  /** Hostile datagrams the server's host received (the rest were lost in socket buffers). */
  serverReceived: number;
  /** Wall-clock seconds of the attack and the hostile datagrams per second taken in. */
  seconds: number;
  rate: number;
  /** Reliable packets echoed back byte-exact during the run. */
  reliableEchoed: number;
  /** Delivery violations (must be empty). */
  errors: string[];
  /** Whether the client stayed connected throughout. */
  clientConnected: boolean;
  /** Seconds after the attackers vanished until fresh clients got every free slot. */
  reclaimSeconds: number;
  /** Fresh clients that then connected, of the server's free slots (all must get in). */
  probesConnected: number;
  /** Free slots probed. */
  probes: number;
  /**
   * Memory before the attack, right after it, once the attackers timed out (the
   * conversation still running), and 15 s after the conversation stopped (`settled`).
   */
  memory: {
    before: MemorySample;
    during: MemorySample;
    after: MemorySample;
    settled?: MemorySample;
  };
}

/** Forces a full collection where the runtime allows it, then samples memory. */
export function sampleMemory(): MemorySample {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  for (let i = 0; i < 3; i++) {
    if (g.Bun !== undefined) g.Bun.gc(true);
    else g.gc?.();
  }
  const usage = process.memoryUsage();
  return {
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
  };
}

/** Whether `sampleMemory` can force a collection here. */
export function canForceGc(): boolean {
  const g = globalThis as { gc?: unknown; Bun?: unknown };
  return typeof g.gc === "function" || g.Bun !== undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Connects `count` fresh clients from their own ports; returns how many got in. */
async function probeSlots(port: number, count: number): Promise<number> {
  const hosts: Host[] = [];
  const transports: DatagramTransport[] = [];
  const peers: Peer[] = [];
  for (let i = 0; i < count; i++) {
    const host = new Host({ seed: 500 + i, peerCount: 1 });
    transports.push(
      await rawEndpoint((data, address, fromPort) =>
        host.handleDatagram(performance.now(), { address, port: fromPort }, data)
      ),
    );
    hosts.push(host);
    peers.push(host.connect(performance.now(), { address: "127.0.0.1", port }, 1, 0));
  }
  for (let k = 0; k < 200 && peers.some((p) => p.state !== PeerState.CONNECTED); k++) {
    for (let i = 0; i < count; i++) {
      hosts[i].handleTimeout(performance.now());
      for (let t = hosts[i].pollTransmit(); t !== undefined; t = hosts[i].pollTransmit()) {
        send(transports[i], t.data, port);
      }
      for (let e = hosts[i].pollEvent(); e !== undefined; e = hosts[i].pollEvent());
    }
    await sleep(25);
  }
  const connected = peers.filter((p) => p.state === PeerState.CONNECTED).length;
  for (let i = 0; i < count; i++) {
    peers[i].disconnectNow();
    for (let t = hosts[i].pollTransmit(); t !== undefined; t = hosts[i].pollTransmit()) {
      send(transports[i], t.data, port);
    }
    await transports[i].close();
  }
  return connected;
}

/**
 * Runs the server and client, and the attack in a child process.
 *
 * @param total Hostile datagrams to send (a tenth of them are CONNECT floods).
 * @param rate Datagrams per second the attacker aims for.
 * @param attacker The command line that runs `attack` in this runtime (without arguments).
 * @param log Progress lines.
 */
export async function udpFuzz(
  total: number,
  rate: number,
  attacker: string[],
  log: (line: string) => void,
): Promise<UdpFuzzResult> {
  const server = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 64, 8);
  const port = server.getLocalPort();
  const client = new ENetConnection();
  await client.createHost(1, 4);
  const channels = 3;
  const ledger = new DeliveryLedger(channels);
  const sent = new Array(channels).fill(0);
  let serverReceived = 0;
  let clientDisconnected = false;
  let clientPeerOnServer: ENetPacketPeer | null = null;
  const clientPort = client.getLocalPort();
  const serverLoop = (async () => {
    for await (const event of server) {
      if (event.type === ENetConnection.EVENT_RECEIVE) {
        if (event.peer === clientPeerOnServer) {
          event.peer.send(event.channel, event.packet, event.flags & 3);
        }
      } else if (
        event.type === ENetConnection.EVENT_CONNECT && event.peer.getRemotePort() === clientPort
      ) {
        clientPeerOnServer = event.peer;
      }
    }
  })();
  const peer = await client.connectToHost("127.0.0.1", port, channels);
  const clientLoop = (async () => {
    for await (const event of client) {
      if (event.type === ENetConnection.EVENT_RECEIVE) {
        const error = ledger.check(event.channel, event.packet);
        if (error !== null) ledger.errors.push(error);
      } else if (event.type === ENetConnection.EVENT_DISCONNECT) {
        clientDisconnected = true;
      }
    }
  })();
  let unreliable = 0;
  const pump = setInterval(() => {
    if (peer.getState() !== 5) return;
    for (let c = 0; c < channels; c++) {
      if (sent[c] - ledger.next[0][c] < 32) peer.send(c, conversationPayload(0, c, sent[c]++), 1);
      peer.send(c, conversationPayload(1, c, unreliable), 0);
      peer.send(c, conversationPayload(2, c, unreliable), 2);
    }
    unreliable++;
  }, 5);
  while (clientPeerOnServer === null) await sleep(10);

  // The attack runs in a child process, so only the server's memory is measured here.
  const child = spawnAttacker(attacker, port, total, rate);
  let counts: Record<string, number> = {};
  let before: MemorySample | null = null;
  const readServer = () => {
    serverReceived += server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS);
    legitimate += client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS);
  };
  let legitimate = 0;
  let feed: ReturnType<typeof setInterval> | undefined;
  const started = { at: 0 };
  for await (const line of child.lines) {
    if (line === "ready") {
      readServer();
      serverReceived = 0;
      legitimate = 0;
      before = sampleMemory();
      started.at = performance.now();
      feed = setInterval(() => {
        readServer();
        child.tell(serverReceived - legitimate);
      }, 20);
      log(
        `attackers connected; rss ${
          (before.rss / 2 ** 20).toFixed(1)
        } MiB; throwing ${total} datagrams`,
      );
      child.go();
    } else if (line.startsWith("done ")) {
      counts = JSON.parse(line.slice(5));
      clearInterval(feed);
      break;
    } else {
      readServer();
      log(
        `${line}; server took in ${serverReceived - legitimate}, ${
          sumOf(ledger.next[0])
        } reliable echoed`,
      );
    }
  }
  const seconds = (performance.now() - started.at) / 1000;
  await sleep(200);
  readServer();
  // Attacker sessions (legitimate datagrams of handshaken attackers) count as received too.
  const fuzzedReceived = Math.min(serverReceived - legitimate, sumOf(Object.values(counts)));
  const during = sampleMemory();
  await child.exit;
  const vanished = performance.now();
  // Connected attackers show in getPeers(); half-open slots from the CONNECT floods do not,
  // so wait out C ENet's 30 s maximum timeout (plus a retransmission) for those too.
  while (
    (server.getPeers().length > 1 || performance.now() - vanished < 40_000) &&
    performance.now() - vanished < 240_000
  ) await sleep(100);
  for (const lingering of server.getPeers()) {
    if (lingering === clientPeerOnServer) continue;
    log(
      `peer still connected after ${
        ((performance.now() - vanished) / 1000).toFixed(0)
      } s: port ${lingering.getRemotePort()}, state ${lingering.getState()}, round trip ${
        lingering.getStatistic(3)
      } ms, variance ${lingering.getStatistic(4)} ms`,
    );
  }
  const after = sampleMemory();
  clearInterval(pump);
  const target = sumOf(sent);
  for (let i = 0; i < 500 && sumOf(ledger.next[0]) < target; i++) await sleep(10);
  const reliableEchoed = sumOf(ledger.next[0]);
  if (reliableEchoed !== target) {
    ledger.errors.push(`${target - reliableEchoed} reliable echoes missing`);
  }
  // The conversation has stopped (both hosts stay connected and idle): V8 gives back the
  // young generation it grew for the allocation rate once that rate has stayed low for a
  // while (its throughput average spans seconds).
  await sleep(15_000);
  const settled = sampleMemory();
  const clientConnected = !clientDisconnected && peer.getState() === 5;
  // Fresh clients must get every free slot; retry while slots of lying attackers (whose
  // round-trip times they stretched) are still timing out.
  const probes = 63;
  let probesConnected = await probeSlots(port, probes);
  for (let i = 0; i < 4 && probesConnected < probes; i++) {
    await sleep(30_000);
    probesConnected = await probeSlots(port, probes);
  }
  const reclaimSeconds = (performance.now() - vanished) / 1000;
  await client.destroy();
  await server.destroy();
  await Promise.all([serverLoop, clientLoop]);
  return {
    sent: counts,
    serverReceived: fuzzedReceived,
    seconds,
    rate: fuzzedReceived / seconds,
    reliableEchoed,
    errors: ledger.errors,
    clientConnected,
    reclaimSeconds,
    probesConnected,
    probes,
    memory: { before: before ?? after, during, after, settled },
  };
}

function sumOf(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** A running attacker process: its stdout lines, a go signal, its exit. */
export interface AttackerProcess {
  lines: AsyncIterable<string>;
  go(): void;
  tell(taken: number): void;
  exit: Promise<void>;
}

/**
 * Starts the attacker process (`command --attack PORT TOTAL RATE`).
 *
 * @param command This runtime's command line for the robustness script.
 * @param port The port to attack.
 * @param total Datagrams to throw.
 * @param rate Datagrams per second aimed at.
 * @returns The running attacker.
 */
export function spawnAttacker(
  command: string[],
  port: number,
  total: number,
  rate: number,
): AttackerProcess {
  const child = spawn(command[0], [
    ...command.slice(1),
    "--attack",
    `${port}`,
    `${total}`,
    `${rate}`,
  ], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const exit = new Promise<void>((resolve) => child.on("close", () => resolve()));
  return {
    lines: createInterface({ input: child.stdout! }),
    go: () => child.stdin!.write("go\n"),
    tell: (taken) => child.stdin!.write(`${taken}\n`),
    exit,
  };
}
