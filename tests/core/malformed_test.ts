import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommandReader, writeCommand } from "../../src/protocol/codec.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import type { SendFragmentCommand } from "../../src/protocol/command.ts";
import { readHeader, writeHeader } from "../../src/protocol/header.ts";
import { Host } from "../../src/core/host.ts";
import { PacketFlag } from "../../src/core/types.ts";
import { seededRandom, SimNetwork } from "../helpers/sim_network.ts";

function setup() {
  const net = new SimNetwork(41, { latency: 5 }, 100);
  const server = net.add(new Host({ seed: 1, peerCount: 4 }), { address: "10.0.0.1", port: 7000 });
  const client = net.add(new Host({ seed: 2 }), { address: "10.0.0.2", port: 5000 });
  const captured: Uint8Array[] = [];
  net.filter = (from, _to, data) => {
    if (from === client) captured.push(data.slice());
    return true;
  };
  const peer = client.host.connect(net.now, server.address, 2, 0);
  assert.ok(net.runUntil(() => server.events.length > 0 && client.events.length > 0, 5000));
  const serverPeer = server.events[0].event.peer;
  return { net, server, client, peer, serverPeer, captured };
}

/** Builds a datagram from the client to the server peer with the given commands. */
function datagram(
  peerID: number,
  session: number,
  build: (buf: Uint8Array, at: number) => number,
): Uint8Array {
  const buf = new Uint8Array(4096);
  const at = writeHeader(buf, 0, peerID, session, 0, 0x1234);
  return buf.slice(0, build(buf, at));
}

function receives(node: { events: Array<{ event: { type: string } }> }): number {
  return node.events.filter((e) => e.event.type === "receive").length;
}

describe("malformed datagrams", () => {
  test("every truncation of real datagrams is dropped and counted, never thrown", () => {
    const s = setup();
    s.peer.send(0, { data: new Uint8Array(3000).fill(1), flags: PacketFlag.RELIABLE });
    s.peer.send(1, { data: new Uint8Array(100).fill(2), flags: PacketFlag.UNSEQUENCED });
    s.peer.send(1, { data: new Uint8Array(50).fill(3), flags: 0 });
    s.net.run(500);
    const reader = new CommandReader();
    let checked = 0;
    for (const full of s.captured) {
      const header = readHeader(full)!;
      const boundaries = new Set<number>([header.size]);
      reader.reset(full, header.size);
      while (reader.next() !== null) boundaries.add(reader.offset);
      for (let length = 0; length < full.length; length++) {
        const before = s.server.host.stats.droppedDatagrams;
        s.server.host.handleDatagram(s.net.now, s.client.address, full.subarray(0, length));
        if (!boundaries.has(length)) {
          assert.equal(
            s.server.host.stats.droppedDatagrams,
            before + 1,
            `length ${length} of ${full.length}`,
          );
          checked++;
        }
      }
    }
    assert.ok(checked > 100);
  });

  test("bad peer ids, bad sessions, unknown senders and oversized datagrams are dropped", () => {
    const s = setup();
    const host = s.server.host;
    const session = s.peer.outgoingSessionID;
    const ping = (buf: Uint8Array, at: number) =>
      writeCommand(buf, at, {
        command: ProtocolCommand.PING,
        flags: CommandFlag.ACKNOWLEDGE,
        channelID: 0xff,
        reliableSequenceNumber: 50,
      });
    const cases: Array<[string, Uint8Array, { address: string; port: number }]> = [
      ["peer id past peerCount", datagram(100, session, ping), s.client.address],
      ["disconnected slot", datagram(3, session, ping), s.client.address],
      [
        "wrong session",
        datagram(s.serverPeer.incomingPeerID, (session + 1) & 3, ping),
        s.client.address,
      ],
      ["wrong address", datagram(s.serverPeer.incomingPeerID, session, ping), {
        address: "10.9.9.9",
        port: 5000,
      }],
      ["wrong port", datagram(s.serverPeer.incomingPeerID, session, ping), {
        address: "10.0.0.2",
        port: 5001,
      }],
      ["no peer, not CONNECT", datagram(0xfff, 0, ping), s.client.address],
      [
        "compressed without compressor",
        (() => {
          const d = datagram(s.serverPeer.incomingPeerID, session, ping);
          d[0] |= 0x40;
          return d;
        })(),
        s.client.address,
      ],
    ];
    for (const [name, bytes, from] of cases) {
      const before = { ...host.stats };
      host.handleDatagram(s.net.now, from, bytes);
      assert.equal(host.stats.droppedDatagrams, before.droppedDatagrams + 1, name);
      assert.equal(host.stats.totalReceivedPackets, before.totalReceivedPackets + 1, name);
    }
    const before = { ...host.stats };
    host.handleDatagram(s.net.now, s.client.address, new Uint8Array(4097));
    assert.equal(host.stats.droppedDatagrams, before.droppedDatagrams + 1);
    assert.equal(
      host.stats.totalReceivedPackets,
      before.totalReceivedPackets,
      "oversized not counted",
    );
    // the valid datagram is accepted
    const ok = host.stats.droppedDatagrams;
    host.handleDatagram(
      s.net.now,
      s.client.address,
      datagram(s.serverPeer.incomingPeerID, session, ping),
    );
    assert.equal(host.stats.droppedDatagrams, ok);
  });

  test("fragments with bad counts, numbers, offsets and lengths are dropped", () => {
    const s = setup();
    const host = s.server.host;
    const peerID = s.serverPeer.incomingPeerID;
    const session = s.peer.outgoingSessionID;
    const good: Omit<SendFragmentCommand, "command" | "flags"> = {
      channelID: 0,
      reliableSequenceNumber: 1,
      startSequenceNumber: 1,
      fragmentCount: 2,
      fragmentNumber: 0,
      totalLength: 20,
      fragmentOffset: 0,
      data: new Uint8Array(10).fill(9),
    };
    const bad: Array<[string, Partial<SendFragmentCommand>]> = [
      ["zero-length fragment", { data: new Uint8Array(0) }],
      ["fragment count 0", { fragmentCount: 0 }],
      ["fragment number past count", { fragmentNumber: 2 }],
      ["too many fragments", { fragmentCount: 1024 * 1024 + 1, totalLength: 2 * 1024 * 1024 }],
      ["total length under fragment count", { fragmentCount: 30, totalLength: 20 }],
      ["total length past maximumPacketSize", { totalLength: 32 * 1024 * 1024 + 1 }],
      ["offset past total length", { fragmentOffset: 20 }],
      ["length past total length", { fragmentOffset: 15 }],
    ];
    /** Delivers one fragment from the client: `good`, a reliable SEND_FRAGMENT, changed. */
    const deliver = (change: Partial<SendFragmentCommand>) =>
      host.handleDatagram(
        s.net.now,
        s.client.address,
        datagram(peerID, session, (buf, at) =>
          writeCommand(buf, at, {
            ...good,
            command: ProtocolCommand.SEND_FRAGMENT,
            flags: CommandFlag.ACKNOWLEDGE,
            ...change,
          } as SendFragmentCommand)),
      );
    for (
      const command of [
        ProtocolCommand.SEND_FRAGMENT,
        ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
      ] as const
    ) {
      const flags = command === ProtocolCommand.SEND_FRAGMENT ? CommandFlag.ACKNOWLEDGE : 0;
      for (const [name, change] of bad) {
        const before = host.stats.droppedDatagrams;
        deliver({ command, flags, ...change });
        assert.equal(host.stats.droppedDatagrams, before + 1, `${command}: ${name}`);
      }
    }
    // a fragment whose total length disagrees with the first one's is dropped too
    deliver({});
    const before = host.stats.droppedDatagrams;
    deliver({ reliableSequenceNumber: 2, fragmentNumber: 1, fragmentOffset: 10, totalLength: 21 });
    assert.equal(host.stats.droppedDatagrams, before + 1);
    // the matching second fragment completes the packet
    deliver({ reliableSequenceNumber: 2, fragmentNumber: 1, fragmentOffset: 10 });
    s.net.drain(s.server);
    assert.equal(receives(s.server), 1);
  });

  test("random garbage never throws", () => {
    const s = setup();
    const random = seededRandom(7);
    const host = s.server.host;
    const session = s.peer.outgoingSessionID;
    for (let i = 0; i < 20000; i++) {
      const length = Math.floor(random() * 120);
      const bytes = new Uint8Array(length);
      for (let j = 0; j < length; j++) bytes[j] = Math.floor(random() * 256);
      if (length >= 2 && random() < 0.7) {
        // aim at the live peer so the commands get parsed
        const field = s.serverPeer.incomingPeerID | (session << 12) | (random() < 0.9 ? 0x8000 : 0);
        bytes[0] = field >> 8;
        bytes[1] = field;
        if (length > 4 && random() < 0.8) {
          bytes[4] = (bytes[4] & 0xf0) | (1 + Math.floor(random() * 12));
        }
      }
      host.handleDatagram(s.net.now + i / 100, s.client.address, bytes);
      s.net.drain(s.server);
    }
    assert.ok(host.stats.droppedDatagrams > 1000);
  });
});
