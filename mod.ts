/**
 * ENet 1.3 reliable UDP for Deno, Bun and Node, with Godot's `ENetConnection` /
 * `ENetPacketPeer` API. It speaks the bytes of C ENet 1.3.17/1.3.18 (tested against it)
 * and of Godot's ENet layer: tested against Godot 3.2.3's engine in every compression
 * mode, and against Godot 4 only by its documented wire format and API, not a Godot 4
 * binary. Godot's high-level multiplayer (`ENetMultiplayerPeer`, RPCs, `put_var`) is not
 * provided: a Godot game talks to it through `ENetConnection` and `ENetPacketPeer`.
 *
 * - Godot's API: {@linkcode ENetConnection}, {@linkcode ENetPacketPeer},
 *   {@linkcode ENetError}, {@linkcode TLSOptions} and {@linkcode DtlsError} for ENet over
 *   DTLS (the optional package `werift-dtls` loads on the first DTLS setup; zstd compression
 *   loads the optional `@bokuweb/zstd-wasm`), and the enums
 *   ({@linkcode EventType}, {@linkcode CompressionMode}, {@linkcode HostStatistic},
 *   {@linkcode PeerState}, {@linkcode PeerStatistic}, {@linkcode PacketFlags}).
 * - Transports: {@linkcode openUdpTransport} (the runtime's own UDP socket) and
 *   {@linkcode MemoryNetwork} (in-process, with loss, latency and reordering).
 * - Codecs: the {@linkcode Compressor} hook the core calls per datagram.
 * - For advanced use: the sans-IO core ({@linkcode Host}, {@linkcode Peer}) and the
 *   {@linkcode HostDriver} that runs it over a transport.
 *
 * @example Connect a client to a server on loopback and exchange a packet
 * ```ts
 * import assert from "node:assert/strict";
 * import { ENetConnection, ENetPacketPeer } from "./mod.ts";
 *
 * const server = new ENetConnection();
 * const client = new ENetConnection();
 * await server.createHostBound("127.0.0.1", 0);
 * await client.createHost();
 * try {
 *   const peer = await client.connectToHost("127.0.0.1", server.getLocalPort());
 *   for await (const event of client) {
 *     if (event.type === ENetConnection.EVENT_CONNECT) break;
 *   }
 *   peer.send(0, new TextEncoder().encode("hello"), ENetPacketPeer.FLAG_RELIABLE);
 *   for await (const event of server) {
 *     if (event.type !== ENetConnection.EVENT_RECEIVE) continue;
 *     assert.equal(new TextDecoder().decode(event.packet), "hello");
 *     break;
 *   }
 * } finally {
 *   await client.destroy();
 *   await server.destroy();
 * }
 * ```
 *
 * @module
 */

export { ENetConnection } from "./src/godot/enet_connection.ts";
export { ENetConnectionConstants, ENetPacketPeerConstants } from "./src/godot/static_constants.ts";
export type { ENetHostOptions } from "./src/godot/host_setup.ts";
export {
  describeDrop,
  type DropReason,
  type ENetDrop,
  type ENetDropListener,
  type ENetDropStatistics,
  type ENetSocketDrops,
} from "./src/godot/drop_statistics.ts";
export { ENetPacketPeer, type SendResult } from "./src/godot/enet_packet_peer.ts";
export type { PacketData } from "./src/godot/validate.ts";
export { ENetError, type ENetErrorName } from "./src/godot/errors.ts";
export {
  CompressionMode,
  EventType,
  HostStatistic,
  PACKET_LOSS_SCALE,
  PACKET_THROTTLE_SCALE,
  PacketFlags,
  PeerState,
  PeerStatistic,
} from "./src/godot/constants.ts";
export type {
  ENetConnectEvent,
  ENetDisconnectEvent,
  ENetEvent,
  ENetReceiveEvent,
  ServiceOptions,
  ServiceResult,
} from "./src/godot/events.ts";
export {
  DtlsError,
  type DtlsErrorCode,
  TLSOptions,
  type TLSOptionsMode,
} from "./src/godot/tls_options.ts";
export type { DtlsClientSetupOptions } from "./src/godot/dtls_setup.ts";
export type { DtlsStats } from "./src/dtls/stats.ts";

export {
  type Datagram,
  type DatagramReceiver,
  type DatagramTransport,
  type Endpoint,
  type LinkConditions,
  MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkStats,
  openUdpTransport,
  type TransportOptions,
  type TransportStats,
  type UdpTransportOptions,
} from "./adapters/mod.ts";

export type { Compressor } from "./src/core/compressor.ts";
export {
  type CodecName,
  createCompressor,
  type CreateCompressorOptions,
  type ZstdBackend,
} from "./src/compress/mod.ts";

export { HostDriver, type HostDriverOptions } from "./src/driver/host_driver.ts";
export type { EventWaiter } from "./src/driver/event_waiters.ts";
export type { DriverAddress, DriverHost, DriverTransmit } from "./src/driver/driver_host.ts";

export { Host, type HostOptions } from "./src/core/host.ts";
export { Peer } from "./src/core/peer.ts";
export type { DropCounters, DropListener } from "./src/core/drops.ts";
export {
  type DisconnectReason,
  type HostEvent,
  type HostStats,
  type Packet,
  PacketFlag,
  type PeerAddress,
  PeerState as CorePeerState,
  type PeerStateValue,
  type Transmit,
} from "./src/core/types.ts";
