/**
 * Shared pieces of the Godot interop tests: the compression modes, the packet plan,
 * a free-port helper and a deadline-bounded event reader over `ENetConnection`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { openUdpTransport } from "../../adapters/mod.ts";
import { type CompressionMode, ENetConnection, type ENetPacketPeer } from "../../mod.ts";
import type { UdpRelay } from "./udp_relay.ts";

/** A compression mode as each side names it. */
export interface Mode {
  /** `NetworkedMultiplayerENet.compression_mode` name understood by `godot_peer.gd`. */
  godot: string;
  /** The `ENetConnection.compress()` value. */
  value: CompressionMode;
}

/** Every compression mode, in Godot's enum order. */
export const MODES: readonly Mode[] = [
  { godot: "none", value: ENetConnection.COMPRESS_NONE },
  { godot: "range_coder", value: ENetConnection.COMPRESS_RANGE_CODER },
  { godot: "fastlz", value: ENetConnection.COMPRESS_FASTLZ },
  { godot: "zlib", value: ENetConnection.COMPRESS_ZLIB },
  { godot: "zstd", value: ENetConnection.COMPRESS_ZSTD },
];

/**
 * The packets exchanged in every mode: unreliable ones first, then reliable ones up to
 * 70000 bytes (52 fragments), then unreliable ones too large for one datagram (ENet
 * sends those as reliable fragments). Upper case items compress well, so datagrams
 * really travel compressed in every mode.
 */
export const PLAN = "u1,u100,u1000,o100,o1000,U1000,r1,r100,r1400,r5000,r70000,R5000,R70000," +
  "u5000,o3000";

/**
 * ENet drops unreliable packets when its throttle falls below 32/32, which happens
 * whenever one acknowledgement takes longer than the last plus twice its variance: a
 * matter of scheduling on a loaded machine. A deceleration of 0 keeps the throttle at
 * its maximum, and `throttleConfigure` sends it to the remote peer too (a
 * THROTTLE_CONFIGURE command Godot applies), so neither end drops unreliable packets.
 * Arguments of `ENetPacketPeer.throttleConfigure`: interval, acceleration, deceleration.
 */
export const NO_DROP_THROTTLE = [5000, 2, 0] as const;

/** Payloads up to this size travel in one datagram, unfragmented, in every mode. */
export const UNFRAGMENTED_LIMIT = 1000;

/** The time one scenario may take. */
export const SCENARIO_MS = 20_000;

/**
 * The per-test timeout to give the runner: a scenario's own deadline plus cleanup
 * (Bun's default of 5 s is too short on a loaded machine).
 */
export const TEST_TIMEOUT_MS = SCENARIO_MS + 10_000;

/**
 * A UDP port free on 127.0.0.1 a moment ago (bound and released), for Godot to bind.
 *
 * @returns The port.
 */
export async function freeUdpPort(): Promise<number> {
  const transport = await openUdpTransport({ address: "127.0.0.1", port: 0 });
  const { port } = transport.localAddress;
  await transport.close();
  return port;
}

/** An event of `ENetConnection.service()`, with a received packet taken off its peer. */
export interface Event {
  /** `ENetConnection.EVENT_*`. */
  type: number;
  /** The peer, null for `EVENT_NONE` and `EVENT_ERROR`. */
  peer: ENetPacketPeer | null;
  /** Connect or disconnect data. */
  data: number;
  /** Receive channel. */
  channel: number;
  /** The received packet (empty for other events). */
  packet: Uint8Array;
  /** Its flags. */
  flags: number;
}

/**
 * The next event of a connection, or `EVENT_NONE` once `deadline` has passed.
 *
 * @param connection The connection.
 * @param deadline `Date.now()` value after which to give up.
 * @returns The event.
 */
export async function nextEvent(connection: ENetConnection, deadline: number): Promise<Event> {
  const wait = Math.max(0, deadline - Date.now());
  const [type, peer, data, channel] = await connection.service(wait);
  if (type === ENetConnection.EVENT_RECEIVE && peer !== null) {
    const flags = peer.getPacketFlags();
    return { type, peer, data, channel, packet: peer.getPacket(), flags };
  }
  return { type, peer, data, channel, packet: new Uint8Array(0), flags: 0 };
}

/**
 * Reads events until one satisfies `match`, handing the events it rejects to `other`.
 *
 * @param connection The connection.
 * @param deadline `Date.now()` value after which to fail.
 * @param what What is awaited, for the error message (a function: evaluated on failure).
 * @param match The awaited event.
 * @param other Called with every other event.
 * @returns The matching event.
 * @throws {Error} When the deadline passes first.
 */
export async function waitFor(
  connection: ENetConnection,
  deadline: number,
  what: string | (() => string),
  match: (event: Event) => boolean,
  other: (event: Event) => void = () => {},
): Promise<Event> {
  for (;;) {
    const event = await nextEvent(connection, deadline);
    if (match(event)) return event;
    if (event.type === ENetConnection.EVENT_NONE && Date.now() >= deadline) {
      throw new Error(`Timed out waiting for ${typeof what === "string" ? what : what()}`);
    }
    if (event.type === ENetConnection.EVENT_ERROR) {
      throw new Error(`Service failed waiting for ${typeof what === "string" ? what : what()}`);
    }
    other(event);
  }
}

/**
 * Asserts what a relay saw: no compressed datagram without compression, and some in
 * each direction with it (the plan's compressible packets shrink in every codec).
 *
 * @param mode The mode both ends used.
 * @param relay The relay between them.
 */
export function assertCompression(mode: Mode, relay: UdpRelay): void {
  const seen = `client to server ${relay.up.compressed}/${relay.up.datagrams}, ` +
    `server to client ${relay.down.compressed}/${relay.down.datagrams} compressed`;
  if (mode.value === ENetConnection.COMPRESS_NONE) {
    assert.ok(relay.up.compressed === 0 && relay.down.compressed === 0, seen);
  } else {
    assert.ok(relay.up.compressed > 0 && relay.down.compressed > 0, seen);
  }
}
