/**
 * The sans-IO ENet 1.3 core: a `Host` with its `Peer`s, driven by datagrams and time.
 *
 * @example Create a host
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "./mod.ts";
 *
 * const host = new Host({ peerCount: 4, seed: 1 });
 * assert.equal(host.peers.length, 4);
 * ```
 *
 * @module
 */

export { Host, type HostOptions } from "./host.ts";
export { Peer } from "./peer.ts";
export type { Compressor } from "./compressor.ts";
export type { DropCounters, DropListener, DropReason } from "./drops.ts";
export {
  type DisconnectReason,
  type HostEvent,
  type HostStats,
  type Packet,
  PacketFlag,
  type PeerAddress,
  PeerState,
  type PeerStateValue,
  type Transmit,
} from "./types.ts";
