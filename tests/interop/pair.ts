/**
 * A connected pair: a TypeScript host and a C test peer, in either direction, with
 * the same checksum and compression settings on both ends; plus the checks the
 * interop tests share.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { CodecName } from "../../src/compress/compressor.ts";
import type { Peer } from "../../src/core/peer.ts";
import { fingerprint, fnv1a } from "./payload.ts";
import { type PeerLine, PeerProcess } from "./peer_process.ts";
import { type ReceiveEvent, TsHost } from "./ts_host.ts";

/** Which side the C peer plays. */
export type Direction = "c-client" | "c-server";

/** Settings of a pair. */
export interface PairOptions {
  /** CRC32 checksum on both ends. */
  checksum?: boolean;
  /** Compression on the C side (default none). */
  cCompress?: "none" | "range-coder" | "zlib" | "zstd";
  /** Compression on the TypeScript side (default: the same as the C side). */
  tsCompress?: "none" | "range-coder" | "zlib" | "zstd";
  /** Channels the client asks for (default 5). */
  channels?: number;
  /** Connect data (default 0x89abcdef). */
  data?: number;
}

/** A TypeScript host and a C peer, connected. */
export interface Pair {
  /** The C peer. */
  c: PeerProcess;
  /** The TypeScript host. */
  ts: TsHost;
  /** The TypeScript host's peer for the C peer. */
  peer: Peer;
}

/**
 * Opens the TypeScript host with the given compression and checksum.
 *
 * @param checksum CRC32 on or off.
 * @param mode Compression mode, or none.
 * @returns The host.
 */
export async function openTsHost(
  checksum: boolean,
  mode: "none" | CodecName = "none",
): Promise<TsHost> {
  // The codecs load only when a test compresses (zstd may bring a wasm module).
  const compressor = mode === "none"
    ? null
    : await (await import("../../src/compress/mod.ts")).createCompressor(mode);
  return await TsHost.open({ checksum, compressor });
}

/**
 * Starts both ends and connects them without waiting for the connection.
 *
 * @param direction Which side the C peer plays.
 * @param options Settings.
 * @returns The two ends; `peer` is the TypeScript side's peer once connecting.
 */
export async function startPair(
  direction: Direction,
  options: PairOptions = {},
): Promise<{ c: PeerProcess; ts: TsHost; peer: Peer | null }> {
  const checksum = options.checksum ?? false;
  const cCompress = options.cCompress ?? "none";
  const channels = options.channels ?? 5;
  const data = options.data ?? 0x89abcdef;
  const ts = await openTsHost(checksum, options.tsCompress ?? cCompress);
  try {
    if (direction === "c-client") {
      const c = PeerProcess.c({
        mode: "client",
        port: ts.port,
        channels,
        data,
        checksum,
        compress: cCompress,
      });
      return { c, ts, peer: null };
    }
    const { peer: c, port } = await PeerProcess.cServer({
      checksum,
      compress: cCompress,
      channels: 8,
    });
    return { c, ts, peer: ts.connect(port, channels, data) };
  } catch (error) {
    await ts.close();
    throw error;
  }
}

/**
 * Starts both ends, connects them and checks both connect events (data, channels).
 *
 * @param direction Which side the C peer plays.
 * @param options Settings.
 * @returns The connected pair.
 */
export async function openPair(direction: Direction, options: PairOptions = {}): Promise<Pair> {
  const channels = options.channels ?? 5;
  const data = options.data ?? 0x89abcdef;
  const started = await startPair(direction, options);
  const { c, ts } = started;
  try {
    const tsConnect = await ts.next("connect", 5000);
    const cConnect = await c.next("connect", 5000);
    assert.equal(tsConnect.peer.channelCount, channels);
    assert.equal(cConnect.channels, channels);
    if (direction === "c-client") {
      assert.equal(tsConnect.data >>> 0, data >>> 0, "the C client's connect data");
    } else {
      assert.equal(tsConnect.peer, started.peer);
      assert.equal(cConnect.data, data >>> 0, "the TypeScript client's connect data");
    }
    return { c, ts, peer: tsConnect.peer };
  } catch (error) {
    await closePair({ c, ts });
    throw error;
  }
}

/**
 * Kills the C peer and closes the TypeScript host.
 *
 * @param pair The pair.
 */
export async function closePair(pair: { c: PeerProcess; ts: TsHost }): Promise<void> {
  await pair.c.kill();
  await pair.ts.close();
}

/**
 * Runs `body` on a fresh pair and always closes it.
 *
 * @param direction Which side the C peer plays.
 * @param options Settings.
 * @param body The test.
 */
export async function withPair(
  direction: Direction,
  options: PairOptions,
  body: (pair: Pair) => Promise<void>,
): Promise<void> {
  const pair = await openPair(direction, options);
  try {
    await body(pair);
  } finally {
    await closePair(pair);
  }
}

/** One packet a test sends: channel, flags, size and seed. */
export interface Spec {
  /** Channel ID. */
  channel: number;
  /** Packet flags as sent. */
  flags: number;
  /** Payload size. */
  size: number;
  /** Payload seed. */
  seed: number;
}

/** A received packet as compared: channel, flags as received, length, hash. */
export type Seen = [channel: number, flags: number, length: number, hash: number];

/**
 * The flags C ENet gives the received copy of a packet sent with `spec`: RELIABLE for
 * reliable packets, and for packets too big for one datagram sent without
 * UNRELIABLE_FRAGMENT (ENet sends those as reliable fragments); UNRELIABLE_FRAGMENT for
 * big ones sent with it; UNSEQUENCED or nothing for small unreliable ones. Sizes
 * between 1300 and 1400 bytes are ambiguous (the threshold depends on MTU and
 * checksum), so tests keep unreliable packets out of that range.
 *
 * @param spec The sent packet.
 * @returns The received flags.
 */
export function receivedFlags(spec: Spec): number {
  if (spec.flags & 1) return 1;
  if (spec.size > 1300 && spec.size <= 1400) {
    throw new RangeError(`Cannot predict the flags of a ${spec.size}-byte unreliable packet`);
  }
  if (spec.size > 1400) return spec.flags & 8 ? 8 : 1;
  return spec.flags & 2;
}

/**
 * What the receiver should see for `specs`.
 *
 * @param specs Sent packets.
 * @returns Their expected fingerprints.
 */
export function expected(specs: readonly Spec[]): Seen[] {
  return specs.map((s) => {
    const { length, hash } = fingerprint(s.size, s.seed);
    return [s.channel, receivedFlags(s), length, hash];
  });
}

/**
 * Fingerprints of receive events at the TypeScript host.
 *
 * @param events The events.
 * @returns Their fingerprints.
 */
export function seenByTs(events: readonly ReceiveEvent[]): Seen[] {
  return events.map((
    e,
  ) => [e.channelID, e.packet.flags & 0xf, e.packet.data.length, fnv1a(e.packet.data)]);
}

/**
 * Fingerprints of receive lines from the C peer.
 *
 * @param lines The lines.
 * @returns Their fingerprints.
 */
export function seenByC(lines: readonly PeerLine[]): Seen[] {
  return lines.map((l) => [l.channel!, l.flags!, l.length!, l.hash!]);
}

/**
 * Sorts fingerprints by channel, keeping arrival order within a channel (ENet orders
 * packets per channel only).
 *
 * @param seen Fingerprints in arrival order.
 * @returns A sorted copy.
 */
export function byChannel(seen: readonly Seen[]): Seen[] {
  return seen.map((s, i) => [s, i] as const).sort((a, b) => a[0][0] - b[0][0] || a[1] - b[1]).map((
    x,
  ) => x[0]);
}

/**
 * Sends `specs` from the C peer, waits for them at the TypeScript host and checks
 * them byte for byte, in order per channel (unsequenced ones in any order).
 *
 * @param pair The pair.
 * @param specs Packets to send.
 * @param timeoutMs How long to wait.
 */
export async function checkCToTs(
  pair: Pair,
  specs: readonly Spec[],
  timeoutMs = 15000,
): Promise<void> {
  for (const s of specs) pair.c.command(`send ${s.channel} ${s.flags} ${s.size} ${s.seed}`);
  const got = seenByTs(await pair.ts.receives(specs.length, timeoutMs));
  assertSame(got, expected(specs));
}

/**
 * Sends `specs` from the TypeScript host, waits for them at the C peer and checks
 * them byte for byte, in order per channel (unsequenced ones in any order).
 *
 * @param pair The pair.
 * @param specs Packets to send.
 * @param timeoutMs How long to wait.
 */
export async function checkTsToC(
  pair: Pair,
  specs: readonly Spec[],
  timeoutMs = 15000,
): Promise<void> {
  for (const s of specs) pair.ts.send(pair.peer, s.channel, s.flags, s.size, s.seed);
  const got = seenByC(await pair.c.take("receive", specs.length, timeoutMs));
  assertSame(got, expected(specs));
}

function assertSame(got: Seen[], want: Seen[]): void {
  // Unsequenced packets have no order: channels carrying them compare as sorted multisets.
  const loose = new Set(want.filter((s) => s[1] === 2).map((s) => s[0]));
  const key = (s: Seen) => s.join(":");
  const order = (list: Seen[]) => {
    const sorted = byChannel(list);
    const unordered = sorted.filter((s) => loose.has(s[0])).sort((a, b) =>
      key(a) < key(b) ? -1 : 1
    );
    return [...sorted.filter((s) => !loose.has(s[0])), ...unordered];
  };
  assert.deepEqual(order(got), order(want));
}

/**
 * Sends one unreliable packet until a copy arrives (ENet may drop unreliable packets,
 * for instance when its throttle falls during a burst) and checks that what arrives is
 * byte-exact: each attempt uses a new seed, and any attempt's copy is accepted.
 *
 * @param pair The pair.
 * @param from Which end sends.
 * @param spec The packet.
 * @param attempts How many tries, 1.5 s each.
 */
export async function checkUnreliable(
  pair: Pair,
  from: "c" | "ts",
  spec: Spec,
  attempts = 4,
): Promise<void> {
  const sent: Seen[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const s = { ...spec, seed: spec.seed + attempt * 7919 };
    sent.push(...expected([s]));
    let got: Seen | undefined;
    if (from === "c") {
      pair.c.command(`send ${s.channel} ${s.flags} ${s.size} ${s.seed}`);
      const event = await pair.ts.next("receive", 1500).catch(() => undefined);
      if (event !== undefined) got = seenByTs([event])[0];
    } else {
      pair.ts.send(pair.peer, s.channel, s.flags, s.size, s.seed);
      const line = await pair.c.next("receive", 1500).catch(() => undefined);
      if (line !== undefined) got = seenByC([line])[0];
    }
    if (got !== undefined) {
      assert.ok(sent.some((w) => w.join() === got.join()), `unexpected packet ${got.join()}`);
      return;
    }
  }
  assert.fail(`none of ${attempts} ${spec.size}-byte unreliable packets arrived`);
}
