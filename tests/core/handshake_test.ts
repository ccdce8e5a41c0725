import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProtocolCommand } from "../../src/protocol/constants.ts";
import { readHeader } from "../../src/protocol/header.ts";
import type { Command } from "../../src/protocol/command.ts";
import { Host } from "../../src/core/host.ts";
import { PeerState } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";
import { CLIENT, decode, drain, SERVER } from "../helpers/core_wire.ts";

function commands(datagram: Uint8Array): Command[] {
  return decode(datagram).commands;
}

function hex(text: string): Uint8Array {
  return Uint8Array.from(text.match(/../g)!.map((byte) => parseInt(byte, 16)));
}

function toHex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("handshake", () => {
  test("answers a captured pyenet CONNECT byte for byte like the Godot server did", () => {
    // From a capture of a pyenet client and a Godot 3 server (libenet 1.3.17, MTU 1400).
    const connect = hex(
      "8fff51ac82ff00010000ffff00000578000100000000000300000000000000000000138800000002000000026498ca817bb4bfde",
    );
    const verify =
      "800051b283ff00010000000000000578000100000000000300000000000000000000138800000002000000026498ca81";
    const ackAndPing = hex("800051b301ff0001000151b285ff0002");
    const pingAck = "000001ff0002000251b3";
    const server = new Host({ seed: 1, mtu: 1400 });
    const client = { address: "127.0.0.1", port: 45392 };
    server.handleDatagram(0x51b0, client, connect);
    server.handleTimeout(0x51b2);
    assert.deepEqual(drain(server).map(toHex), [verify]);
    server.handleDatagram(0x51b4, client, ackAndPing);
    const event = server.pollEvent();
    assert.equal(event?.type, "connect");
    assert.equal(event?.type === "connect" && event.data, 0x7bb4bfde);
    server.handleTimeout(0x51b5);
    assert.deepEqual(drain(server).map(toHex), [pingAck]);
    assert.equal(server.stats.droppedDatagrams, 0);
  });

  test("peers pass through the states of C ENet at the right moments", () => {
    const server = new Host({ seed: 1, channelLimit: 2, mtu: 1400 });
    const client = new Host({ seed: 2, mtu: 1200 });
    const peer = client.connect(0, SERVER, 8, 0xdeadbeef);
    assert.equal(peer.state, PeerState.CONNECTING);
    assert.equal(client.pollTimeout(), 0);
    client.handleTimeout(0);
    const [connect] = drain(client);
    const [connectCommand] = commands(connect);
    assert.equal(connectCommand.command, ProtocolCommand.CONNECT);
    assert.equal(readHeader(connect)!.peerID, 0xfff);

    server.handleDatagram(1, CLIENT, connect);
    const serverPeer = server.peers[0];
    assert.equal(serverPeer.state, PeerState.ACKNOWLEDGING_CONNECT);
    assert.equal(server.pollEvent(), undefined);
    server.handleTimeout(1);
    const [verify] = drain(server);
    const verifyCommand = commands(verify)[0];
    assert.equal(verifyCommand.command, ProtocolCommand.VERIFY_CONNECT);
    if (verifyCommand.command !== ProtocolCommand.VERIFY_CONNECT) return;
    assert.equal(verifyCommand.channelCount, 2, "host channel limit");
    assert.equal(verifyCommand.mtu, 1200, "smaller MTU wins");
    assert.equal(verifyCommand.connectID, peer.connectID);

    // a repeated CONNECT for the same connection is ignored
    server.handleDatagram(2, CLIENT, connect);
    assert.equal(server.peers[1].state, PeerState.DISCONNECTED);

    client.handleDatagram(3, SERVER, verify);
    assert.equal(peer.state, PeerState.CONNECTED);
    assert.equal(peer.channelCount, 2);
    assert.equal(peer.mtu, 1200);
    assert.equal(peer.outgoingPeerID, 0);
    const clientEvent = client.pollEvent();
    assert.equal(clientEvent?.type, "connect");
    assert.equal(clientEvent?.peer, peer);

    client.handleTimeout(3);
    const [ack] = drain(client);
    assert.equal(commands(ack)[0].command, ProtocolCommand.ACKNOWLEDGE);
    assert.equal(serverPeer.state, PeerState.ACKNOWLEDGING_CONNECT);
    server.handleDatagram(4, CLIENT, ack);
    assert.equal(serverPeer.state, PeerState.CONNECTED);
    const serverEvent = server.pollEvent();
    assert.deepEqual(
      serverEvent?.type === "connect" && [serverEvent.peer === serverPeer, serverEvent.data],
      [true, 0xdeadbeef],
    );
    assert.equal(serverPeer.roundTripTime, 3, "RTT from the acknowledgement's sent time");
    // session ids agree
    assert.equal(peer.outgoingSessionID, serverPeer.incomingSessionID);
    assert.equal(peer.incomingSessionID, serverPeer.outgoingSessionID);
  });

  test("session ids change when a slot reconnects", () => {
    const net = new SimNetwork(5, { latency: 5 });
    const server = net.add(new Host({ seed: 1, peerCount: 1 }), SERVER);
    const client = net.add(new Host({ seed: 2, peerCount: 1 }), CLIENT);
    const sessions: number[] = [];
    for (let round = 0; round < 3; round++) {
      const peer = client.host.connect(net.now, SERVER, 1, round);
      assert.ok(net.runUntil(() => server.host.peers[0].state === PeerState.CONNECTED, 5000));
      sessions.push(peer.outgoingSessionID);
      peer.disconnect(0);
      assert.ok(net.runUntil(() =>
        peer.state === PeerState.DISCONNECTED &&
        server.host.peers[0].state === PeerState.DISCONNECTED, 5000));
      net.run(100);
    }
    assert.notEqual(sessions[0], sessions[1]);
    assert.notEqual(sessions[1], sessions[2]);
  });

  test("a connection nobody answers ends with a timeout disconnect", () => {
    const net = new SimNetwork(5, { latency: 5 });
    const client = net.add(new Host({ seed: 2 }), CLIENT);
    const peer = client.host.connect(net.now, SERVER, 1, 0);
    assert.ok(net.runUntil(() => client.events.length > 0, 60_000));
    const { time, event } = client.events[0];
    assert.equal(event.type, "disconnect");
    assert.equal(event.type === "disconnect" && event.reason, "timeout");
    // CONNECT is resent after 500, 1000, 2000, 4000, 8000 and 16000 ms; the sixth
    // expiry (2^5 >= timeoutLimit 32, 31.5 s >= timeoutMaximum) ends it, as in C ENet.
    assert.equal(time, 31_500);
    assert.equal(peer.state, PeerState.DISCONNECTED);
  });

  test("duplicatePeers limits connections from one address", () => {
    const net = new SimNetwork(5, { latency: 5 });
    const server = net.add(new Host({ seed: 1, duplicatePeers: 2 }), SERVER);
    const client = net.add(new Host({ seed: 2 }), CLIENT);
    for (let i = 0; i < 3; i++) client.host.connect(net.now, SERVER, 1, i);
    net.run(3000);
    const connected = server.host.peers.filter((p) => p.state === PeerState.CONNECTED).length;
    assert.equal(connected, 2);
  });

  test("a host with 4095 peers accepts a connection into its last slot", () => {
    const net = new SimNetwork(5, { latency: 5 });
    const server = net.add(new Host({ seed: 1, peerCount: 4095 }), SERVER);
    const client = net.add(new Host({ seed: 2, peerCount: 1 }), CLIENT);
    for (const p of server.host.peers.slice(0, 4094)) p.state = PeerState.ZOMBIE; // occupied slots
    const peer = client.host.connect(net.now, SERVER, 1, 0);
    assert.ok(net.runUntil(() => peer.state === PeerState.CONNECTED, 5000));
    assert.equal(peer.outgoingPeerID, 4094);
    assert.throws(() => new Host({ peerCount: 4096 }), RangeError);
    assert.throws(() => client.host.connect(net.now, SERVER, 1, 0), RangeError);
  });
});
