/**
 * A peer: one connection slot of a host (`ENetPeer`).
 *
 * @module
 */

import type { Acknowledgement, IncomingCommand, OutgoingCommand } from "./commands.ts";
import type { Channel } from "./channel.ts";
import { PeerDefault } from "./constants.ts";
import { withdrawConnectEvent } from "./dispatch.ts";
import {
  disconnectLaterPeer,
  disconnectNowPeer,
  disconnectPeer,
  pingPeer,
  resetPeer,
  throttleConfigurePeer,
} from "./connection.ts";
import type { Host } from "./host.ts";
import { receivePacket } from "./incoming.ts";
import { List } from "./list.ts";
import { sendPacket, SendResult } from "./outgoing.ts";
import { ProtocolLimit } from "../protocol/constants.ts";
import {
  type DisconnectReason,
  type Packet,
  type PeerAddress,
  PeerState,
  type PeerStateValue,
} from "./types.ts";

const SEND_ERRORS: Record<Exclude<SendResult, typeof SendResult.OK>, string> = {
  [SendResult.NOT_CONNECTED]: "peer is not connected",
  [SendResult.BAD_CHANNEL]: "channel id is not below the peer's channel count",
  [SendResult.TOO_LARGE]: "packet is larger than the host's maximumPacketSize",
  [SendResult.TOO_MANY_FRAGMENTS]: "packet needs more than 1048576 fragments",
};

/**
 * One peer slot of a `Host`. The host creates all its peers up front; a slot is reused
 * once its peer is back to `PeerState.DISCONNECTED`. Fields carry C ENet's names;
 * fields marked internal belong to the core.
 *
 * @example Inspect a connecting peer
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "./host.ts";
 * import { PeerState } from "./types.ts";
 *
 * const host = new Host({ peerCount: 1, seed: 1 });
 * const peer = host.connect(0, { address: "127.0.0.1", port: 7777 }, 2, 0);
 * assert.equal(peer.state, PeerState.CONNECTING);
 * assert.equal(peer.channelCount, 2);
 * ```
 */
export class Peer {
  /** The host this peer belongs to. */
  readonly host: Host;
  /** This slot's index in `host.peers`: the peer id the remote side sends to. */
  readonly incomingPeerID: number;
  /** The remote side's id for this connection, 0xFFF until known. */
  outgoingPeerID: number = ProtocolLimit.MAXIMUM_PEER_ID;
  /** Random id of the connection, chosen by the connecting side. */
  connectID = 0;
  /** The remote address, or `null` for a slot never used. */
  address: PeerAddress | null = null;
  /** Connection state. */
  state: PeerStateValue = PeerState.DISCONNECTED;
  /** Number of channels. */
  channelCount = 0;
  /** ENet's `eventData`: the data of the last connect or disconnect. */
  data = 0;
  /** The remote side's incoming bandwidth in bytes/s (0 = unlimited). */
  incomingBandwidth = 0;
  /** The remote side's outgoing bandwidth in bytes/s (0 = unlimited). */
  outgoingBandwidth = 0;
  /** Negotiated MTU. */
  mtu: number;
  /** Reliable bytes allowed in transit at full throttle. */
  windowSize: number = ProtocolLimit.MAXIMUM_WINDOW_SIZE;
  /** Mean packet loss, scaled by 65536. */
  packetLoss = 0;
  /** Variance of `packetLoss`. */
  packetLossVariance = 0;
  /** Start of the current packet-loss measuring interval. */
  packetLossEpoch = 0;
  /** Mean round-trip time in milliseconds. */
  roundTripTime: number = PeerDefault.ROUND_TRIP_TIME;
  /** Variance of `roundTripTime`. */
  roundTripTimeVariance = 0;
  /** Lowest mean RTT of the last throttle interval. */
  lastRoundTripTime: number = PeerDefault.ROUND_TRIP_TIME;
  /** Highest RTT variance of the last throttle interval. */
  lastRoundTripTimeVariance = 0;
  /** Share of unreliable packets sent, out of 32. */
  packetThrottle: number = PeerDefault.PACKET_THROTTLE;
  /** Upper bound of `packetThrottle`. */
  packetThrottleLimit: number = PeerDefault.PACKET_THROTTLE_SCALE;
  /** Counter deciding which unreliable packets the throttle drops. */
  packetThrottleCounter = 0;
  /** Start of the current throttle interval. */
  packetThrottleEpoch = 0;
  /** Throttle increase per good RTT sample. */
  packetThrottleAcceleration: number = PeerDefault.PACKET_THROTTLE_ACCELERATION;
  /** Throttle decrease per bad RTT sample. */
  packetThrottleDeceleration: number = PeerDefault.PACKET_THROTTLE_DECELERATION;
  /** Throttle interval in milliseconds. */
  packetThrottleInterval: number = PeerDefault.PACKET_THROTTLE_INTERVAL;
  /** Milliseconds of silence before a ping. */
  pingInterval: number = PeerDefault.PING_INTERVAL;
  /** Retransmission count bound (as 2^(attempts-1)) before a timeout can occur. */
  timeoutLimit: number = PeerDefault.TIMEOUT_LIMIT;
  /** Minimum milliseconds without acknowledgement before a timeout. */
  timeoutMinimum: number = PeerDefault.TIMEOUT_MINIMUM;
  /** Maximum milliseconds without acknowledgement before a timeout. */
  timeoutMaximum: number = PeerDefault.TIMEOUT_MAXIMUM;
  /** Reliable payload bytes sent and not yet acknowledged. */
  reliableDataInTransit = 0;
  /** Bytes of received packets not yet dispatched. */
  totalWaitingData = 0;
  /** Free for the application (Godot's ENetPacketPeer lives here). */
  userData: unknown = undefined;

  /** @internal Session id expected in incoming headers. */
  incomingSessionID = 0xff;
  /** @internal Session id written in outgoing headers. */
  outgoingSessionID = 0xff;
  /** @internal `PeerFlag` bits. */
  flags = 0;
  /** @internal Channels, `channelCount` long while connected. */
  channels: Channel[] = [];
  /**
   * @internal Acknowledgement records: the first `acknowledgementCount` are to send, the
   * rest are spare records kept for reuse.
   */
  acknowledgements: Acknowledgement[] = [];
  /** @internal Acknowledgements to send, at the front of `acknowledgements`. */
  acknowledgementCount = 0;
  /** @internal Reliable commands sent and awaiting acknowledgement. */
  readonly sentReliableCommands: List<OutgoingCommand> = new List<OutgoingCommand>();
  /** @internal Protocol and unreliable commands to send. */
  readonly outgoingCommands: List<OutgoingCommand> = new List<OutgoingCommand>();
  /** @internal Reliable packet commands to send. */
  readonly outgoingSendReliableCommands: List<OutgoingCommand> = new List<OutgoingCommand>();
  /** @internal Received packets ready for the application. */
  readonly dispatchedCommands: List<IncomingCommand> = new List<IncomingCommand>();
  /** @internal */
  incomingBandwidthThrottleEpoch = 0;
  /** @internal */
  outgoingBandwidthThrottleEpoch = 0;
  /** @internal Bytes received since the last bandwidth throttle. */
  incomingDataTotal = 0;
  /** @internal Bytes queued since the last bandwidth throttle. */
  outgoingDataTotal = 0;
  /** @internal */
  lastSendTime = 0;
  /** @internal Time of the last acknowledgement received (0 = none yet). */
  lastReceiveTime = 0;
  /** @internal When the first sent reliable command times out. */
  nextTimeout = 0;
  /** @internal Sent time of the oldest timed-out command (0 = none). */
  earliestTimeout = 0;
  /** @internal Commands sent in the current packet-loss interval. */
  packetsSent = 0;
  /** @internal Commands lost in the current packet-loss interval. */
  packetsLost = 0;
  /** @internal */
  lowestRoundTripTime: number = PeerDefault.ROUND_TRIP_TIME;
  /** @internal */
  highestRoundTripTimeVariance = 0;
  /** @internal Sequence number of connection-level (channel 0xFF) commands. */
  outgoingReliableSequenceNumber = 0;
  /** @internal */
  incomingUnsequencedGroup = 0;
  /** @internal */
  outgoingUnsequencedGroup = 0;
  /** @internal Bitmap of the unsequenced groups received in the current window. */
  readonly unsequencedWindow: Uint32Array = new Uint32Array(
    PeerDefault.UNSEQUENCED_WINDOW_SIZE / 32,
  );
  /** @internal Reason reported when this peer's ZOMBIE state is dispatched. */
  disconnectReason: DisconnectReason = "remote";
  /** @internal On the host's list for the next send phase. */
  marked = false;
  /** @internal Position in the host's deadline heap, -1 when not on it. */
  scheduleIndex = -1;
  /** @internal When it next needs a send phase, on the caller's clock. */
  dueAt = 0;
  /**
   * @internal Taken for a send phase and not rescheduled yet (it may still sit on the heap
   * at its old deadline).
   */
  visiting = false;

  /**
   * Creates a slot; only `Host` does this.
   *
   * @param host The owning host.
   * @param incomingPeerID The slot index.
   */
  constructor(host: Host, incomingPeerID: number) {
    this.host = host;
    this.incomingPeerID = incomingPeerID;
    this.mtu = host.mtu;
  }

  /**
   * Queues a packet (`enet_peer_send`). Packets larger than one fragment are split;
   * unreliable ones then travel as reliable fragments unless `UNRELIABLE_FRAGMENT` is set.
   * The data is copied unless `PacketFlag.NO_ALLOCATE` is set.
   *
   * @param channelID Channel, below `channelCount`.
   * @param packet The packet.
   * @throws {RangeError} If the peer is not connected, the channel does not exist or the
   * packet is too large.
   */
  send(channelID: number, packet: Packet): void {
    if (!(packet?.data instanceof Uint8Array)) {
      throw new TypeError("Cannot send: packet.data is not a Uint8Array");
    }
    const result = sendPacket(this, channelID, packet, true);
    if (result !== SendResult.OK) throw new RangeError(`Cannot send: ${SEND_ERRORS[result]}`);
  }

  /**
   * Takes the next received packet directly (`enet_peer_receive`). Normally the host hands
   * packets out as "receive" events instead.
   *
   * @returns The channel and packet, or `undefined` when none is waiting.
   */
  receive(): { channelID: number; packet: Packet } | undefined {
    return receivePacket(this);
  }

  /**
   * Asks the remote side to disconnect (`enet_peer_disconnect`); a "disconnect" event
   * with reason "local" follows once it acknowledges. Queued packets are dropped. A peer
   * not yet connected is told at once (the host flushes) and reset.
   *
   * @param data 32-bit data for the remote side's event.
   * @param now The current time, for that flush; default the host's last time.
   */
  disconnect(data = 0, now?: number): void {
    disconnectPeer(this, data >>> 0, now);
  }

  /**
   * Disconnects once all queued outgoing packets are sent and acknowledged
   * (`enet_peer_disconnect_later`); otherwise as `disconnect`.
   *
   * @param data 32-bit data for the remote side's event.
   * @param now The current time, for the flush of a peer not yet connected.
   */
  disconnectLater(data = 0, now?: number): void {
    disconnectLaterPeer(this, data >>> 0, now);
  }

  /**
   * Disconnects at once (`enet_peer_disconnect_now`): the host flushes, so an
   * unsequenced DISCONNECT (and whatever else was queued, for every peer) waits for the
   * next `pollTransmit`, and the peer is reset. No event follows, and a "connect" event
   * of this connection not yet polled is withdrawn.
   *
   * @param data 32-bit data for the remote side's event.
   * @param now The current time, for the flush; default the host's last time (then
   *   datagrams for other peers leave stamped in the past).
   */
  disconnectNow(data = 0, now?: number): void {
    disconnectNowPeer(this, data >>> 0, now);
  }

  /**
   * Forgets the connection without telling the remote side (`enet_peer_reset`). No
   * event follows, and a "connect" event of this connection not yet polled is withdrawn.
   */
  reset(): void {
    withdrawConnectEvent(this);
    resetPeer(this);
  }

  /** Queues a ping (`enet_peer_ping`); the host also pings on its own every `pingInterval`. */
  ping(): void {
    pingPeer(this);
  }

  /**
   * Sets the ping interval (`enet_peer_ping_interval`).
   *
   * @param ms Milliseconds; 0 restores the default of 500.
   */
  setPingInterval(ms: number): void {
    this.pingInterval = ms > 0 ? ms >>> 0 : PeerDefault.PING_INTERVAL;
    this.host.schedule.mark(this);
  }

  /**
   * Sets the timeout parameters (`enet_peer_timeout`); 0 restores a default.
   *
   * @param limit Retransmission bound (default 32).
   * @param minimum Minimum milliseconds without acknowledgement (default 5000).
   * @param maximum Maximum milliseconds without acknowledgement (default 30000).
   */
  setTimeout(limit: number, minimum: number, maximum: number): void {
    this.timeoutLimit = limit > 0 ? limit >>> 0 : PeerDefault.TIMEOUT_LIMIT;
    this.timeoutMinimum = minimum > 0 ? minimum >>> 0 : PeerDefault.TIMEOUT_MINIMUM;
    this.timeoutMaximum = maximum > 0 ? maximum >>> 0 : PeerDefault.TIMEOUT_MAXIMUM;
  }

  /**
   * Sets the packet throttle parameters and sends them to the remote side
   * (`enet_peer_throttle_configure`).
   *
   * @param interval Measuring interval in milliseconds.
   * @param acceleration Throttle increase, out of 32.
   * @param deceleration Throttle decrease, out of 32.
   */
  throttleConfigure(interval: number, acceleration: number, deceleration: number): void {
    throttleConfigurePeer(this, interval >>> 0, acceleration >>> 0, deceleration >>> 0);
  }
}
