/**
 * The sans-IO ENet host (`ENetHost`): peers, the send and receive phases, events.
 *
 * @module
 */

import { CommandReader } from "../protocol/codec.ts";
import { ProtocolLimit } from "../protocol/constants.ts";
import type { DatagramHeader } from "../protocol/header.ts";
import { bandwidthThrottle } from "./bandwidth.ts";
import { copyToSlab } from "./byte_slab.ts";
import type { Compressor } from "./compressor.ts";
import { HostDefault } from "./constants.ts";
import { DatagramOutput } from "./datagram.ts";
import { dispatchNextEvent } from "./dispatch.ts";
import { createDropCounters, type DropListener, type DropReason } from "./drops.ts";
import { connectPeer } from "./handshake.ts";
import { sendPacket } from "./outgoing.ts";
import { Peer } from "./peer.ts";
import { Mulberry32 } from "./random.ts";
import { handleIncomingDatagram } from "./receive.ts";
import { SendSchedule } from "./send_schedule.ts";
import { timeDifference, timeLess, toEnetTime } from "./time.ts";
import { sendOutgoingCommands } from "./transmit.ts";
import {
  type HostEvent,
  type HostStats,
  type Packet,
  PacketFlag,
  type PeerAddress,
  PeerState,
  type Transmit,
} from "./types.ts";

/** Options of `new Host()`. */
export interface HostOptions {
  /** Peer slots, 1..4095; default 32. */
  peerCount?: number;
  /** Most channels an incoming connection gets, 1..255 (0 = 255); default 255. */
  channelLimit?: number;
  /** Our incoming bandwidth in bytes/s; 0 (default) = unlimited. */
  incomingBandwidth?: number;
  /** Our outgoing bandwidth in bytes/s; 0 (default) = unlimited. */
  outgoingBandwidth?: number;
  /** MTU, 576..4096; default 1392 as in ENet 1.3.18. */
  mtu?: number;
  /** Add C ENet's CRC-32 to every datagram; both ends must agree. Default false. */
  checksum?: boolean;
  /** Compressor for datagram bodies; both ends must agree. Default none. */
  compressor?: Compressor | null;
  /** Most connections from one IP address; default 4095. */
  duplicatePeers?: number;
  /** Largest packet accepted or sent; default 32 MiB. */
  maximumPacketSize?: number;
  /** Most received-but-undispatched bytes per peer; default 32 MiB. */
  maximumWaitingData?: number;
  /** Seed for connect IDs; default random. */
  seed?: number;
}

/** Milliseconds from `now` to `deadline` on ENet's clock; 0 when it has passed. */
function untilDeadline(deadline: number, now: number): number {
  return timeLess(deadline, now) ? 0 : timeDifference(deadline, now);
}

function clampChannelLimit(limit: number): number {
  if (!limit || limit > ProtocolLimit.MAXIMUM_CHANNEL_COUNT) {
    return ProtocolLimit.MAXIMUM_CHANNEL_COUNT;
  }
  return Math.max(Math.floor(limit), ProtocolLimit.MINIMUM_CHANNEL_COUNT);
}

/**
 * An ENet host without I/O. Feed it datagrams and the time, then drain its outputs:
 *
 * 1. inputs: `handleDatagram(now, from, bytes)` for each datagram received,
 *    `handleTimeout(now)` when `pollTimeout()` is due (this is the send phase of
 *    `enet_host_service`: bandwidth throttle, acknowledgements, retransmissions, timeouts,
 *    pings and queued packets), `flush(now)` to send what is queued;
 * 2. outputs, after each input: `pollTransmit()` until `undefined` (send each datagram),
 *    then `pollEvent()` until `undefined`, then `pollTimeout()` to arm the one timer.
 *
 * `now` is in milliseconds from any origin; only differences matter.
 *
 * @example Two hosts connect through a loop of polls
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "./host.ts";
 *
 * const server = new Host({ seed: 1 });
 * const client = new Host({ seed: 2 });
 * const serverAddress = { address: "127.0.0.1", port: 1 };
 * const clientAddress = { address: "127.0.0.1", port: 2 };
 * client.connect(0, serverAddress, 1, 42);
 * const events: string[] = [];
 * for (let now = 0; now < 100; now += 10) {
 *   for (const [host, from] of [[client, clientAddress], [server, serverAddress]] as const) {
 *     host.handleTimeout(now);
 *     const other = host === client ? server : client;
 *     for (let t = host.pollTransmit(); t; t = host.pollTransmit()) {
 *       other.handleDatagram(now, from, t.data.slice());
 *     }
 *   }
 *   for (const host of [client, server]) {
 *     for (let e = host.pollEvent(); e; e = host.pollEvent()) events.push(e.type);
 *   }
 * }
 * assert.deepEqual(events, ["connect", "connect"]);
 * ```
 */
export class Host {
  /** Every peer slot; the index is the slot's incoming peer id. */
  readonly peers: readonly Peer[];
  /** Traffic totals and drop counters. */
  readonly stats: HostStats = {
    totalSentData: 0,
    totalSentPackets: 0,
    totalReceivedData: 0,
    totalReceivedPackets: 0,
    droppedDatagrams: 0,
    drops: createDropCounters(),
  };
  /**
   * Called for each dropped datagram with the reason it is counted under, or `null`.
   * For diagnostics: it runs inside `handleDatagram` and must not throw.
   */
  onDrop: DropListener | null = null;
  /** Whether datagrams carry C ENet's CRC-32. */
  checksum: boolean;
  /** The compressor for datagram bodies, or `null`. */
  compressor: Compressor | null;
  /** Most connections accepted from one IP address. */
  duplicatePeers: number;
  /** MTU used for new connections. */
  mtu: number;
  /** Largest packet accepted or sent. */
  maximumPacketSize: number;
  /** Most received-but-undispatched bytes per peer. */
  maximumWaitingData: number;
  /** Our incoming bandwidth in bytes/s (0 = unlimited); change it with `bandwidthLimit`. */
  incomingBandwidth: number;
  /** Our outgoing bandwidth in bytes/s (0 = unlimited); change it with `bandwidthLimit`. */
  outgoingBandwidth: number;
  /** Most channels an incoming connection gets; change it with `channelLimit`. */
  channelCountLimit: number;

  /** @internal Current time on ENet's 32-bit clock. */
  serviceTime = 0;
  /** @internal */
  bandwidthThrottleEpoch = 0;
  /** @internal */
  recalculateBandwidthLimits = false;
  /** @internal Peers in CONNECTED or DISCONNECT_LATER. */
  connectedPeers = 0;
  /** @internal Connected peers with an incoming bandwidth limit. */
  bandwidthLimitedPeers = 0;
  /** @internal Counter ordering queued commands. */
  totalQueued = 0;
  /** @internal Events produced directly (connects), handed out before the dispatch queue. */
  readonly pendingEvents: HostEvent[] = [];
  /** @internal Index of the next pending event. */
  pendingEventsHead = 0;
  /** @internal Peers with events due. */
  readonly dispatchQueue: Peer[] = [];
  /** @internal Something was queued or received since the last send phase. */
  needsFlush = false;
  /** @internal Datagram builder and transmit queue. */
  readonly output: DatagramOutput = new DatagramOutput();
  /** @internal Unreliable packet commands in the datagram being built. */
  sentUnreliableCommands = 0;
  /** @internal */
  readonly reader: CommandReader = new CommandReader();
  /** @internal */
  readonly headerScratch: DatagramHeader = {
    peerID: 0,
    sessionID: 0,
    compressed: false,
    sentTime: undefined,
    size: 0,
  };
  /** @internal Why the command being handled was refused, when a limit refused it. */
  dropReason: DropReason | null = null;
  /** @internal Decompressed datagrams. */
  readonly receiveScratch: Uint8Array = new Uint8Array(HostDefault.RECEIVE_BUFFER_SIZE);

  /** @internal The peers the next send phase visits, and every peer's next deadline. */
  readonly schedule: SendSchedule = new SendSchedule();
  /** @internal The current send phase's peers (reused). */
  readonly visitList: Peer[] = [];
  /** @internal The last `now` seen, floored, on the caller's clock. */
  nowBase = 0;

  #random: Mulberry32;

  /**
   * Creates a host with all its peer slots.
   *
   * @param options Settings; see `HostOptions`.
   * @throws {RangeError} If `peerCount` or `mtu` is out of range.
   */
  constructor(options: HostOptions = {}) {
    const peerCount = options.peerCount ?? HostDefault.PEER_COUNT;
    if (
      !(Number.isInteger(peerCount) && peerCount >= 1 && peerCount <= ProtocolLimit.MAXIMUM_PEER_ID)
    ) {
      throw new RangeError(`Cannot create host: peerCount ${peerCount} is outside 1..4095`);
    }
    const mtu = options.mtu ?? HostDefault.MTU;
    if (
      !(Number.isInteger(mtu) && mtu >= ProtocolLimit.MINIMUM_MTU &&
        mtu <= ProtocolLimit.MAXIMUM_MTU)
    ) {
      throw new RangeError(`Cannot create host: mtu ${mtu} is outside 576..4096`);
    }
    this.mtu = mtu;
    this.checksum = options.checksum ?? false;
    this.compressor = options.compressor ?? null;
    this.duplicatePeers = options.duplicatePeers ?? ProtocolLimit.MAXIMUM_PEER_ID;
    this.maximumPacketSize = options.maximumPacketSize ?? HostDefault.MAXIMUM_PACKET_SIZE;
    this.maximumWaitingData = options.maximumWaitingData ?? HostDefault.MAXIMUM_WAITING_DATA;
    this.incomingBandwidth = (options.incomingBandwidth ?? 0) >>> 0;
    this.outgoingBandwidth = (options.outgoingBandwidth ?? 0) >>> 0;
    this.channelCountLimit = clampChannelLimit(options.channelLimit ?? 0);
    this.#random = new Mulberry32(options.seed ?? Math.floor(Math.random() * 0x100000000));
    const peers: Peer[] = [];
    for (let i = 0; i < peerCount; i++) peers.push(new Peer(this, i));
    this.peers = peers;
  }

  /**
   * @internal The next connect ID.
   * @returns A random unsigned 32-bit value.
   */
  random(): number {
    return this.#random.next();
  }

  #advance(now: number, recycle: boolean): void {
    if (typeof now !== "number" || !Number.isFinite(now)) {
      throw new TypeError(`Cannot use time: ${now} is not a finite number`);
    }
    this.serviceTime = toEnetTime(now);
    this.nowBase = Math.floor(now);
    if (recycle) this.output.recycle();
  }

  /**
   * Starts connecting to `address` (`enet_host_connect`); a "connect" event follows on
   * success, a "disconnect" event with reason "timeout" on failure.
   *
   * @param now The current time.
   * @param address The remote host.
   * @param channelCount Channels, clamped to 1..255.
   * @param data 32-bit data for the remote side's connect event.
   * @returns The connecting peer.
   * @throws {TypeError} If `address` is not an address.
   * @throws {RangeError} If every peer slot is in use.
   */
  connect(now: number, address: PeerAddress, channelCount: number, data: number): Peer {
    if (typeof address?.address !== "string" || !Number.isInteger(address.port)) {
      throw new TypeError("Cannot connect: address needs a string address and an integer port");
    }
    this.#advance(now, false);
    const peer = connectPeer(this, address, channelCount, data);
    if (peer === null) throw new RangeError("Cannot connect: every peer slot is in use");
    return peer;
  }

  /**
   * Sends a packet to every connected peer (`enet_host_broadcast`); the data is copied
   * once unless `NO_ALLOCATE` is set.
   *
   * @param channelID The channel.
   * @param packet The packet.
   */
  broadcast(channelID: number, packet: Packet): void {
    if (!(packet?.data instanceof Uint8Array)) {
      throw new TypeError("Cannot broadcast: packet.data is not a Uint8Array");
    }
    const shared = (packet.flags & PacketFlag.NO_ALLOCATE) !== 0
      ? packet
      : { data: copyToSlab(packet.data), flags: packet.flags };
    for (const peer of this.peers) {
      if (peer.state === PeerState.CONNECTED) sendPacket(peer, channelID, shared, false);
    }
  }

  /**
   * Limits the channels of future incoming connections (`enet_host_channel_limit`).
   *
   * @param limit 1..255; 0 means 255.
   */
  channelLimit(limit: number): void {
    this.channelCountLimit = clampChannelLimit(limit);
  }

  /**
   * Sets our bandwidth (`enet_host_bandwidth_limit`); peers are told within a second.
   *
   * @param incoming Bytes/s we can receive, 0 = unlimited.
   * @param outgoing Bytes/s we can send, 0 = unlimited.
   */
  bandwidthLimit(incoming: number, outgoing: number): void {
    this.incomingBandwidth = incoming >>> 0;
    this.outgoingBandwidth = outgoing >>> 0;
    this.recalculateBandwidthLimits = true;
    this.needsFlush = true;
  }

  /**
   * Processes a received datagram. Anything malformed is dropped and counted in
   * `stats.droppedDatagrams` and, by reason, in `stats.drops` (then `onDrop` is
   * called); this never throws on remote input.
   *
   * @param now The current time.
   * @param from The sender.
   * @param bytes The datagram; the caller may reuse it after the call.
   */
  handleDatagram(now: number, from: PeerAddress, bytes: Uint8Array): void {
    this.#advance(now, true);
    if (bytes.length > HostDefault.RECEIVE_BUFFER_SIZE) {
      this.#drop("oversized", from);
      return;
    }
    this.stats.totalReceivedData += bytes.length;
    this.stats.totalReceivedPackets++;
    const reason = handleIncomingDatagram(this, from, bytes);
    if (reason !== null) this.#drop(reason, from);
  }

  #drop(reason: DropReason, from: PeerAddress): void {
    this.stats.droppedDatagrams++;
    this.stats.drops[reason]++;
    this.onDrop?.(reason, from);
  }

  /**
   * The send phase of `enet_host_service`: bandwidth throttle, acknowledgements,
   * retransmissions and timeouts, pings, queued commands.
   *
   * @param now The current time.
   */
  handleTimeout(now: number): void {
    this.#advance(now, true);
    if (
      timeDifference(this.serviceTime, this.bandwidthThrottleEpoch) >=
        HostDefault.BANDWIDTH_THROTTLE_INTERVAL
    ) {
      bandwidthThrottle(this);
    }
    sendOutgoingCommands(this, true);
  }

  /**
   * Sends what is queued now, without retransmissions or timeouts (`enet_host_flush`).
   *
   * @param now The current time.
   */
  flush(now: number): void {
    this.#advance(now, true);
    sendOutgoingCommands(this, false);
  }

  /**
   * @internal `enet_host_flush` for `disconnectNow` and friends: at `now` when given
   * (C ENet reads the clock there), else at the last time seen.
   */
  flushQueued(now?: number): void {
    if (now !== undefined) this.#advance(now, false);
    sendOutgoingCommands(this, false);
  }

  /**
   * The next datagram to send. It is only valid until the next call on this host.
   *
   * @returns The datagram, or `undefined` when there is none.
   */
  pollTransmit(): Transmit | undefined {
    return this.output.poll();
  }

  /**
   * The next event. A ZOMBIE peer becomes DISCONNECTED as its "disconnect" event is taken.
   *
   * @returns The event, or `undefined` when there is none.
   */
  pollEvent(): HostEvent | undefined {
    return dispatchNextEvent(this);
  }

  /**
   * When `handleTimeout` must next be called.
   *
   * Constant time: the host keeps each peer's next deadline (see `SendSchedule`).
   *
   * @returns An absolute time on the caller's clock (possibly now or earlier), or
   * `undefined` when nothing is pending.
   */
  pollTimeout(): number | undefined {
    if (this.needsFlush || this.schedule.hasMarked) return this.nowBase;
    let best = this.schedule.earliest;
    if (this.connectedPeers > 0 || this.recalculateBandwidthLimits) {
      const epochEnd = (this.bandwidthThrottleEpoch + HostDefault.BANDWIDTH_THROTTLE_INTERVAL) >>>
        0;
      best = Math.min(best, this.nowBase + untilDeadline(epochEnd, this.serviceTime));
    }
    return best === Infinity ? undefined : best;
  }
}
