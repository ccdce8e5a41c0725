/**
 * The core side of the differential test: a core `Host` driven in-process on a
 * virtual clock, connected by the fake client through the same handshake the pyenet
 * host gets, then fed datagrams, recording every event.
 *
 * @module
 */

import type { ConnectCommand } from "../../src/protocol/command.ts";
import { Host } from "../../src/core/host.ts";
import type { PeerAddress } from "../../src/core/types.ts";
import { connectionRecord, type Delivery, receiveRecord } from "./differential_record.ts";
import type { TargetHeader } from "./differential_traffic.ts";
import { datagramOf, readReply, targetOf, UNCONNECTED } from "./differential_wire.ts";

/** The fake client's address as the core host sees it. */
const CLIENT: PeerAddress = { address: "127.0.0.1", port: 40000 };

/** A core host with one connection from the fake client. */
export class CoreTarget {
  /** The host. */
  readonly host: Host;
  /** Every event so far, in order. */
  readonly events: Delivery[] = [];
  /** Acknowledgements the host sent, as [channel, reliable sequence number]; the caller empties it. */
  readonly acknowledged: [number, number][] = [];
  /** Where our datagrams go (set by `handshake`). */
  header: TargetHeader = UNCONNECTED;
  #now = 1000;

  /**
   * @param peerCount Peer slots.
   * @param channelLimit Channel limit, as the pyenet host's.
   */
  constructor(peerCount: number, channelLimit: number) {
    this.host = new Host({ peerCount, channelLimit, seed: 7 });
  }

  /**
   * Connects the fake client: CONNECT in, VERIFY_CONNECT out, its ACK in.
   *
   * @param connect The CONNECT command.
   * @throws {Error} When the host does not answer or connect.
   */
  handshake(connect: ConnectCommand): void {
    this.#feed(datagramOf(UNCONNECTED, this.#now & 0xffff, [connect]), undefined);
    if (this.header === UNCONNECTED) throw new Error("Cannot connect: no VERIFY_CONNECT");
    if (this.events[0]?.event !== "connect") {
      throw new Error("Cannot connect: the core host reported no connect event");
    }
  }

  /**
   * Hands one datagram to the host and records what it reports.
   *
   * @param bytes The datagram.
   * @param index Its index in the run (kept with the events it causes).
   */
  feed(bytes: Uint8Array, index: number): void {
    this.#feed(bytes, index);
  }

  #feed(bytes: Uint8Array, index: number | undefined): void {
    this.host.handleDatagram(++this.#now, CLIENT, bytes);
    // Acknowledge what asks for it (VERIFY_CONNECT, pings) as the client would; the
    // acknowledgements cause nothing to be delivered.
    this.host.flush(this.#now);
    const answers: Uint8Array[] = [];
    for (let t = this.host.pollTransmit(); t !== undefined; t = this.host.pollTransmit()) {
      const reply = readReply(t.data);
      if (reply.verify !== undefined) this.header = targetOf(reply.verify);
      for (const a of reply.acknowledged) {
        this.acknowledged.push([a.channelID, a.receivedReliableSequenceNumber]);
      }
      if (reply.acks.length > 0) answers.push(datagramOf(this.header, undefined, reply.acks));
    }
    this.#drainEvents(index);
    for (const answer of answers) {
      this.host.handleDatagram(++this.#now, CLIENT, answer);
      this.#drainEvents(index);
    }
  }

  #drainEvents(index: number | undefined): void {
    for (let e = this.host.pollEvent(); e !== undefined; e = this.host.pollEvent()) {
      if (e.type === "receive") {
        this.events.push(receiveRecord(e.channelID, e.packet.data, e.packet.flags, index));
      } else {
        this.events.push(connectionRecord(e.type, e.data));
      }
    }
  }
}
