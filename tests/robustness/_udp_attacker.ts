/**
 * The attacker process of the UDP fuzzer (`scripts/robustness.ts --attack`): handshaken
 * attacker hosts whose real datagrams are mutated, and 64 source ports throwing mutated
 * captures, random bytes, crafted hostile commands and CONNECT floods at a server.
 *
 * @module
 */

import process from "node:process";
import { createInterface } from "node:readline";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { openUdpTransport } from "../../adapters/mod.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import { seededRandom } from "../helpers/sim_network.ts";
import {
  capturedCorpus,
  connectCommand,
  hostileCommand,
  mutate,
  pick,
  randomBytes,
  seal,
} from "./_fuzz.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Attacker {
  host: Host;
  transport: DatagramTransport;
  peer: Peer;
  captured: Uint8Array[];
}

/** A raw UDP socket on loopback that hands what it receives to `onData`. */
export async function rawEndpoint(
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

/** Sends `data` to 127.0.0.1:`port`. */
export function send(transport: DatagramTransport, data: Uint8Array, port: number): void {
  transport.send!({ data, address: "127.0.0.1", port });
}

/**
 * The attacker process: 4 handshaken attackers and 64 source ports throw `total`
 * datagrams at `port` at about `rate` per second. Writes "ready" once the attackers are
 * connected, waits for "go" on stdin, writes progress lines and "done {counts}".
 */
export async function attack(port: number, total: number, rate: number): Promise<void> {
  const r = seededRandom(0xf022);
  const write = (line: string) => process.stdout.write(`${line}\n`);
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
        if (a.captured.length >= 32) a.captured.splice(pick(r, 32), 1);
        a.captured.push(t.data.slice());
      }
      for (let e = a.host.pollEvent(); e !== undefined; e = a.host.pollEvent());
    }
  };
  const fuzzers = await Promise.all(Array.from({ length: 64 }, () => rawEndpoint(() => {})));
  const corpus = capturedCorpus();
  for (let i = 0; i < 100 && attackers.some((a) => a.peer.state !== PeerState.CONNECTED); i++) {
    serviceAttackers(false);
    await sleep(20);
  }
  let taken = 0;
  let release: (() => void) | null = null;
  const go = new Promise<void>((resolve) => release = resolve);
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "go") release?.();
    else taken = Number(line);
  });
  write("ready");
  await go;
  const counts: Record<string, number> = {
    mutatedSession: 0,
    mutatedCapture: 0,
    random: 0,
    crafted: 0,
    connect: 0,
  };
  const plain = { checksum: false, compressor: null };
  const started = performance.now();
  let thrown = 0;
  for (let batch = 0; thrown < total; batch++) {
    serviceAttackers(batch % 4 === 0);
    for (let i = 0; i < 100 && thrown < total; i++, thrown++) {
      const choice = r();
      const a = attackers[pick(r, attackers.length)];
      const fuzzer = fuzzers[pick(r, fuzzers.length)];
      if (choice < 0.1) {
        const target = { peerID: 0xfff, sessionID: 0, connectID: 0 };
        send(fuzzer, seal(target, plain, [connectCommand(r, pick(r, 4096))], pick(r, 65536)), port);
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
        send(a.transport, seal(target, plain, commands, pick(r, 65536)), port);
        counts.crafted++;
      }
    }
    // Hold the rate, and stay within a socket buffer of what the server has taken in, so
    // the datagrams are fuzzed rather than dropped by the kernel.
    const due = started + (thrown / rate) * 1000;
    await sleep(Math.max(0, due - performance.now()));
    for (let w = 0; w < 500 && thrown - taken > 300; w++) await sleep(2);
    if (thrown % 100_000 < 100) write(`${thrown} thrown`);
  }
  await sleep(200);
  for (const a of attackers) await a.transport.close();
  await Promise.all(fuzzers.map((f) => f.close()));
  write(`done ${JSON.stringify(counts)}`);
}
