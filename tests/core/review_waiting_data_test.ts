import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { writeCommand } from "../../src/protocol/codec.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { writeHeader } from "../../src/protocol/header.ts";
import type { IncomingCommand } from "../../src/core/commands.ts";
import { Host } from "../../src/core/host.ts";
import type { List } from "../../src/core/list.ts";
import type { Peer } from "../../src/core/peer.ts";
import { seededRandom, SimNetwork } from "../helpers/sim_network.ts";

function queuedBytes(list: List<IncomingCommand>): number {
  let total = 0;
  for (let node = list.begin(); node !== list.end; node = node.next) {
    total += (node as IncomingCommand).packet!.data.length;
  }
  return total;
}

/** What C ENet's totalWaitingData must equal: the bytes of every packet the peer holds. */
function heldBytes(peer: Peer): number {
  let total = queuedBytes(peer.dispatchedCommands);
  for (const channel of peer.channels) {
    total += queuedBytes(channel.incomingReliableCommands) +
      queuedBytes(channel.incomingUnreliableCommands);
  }
  return total;
}

/** Random SEND commands with close sequence numbers, so they overlap, wait and go stale. */
function randomDatagram(peer: Peer, random: () => number, sentTime: number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  const buf = new Uint8Array(4096);
  let at = writeHeader(buf, 0, peer.incomingPeerID, peer.incomingSessionID, 0, sentTime);
  for (let count = 1 + pick(4); count > 0; count--) {
    const channelID = pick(2);
    const sequence = pick(12);
    const data = new Uint8Array(pick(30)).fill(count);
    const kind = pick(5);
    if (kind === 0) {
      at = writeCommand(buf, at, {
        command: ProtocolCommand.SEND_RELIABLE,
        flags: CommandFlag.ACKNOWLEDGE,
        channelID,
        reliableSequenceNumber: sequence,
        data,
      });
    } else if (kind === 1) {
      at = writeCommand(buf, at, {
        command: ProtocolCommand.SEND_UNRELIABLE,
        flags: 0,
        channelID,
        reliableSequenceNumber: sequence,
        unreliableSequenceNumber: pick(8),
        data,
      });
    } else if (kind === 2) {
      at = writeCommand(buf, at, {
        command: ProtocolCommand.SEND_UNSEQUENCED,
        flags: CommandFlag.UNSEQUENCED,
        channelID,
        reliableSequenceNumber: 0,
        unsequencedGroup: pick(3000),
        data,
      });
    } else {
      const reliable = kind === 3;
      const fragmentCount = 1 + pick(3);
      const fragmentNumber = pick(fragmentCount);
      at = writeCommand(buf, at, {
        command: reliable
          ? ProtocolCommand.SEND_FRAGMENT
          : ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
        flags: reliable ? CommandFlag.ACKNOWLEDGE : 0,
        channelID,
        reliableSequenceNumber: reliable ? sequence + pick(2) : sequence,
        startSequenceNumber: reliable ? sequence : pick(8),
        fragmentCount,
        fragmentNumber,
        totalLength: fragmentCount * 10,
        fragmentOffset: fragmentNumber * 10,
        data: new Uint8Array(10).fill(fragmentNumber),
      });
    }
  }
  return buf.subarray(0, at);
}

describe("review: totalWaitingData accounting", () => {
  test("always equals the bytes of the packets a peer holds, whatever a remote peer sends", () => {
    for (let seed = 1; seed <= 12; seed++) {
      const net = new SimNetwork(seed, { latency: 5 }, 100);
      const server = net.add(
        new Host({ seed: 1, peerCount: 2, maximumWaitingData: 20000 }),
        { address: "10.0.0.1", port: 7000 },
      );
      const client = net.add(new Host({ seed: 2 }), { address: "10.0.0.2", port: 5000 });
      client.host.connect(net.now, server.address, 2, 0);
      assert.ok(net.runUntil(() => server.events.length > 0 && client.events.length > 0, 5000));
      const peer = server.events[0].event.peer;
      const host = server.host;
      const random = seededRandom(seed);
      let received = 0;
      for (let i = 0; i < 1500; i++) {
        host.handleDatagram(net.now, client.address, randomDatagram(peer, random, i));
        assert.equal(peer.totalWaitingData, heldBytes(peer), `seed ${seed}, datagram ${i}`);
        if (random() < 0.25) {
          for (let event = host.pollEvent(); event; event = host.pollEvent()) {
            if (event.type === "receive") received++;
          }
          assert.equal(peer.totalWaitingData, heldBytes(peer), `seed ${seed}, after events`);
        }
        host.handleTimeout(net.now);
        while (host.pollTransmit());
      }
      assert.ok(received > 0);
    }
  });
});
