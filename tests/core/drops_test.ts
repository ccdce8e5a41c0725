/**
 * Dropped datagrams are counted by reason, the reasons add up to `droppedDatagrams`,
 * and `onDrop` names each one with its sender.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import type { Command } from "../../src/protocol/command.ts";
import type { Compressor } from "../../src/core/compressor.ts";
import type { DropReason } from "../../src/core/drops.ts";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { CLIENT, connectByHand, datagramTo, drain, SERVER } from "../helpers/core_wire.ts";

/** The server's peer for the connected client (the client's peer, seen from the server). */
function serverPeerOf(server: Host): Peer {
  return server.peers.find((p) => p.address?.port === CLIENT.port)!;
}

/** A datagram from the client to the server's peer carrying `commands`. */
function fromClient(clientPeer: Peer, commands: Command[]): Uint8Array {
  // datagramTo addresses the peer's own slot; the client writes the server's slot id.
  const datagram = datagramTo(clientPeer, commands, 0x100);
  const outgoing = clientPeer.outgoingPeerID;
  datagram[0] = (datagram[0] & 0xf0) | (outgoing >> 8);
  datagram[1] = outgoing & 0xff;
  datagram[0] = (datagram[0] & 0xcf) | ((clientPeer.outgoingSessionID & 3) << 4);
  return datagram;
}

function reliable(channelID: number, sequence: number, data: Uint8Array): Command {
  return {
    command: ProtocolCommand.SEND_RELIABLE,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID,
    reliableSequenceNumber: sequence,
    data,
  } as Command;
}

function fragment(fields: Partial<Record<string, number>>, data: Uint8Array): Command {
  return {
    command: ProtocolCommand.SEND_FRAGMENT,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: 0,
    reliableSequenceNumber: 1,
    startSequenceNumber: 1,
    fragmentCount: 2,
    fragmentNumber: 0,
    totalLength: 2 * data.length,
    fragmentOffset: 0,
    data,
    ...fields,
  } as Command;
}

describe("drops by reason", () => {
  test("each reason is counted once per datagram and named to onDrop", () => {
    const { server, peer } = connectByHand(0, 10);
    const seen: [DropReason, string][] = [];
    server.onDrop = (reason, from) => seen.push([reason, `${from.address}:${from.port}`]);
    server.maximumPacketSize = 1000;
    const now = 100;
    const send = (bytes: Uint8Array, from = CLIENT) => server.handleDatagram(now, from, bytes);

    send(new Uint8Array(4097)); // oversized
    send(new Uint8Array([0x80])); // malformed: a header cut short
    send(fromClient(peer, []).subarray(0, 3)); // malformed: sent time cut short
    send(fromClient(peer, [reliable(0, 1, new Uint8Array(4))]), { address: "10.0.0.66", port: 1 }); // unknownPeer: wrong address
    const compressed = fromClient(peer, [reliable(0, 1, new Uint8Array(4))]);
    compressed[0] |= 0x40; // the compressed flag, and this host has no compressor
    send(compressed);
    send(fromClient(peer, [reliable(0, 1, new Uint8Array(1001))])); // maximumPacketSize
    send(fromClient(peer, [fragment({ fragmentNumber: 5 }, new Uint8Array(8))])); // fragment
    send(fromClient(peer, [reliable(7, 1, new Uint8Array(4))])); // rejectedCommand: no channel 7

    const expected: DropReason[] = [
      "oversized",
      "malformed",
      "malformed",
      "unknownPeer",
      "decompression",
      "maximumPacketSize",
      "fragment",
      "rejectedCommand",
    ];
    assert.deepEqual(seen.map(([reason]) => reason), expected);
    assert.equal(seen[3][1], "10.0.0.66:1");
    assert.equal(seen[0][1], `${CLIENT.address}:${CLIENT.port}`);
    const drops = server.stats.drops;
    assert.deepEqual(
      { ...drops },
      {
        oversized: 1,
        malformed: 2,
        unknownPeer: 1,
        checksum: 0,
        decompression: 1,
        maximumPacketSize: 1,
        maximumWaitingData: 0,
        fragment: 1,
        rejectedCommand: 1,
      },
    );
    const total = Object.values(drops).reduce((a, b) => a + b, 0);
    assert.equal(server.stats.droppedDatagrams, total);
    assert.equal(serverPeerOf(server).state, PeerState.CONNECTED); // the connection survives
  });

  test("maximumWaitingData refusals are counted under their own reason", () => {
    const { server, client, peer } = connectByHand(0, 10);
    server.maximumWaitingData = 100;
    for (let i = 0; i < 3; i++) {
      peer.send(0, { data: new Uint8Array(80).fill(i), flags: PacketFlag.RELIABLE });
      client.flush(100 + i);
      for (const d of drain(client)) server.handleDatagram(110 + i, CLIENT, d);
    }
    assert.ok(server.stats.drops.maximumWaitingData >= 1, JSON.stringify(server.stats.drops));
  });

  test("checksum and decompression mismatches count under their reasons", () => {
    const failing: Compressor = {
      compress: (input) => input.subarray(0, 1),
      decompress: () => null,
    };
    for (
      const [serverOptions, clientOptions, reason] of [
        [{ checksum: true }, {}, "checksum"],
        [{ compressor: failing }, { compressor: failing }, "decompression"],
      ] as const
    ) {
      const server = new Host({ seed: 1, ...serverOptions });
      const client = new Host({ seed: 2, ...clientOptions });
      client.connect(0, SERVER, 1, 0);
      client.flush(0);
      for (const d of drain(client)) server.handleDatagram(5, CLIENT, d);
      assert.equal(server.stats.drops[reason], 1, reason);
      assert.equal(server.stats.droppedDatagrams, 1);
    }
  });
});
