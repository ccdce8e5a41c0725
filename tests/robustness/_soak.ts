/**
 * Impairment soaks: a `Conversation` on the in-memory network with a virtual clock
 * under loss (random or in bursts), duplication, reordering, latency with jitter and
 * partitions, checking delivery and timeout bounds.
 *
 * @module
 */

import { SimNetwork } from "../helpers/sim_network.ts";
import { Conversation } from "./_conversation.ts";
import type { LinkOptions } from "../helpers/sim_network.ts";
import { seededRandom } from "../helpers/sim_network.ts";

/** One soak's network. */
export interface SoakProfile {
  /** Label for reports. */
  name: string;
  /** Random impairments of every link. */
  link: LinkOptions;
  /** Loss in bursts: chance per datagram to enter and to leave a burst, and loss inside. */
  burst?: { enter: number; leave: number; loss: number };
  /** Virtual milliseconds of conversation. */
  duration: number;
  /** Channels (default 3). */
  channels?: number;
  /** Reliable packets in flight per channel (default 24). */
  window?: number;
  /** Reliable packets per channel per 5 ms (default 1). */
  rate?: number;
  /** Virtual start time (near 2^32 to cross ENet's clock wrap). */
  start?: number;
  /** Peer timeouts `[limit, minimum, maximum]` for both sides (default C ENet's). */
  timeouts?: [number, number, number];
}

/** What a soak did. */
export interface SoakResult {
  /** Reliable packets sent and echoed back byte-exact, in order. */
  reliable: number;
  /** Unreliable and unsequenced packets received (each side). */
  unreliable: number;
  /** Violations of the delivery properties. */
  errors: string[];
  /** Times of the client's disconnect events. */
  disconnects: number[];
  /** Whether the conversation settled (every reliable packet echoed) at the end. */
  settled: boolean;
  /** Virtual time at the end. */
  end: number;
  /** Most reliable packets sent on one channel (65536 per sequence number wrap). */
  perChannel: number;
  /** Datagrams the network carried. */
  datagrams: number;
}

/** Runs one soak. */
export function runSoak(profile: SoakProfile, seed: number): SoakResult {
  const net = new SimNetwork(seed, profile.link, profile.start ?? 0);
  const conversation = new Conversation(net, {
    channels: profile.channels,
    window: profile.window,
    burst: profile.rate,
  });
  if (profile.timeouts !== undefined) {
    conversation.peer.setTimeout(...profile.timeouts);
  }
  let datagrams = 0;
  const burst = profile.burst;
  const r = seededRandom(seed ^ 0xb0057);
  let bursting = false;
  net.filter = () => {
    datagrams++;
    if (burst === undefined) return true;
    bursting = bursting ? r() >= burst.leave : r() < burst.enter;
    return !(bursting && r() < burst.loss);
  };
  net.runUntil(() => conversation.connected, 60_000);
  const serverPeer = conversation.serverPeerOfClient();
  if (profile.timeouts !== undefined) serverPeer?.setTimeout(...profile.timeouts);
  const end = net.now + profile.duration;
  while (net.now < end && conversation.connected) {
    conversation.pump();
    conversation.advance(5);
  }
  const settled = conversation.connected && conversation.settle(120_000);
  return {
    reliable: conversation.echoed,
    unreliable: conversation.atClient.received + conversation.atServer.received -
      2 * conversation.echoed,
    errors: conversation.errors,
    disconnects: conversation.disconnects,
    settled,
    end: net.now,
    perChannel: Math.max(...conversation.sent),
    datagrams,
  };
}

/** Result of a partition run. */
export interface PartitionResult {
  /** When the partition began. */
  start: number;
  /** When the client saw its disconnect, or `undefined`. */
  disconnectedAt: number | undefined;
  /** Whether the conversation settled afterwards (if still connected). */
  settled: boolean;
  /** Violations. */
  errors: string[];
}

/**
 * Cuts every link for `length` virtual milliseconds in the middle of a conversation,
 * then heals it.
 */
export function runPartition(
  length: number,
  timeouts: [number, number, number],
  seed: number,
  start = 0,
): PartitionResult {
  const net = new SimNetwork(seed, { latency: 20, jitter: 10 }, start);
  const conversation = new Conversation(net, {});
  conversation.peer.setTimeout(...timeouts);
  net.runUntil(() => conversation.connected, 10_000);
  conversation.serverPeerOfClient()?.setTimeout(...timeouts);
  const pumpFor = (ms: number) => {
    const until = net.now + ms;
    while (net.now < until) {
      conversation.pump();
      conversation.advance(10);
    }
  };
  pumpFor(2000);
  const cut = net.now;
  net.filter = () => false;
  pumpFor(length);
  net.filter = null;
  pumpFor(2000);
  const settled = conversation.connected && conversation.settle(60_000);
  return {
    start: cut,
    disconnectedAt: conversation.disconnects[0],
    settled,
    errors: conversation.errors,
  };
}

/** Timeout settings (limit, minimum, maximum ms) the partition runs cover: ENet's defaults, short, and long. */
export const PARTITION_TIMEOUTS: readonly [number, number, number][] = [
  [32, 5000, 30000],
  [4, 2000, 8000],
  [1024, 1000, 10000],
  [1024, 20000, 30000],
];
