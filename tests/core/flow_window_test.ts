/**
 * Reliable flow windows against C ENet 1.3.18's `enet_protocol_check_outgoing_commands`:
 * the bytes in transit are bounded by `max(packetThrottle * windowSize / 32, mtu)`, and a
 * channel opens a new 4096-sequence reliable window only when the previous one is not
 * entirely unacknowledged and no window in the guard range ahead is still in use. The
 * test plays the server by hand, acknowledging exactly the commands it chooses.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommandReader, writeCommand } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { readHeader, writeHeader } from "../../src/protocol/header.ts";
import { Host, type HostOptions } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, type PeerAddress, PeerState } from "../../src/core/types.ts";

const SERVER: PeerAddress = { address: "10.0.0.1", port: 7000 };
const CLIENT: PeerAddress = { address: "10.0.0.2", port: 5000 };

function drain(host: Host): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
    out.push(t.data.slice());
  }
  return out;
}

function decode(datagram: Uint8Array): { sentTime: number | undefined; commands: Command[] } {
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
function connect(t0: number, latency: number, clientOptions: HostOptions = {}) {
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

interface SentReliable {
  channelID: number;
  sequence: number;
  sentTime: number;
}

/** A datagram from the server to `peer` carrying the given commands. */
function datagramTo(peer: Peer, commands: Command[], sentTime?: number): Uint8Array {
  const buf = new Uint8Array(1400);
  let offset = writeHeader(buf, 0, peer.incomingPeerID, peer.incomingSessionID, 0, sentTime);
  for (const command of commands) offset = writeCommand(buf, offset, command);
  return buf.slice(0, offset);
}

function ackOf(sent: SentReliable): Command {
  return {
    command: ProtocolCommand.ACKNOWLEDGE,
    flags: 0,
    channelID: sent.channelID,
    reliableSequenceNumber: sent.sequence,
    receivedReliableSequenceNumber: sent.sequence,
    receivedSentTime: sent.sentTime,
  };
}

/** Flushes the client and returns the reliable sequence numbers it sent on channel 0. */
function flushReliable(client: Host, now: number): number[] {
  client.flush(now);
  return drain(client).flatMap((d) => decode(d).commands)
    .filter((c) => c.command === ProtocolCommand.SEND_RELIABLE && c.channelID === 0)
    .map((c) => c.reliableSequenceNumber);
}

/** Acknowledges channel-0 sequence numbers sent at `sentTime`, in datagrams of 100. */
function acknowledge(client: Host, peer: Peer, sequences: number[], sentTime: number, now: number) {
  for (let i = 0; i < sequences.length; i += 100) {
    const acks = sequences.slice(i, i + 100).map((sequence) =>
      ackOf({ channelID: 0, sequence, sentTime })
    );
    client.handleDatagram(now, SERVER, datagramTo(peer, acks));
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("reliable data in transit", () => {
  test("stops at max(throttle * window / 32, mtu) bytes until acknowledgements arrive", () => {
    // Outgoing 70000 B/s: CONNECT and so the window say (70000 / 65536) * 4096 = 4096.
    const { client, peer } = connect(1000, 50, { outgoingBandwidth: 70000 });
    assert.deepEqual([peer.windowSize, peer.mtu, peer.packetThrottle], [4096, 1392, 32]);
    for (let i = 0; i < 12; i++) {
      peer.send(0, { data: new Uint8Array(1000).fill(i), flags: PacketFlag.RELIABLE });
    }
    // 32 * 4096 / 32 = 4096: four packets (4000), a fifth would make 5000.
    assert.deepEqual(flushReliable(client, 1200), [1, 2, 3, 4]);
    assert.equal(peer.reliableDataInTransit, 4000);
    assert.deepEqual(flushReliable(client, 1210), []);

    // First RTT sample (100) frees 1000 bytes: one more goes.
    acknowledge(client, peer, [1], 1200, 1300);
    assert.equal(peer.reliableDataInTransit, 3000);
    assert.deepEqual(flushReliable(client, 1300), [5]);

    // A 300 ms sample (> 100 + 2 * 50) lowers the throttle to 30: window 30 * 4096 / 32 =
    // 3840 < 3000 + 1000, so nothing more may go although 1000 bytes were freed.
    acknowledge(client, peer, [2], 1200, 1500);
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [30, 3000]);
    assert.deepEqual(flushReliable(client, 1500), []);

    // The remote side sets deceleration 32; the next bad sample takes the throttle to 0,
    // window 0: the MTU (1392) bounds the bytes in transit instead.
    const configure: Command = {
      command: ProtocolCommand.THROTTLE_CONFIGURE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: 0xff,
      reliableSequenceNumber: 1,
      packetThrottleInterval: 5000,
      packetThrottleAcceleration: 2,
      packetThrottleDeceleration: 32,
    };
    client.handleDatagram(1600, SERVER, datagramTo(peer, [configure], 1600));
    acknowledge(client, peer, [3], 1200, 1700); // 500 > 100 + 2 * 50
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [0, 2000]);
    assert.deepEqual(flushReliable(client, 1700), []);
    acknowledge(client, peer, [4], 1200, 1800);
    acknowledge(client, peer, [5], 1300, 1800);
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [0, 0]);
    assert.deepEqual(flushReliable(client, 1800), [6]); // 1000 <= 1392 < 2000
    assert.deepEqual(flushReliable(client, 1810), []);
    assert.equal(peer.state, PeerState.CONNECTED);
  });
});

describe("per-channel reliable windows", () => {
  test("a window opens only when the previous is not full and the guard range is free", () => {
    const { client, peer } = connect(1000, 50);
    // Empty packets: no bytes in transit, so only the sequence windows limit sending.
    for (let i = 0; i < 40000; i++) {
      peer.send(0, { data: new Uint8Array(0), flags: PacketFlag.RELIABLE });
    }
    // Window 0 holds 1..4095, window 1 4096..8191. Window 2 may not open while window 1
    // has all its 4096 commands unacknowledged.
    assert.deepEqual(flushReliable(client, 2000), range(1, 8191));
    assert.deepEqual(flushReliable(client, 2001), []);
    // One acknowledgement in window 1 lets window 2 open and fill; window 3 then waits.
    acknowledge(client, peer, [4096], 2000, 2100);
    assert.deepEqual(flushReliable(client, 2100), range(8192, 12287));
    // Likewise windows 3 to 6, one acknowledgement each.
    for (let w = 2; w <= 5; w++) {
      acknowledge(client, peer, [w * 4096], w === 2 ? 2100 : 2100 + w, 2100 + w + 1);
      assert.deepEqual(
        flushReliable(client, 2100 + w + 1),
        range((w + 1) * 4096, (w + 2) * 4096 - 1),
      );
    }
    // Window 6 is no longer full, but window 7 would be within 8 + 2 windows behind
    // window 0, which is still in use: nothing goes.
    acknowledge(client, peer, [6 * 4096], 2106, 2200);
    assert.deepEqual(flushReliable(client, 2200), []);
    // Once all of window 0 is acknowledged, window 7 opens and fills; window 8 waits for
    // window 7 (full) although window 1 has room.
    acknowledge(client, peer, range(1, 4095), 2000, 2300);
    assert.deepEqual(flushReliable(client, 2300), range(7 * 4096, 8 * 4096 - 1));
    assert.deepEqual(flushReliable(client, 2301), []);
    assert.equal(client.stats.droppedDatagrams, 0);
  });
});
