/**
 * The datagram fuzzer on the in-memory network: while a `Conversation` runs, handshaken
 * attacker hosts send real traffic (captured for mutation), and hostile datagrams are
 * thrown at the server from the attackers' own sessions and from many source ports.
 *
 * @module
 */

import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { seededRandom, SimNetwork, type SimNode } from "../helpers/sim_network.ts";
import { Conversation, type ConversationOptions } from "./_conversation.ts";
import {
  capturedCorpus,
  type Framing,
  hostileCommand,
  mutate,
  pick,
  type Random,
  randomBytes,
  seal,
} from "./_fuzz.ts";

interface Attacker {
  node: SimNode;
  peer: Peer;
  sent: number;
}

/** Datagrams thrown, by kind. */
export interface FuzzCounts {
  /** Mutations of datagrams attackers really sent, from their own address. */
  mutatedSession: number;
  /** Mutations of captured datagrams, from other ports. */
  mutatedCapture: number;
  /** Random bytes, from other ports. */
  random: number;
  /** Crafted hostile commands sealed into an attacker's session. */
  crafted: number;
}

/** A server under fuzzing with a conversation and attackers. */
export class FuzzRig {
  /** The network. */
  readonly net: SimNetwork;
  /** The legitimate conversation. */
  readonly conversation: Conversation;
  /** What was thrown. */
  readonly counts: FuzzCounts = { mutatedSession: 0, mutatedCapture: 0, random: 0, crafted: 0 };
  readonly #framing: Framing;
  readonly #random: Random;
  readonly #attackers: Attacker[] = [];
  readonly #captured: { from: number; data: Uint8Array }[] = [];
  readonly #corpus: Uint8Array[];
  readonly #sourcePorts: number;

  /**
   * @param seed Seed of the network and the fuzzer.
   * @param framing Checksum and compressor of every host.
   * @param attackers Handshaken attacker hosts.
   * @param sourcePorts Other source ports garbage comes from.
   * @param start Virtual start time.
   */
  constructor(seed: number, framing: Framing, attackers = 4, sourcePorts = 64, start = 0) {
    this.net = new SimNetwork(seed, { latency: 5 }, start);
    this.#framing = framing;
    this.#random = seededRandom(seed ^ 0x5eed);
    this.#sourcePorts = sourcePorts;
    this.#corpus = capturedCorpus();
    const hostOptions = { checksum: framing.checksum, compressor: framing.compressor };
    const options: ConversationOptions = { host: hostOptions, serverPeers: attackers + 4 };
    this.conversation = new Conversation(this.net, options);
    for (let i = 0; i < attackers; i++) {
      const node = this.net.add(new Host({ seed: 100 + i, peerCount: 1, ...hostOptions }), {
        address: "10.0.0.66",
        port: 6000 + i,
      });
      const peer = node.host.connect(this.net.now, this.conversation.server.address, 4, 0);
      this.#attackers.push({ node, peer, sent: 0 });
    }
    this.net.filter = (from, _to, data) => {
      const index = this.#attackers.findIndex((a) => a.node === from);
      if (index >= 0) {
        if (this.#captured.length >= 64) this.#captured.splice(pick(this.#random, 64), 1);
        this.#captured.push({ from: index, data: data.slice() });
      }
      return true;
    };
  }

  /** The server node. */
  get server(): SimNode {
    return this.conversation.server;
  }

  /** Lets the attackers send real traffic of every kind, reconnecting those that dropped. */
  attackersTalk(): void {
    const r = this.#random;
    for (const a of this.#attackers) {
      if (a.peer.state === PeerState.DISCONNECTED) {
        a.peer = a.node.host.connect(this.net.now, this.server.address, 4, 0);
      }
      if (a.peer.state !== PeerState.CONNECTED) continue;
      const size = r() < 0.1 ? 1500 + pick(r, 3000) : pick(r, 200);
      const flags = [
        PacketFlag.RELIABLE,
        0,
        PacketFlag.UNSEQUENCED,
        PacketFlag.UNRELIABLE_FRAGMENT,
      ][pick(r, 4)];
      a.peer.send(pick(r, 4), { data: randomBytes(r, size), flags });
      a.sent++;
      this.net.drain(a.node);
    }
  }

  /** Throws `count` hostile datagrams at the server now. */
  throwDatagrams(count: number): void {
    const r = this.#random;
    const host = this.server.host;
    for (let i = 0; i < count; i++) {
      const choice = r();
      if (choice < 0.35 && this.#captured.length > 0) {
        const c = this.#captured[pick(r, this.#captured.length)];
        const other = this.#captured[pick(r, this.#captured.length)].data;
        host.handleDatagram(
          this.net.now,
          this.#attackers[c.from].node.address,
          mutate(r, c.data, other),
        );
        this.counts.mutatedSession++;
      } else if (choice < 0.6) {
        const base = this.#corpus[pick(r, this.#corpus.length)];
        const other = this.#corpus[pick(r, this.#corpus.length)];
        host.handleDatagram(this.net.now, this.#source(), mutate(r, base, other));
        this.counts.mutatedCapture++;
      } else if (choice < 0.75) {
        host.handleDatagram(this.net.now, this.#source(), randomBytes(r, 1500));
        this.counts.random++;
      } else {
        const a = this.#attackers[pick(r, this.#attackers.length)];
        const commands = Array.from({ length: 1 + pick(r, 6) }, () => hostileCommand(r, 4));
        const target = {
          peerID: a.peer.outgoingPeerID,
          sessionID: a.peer.outgoingSessionID,
          connectID: a.peer.connectID,
        };
        host.handleDatagram(
          this.net.now,
          a.node.address,
          seal(target, this.#framing, commands, r() < 0.2 ? undefined : pick(r, 0x10000)),
        );
        this.counts.crafted++;
      }
      this.net.drain(this.server);
    }
  }

  /** Total datagrams thrown. */
  get thrown(): number {
    const c = this.counts;
    return c.mutatedSession + c.mutatedCapture + c.random + c.crafted;
  }

  /** Silences the attackers: their datagrams no longer reach anyone. */
  silenceAttackers(): void {
    const attackers = new Set(this.#attackers.map((a) => a.node));
    this.net.filter = (from, to) => !attackers.has(from) && !attackers.has(to);
  }

  #source() {
    return { address: "10.0.0.99", port: 20000 + pick(this.#random, this.#sourcePorts) };
  }
}
