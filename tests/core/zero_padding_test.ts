import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { writeCommand } from "../../src/protocol/codec.ts";
import { CommandFlag, HeaderFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { writeHeader } from "../../src/protocol/header.ts";
import { FastLzCompressor } from "../../src/compress/fastlz.ts";
import type { Compressor } from "../../src/core/compressor.ts";
import { Host } from "../../src/core/host.ts";
import { SimNetwork } from "../helpers/sim_network.ts";

/** Godot's FastLZ padding alone: bodies under 16 bytes come out zero-padded to 16. */
const GODOT_PADDING: Compressor = {
  compress: () => null,
  decompress(input) {
    const out = new Uint8Array(Math.max(input.length, 16));
    out.set(input);
    return out;
  },
};

function setup(compressor: () => Compressor) {
  const net = new SimNetwork(61, { latency: 5 }, 100);
  const server = net.add(new Host({ seed: 1, peerCount: 2, compressor: compressor() }), {
    address: "10.0.0.1",
    port: 7000,
  });
  const client = net.add(new Host({ seed: 2, compressor: compressor() }), {
    address: "10.0.0.2",
    port: 5000,
  });
  const peer = client.host.connect(net.now, server.address, 1, 0);
  assert.ok(net.runUntil(() => server.events.length > 0 && client.events.length > 0, 5000));
  const serverPeer = server.events[0].event.peer;
  return {
    net,
    server,
    client,
    session: peer.outgoingSessionID,
    peerID: serverPeer.incomingPeerID,
  };
}

/** A body of one SEND_RELIABLE on channel 0 carrying `payload`, optionally followed by `tail`. */
function reliableBody(sequence: number, payload: Uint8Array, tail: number[] = []): Uint8Array {
  const body = new Uint8Array(6 + payload.length + tail.length);
  const end = writeCommand(body, 0, {
    command: ProtocolCommand.SEND_RELIABLE,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: 0,
    reliableSequenceNumber: sequence,
    data: payload,
  });
  body.set(tail, end);
  return body;
}

/** A datagram to the server peer: header with COMPRESSED and a sent time, then `packed`. */
function compressedDatagram(peerID: number, session: number, packed: Uint8Array): Uint8Array {
  const buf = new Uint8Array(4 + packed.length);
  const at = writeHeader(buf, 0, peerID, session, HeaderFlag.COMPRESSED, 0x1234);
  buf.set(packed, at);
  return buf;
}

function received(node: ReturnType<typeof setup>["server"]): Uint8Array[] {
  return node.events.flatMap(({ event }) => event.type === "receive" ? [event.packet.data] : []);
}

describe("zero padding after the commands", () => {
  test("a command followed by 1 to 10 zero bytes is processed and not counted as dropped", () => {
    const s = setup(() => GODOT_PADDING);
    const host = s.server.host;
    const sent: Uint8Array[] = [];
    // bodies of 6 + 0..9 bytes: padded with 10 down to 1 zero bytes, some too few for a
    // command header
    for (let length = 0; length <= 9; length++) {
      const payload = Uint8Array.from({ length }, (_, i) => 0x10 + i);
      sent.push(payload);
      const before = host.stats.droppedDatagrams;
      host.handleDatagram(
        s.net.now,
        s.client.address,
        compressedDatagram(s.peerID, s.session, reliableBody(length + 1, payload)),
      );
      assert.equal(host.stats.droppedDatagrams, before, `payload of ${length}`);
      s.net.drain(s.server);
    }
    assert.deepEqual(received(s.server), sent);
  });

  test("a tail that is not all zeros is still counted, after the commands before it", () => {
    const s = setup(() => GODOT_PADDING);
    const host = s.server.host;
    const payload = Uint8Array.of(1, 2, 3);
    const before = host.stats.droppedDatagrams;
    host.handleDatagram(
      s.net.now,
      s.client.address,
      compressedDatagram(s.peerID, s.session, reliableBody(1, payload, [0, 0, 0, 0, 7])),
    );
    assert.equal(host.stats.droppedDatagrams, before + 1);
    s.net.drain(s.server);
    assert.deepEqual(received(s.server), [payload]);
  });

  test("a FastLZ block Godot would send for a 12-byte body is processed, not counted", () => {
    const s = setup(() => new FastLzCompressor());
    const serverPeer = s.server.host.peers[s.peerID];
    // Three acknowledged PINGs numbered 0x85FF: the rare body whose 16-byte zero-padded
    // form FastLZ shrinks below the body's own length, so Godot sends it compressed.
    const body = new Uint8Array(12);
    let at = 0;
    for (let i = 0; i < 3; i++) {
      at = writeCommand(body, at, {
        command: ProtocolCommand.PING,
        flags: CommandFlag.ACKNOWLEDGE,
        channelID: 0xff,
        reliableSequenceNumber: 0x85ff,
      });
    }
    const fastlz = new FastLzCompressor();
    const packed = fastlz.compress(body, body.length);
    assert.ok(packed !== null && packed.length < body.length, "sent compressed");
    const unpacked = fastlz.decompress(packed, 4096);
    assert.deepEqual(unpacked, Uint8Array.from([...body, 0, 0, 0, 0]), "decompresses padded");
    const before = s.server.host.stats.droppedDatagrams;
    const acknowledgements = serverPeer.acknowledgementCount;
    s.server.host.handleDatagram(
      s.net.now,
      s.client.address,
      compressedDatagram(s.peerID, s.session, packed),
    );
    assert.equal(s.server.host.stats.droppedDatagrams, before);
    assert.equal(serverPeer.acknowledgementCount, acknowledgements + 3, "all three PINGs");
  });
});
