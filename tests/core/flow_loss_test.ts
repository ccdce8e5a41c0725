/**
 * Packet loss and the unreliable packet throttle against C ENet 1.3.18's formulas: the
 * 10-second packet-loss epoch of `enet_protocol_send_outgoing_commands` and the
 * `packetThrottleCounter` drop rule of `enet_protocol_check_outgoing_commands`. The test
 * plays the server by hand, so every command the client sends, loses and resends is known.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProtocolCommand } from "../../src/protocol/constants.ts";
import type { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import {
  ackOf,
  connectByHand as connect,
  datagramTo,
  decode,
  drain,
  reliableSent,
  sentOf,
  SERVER,
  throttleConfigureCommand,
  throttleDecisions,
} from "../helpers/core_wire.ts";

/**
 * Queues one reliable packet and flushes at `now`, when C ENet closes a loss epoch that
 * is 10 s old.
 *
 * @returns The peer's packetLoss, packetLossVariance and packetLossEpoch after the flush.
 */
function sendAndReadLoss(client: Host, peer: Peer, now: number): number[] {
  peer.send(0, { data: new Uint8Array(8), flags: PacketFlag.RELIABLE });
  client.flush(now);
  return [peer.packetLoss, peer.packetLossVariance, peer.packetLossEpoch];
}

/** The server acknowledges, at `now`, every reliable command the client has queued. */
function acknowledgeAll(client: Host, peer: Peer, now: number): void {
  const sent = drain(client).flatMap(reliableSent);
  client.handleDatagram(now, SERVER, datagramTo(peer, sent.map(ackOf)));
}

describe("packet loss", () => {
  test("packetLoss and its variance follow C ENet's 10 s epochs", () => {
    const { client, peer } = connect(1000, 50); // CONNECT at 1000 opens the loss epoch
    assert.equal(peer.packetLossEpoch, 1000);
    for (let i = 0; i < 3; i++) {
      peer.send(0, { data: new Uint8Array(8), flags: PacketFlag.RELIABLE });
    }
    client.flush(2000);
    const first = drain(client).flatMap(reliableSent);
    assert.deepEqual(first.map((s) => s.sequence), [1, 2, 3]);
    // Only the first is acknowledged. With the default RTT (500 + 4 * 0) the others time
    // out at 2500 and are resent, counted lost, and so is the PING the client sent with
    // its acknowledgement of VERIFY_CONNECT at 1100 (no RTT sample yet), which nobody
    // acknowledged.
    client.handleDatagram(2100, SERVER, datagramTo(peer, [ackOf(first[0])]));
    client.handleTimeout(2500);
    const resent = drain(client).flatMap((d) => decode(d).commands);
    // The bandwidth throttle also ran (first time since connecting): BANDWIDTH_LIMIT.
    assert.deepEqual(resent.map((c) => [c.command, c.channelID, c.reliableSequenceNumber]), [
      [ProtocolCommand.PING, 0xff, 2],
      [ProtocolCommand.SEND_RELIABLE, 0, 2],
      [ProtocolCommand.SEND_RELIABLE, 0, 3],
      [ProtocolCommand.BANDWIDTH_LIMIT, 0xff, 3],
    ]);
    const acks = resent.map((c) => ackOf(sentOf(c, 2500)));
    client.handleDatagram(2600, SERVER, datagramTo(peer, acks));
    assert.equal(peer.reliableDataInTransit, 0);
    // CONNECT, PING, 3 sends, 4 resends: 9 commands sent, 3 lost; plus one more now, and
    // nothing is computed before the epoch ends.
    assert.deepEqual(sendAndReadLoss(client, peer, 10999), [0, 0, 1000]);
    acknowledgeAll(client, peer, 11000);
    // 11000: 10 s after the epoch. 11 sent, 3 lost: sample 3 * 65536 / 11 = 17873;
    // variance (0 * 3 + 17873) / 4 = 4468; loss (0 * 7 + 17873) / 8 = 2234.
    assert.deepEqual(sendAndReadLoss(client, peer, 11000), [2234, 4468, 11000]);
    acknowledgeAll(client, peer, 11100);
    // 21000: 1 sent, 0 lost: sample 0; variance (4468 * 3 + 2234) / 4 = 3909;
    // loss 2234 * 7 / 8 = 1954.
    assert.deepEqual(sendAndReadLoss(client, peer, 21000), [1954, 3909, 21000]);
  });
});

describe("unreliable packet throttle", () => {
  test("a lowered throttle drops unreliable packets by C's counter, fragments as a unit", () => {
    const { client, peer } = connect(1000, 50);
    // The server asks for deceleration 16; one bad sample then halves the throttle.
    const configure = throttleConfigureCommand(5000, 2, 16);
    client.handleDatagram(1100, SERVER, datagramTo(peer, [configure], 1100));
    for (const [send, rtt] of [[1200, 100], [1400, 300]]) {
      peer.send(1, { data: new Uint8Array(4), flags: PacketFlag.RELIABLE });
      client.flush(send);
      acknowledgeAll(client, peer, send + rtt);
    }
    assert.equal(peer.packetThrottle, 16); // 300 > 100 + 2 * 50: 32 - 16
    assert.equal(peer.packetThrottleCounter, 0);

    for (let i = 0; i < 32; i++) peer.send(0, { data: new Uint8Array([i, 0, 0, 0]), flags: 0 });
    client.flush(1800);
    const small = drain(client).flatMap((d) => decode(d).commands)
      .filter((c) => c.command === ProtocolCommand.SEND_UNRELIABLE)
      .map((c) => (c as { data: Uint8Array }).data[0]);
    const first = throttleDecisions(0, 16, 32);
    assert.deepEqual(small, [...Array(32).keys()].filter((i) => first.sent[i]));
    assert.equal(small.length, 17);
    assert.equal(peer.packetThrottleCounter, first.counter);

    // Five 3000-byte packets in unreliable fragments: the counter moves once per packet.
    for (let i = 0; i < 5; i++) {
      const data = new Uint8Array(3000).fill(i);
      peer.send(0, { data, flags: PacketFlag.UNRELIABLE_FRAGMENT });
    }
    client.flush(1900);
    const fragments = drain(client).flatMap((d) => decode(d).commands)
      .filter((c) => c.command === ProtocolCommand.SEND_UNRELIABLE_FRAGMENT)
      .map((c) => (c as { data: Uint8Array }).data[0]);
    const second = throttleDecisions(first.counter, 16, 5);
    const expected = [0, 1, 2, 3, 4].filter((i) => second.sent[i]).flatMap((i) => [i, i, i]);
    assert.deepEqual(fragments, expected);
    assert.deepEqual(expected, [0, 0, 0, 1, 1, 1, 4, 4, 4]); // counters 7, 14 | 21, 28 | 3
    assert.equal(peer.packetThrottleCounter, second.counter);
    assert.equal(peer.state, PeerState.CONNECTED);
  });
});
