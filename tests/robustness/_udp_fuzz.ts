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

import process from "node:process";
import { ENetConnection } from "../../src/godot/enet_connection.ts";
import type { ENetPacketPeer } from "../../src/godot/enet_packet_peer.ts";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { openUdpTransport } from "../../adapters/mod.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import { seededRandom } from "../helpers/sim_network.ts";
import { conversationPayload, DeliveryLedger } from "./_conversation.ts";
import {
  capturedCorpus,
  connectCommand,
  hostileCommand,
  mutate,
  pick,
  randomBytes,
  seal,
} from "./_fuzz.ts";

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
  /** Wall-clock seconds of the attack and the datagrams per second it held. */
  seconds: number;
  rate: number;
  /** Reliable packets echoed back byte-exact during the run. */
  reliableEchoed: number;
  /** Delivery violations (must be empty). */
  errors: string[];
  /** Whether the client stayed connected throughout. */
  clientConnected: boolean;
  /** Seconds waited after the attackers vanished, for their peers to time out. */
  reclaimSeconds: number;
  /** Fresh clients that then connected, of the server's free slots (all must get in). */
  probesConnected: number;
  /** Free slots probed. */
  probes: number;
  /** Memory before the attack, after it, and once the attackers timed out. */
  memory: { before: MemorySample; during: MemorySample; after: MemorySample };
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

interface Attacker {
  host: Host;
  transport: DatagramTransport;
  peer: Peer;
  captured: Uint8Array[];
}

async function rawEndpoint(
  onData: (data: Uint8Array, address: string, port: number) => void,
): Promise<DatagramTransport> {
  const transport = await openUdpTransport({ address: "127.0.0.1", port: 0 });
  const reader = transport.readable.getReader();
  transport.setReceiver?.(onData);
  void (async () => {
    try {
      for (;;) {
        const r = await reader.read();
        if (r.done) break;
        onData(r.value.data, r.value.address, r.value.port);
      }
    } catch {
      // Closed.
    }
  })();
  return transport;
}

function send(transport: DatagramTransport, data: Uint8Array, port: number): void {
  transport.send!({ data, address: "127.0.0.1", port });
}

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
 * Runs the fuzzer.
 *
 * @param total Hostile datagrams to send (a tenth of them are CONNECT floods).
 * @param log Progress lines.
 */
export async function udpFuzz(total: number, log: (line: string) => void): Promise<UdpFuzzResult> {
  const r = seededRandom(0xf022);
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

  // Attackers: core hosts driven by hand over their own sockets.
  const attackers: Attacker[] = [];
  for (let i = 0; i < 4; i++) {
    const host = new Host({ seed: 300 + i, peerCount: 1 });
    const attacker = { host, captured: [] } as unknown as Attacker;
    attacker.transport = await rawEndpoint((data, address, fromPort) => {
      host.handleDatagram(performance.now(), { address, port: fromPort }, data);
    });
    attacker.peer = host.connect(performance.now(), { address: "127.0.0.1", port }, 4, 0);
    attackers.push(attacker);
  }
  let legitimate = 0;
  const serviceAttackers = (talk: boolean) => {
    const now = performance.now();
    for (const a of attackers) {
      if (a.peer.state === PeerState.DISCONNECTED) {
        a.peer = a.host.connect(now, { address: "127.0.0.1", port }, 4, 0);
      }
      if (talk && a.peer.state === PeerState.CONNECTED) {
        const size = r() < 0.1 ? 1500 + pick(r, 3000) : pick(r, 200);
        const flags = [PacketFlag.RELIABLE, 0, PacketFlag.UNSEQUENCED][pick(r, 3)];
        a.peer.send(pick(r, 4), { data: randomBytes(r, size), flags });
      }
      a.host.handleTimeout(now);
      for (let t = a.host.pollTransmit(); t !== undefined; t = a.host.pollTransmit()) {
        send(a.transport, t.data, port);
        legitimate++;
        if (a.captured.length >= 32) a.captured.splice(pick(r, 32), 1);
        a.captured.push(t.data.slice());
      }
      for (let e = a.host.pollEvent(); e !== undefined; e = a.host.pollEvent());
    }
  };
  const fuzzers = await Promise.all(Array.from({ length: 64 }, () => rawEndpoint(() => {})));
  const corpus = capturedCorpus();
  for (let i = 0; i < 50 && attackers.some((a) => a.peer.state !== PeerState.CONNECTED); i++) {
    serviceAttackers(false);
    await sleep(20);
  }
  await sleep(500);
  const readServer = () => {
    serverReceived += server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS);
    legitimate += client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS);
  };
  readServer();
  serverReceived = 0;
  legitimate = 0;
  const before = sampleMemory();
  log(`connected; rss ${(before.rss / 2 ** 20).toFixed(1)} MiB; throwing ${total} datagrams`);

  const counts: Record<string, number> = {
    mutatedSession: 0,
    mutatedCapture: 0,
    random: 0,
    crafted: 0,
    connect: 0,
  };
  const started = performance.now();
  let thrown = 0;
  let batch = 0;
  while (thrown < total) {
    serviceAttackers(batch++ % 4 === 0);
    for (let i = 0; i < 200 && thrown < total; i++, thrown++) {
      const choice = r();
      const a = attackers[pick(r, attackers.length)];
      const fuzzer = fuzzers[pick(r, fuzzers.length)];
      if (choice < 0.1) {
        const target = { peerID: 0xfff, sessionID: 0, connectID: 0 };
        send(
          fuzzer,
          seal(
            target,
            { checksum: false, compressor: null },
            [connectCommand(r, pick(r, 4096))],
            pick(r, 65536),
          ),
          port,
        );
        counts.connect++;
      } else if (choice < 0.4 && a.captured.length > 0) {
        const base = a.captured[pick(r, a.captured.length)];
        send(a.transport, mutate(r, base, a.captured[pick(r, a.captured.length)]), port);
        counts.mutatedSession++;
      } else if (choice < 0.6) {
        send(
          fuzzer,
          mutate(r, corpus[pick(r, corpus.length)], corpus[pick(r, corpus.length)]),
          port,
        );
        counts.mutatedCapture++;
      } else if (choice < 0.75) {
        send(fuzzer, randomBytes(r, 1500), port);
        counts.random++;
      } else {
        const target = {
          peerID: a.peer.outgoingPeerID,
          sessionID: a.peer.outgoingSessionID,
          connectID: a.peer.connectID,
        };
        const commands = Array.from({ length: 1 + pick(r, 6) }, () => hostileCommand(r, 4));
        send(
          a.transport,
          seal(target, { checksum: false, compressor: null }, commands, pick(r, 65536)),
          port,
        );
        counts.crafted++;
      }
    }
    // Pace the attack to what the server takes in, so the datagrams are fuzzed rather than
    // lost in socket buffers (each wait is bounded: a server falling behind still loses some).
    for (let w = 0; w < 50; w++) {
      const taken = serverReceived;
      await sleep(1);
      readServer();
      if (serverReceived - legitimate >= thrown - 400 || serverReceived === taken) break;
    }
    if (thrown % 100_000 < 200) {
      log(
        `${thrown} thrown, ${
          ledger.next[0].reduce((x, y) => x + y, 0)
        } reliable echoed, ${server.getPeers().length} peers`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const during = sampleMemory();
  // The attackers vanish; the server must time their peers out and let go of them.
  for (const a of attackers) await a.transport.close();
  await Promise.all(fuzzers.map((f) => f.close()));
  readServer();
  const fuzzedReceived = serverReceived - legitimate;
  const vanished = performance.now();
  // Connected attackers show in getPeers(); half-open slots from the CONNECT floods do not,
  // so wait out C ENet's 30 s maximum timeout (plus a retransmission) for those too.
  while (
    (server.getPeers().length > 1 || performance.now() - vanished < 40_000) &&
    performance.now() - vanished < 240_000
  ) await sleep(100);
  const reclaimSeconds = (performance.now() - vanished) / 1000;
  const after = sampleMemory();
  const probes = 63;
  const probesConnected = await probeSlots(port, probes);
  const target = sent.reduce((x, y) => x + y, 0);
  for (let i = 0; i < 500 && ledger.next[0].reduce((x, y) => x + y, 0) < target; i++) {
    await sleep(10);
  }
  clearInterval(pump);
  const reliableEchoed = ledger.next[0].reduce((x, y) => x + y, 0);
  if (reliableEchoed !== target) {
    ledger.errors.push(`${target - reliableEchoed} reliable echoes missing`);
  }
  const clientConnected = !clientDisconnected && peer.getState() === 5;
  await client.destroy();
  await server.destroy();
  await Promise.all([serverLoop, clientLoop]);
  return {
    sent: counts,
    serverReceived: fuzzedReceived,
    seconds,
    rate: thrown / seconds,
    reliableEchoed,
    errors: ledger.errors,
    clientConnected,
    reclaimSeconds,
    probesConnected,
    probes,
    memory: { before, during, after },
  };
}
