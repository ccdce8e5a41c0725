/**
 * A slot leak the UDP fuzzer found: a DISCONNECT with the acknowledge flag in a datagram
 * without a sent time cannot be acknowledged, so (as in C ENet) the peer used to stay in
 * ACKNOWLEDGING_DISCONNECT for good: no event, no timeout, its slot lost. One forged
 * datagram per slot could fill a server. It is now taken as an unacknowledged DISCONNECT.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { writeCommand } from "../../src/protocol/codec.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { writeHeader } from "../../src/protocol/header.ts";
import { Host } from "../../src/core/host.ts";
import { type HostEvent, PeerState } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";

function connectedPair() {
  const net = new SimNetwork(1, { latency: 5 });
  const server = net.add(new Host({ seed: 1, peerCount: 1 }), { address: "10.0.0.1", port: 1 });
  const client = net.add(new Host({ seed: 2, peerCount: 1 }), { address: "10.0.0.2", port: 2 });
  const peer = client.host.connect(net.now, server.address, 1, 0);
  assert.ok(net.runUntil(() => peer.state === PeerState.CONNECTED, 1000));
  net.run(100);
  return { net, server, client, peer };
}

function disconnectDatagram(peerID: number, sessionID: number, sentTime?: number): Uint8Array {
  const buf = new Uint8Array(16);
  let end = writeHeader(buf, 0, peerID, sessionID, 0, sentTime);
  end = writeCommand(buf, end, {
    command: ProtocolCommand.DISCONNECT,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: 0xff,
    reliableSequenceNumber: 2,
    data: 7,
  });
  return buf.slice(0, end);
}

for (const sentTime of [undefined, 1234]) {
  test(`an acknowledgeable DISCONNECT ${sentTime === undefined ? "without" : "with"} a sent time frees the slot`, () => {
    const { net, server, client, peer } = connectedPair();
    // The client vanishes after one datagram.
    net.filter = (from) => from !== client;
    server.host.handleDatagram(
      net.now,
      client.address,
      disconnectDatagram(peer.outgoingPeerID, peer.outgoingSessionID, sentTime),
    );
    net.drain(server);
    net.run(60_000);
    const slot = server.host.peers[0];
    assert.equal(slot.state, PeerState.DISCONNECTED);
    const last = server.events.at(-1)!.event as Extract<HostEvent, { type: "disconnect" }>;
    assert.equal(last.type, "disconnect");
    assert.equal(last.reason, "remote");
    assert.equal(last.data, 7);
    // The one slot takes a new client.
    const late = net.add(new Host({ seed: 3, peerCount: 1 }), { address: "10.0.0.3", port: 3 });
    const latePeer = late.host.connect(net.now, server.address, 1, 0);
    assert.ok(net.runUntil(() => latePeer.state === PeerState.CONNECTED, 5000));
  });
}
