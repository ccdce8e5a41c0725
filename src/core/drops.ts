/**
 * Why the host dropped a received datagram: the reasons it counts in
 * `host.stats.drops`, and the hook that names each drop as it happens.
 *
 * @module
 */

import type { PeerAddress } from "./types.ts";

/**
 * Drops by reason. Each dropped datagram counts once, under the first reason found;
 * the counts add up to `HostStats.droppedDatagrams`.
 */
export interface DropCounters {
  /** Over 4096 bytes (ENet's receive buffer). */
  oversized: number;
  /** A header or command that does not parse (truncated, lying lengths, unknown command). */
  malformed: number;
  /** For no peer of ours: unknown peer id, wrong address or session, or no CONNECT first. */
  unknownPeer: number;
  /** Failed the CRC-32 check, or lacks one while checksums are on. */
  checksum: number;
  /** Marked compressed but not decompressible by our compressor (or we have none). */
  decompression: number;
  /** A packet over the host's `maximumPacketSize`. */
  maximumPacketSize: number;
  /** The peer already had `maximumWaitingData` bytes received and not dispatched. */
  maximumWaitingData: number;
  /** A fragment whose count, number, offset or lengths do not add up. */
  fragment: number;
  /** A well-formed command the peer's state refuses (wrong channel, not connected, …). */
  rejectedCommand: number;
}

/** One of the reasons counted in `DropCounters`. */
export type DropReason = keyof DropCounters;

/**
 * Called for each dropped datagram. The core passes the reason and the sender; the
 * address object may be reused by the caller after the call.
 */
export type DropListener = (reason: DropReason, from: PeerAddress) => void;

/**
 * Fresh counters, all zero.
 *
 * @returns The counters.
 *
 * @example Every reason starts at zero
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDropCounters } from "./drops.ts";
 *
 * assert.equal(createDropCounters().checksum, 0);
 * ```
 */
export function createDropCounters(): DropCounters {
  return {
    oversized: 0,
    malformed: 0,
    unknownPeer: 0,
    checksum: 0,
    decompression: 0,
    maximumPacketSize: 0,
    maximumWaitingData: 0,
    fragment: 0,
    rejectedCommand: 0,
  };
}
