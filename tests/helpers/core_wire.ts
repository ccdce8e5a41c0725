/**
 * Wire-level helpers for tests that drive core `Host`s by hand on a virtual clock:
 * draining a host's datagrams, decoding them with the protocol codec, connecting a client
 * to a server hop by hop, and crafting acknowledgements from the server's side.
 *
 * @module
 */

import assert from "node:assert/strict";
import { CommandReader, writeCommand } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { readHeader, writeHeader } from "../../src/protocol/header.ts";
import { Host, type HostOptions } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { type PeerAddress, PeerState } from "../../src/core/types.ts";

/** The server's address in hand-driven tests. */
export const SERVER: PeerAddress = { address: "10.0.0.1", port: 7000 };
/** The client's address in hand-driven tests. */
export const CLIENT: PeerAddress = { address: "10.0.0.2", port: 5000 };

/** Every datagram the host has queued for sending now, copied. */
export function drain(host: Host): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
    out.push(t.data.slice());
  }
  return out;
}

/** Decodes a datagram's header and commands, asserting none is malformed. */
export function decode(
  datagram: Uint8Array,
): { sentTime: number | undefined; commands: Command[] } {
  const header = readHeader(datagram)!;
  const reader = new CommandReader();
  reader.reset(datagram, header.size);
  const commands: Command[] = [];
  for (let c = reader.next(); c !== null; c = reader.next()) commands.push(c);
  assert.equal(reader.malformed, false);
  return { sentTime: header.sentTime, commands };
}

/**
 * Connects a client to a server by hand: CONNECT leaves at `t0`, every hop takes
 * `latency`, so the client's first RTT sample is `2 * latency`. Uses `flush` only, so
 * neither the bandwidth throttle nor retransmissions run behind the test's back.
 */
export function connectByHand(t0: number, latency: number, clientOptions: HostOptions = {}) {
  const server = new Host({ seed: 1 });
  const client = new Host({ seed: 2, ...clientOptions });
  const peer = client.connect(t0, SERVER, 2, 0);
  client.flush(t0);
  for (const d of drain(client)) server.handleDatagram(t0 + latency, CLIENT, d);
  server.flush(t0 + latency);
  for (const d of drain(server)) client.handleDatagram(t0 + 2 * latency, SERVER, d);
  client.flush(t0 + 2 * latency);
  for (const d of drain(client)) server.handleDatagram(t0 + 3 * latency, CLIENT, d);
  assert.equal(client.pollEvent()?.type, "connect");
  assert.equal(server.pollEvent()?.type, "connect");
  assert.equal(peer.state, PeerState.CONNECTED);
  return { server, client, peer };
}

/** A reliable command the client sent, as far as its acknowledgement needs it. */
export interface SentReliable {
  /** Its channel (0xFF for connection-level commands). */
  channelID: number;
  /** Its reliable sequence number. */
  sequence: number;
  /** The 16-bit sent time of the datagram that carried it. */
  sentTime: number;
}

/**
 * What a reliable command needs acknowledged.
 *
 * @param command The command as sent.
 * @param sentTime The 16-bit sent time of the datagram that carried it.
 */
export function sentOf(command: Command, sentTime: number): SentReliable {
  return { channelID: command.channelID, sequence: command.reliableSequenceNumber, sentTime };
}

/** The commands in one datagram from the client that ask for an acknowledgement. */
export function reliableSent(datagram: Uint8Array): SentReliable[] {
  const { sentTime, commands } = decode(datagram);
  return commands.filter((c) => c.flags & CommandFlag.ACKNOWLEDGE).map((c) => sentOf(c, sentTime!));
}

/** A datagram from the server to `peer` carrying the given commands. */
export function datagramTo(peer: Peer, commands: Command[], sentTime?: number): Uint8Array {
  const buf = new Uint8Array(1400);
  let offset = writeHeader(buf, 0, peer.incomingPeerID, peer.incomingSessionID, 0, sentTime);
  for (const command of commands) offset = writeCommand(buf, offset, command);
  return buf.slice(0, offset);
}

/** The ACKNOWLEDGE command for one sent reliable command. */
export function ackOf(sent: SentReliable): Command {
  return {
    command: ProtocolCommand.ACKNOWLEDGE,
    flags: 0,
    channelID: sent.channelID,
    reliableSequenceNumber: sent.sequence,
    receivedReliableSequenceNumber: sent.sequence,
    receivedSentTime: sent.sentTime,
  };
}

/**
 * A THROTTLE_CONFIGURE command as the server would send it, the first reliable command
 * on its connection-level sequence unless told otherwise.
 */
export function throttleConfigureCommand(
  interval: number,
  acceleration: number,
  deceleration: number,
  reliableSequenceNumber = 1,
): Command {
  return {
    command: ProtocolCommand.THROTTLE_CONFIGURE,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: 0xff,
    reliableSequenceNumber,
    packetThrottleInterval: interval,
    packetThrottleAcceleration: acceleration,
    packetThrottleDeceleration: deceleration,
  };
}

/**
 * Which of `count` unreliable packets C ENet sends, given the throttle counter it starts
 * from and the throttle: the counter steps by 7 modulo 32 per packet, and a packet goes
 * out only when the counter is at most the throttle.
 */
export function throttleDecisions(counter: number, throttle: number, count: number) {
  const sent: boolean[] = [];
  for (let i = 0; i < count; i++) {
    counter = (counter + 7) % 32;
    sent.push(counter <= throttle);
  }
  return { sent, counter };
}
