/**
 * Godot's statistics over the core's counters: the host totals `popStatistic()` returns
 * and resets, and the peer values `getStatistic()` reads.
 *
 * @module
 */

import type { Host } from "../core/host.ts";
import type { Peer } from "../core/peer.ts";
import type { HostStats } from "../core/types.ts";
import type { HostStatistic, PeerStatistic } from "./constants.ts";
import { checkInteger } from "./validate.ts";

/** The core's counter behind each `HostStatistic`, in the enum's order. */
const HOST_TOTALS = [
  "totalSentData",
  "totalSentPackets",
  "totalReceivedData",
  "totalReceivedPackets",
] as const satisfies readonly (keyof HostStats)[];

/** The core's value behind each `PeerStatistic`, in the enum's order. */
const PEER_VALUES = [
  "packetLoss",
  "packetLossVariance",
  "packetLossEpoch",
  "roundTripTime",
  "roundTripTimeVariance",
  "lastRoundTripTime",
  "lastRoundTripTimeVariance",
  "packetThrottle",
  "packetThrottleLimit",
  "packetThrottleCounter",
  "packetThrottleEpoch",
  "packetThrottleAcceleration",
  "packetThrottleDeceleration",
  "packetThrottleInterval",
] as const satisfies readonly (keyof Peer)[];

/**
 * Returns a host total and resets it to 0 (Godot's `pop_statistic`).
 *
 * @param host The core host.
 * @param statistic A `HostStatistic` value.
 * @returns The total since the last pop.
 * @throws {RangeError} Unless `statistic` is a `HostStatistic` value.
 *
 * @example Datagrams sent since the last pop
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../core/host.ts";
 * import { HostStatistic } from "./constants.ts";
 * import { popHostStatistic } from "./statistics.ts";
 *
 * const host = new Host();
 * host.stats.totalSentPackets = 3;
 * assert.equal(popHostStatistic(host, HostStatistic.HOST_TOTAL_SENT_PACKETS), 3);
 * assert.equal(host.stats.totalSentPackets, 0);
 * ```
 */
export function popHostStatistic(host: Host, statistic: HostStatistic): number {
  const index = checkInteger("pop statistic", "statistic", statistic, 0, HOST_TOTALS.length - 1);
  const key = HOST_TOTALS[index];
  const value = host.stats[key];
  host.stats[key] = 0;
  return value;
}

/**
 * Checks a `PeerStatistic` and names the core peer's value behind it, so that the
 * argument is checked before the peer is looked at.
 *
 * @param statistic A `PeerStatistic` value.
 * @returns The name of the core `Peer` property to read.
 * @throws {RangeError} Unless `statistic` is a `PeerStatistic` value.
 *
 * @example The round trip time is the peer's `roundTripTime`
 * ```ts
 * import assert from "node:assert/strict";
 * import { PeerStatistic } from "./constants.ts";
 * import { peerStatisticKey } from "./statistics.ts";
 *
 * assert.equal(peerStatisticKey(PeerStatistic.PEER_ROUND_TRIP_TIME), "roundTripTime");
 * ```
 */
export function peerStatisticKey(statistic: PeerStatistic): (typeof PEER_VALUES)[number] {
  return PEER_VALUES[
    checkInteger("get statistic", "statistic", statistic, 0, PEER_VALUES.length - 1)
  ];
}
