/**
 * Floods, on the in-memory network with a virtual clock, at a server whose legitimate
 * client is mid-conversation: 100,000 CONNECTs from many addresses, pings, acknowledgements
 * for data never sent, fragments that never complete and oversized fragment counts from a
 * handshaken attacker. Peer slots stay bounded by the peer count, memory by the documented
 * limits, half-open slots are reclaimed, and the legitimate client loses nothing. (The DTLS
 * ClientHello flood is in tests/dtls/dtls_rejection_test.ts.)
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import type { Command } from "../../src/protocol/command.ts";
import { ProtocolCommand } from "../../src/protocol/constants.ts";
import { PeerState } from "../../src/core/types.ts";
import { seededRandom, SimNetwork } from "../helpers/sim_network.ts";
import { Conversation, type ConversationOptions, retained } from "./_conversation.ts";
import { connectCommand, type Framing, pick, randomBytes, seal } from "./_fuzz.ts";

const PLAIN: Framing = { checksum: false, compressor: null };

function startConversation(options: ConversationOptions = {}) {
  const net = new SimNetwork(5, { latency: 10, jitter: 5 });
  const conversation = new Conversation(net, options);
  assert.ok(net.runUntil(() => conversation.connected, 5000));
  return { net, conversation };
}

/** Runs the conversation for `ms` while `attack` fires every 10 ms. */
function under(conversation: Conversation, ms: number, attack: () => void): void {
  const end = conversation.net.now + ms;
  while (conversation.net.now < end) {
    conversation.pump();
    attack();
    conversation.advance(10);
  }
}

/** Checks the conversation, then waits until the server retains nothing but the client. */
function assertRecovers(conversation: Conversation): number {
  assert.ok(conversation.settle(60_000), "every reliable packet is echoed");
  assert.deepEqual(conversation.errors, []);
  assert.ok(conversation.connected);
  const server = conversation.server.host;
  const keep = conversation.serverPeerOfClient();
  const start = conversation.net.now;
  const empty = () => Object.values(retained(server, keep)).every((n) => n === 0);
  assert.ok(conversation.net.runUntil(empty, 300_000), JSON.stringify(retained(server, keep)));
  return conversation.net.now - start;
}

test("100,000 CONNECTs from 20,000 addresses: slots bounded, reclaimed, the client loses nothing", () => {
  const { net, conversation } = startConversation({ serverPeers: 32 });
  const server = conversation.server;
  const r = seededRandom(9);
  let thrown = 0;
  let mostQueued = 0;
  under(conversation, 10_000, () => {
    for (let i = 0; i < 100; i++) {
      const n = pick(r, 20_000);
      const from = { address: `10.1.${n >> 8}.${n & 0xff}`, port: 1024 + pick(r, 60_000) };
      const target = { peerID: 0xfff, sessionID: 0, connectID: 0 };
      server.host.handleDatagram(
        net.now,
        from,
        seal(target, PLAIN, [connectCommand(r, pick(r, 4096))], pick(r, 65536)),
      );
      net.drain(server);
      thrown++;
    }
    mostQueued = Math.max(
      mostQueued,
      retained(server.host, conversation.serverPeerOfClient()).queuedCommands,
    );
  });
  assert.equal(thrown, 100_000);
  // Each half-open slot holds its VERIFY_CONNECT (and nothing else).
  assert.ok(mostQueued <= 2 * 32, `queued commands stayed bounded (${mostQueued})`);
  assert.ok(server.host.stats.droppedDatagrams > 90_000, "refused CONNECTs are counted");
  assertRecovers(conversation);
  // The slots are free again: a new client gets in.
  const late = net.add(new Host({ seed: 77, peerCount: 1 }), { address: "10.0.0.3", port: 5001 });
  const peer = late.host.connect(net.now, server.address, 1, 0);
  assert.ok(net.runUntil(() => peer.state === PeerState.CONNECTED, 5000));
});

/** A handshaken attacker whose session hostile commands are sealed into. */
function attacker(conversation: Conversation) {
  const net = conversation.net;
  const node = net.add(new Host({ seed: 66, peerCount: 1 }), { address: "10.0.0.66", port: 6000 });
  const peer: Peer = node.host.connect(net.now, conversation.server.address, 4, 0);
  assert.ok(net.runUntil(() => peer.state === PeerState.CONNECTED, 5000));
  const serverPeer = () =>
    conversation.server.host.peers.find((p) =>
      p.address?.port === 6000 && p.state !== PeerState.DISCONNECTED
    );
  const send = (commands: Command[]) => {
    const target = {
      peerID: peer.outgoingPeerID,
      sessionID: peer.outgoingSessionID,
      connectID: peer.connectID,
    };
    conversation.server.host.handleDatagram(
      net.now,
      node.address,
      seal(target, PLAIN, commands, net.now & 0xffff),
    );
    net.drain(conversation.server);
  };
  const silence = () => {
    net.filter = (from, to) => from !== node && to !== node;
  };
  return { send, silence, serverPeer };
}

test("ping and acknowledgement floods from a handshaken peer: the client loses nothing", () => {
  const { conversation } = startConversation();
  const a = attacker(conversation);
  const r = seededRandom(10);
  let sequence = 1;
  let mostAcks = 0;
  under(conversation, 5000, () => {
    for (let i = 0; i < 20; i++) {
      const commands: Command[] = [];
      for (let k = 0; k < 32; k++) {
        if (r() < 0.5) {
          commands.push({
            command: ProtocolCommand.PING,
            flags: 0x80,
            channelID: 0xff,
            reliableSequenceNumber: ++sequence & 0xffff,
          });
        } else {
          commands.push({
            command: ProtocolCommand.ACKNOWLEDGE,
            flags: 0,
            channelID: pick(r, 4),
            reliableSequenceNumber: 0,
            receivedReliableSequenceNumber: pick(r, 65536),
            receivedSentTime: pick(r, 65536),
          });
        }
      }
      a.send(commands);
    }
    mostAcks = Math.max(mostAcks, a.serverPeer()?.acknowledgements.length ?? 0);
  });
  assert.ok(
    mostAcks <= 20 * 32,
    `acknowledgements to send stay bounded by what arrived (${mostAcks})`,
  );
  a.silence();
  assertRecovers(conversation);
});

test("fragments that never complete and oversized fragment counts: bounded by maximumWaitingData", () => {
  const limit = 256 * 1024;
  const { conversation } = startConversation({
    host: { maximumWaitingData: limit, maximumPacketSize: limit },
  });
  const a = attacker(conversation);
  const r = seededRandom(11);
  let start = 1;
  let mostWaiting = 0;
  under(conversation, 5000, () => {
    for (let i = 0; i < 10; i++) {
      const oversized = r() < 0.3;
      const fragmentCount = oversized ? [0x100001, 0xffffffff, 5000][pick(r, 3)] : 2 + pick(r, 200);
      const totalLength = oversized
        ? [limit + 1, 0xffffffff, fragmentCount - 1][pick(r, 3)]
        : fragmentCount * 1000;
      a.send([{
        command: r() < 0.5
          ? ProtocolCommand.SEND_FRAGMENT
          : ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
        flags: 0x80,
        channelID: pick(r, 4),
        reliableSequenceNumber: start & 0xffff,
        startSequenceNumber: start & 0xffff,
        fragmentCount,
        fragmentNumber: pick(r, 2),
        totalLength,
        fragmentOffset: 0,
        data: randomBytes(r, 900),
      }]);
      start += 1 + pick(r, 3);
    }
    mostWaiting = Math.max(mostWaiting, a.serverPeer()?.totalWaitingData ?? 0);
  });
  assert.ok(mostWaiting > 0, "incomplete fragments were held");
  assert.ok(
    mostWaiting <= 2 * limit,
    `held bytes stay under maximumWaitingData + one packet (${mostWaiting})`,
  );
  a.silence();
  assertRecovers(conversation);
});
