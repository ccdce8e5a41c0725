/**
 * The long in-memory runs of `scripts/robustness.ts`: impairment soaks at every loss
 * level, sequence-number and clock wraps, partitions, and a CONNECT flood at full speed.
 *
 * @module
 */

import { Host } from "../../src/core/host.ts";
import { PeerState } from "../../src/core/types.ts";
import { seededRandom, SimNetwork } from "../helpers/sim_network.ts";
import { Conversation, retained } from "./_conversation.ts";
import { connectCommand, pick, seal } from "./_fuzz.ts";
import { PARTITION_TIMEOUTS, runPartition, runSoak, type SoakProfile } from "./_soak.ts";

/** One soak's figures. */
export interface SoakRow {
  name: string;
  virtualSeconds: number;
  reliable: number;
  unreliable: number;
  perChannel: number;
  errors: number;
  disconnectedAfter: number | null;
  settled: boolean;
  crossedClockWrap: boolean;
}

/** One partition's figures. */
export interface PartitionRow {
  timeouts: [number, number, number];
  length: number;
  disconnectedAfter: number | null;
  settled: boolean;
  errors: number;
}

/** The CONNECT flood's figures. */
export interface FloodRow {
  connects: number;
  seconds: number;
  rate: number;
  mostQueuedCommands: number;
  peerSlots: number;
  errors: number;
  clientConnected: boolean;
  reclaimVirtualSeconds: number;
  lateClientConnected: boolean;
}

const WRAP = 2 ** 32;
const GENEROUS: [number, number, number] = [1024, 60_000, 600_000];

/** The soak profiles, `scale` times C I's durations. */
export function soakProfiles(scale: number): SoakProfile[] {
  const d = 60_000 * scale;
  const profiles: SoakProfile[] = [{ name: "clean, 10 ms", link: { latency: 10 }, duration: d }];
  for (const loss of [0.05, 0.1, 0.25, 0.5]) {
    const link = { latency: 30, jitter: 20, loss };
    profiles.push({ name: `${loss * 100}% random loss`, link, duration: d });
    profiles.push({
      name: `${loss * 100}% random loss, generous timeouts`,
      link,
      duration: d,
      timeouts: GENEROUS,
    });
  }
  profiles.push(
    {
      name: "bursts of 90% loss (2% enter, 10% leave)",
      link: { latency: 30, jitter: 10 },
      burst: { enter: 0.02, leave: 0.1, loss: 0.9 },
      duration: d,
      timeouts: GENEROUS,
    },
    {
      name: "20% duplication, 20% reordering, 5% loss",
      link: { latency: 30, jitter: 30, duplicate: 0.2, reorder: 0.2, loss: 0.05 },
      duration: d,
    },
    {
      name: "500 ms latency, 200 ms jitter, 5% loss, across the clock wrap",
      link: { latency: 500, jitter: 200, loss: 0.05 },
      duration: d,
      start: WRAP - d / 2,
    },
    {
      name: "sequence wraps: 1 ms, 1% loss, 1% reordering, across the clock wrap",
      link: { latency: 1, loss: 0.01, reorder: 0.01 },
      duration: 60_000 * scale,
      channels: 1,
      window: 1024,
      rate: 64,
      start: WRAP - 30_000 * scale,
    },
  );
  return profiles;
}

/** Runs the soaks. */
export function runSoaks(scale: number, log: (line: string) => void): SoakRow[] {
  return soakProfiles(scale).map((profile, i) => {
    const start = profile.start ?? 0;
    const r = runSoak(profile, 1000 + i);
    const row: SoakRow = {
      name: profile.name,
      virtualSeconds: (r.end - start) / 1000,
      reliable: r.reliable,
      unreliable: r.unreliable,
      perChannel: r.perChannel,
      errors: r.errors.length,
      disconnectedAfter: r.disconnects.length > 0 ? (r.disconnects[0] - start) / 1000 : null,
      settled: r.settled,
      crossedClockWrap: start < WRAP && r.end > WRAP,
    };
    log(`soak ${JSON.stringify(row)}`);
    return row;
  });
}

/** Runs partitions just under the minimum timeout and three times the maximum. */
export function runPartitions(log: (line: string) => void): PartitionRow[] {
  const rows: PartitionRow[] = [];
  for (const timeouts of PARTITION_TIMEOUTS) {
    for (const length of [1500, timeouts[1] - 300, 3 * timeouts[2]]) {
      for (const seed of [1, 2, 3]) {
        const p = runPartition(length, timeouts, seed, WRAP - 4000);
        const row = {
          timeouts,
          length,
          disconnectedAfter: p.disconnectedAt === undefined ? null : p.disconnectedAt - p.start,
          settled: p.settled,
          errors: p.errors.length,
        };
        rows.push(row);
        log(`partition ${JSON.stringify(row)}`);
      }
    }
  }
  return rows;
}

/** Throws `connects` CONNECTs from 20,000 addresses at full speed at a server mid-conversation. */
export function runConnectFlood(connects: number): FloodRow {
  const net = new SimNetwork(5, { latency: 10, jitter: 5 });
  const conversation = new Conversation(net, { serverPeers: 32 });
  net.runUntil(() => conversation.connected, 5000);
  const server = conversation.server;
  const r = seededRandom(9);
  let thrown = 0;
  let mostQueued = 0;
  const started = performance.now();
  while (thrown < connects) {
    conversation.pump();
    for (let i = 0; i < 100 && thrown < connects; i++, thrown++) {
      const n = pick(r, 20_000);
      const from = { address: `10.1.${n >> 8}.${n & 0xff}`, port: 1024 + pick(r, 60_000) };
      const datagram = seal(
        { peerID: 0xfff, sessionID: 0, connectID: 0 },
        {
          checksum: false,
          compressor: null,
        },
        [connectCommand(r, pick(r, 4096))],
        pick(r, 65536),
      );
      server.host.handleDatagram(net.now, from, datagram);
      net.drain(server);
    }
    mostQueued = Math.max(
      mostQueued,
      retained(server.host, conversation.serverPeerOfClient()).queuedCommands,
    );
    conversation.advance(10);
  }
  const seconds = (performance.now() - started) / 1000;
  conversation.settle(60_000);
  const keep = conversation.serverPeerOfClient();
  const t0 = net.now;
  net.runUntil(() => Object.values(retained(server.host, keep)).every((v) => v === 0), 300_000);
  const reclaim = (net.now - t0) / 1000;
  const late = net.add(new Host({ seed: 77, peerCount: 1 }), { address: "10.0.0.3", port: 5001 });
  const peer = late.host.connect(net.now, server.address, 1, 0);
  net.runUntil(() => peer.state === PeerState.CONNECTED, 5000);
  return {
    connects: thrown,
    seconds,
    rate: thrown / seconds,
    mostQueuedCommands: mostQueued,
    peerSlots: server.host.peers.length,
    errors: conversation.errors.length,
    clientConnected: conversation.connected,
    reclaimVirtualSeconds: reclaim,
    lateClientConnected: peer.state === PeerState.CONNECTED,
  };
}
