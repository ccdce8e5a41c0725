/**
 * A well-behaved conversation to keep going while a host is attacked or the network is
 * impaired: a client sends numbered reliable, unreliable and unsequenced packets on
 * several channels (some large enough to fragment), an echo server sends each back, and
 * both sides check what arrives: reliable packets exactly once, in order, byte-exact;
 * unreliable ones never duplicated or out of order within a channel; unsequenced ones
 * never duplicated.
 *
 * @module
 */

import { Host, type HostOptions } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { type HostEvent, PacketFlag, type PeerAddress, PeerState } from "../../src/core/types.ts";
import type { SimNetwork, SimNode } from "../helpers/sim_network.ts";

const KIND_RELIABLE = 0;
const KIND_UNRELIABLE = 1;
const KIND_UNSEQUENCED = 2;
const EMPTY = new Uint8Array(0);
const KIND_FLAGS = [PacketFlag.RELIABLE, 0, PacketFlag.UNSEQUENCED];

/** The packet numbered `seq` of a kind on a channel: 6 bytes of label, then a pattern. */
export function conversationPayload(kind: number, channel: number, seq: number): Uint8Array {
  const length = 6 +
    (kind === KIND_RELIABLE && seq % 40 === 7 ? 2500 + (seq % 700) : (seq * 37) % 300);
  const bytes = new Uint8Array(length);
  bytes[0] = kind;
  bytes[1] = channel;
  bytes[2] = seq >>> 24;
  bytes[3] = seq >>> 16;
  bytes[4] = seq >>> 8;
  bytes[5] = seq;
  for (let i = 6; i < length; i++) bytes[i] = (seq * 31 + i * 7 + channel) & 0xff;
  return bytes;
}

/** Per channel and kind, what a receiver has seen. */
export class DeliveryLedger {
  /** Per kind and channel, the next sequence number expected (reliable) or allowed. */
  readonly next: number[][];
  /** Per channel, the recent unsequenced packets seen. */
  readonly unsequenced: Set<number>[];
  /** Packets received. */
  received = 0;
  /** Violations, for callers that collect them here. */
  readonly errors: string[] = [];

  /** @param channels Channels in use. */
  constructor(channels: number) {
    this.next = [[], [], []].map(() => new Array(channels).fill(0));
    this.unsequenced = Array.from({ length: channels }, () => new Set<number>());
  }

  /** Checks one packet; returns an error message or `null`. */
  check(channelID: number, data: Uint8Array): string | null {
    if (data.length < 6) return `runt packet of ${data.length} bytes on channel ${channelID}`;
    const kind = data[0];
    const channel = data[1];
    const seq = ((data[2] << 24) | (data[3] << 16) | (data[4] << 8) | data[5]) >>> 0;
    if (kind > 2 || channel !== channelID) {
      return `packet labelled ${kind}/${channel} on channel ${channelID}`;
    }
    const expected = conversationPayload(kind, channel, seq);
    if (expected.length !== data.length || expected.some((b, i) => b !== data[i])) {
      return `kind ${kind} packet ${seq} on channel ${channel} is not byte-exact`;
    }
    this.received++;
    if (kind === KIND_RELIABLE) {
      if (seq !== this.next[kind][channel]) {
        return `reliable packet ${seq} on channel ${channel}, expected ${this.next[kind][channel]}`;
      }
      this.next[kind][channel] = seq + 1;
    } else if (kind === KIND_UNRELIABLE) {
      if (seq < this.next[kind][channel]) {
        return `unreliable packet ${seq} on channel ${channel} after ${
          this.next[kind][channel] - 1
        }`;
      }
      this.next[kind][channel] = seq + 1;
    } else {
      const seen = this.unsequenced[channel];
      if (seen.has(seq)) return `unsequenced packet ${seq} on channel ${channel} twice`;
      seen.add(seq);
      if (seen.size > 4096) seen.delete(seen.values().next().value!);
    }
    return null;
  }
}

/** Options of a conversation. */
export interface ConversationOptions {
  /** Channels used (default 3). */
  channels?: number;
  /** Options for both hosts (checksum, compressor …). */
  host?: HostOptions;
  /** Server peer slots (default 8). */
  serverPeers?: number;
  /** Most reliable packets in flight per channel before the client waits (default 24). */
  window?: number;
  /** Reliable packets sent per channel per `pump` (default 1). */
  burst?: number;
}

/** A client and an echo server on a simulated network, checking each other. */
export class Conversation {
  /** The network. */
  readonly net: SimNetwork;
  /** The echo server. */
  readonly server: SimNode;
  /** The well-behaved client. */
  readonly client: SimNode;
  /** The client's peer for the server. */
  peer: Peer;
  /** Violations seen (should stay empty). */
  readonly errors: string[] = [];
  /** Reliable packets the client sent, per channel. */
  readonly sent: number[];
  /** What the server received from the client. */
  readonly atServer: DeliveryLedger;
  /** What the client received back. */
  readonly atClient: DeliveryLedger;
  /** The client's disconnect events, with their virtual time. */
  readonly disconnects: number[] = [];
  readonly #clock: SimNode;
  readonly #channels: number;
  readonly #window: number;
  readonly #burst: number;
  readonly #unreliableSent: number[];

  /**
   * Builds the two hosts and starts connecting.
   *
   * @param net The network.
   * @param options Settings.
   */
  constructor(net: SimNetwork, options: ConversationOptions = {}) {
    const channels = options.channels ?? 3;
    this.net = net;
    this.#channels = channels;
    this.#window = options.window ?? 24;
    this.#burst = options.burst ?? 1;
    this.sent = new Array(channels).fill(0);
    this.#unreliableSent = new Array(channels).fill(0);
    this.atServer = new DeliveryLedger(channels);
    this.atClient = new DeliveryLedger(channels);
    const serverAddress: PeerAddress = { address: "10.0.0.1", port: 7000 };
    this.server = net.add(
      new Host({ seed: 11, peerCount: options.serverPeers ?? 8, ...options.host }),
      serverAddress,
    );
    this.client = net.add(new Host({ seed: 12, peerCount: 1, ...options.host }), {
      address: "10.0.0.2",
      port: 5000,
    });
    this.#clock = net.add(new Host({ seed: 13, peerCount: 1 }), { address: "10.0.0.250", port: 1 });
    this.server.onEvent = (event) => this.#onServer(event);
    this.client.onEvent = (event) => this.#onClient(event);
    this.peer = this.client.host.connect(net.now, serverAddress, channels, 0);
  }

  /** Whether the client's peer is connected. */
  get connected(): boolean {
    return this.peer.state === PeerState.CONNECTED;
  }

  /** The server's peer for the client, if connected. */
  serverPeerOfClient(): Peer | undefined {
    return this.server.host.peers.find((p) =>
      p.state === PeerState.CONNECTED && p.address?.address === this.client.address.address &&
      p.address.port === this.client.address.port
    );
  }

  /** Echoes received so far of the reliable packets sent. */
  get echoed(): number {
    return this.atClient.next[KIND_RELIABLE].reduce((a, b) => a + b, 0);
  }

  /** Reliable packets sent so far. */
  get sentTotal(): number {
    return this.sent.reduce((a, b) => a + b, 0);
  }

  /** Sends the next packets on every channel, keeping at most `window` reliable ones unechoed. */
  pump(): void {
    if (!this.connected) return;
    const echoed = this.atClient.next[KIND_RELIABLE];
    for (let c = 0; c < this.#channels; c++) {
      for (let k = 0; k < this.#burst && this.sent[c] - echoed[c] < this.#window; k++) {
        this.peer.send(c, {
          data: conversationPayload(KIND_RELIABLE, c, this.sent[c]++),
          flags: PacketFlag.RELIABLE,
        });
      }
      const u = this.#unreliableSent[c]++;
      this.peer.send(c, { data: conversationPayload(KIND_UNRELIABLE, c, u), flags: 0 });
      if (u % 3 === 0) {
        this.peer.send(c, {
          data: conversationPayload(KIND_UNSEQUENCED, c, u),
          flags: PacketFlag.UNSEQUENCED,
        });
      }
    }
    this.net.drain(this.client);
  }

  /**
   * Advances the virtual clock by exactly `ms` (the network alone jumps from one
   * delivery or timer to the next), processing what falls due on the way.
   */
  advance(ms: number): void {
    const net = this.net;
    const target = net.now + ms;
    net.inject(this.#clock, this.#clock, EMPTY, ms);
    net.runUntil(() => net.now >= target, ms + 1);
  }

  /** Runs until every reliable packet sent was echoed, or `maxTime` passes. */
  settle(maxTime: number): boolean {
    return this.net.runUntil(() => this.echoed === this.sentTotal, maxTime);
  }

  #onServer(event: HostEvent): void {
    if (event.type !== "receive") return;
    const peer = event.peer;
    if (
      peer.address?.address !== this.client.address.address ||
      peer.address.port !== this.client.address.port
    ) {
      return;
    }
    const error = this.atServer.check(event.channelID, event.packet.data);
    if (error !== null) this.errors.push(`server: ${error}`);
    const kind = event.packet.data[0];
    if (peer.state === PeerState.CONNECTED && kind <= 2) {
      peer.send(event.channelID, { data: event.packet.data, flags: KIND_FLAGS[kind] });
    }
  }

  #onClient(event: HostEvent): void {
    if (event.type === "disconnect") this.disconnects.push(this.net.now);
    if (event.type !== "receive") return;
    const error = this.atClient.check(event.channelID, event.packet.data);
    if (error !== null) this.errors.push(`client: ${error}`);
  }
}

/**
 * Objects a host retains beyond its fixed peer slots: peers not disconnected, queued and
 * sent commands, received commands waiting, spare acknowledgement records, undelivered
 * events. After every peer but `keep` is gone, all of these must be back near zero.
 */
export function retained(host: Host, keep?: Peer): Record<string, number> {
  const counts = {
    activePeers: 0,
    queuedCommands: 0,
    incomingCommands: 0,
    acknowledgementRecords: 0,
    waitingData: 0,
    pendingEvents: host.pendingEvents.length - host.pendingEventsHead,
    dispatchQueue: host.dispatchQueue.length,
  };
  for (const peer of host.peers) {
    if (peer === keep) continue;
    if (peer.state !== PeerState.DISCONNECTED) counts.activePeers++;
    counts.queuedCommands += peer.sentReliableCommands.size() + peer.outgoingCommands.size() +
      peer.outgoingSendReliableCommands.size() + peer.dispatchedCommands.size();
    for (const channel of peer.channels) {
      counts.incomingCommands += channel.incomingReliableCommands.size() +
        channel.incomingUnreliableCommands.size();
    }
    counts.acknowledgementRecords += peer.acknowledgements.length;
    counts.waitingData += peer.totalWaitingData;
  }
  return counts;
}
