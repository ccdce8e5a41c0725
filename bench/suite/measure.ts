/**
 * One measurement of each scenario for one client/server pairing: spawns the server,
 * then the client, reads the client's result (and the server's CPU and memory for the
 * game tick), and kills both.
 *
 * @module
 */

import { PeerProcess, sampleProcess, type Side } from "./children.ts";
import type { CodecFigures } from "./codec_role.ts";

/** Who plays the client and who the server. */
export interface Pair {
  /** The client side. */
  client: Side;
  /** The server side. */
  server: Side;
}

/** Bulk one-way figures. */
export interface BulkFigures {
  /** Messages delivered per second. */
  messagesPerSecond: number;
  /** Payload megabytes delivered per second. */
  megabytesPerSecond: number;
  /** Delivered / sent. */
  delivered: number;
  /**
   * Datagrams through the client's socket per second, both ways (data out,
   * acknowledgements in; the server's socket carries the same).
   */
  datagramsPerSecond: number;
}

/** Ping-pong figures. */
export interface PingPongFigures {
  /** Round trips per second, all peers together. */
  roundTripsPerSecond: number;
  /** Median round-trip time, ms. */
  p50: number;
  /** 99th percentile round-trip time, ms. */
  p99: number;
  /** Peers that timed out during the run. */
  peersLost: number;
}

/** Game-tick figures. */
export interface TickFigures {
  /** Echoes received / ticks sent. */
  echoed: number;
  /** Server CPU during the window, in cores (1 = one core busy), NaN without /proc. */
  serverCores: number;
  /** Server RSS growth from idle to the end of the window, per peer, bytes. */
  bytesPerPeer: number;
  /** Ticks sent. */
  sent: number;
  /** Peers that timed out during the run. */
  peersLost: number;
  /** Ticks sent / ticks due by the schedule (below 1: the client could not keep up). */
  sentShare: number;
}

/** Bounded waits: the expected run time plus this margin. */
const MARGIN_MS = 60_000;

async function withServer<T>(
  side: Side,
  serverArgs: (string | number)[],
  limitMs: number,
  body: (port: number, server: PeerProcess) => Promise<T>,
): Promise<T> {
  const server = new PeerProcess(side, serverArgs, limitMs + MARGIN_MS);
  try {
    const { port } = await server.next("port", MARGIN_MS);
    return await body(Number(port), server);
  } finally {
    await server.kill();
  }
}

async function runClient(side: Side, args: (string | number)[], limitMs: number) {
  const client = new PeerProcess(side, args, limitMs + MARGIN_MS);
  try {
    return await client.next("result", limitMs + MARGIN_MS);
  } finally {
    await client.waitExit(5000);
    await client.kill();
  }
}

/**
 * Bulk one-way stream.
 *
 * @param pair Who plays which side.
 * @param count Messages.
 * @param size Bytes each.
 * @param reliable Reliable or unreliable.
 * @returns The figures.
 */
export function measureBulk(pair: Pair, count: number, size: number, reliable: boolean) {
  const limit = 120_000;
  return withServer(pair.server, ["server", 4], limit, async (port) => {
    const r = await runClient(pair.client, ["bulk", port, count, size, reliable ? 1 : 0], limit);
    const seconds = Number(r.ms) / 1000;
    const delivered = Number(r.delivered);
    return {
      messagesPerSecond: delivered / seconds,
      megabytesPerSecond: (delivered * size) / seconds / 1e6,
      delivered: delivered / count,
      datagramsPerSecond: (Number(r.datagramsSent) + Number(r.datagramsReceived)) / seconds,
    } satisfies BulkFigures;
  });
}

/**
 * N-peer ping-pong.
 *
 * @param pair Who plays which side.
 * @param peers Peers.
 * @param inflight Pings in flight per peer.
 * @param size Bytes per ping.
 * @param ms Measured window.
 * @returns The figures.
 */
export function measurePingPong(
  pair: Pair,
  peers: number,
  inflight: number,
  size: number,
  ms: number,
) {
  return withServer(pair.server, ["server", Math.max(peers, 4)], ms, async (port) => {
    const r = await runClient(pair.client, ["pingpong", port, peers, inflight, size, ms], ms);
    return {
      roundTripsPerSecond: Number(r.roundTrips) / (Number(r.ms) / 1000),
      p50: Number(r.p50),
      p99: Number(r.p99),
      peersLost: Number(r.lost),
    } satisfies PingPongFigures;
  });
}

/**
 * Game tick: N peers × `size` bytes at `hz` to an echo server.
 *
 * @param pair Who plays which side.
 * @param peers Peers.
 * @param hz Ticks per second per peer.
 * @param size Bytes per tick.
 * @param ms Measured window.
 * @param warmupMs Ticking before the window (not measured).
 * @returns The figures.
 */
export function measureTick(
  pair: Pair,
  peers: number,
  hz: number,
  size: number,
  ms: number,
  warmupMs: number,
) {
  return withServer(pair.server, ["server", 4095], ms, async (port, server) => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const idle = sampleProcess(server.pid);
    const args = ["tick", port, peers, hz, size, ms, warmupMs];
    const client = new PeerProcess(pair.client, args, warmupMs + ms + 60_000);
    try {
      await client.next("ticking", 60_000);
      const from = sampleProcess(server.pid);
      const t0 = performance.now();
      await client.next("window-end", ms + 60_000);
      const to = sampleProcess(server.pid);
      const seconds = (performance.now() - t0) / 1000;
      const r = await client.next("result", 60_000);
      const sent = Number(r.sent);
      return {
        echoed: Number(r.echoed) / sent,
        serverCores: from && to ? (to.cpuSeconds - from.cpuSeconds) / seconds : NaN,
        bytesPerPeer: idle && to ? (to.rssBytes - idle.rssBytes) / peers : NaN,
        sent,
        sentShare: sent / ((peers * hz * ms) / 1000),
        peersLost: Number(r.lost),
      } satisfies TickFigures;
    } finally {
      await client.kill();
    }
  });
}

/**
 * Bare UDP round trips per second (no ENet), both ends on `side`.
 *
 * @param side Who.
 * @param inflight Datagrams in flight.
 * @param size Bytes each.
 * @param ms Measured window.
 * @returns Round trips per second.
 */
export async function measureRaw(side: Side, inflight: number, size: number, ms: number) {
  const server = new PeerProcess(side, ["raw-echo"], ms + MARGIN_MS);
  try {
    const { port } = await server.next("port", MARGIN_MS);
    const r = await runClient(side, ["raw-client", Number(port), inflight, size, ms], ms);
    return Number(r.roundTrips) / (Number(r.ms) / 1000);
  } finally {
    await server.kill();
  }
}

/**
 * Codec throughput on one side (C has only ENet's range coder).
 *
 * @param side Who.
 * @param ms Time per codec.
 * @returns The figures per codec.
 */
export async function measureCodecs(side: Side, ms: number): Promise<CodecFigures[]> {
  const r = await runClient(side, ["codec", ms], ms * 5);
  return r.codecs as CodecFigures[];
}
