/**
 * The host `ENetConnection` hands its driver: the core host, plus the disconnects the API
 * layer raises itself (a DTLS client whose handshake failed), in the same event queue.
 *
 * @module
 */

import type { Host } from "../core/host.ts";
import type { Peer } from "../core/peer.ts";
import type { HostEvent } from "../core/types.ts";
import type { DriverAddress, DriverHost, DriverTransmit } from "../driver/driver_host.ts";
import type { DtlsError } from "../dtls/errors.ts";
import type { ENetPacketPeer } from "./enet_packet_peer.ts";

/**
 * A disconnect the core does not report: the API layer reset the peer because its DTLS
 * session failed (the core produces no event for reset peers).
 */
export interface LocalDisconnectEvent {
  /** Tells it apart from the core's events. */
  readonly type: "dtls-failure";
  /** The peer, already inactive. */
  readonly peer: ENetPacketPeer;
  /** Why the DTLS session failed. */
  readonly error: DtlsError;
}

/** What the connection's driver hands out: the core's events and local disconnects. */
export type ConnectionEvent = HostEvent | LocalDisconnectEvent;

/**
 * A {@linkcode DriverHost} over the core host that hands out local events first. The
 * connection keeps it across driver changes (the DTLS setup starts a new driver).
 *
 * @example Local events come before the core's
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../core/host.ts";
 * import { EventHost } from "./event_host.ts";
 *
 * const host = new EventHost(new Host({ peerCount: 1 }));
 * assert.equal(host.pollEvent(), undefined);
 * ```
 */
export class EventHost implements DriverHost<ConnectionEvent, Peer> {
  /** The core host. */
  readonly core: Host;
  #local: LocalDisconnectEvent[] = [];

  /** @param core The core host to forward to. */
  constructor(core: Host) {
    this.core = core;
  }

  /**
   * Queues a local event; the driver hands it out on its next delivery (call the
   * driver's `flush()` to wake a waiting consumer).
   *
   * @param event The event.
   */
  push(event: LocalDisconnectEvent): void {
    this.#local.push(event);
  }

  /** @inheritdoc */
  handleDatagram(now: number, from: DriverAddress, bytes: Uint8Array): void {
    this.core.handleDatagram(now, from, bytes);
  }

  /** @inheritdoc */
  handleTimeout(now: number): void {
    this.core.handleTimeout(now);
  }

  /** @inheritdoc */
  flush(now: number): void {
    this.core.flush(now);
  }

  /** @inheritdoc */
  pollTransmit(): DriverTransmit | undefined {
    return this.core.pollTransmit();
  }

  /** @inheritdoc */
  pollEvent(): ConnectionEvent | undefined {
    return this.#local.length > 0 ? this.#local.shift() : this.core.pollEvent();
  }

  /** @inheritdoc */
  pollTimeout(): number | undefined {
    return this.core.pollTimeout();
  }

  /** @inheritdoc */
  connect(now: number, address: DriverAddress, channelCount: number, data: number): Peer {
    return this.core.connect(now, address, channelCount, data);
  }
}
