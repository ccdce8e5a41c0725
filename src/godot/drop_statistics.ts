/**
 * Dropped datagrams, made visible: `ENetConnection.getDropStatistics()`, the `onDrop`
 * hook, and the `ENET_DEBUG=drops` log, each naming the likely cause of a drop (a peer
 * with another compression mode or checksum setting only ever shows up as drops).
 *
 * @module
 */

import type { TransportStats } from "../../adapters/transport.ts";
import type { DropCounters, DropListener, DropReason } from "../core/drops.ts";
import type { Host } from "../core/host.ts";

export type { DropReason } from "../core/drops.ts";

/** What the socket itself could not carry, from the transport's counters. */
export interface ENetSocketDrops {
  /**
   * Received datagrams the transport threw away because its bounded queue was full
   * (the host fell behind its socket), as a full kernel receive buffer would.
   */
  receiveQueueFull: number;
  /** Datagrams the socket refused or failed to send (unreachable, wrong address family). */
  sendErrors: number;
}

/**
 * The host's dropped datagrams by reason, the socket's own drops, and their `total`
 * (every received datagram dropped: the host's reasons plus `receiveQueueFull`). Each
 * dropped datagram counts once, under the first reason found.
 */
export type ENetDropStatistics = Readonly<DropCounters & ENetSocketDrops & { total: number }>;

/** One dropped datagram, as the `onDrop` hook of `createHost` sees it. */
export interface ENetDrop {
  /** Why it was dropped. */
  readonly reason: DropReason;
  /** The sender's numeric IP address. */
  readonly address: string;
  /** The sender's UDP port. */
  readonly port: number;
  /** The likely cause, in a sentence (see {@linkcode describeDrop}). */
  readonly message: string;
}

/** The `onDrop` hook: called for each datagram the host drops. */
export type ENetDropListener = (drop: ENetDrop) => void;

const CAUSES: Record<DropReason, string> = {
  oversized: "datagram larger than 4096 bytes: not ENet, or an MTU above ENet's limit",
  malformed: "malformed datagram: does the peer use the same checksum setting and speak ENet 1.3?",
  unknownPeer:
    "datagram for no known peer: a stale or foreign session, or a checksum setting that differs",
  checksum: "bad checksum: does the peer use the same checksum setting?",
  decompression: "datagram failed decompression: does the peer use the same compression mode?",
  maximumPacketSize: "packet larger than the host's maximum packet size",
  maximumWaitingData:
    "the peer's received data waits undelivered beyond the limit: service() the host more often",
  fragment: "fragment whose count, offset or lengths do not add up",
  rejectedCommand: "command the connection's state refuses (unknown channel, not connected)",
};

/**
 * The likely cause of a drop, in a sentence.
 *
 * @param reason Why the datagram was dropped.
 * @returns The explanation.
 *
 * @example A compression mismatch
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeDrop } from "./drop_statistics.ts";
 *
 * assert.match(describeDrop("decompression"), /same compression mode/);
 * ```
 */
export function describeDrop(reason: DropReason): string {
  return CAUSES[reason];
}

/**
 * A frozen snapshot of the host's and its transport's drop counters.
 *
 * @param host The core host.
 * @param socket The transport's counters, when it keeps them.
 * @returns The counters and their total.
 */
export function dropStatisticsOf(
  host: Host,
  socket: Readonly<TransportStats> | undefined,
): ENetDropStatistics {
  const receiveQueueFull = socket?.droppedDatagrams ?? 0;
  return Object.freeze({
    ...host.stats.drops,
    receiveQueueFull,
    sendErrors: socket?.sendErrors ?? 0,
    total: host.stats.droppedDatagrams + receiveQueueFull,
  });
}

/**
 * A listener that writes a line for the first drop of each reason and then at each
 * power of ten (10th, 100th, …), so a flood cannot flood the log.
 *
 * @param write Where lines go (no trailing newline).
 * @returns The listener.
 *
 * @example Log drops to an array
 * ```ts
 * import assert from "node:assert/strict";
 * import { createDropLogger } from "./drop_statistics.ts";
 *
 * const lines: string[] = [];
 * const log = createDropLogger((line) => lines.push(line));
 * for (let i = 0; i < 12; i++) {
 *   log({ reason: "checksum", address: "127.0.0.1", port: 9, message: "bad checksum" });
 * }
 * assert.equal(lines.length, 2);
 * ```
 */
export function createDropLogger(write: (line: string) => void): ENetDropListener {
  const counts = new Map<DropReason, number>();
  const next = new Map<DropReason, number>();
  return (drop) => {
    const count = (counts.get(drop.reason) ?? 0) + 1;
    counts.set(drop.reason, count);
    if (count < (next.get(drop.reason) ?? 1)) return;
    next.set(drop.reason, count === 1 ? 10 : count * 10);
    const from = drop.address.includes(":") ? `[${drop.address}]` : drop.address;
    const times = count === 1 ? "" : ` (${count} such drops so far)`;
    write(`dropped a datagram from ${from}:${drop.port}: ${drop.message}${times}`);
  };
}

/** The part of the `Deno` namespace read here. */
interface DenoEnv {
  env: { get(name: string): string | undefined };
  permissions?: { querySync?(descriptor: { name: "env"; variable: string }): { state: string } };
}

/**
 * Whether `ENET_DEBUG` asks for drops (`ENET_DEBUG=drops`, or a comma-separated list
 * containing `drops`). Under Deno it is read only when env access is already granted
 * (no permission prompt); otherwise it reads as unset.
 *
 * @returns Whether drops should be logged.
 */
export function debugDropsRequested(): boolean {
  let value: string | undefined;
  try {
    const global = globalThis as {
      Deno?: DenoEnv;
      process?: { env?: Record<string, string | undefined> };
    };
    const deno = global.Deno;
    if (deno !== undefined) {
      const query = { name: "env", variable: "ENET_DEBUG" } as const;
      if (deno.permissions?.querySync?.(query).state !== "granted") return false;
      value = deno.env.get("ENET_DEBUG");
    } else {
      value = global.process?.env?.ENET_DEBUG;
    }
  } catch {
    return false; // no permission to read the environment
  }
  return value !== undefined && value.split(",").some((part) => part.trim() === "drops");
}

/**
 * Connects a listener to the core host's drop hook. A listener that throws is ignored
 * for that drop: diagnostics must not stop the host.
 *
 * @param host The core host.
 * @param listener The `onDrop` option, or `undefined`.
 * @param logToConsole Also log to `console.warn` (for `ENET_DEBUG=drops`).
 */
export function watchDrops(
  host: Host,
  listener: ENetDropListener | undefined,
  logToConsole: boolean,
): void {
  const listeners: ENetDropListener[] = [];
  if (listener !== undefined) listeners.push(listener);
  if (logToConsole) listeners.push(createDropLogger((line) => console.warn(`enet: ${line}`)));
  if (listeners.length === 0) return;
  const hook: DropListener = (reason, from) => {
    const drop: ENetDrop = {
      reason,
      address: from.address,
      port: from.port,
      message: describeDrop(reason),
    };
    for (const each of listeners) {
      try {
        each(drop);
      } catch {
        // A diagnostic hook must not stop the host.
      }
    }
  };
  host.onDrop = hook;
}
