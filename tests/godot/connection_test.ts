import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer, EventType, PeerState } from "../../mod.ts";
import { bytes, connectPair, drain, serverConnectEvent, text, waitFor } from "./helpers.ts";

const {
  FLAG_RELIABLE: RELIABLE,
  FLAG_UNSEQUENCED: UNSEQUENCED,
  FLAG_UNRELIABLE_FRAGMENT: FRAGMENT,
} = ENetPacketPeer;

describe("ENetConnection over UDP loopback", () => {
  test("connects, with connect data, and both sides see each other", async () => {
    const pair = await connectPair({ data: 0xdeadbeef, channels: 3 });
    try {
      const { server, client, toServer, toClient } = pair;
      assert.equal(toServer.getState(), ENetPacketPeer.STATE_CONNECTED);
      assert.equal(toClient.getState(), PeerState.STATE_CONNECTED);
      assert.equal(toServer.isActive(), true);
      assert.equal(toServer.getChannels(), 3);
      assert.equal(toClient.getChannels(), 3);
      assert.equal(toServer.getRemotePort(), server.getLocalPort());
      assert.equal(toServer.getRemoteAddress(), "127.0.0.1");
      assert.equal(toClient.getRemotePort(), client.getLocalPort());
      assert.equal(toClient.getRemoteAddress(), "127.0.0.1");
      assert.deepEqual(server.getPeers(), [toClient]);
      assert.deepEqual(client.getPeers(), [toServer]);
      assert.equal(server.getMaxChannels(), 255);
      assert.equal(server.getLocalAddress(), "127.0.0.1");
      assert.equal(client.getLocalAddress(), "*");
    } finally {
      await pair.close();
    }
  });

  test("the connect event carries the client's data", async () => {
    const [type, peer, data, channel] = await serverConnectEvent(1234);
    assert.equal(type, ENetConnection.EVENT_CONNECT);
    assert.ok(peer instanceof ENetPacketPeer);
    assert.equal(data, 1234);
    assert.equal(channel, 0);
  });

  test("delivers every flag combination on the requested channel", async () => {
    const pair = await connectPair({ channels: 8 });
    try {
      const combos = [0, RELIABLE, UNSEQUENCED, FRAGMENT, RELIABLE | UNSEQUENCED];
      combos.push(RELIABLE | FRAGMENT, UNSEQUENCED | FRAGMENT, RELIABLE | UNSEQUENCED | FRAGMENT);
      for (let i = 0; i < combos.length; i++) {
        pair.toServer.send(i, bytes(`flags ${combos[i]}`), combos[i]);
        const [type, peer, data, channel] = await waitFor(pair.server, EventType.EVENT_RECEIVE);
        assert.equal(type, EventType.EVENT_RECEIVE);
        assert.equal(peer, pair.toClient);
        assert.equal(data, 0);
        assert.equal(channel, i, `flags ${combos[i]} arrived on the wrong channel`);
        assert.equal(pair.toClient.getAvailablePacketCount(), 1);
        const flags = pair.toClient.getPacketFlags();
        assert.equal((flags & RELIABLE) !== 0, (combos[i] & RELIABLE) !== 0, `flags ${flags}`);
        assert.equal(text(pair.toClient.getPacket()), `flags ${combos[i]}`);
        assert.equal(pair.toClient.getAvailablePacketCount(), 0);
      }
    } finally {
      await pair.close();
    }
  });

  test("keeps reliable packets in order, fragments large ones, and putPacket uses channel 0", async () => {
    const pair = await connectPair({ channels: 2 });
    try {
      const big = new Uint8Array(20_000).map((_, i) => i * 7);
      for (let i = 0; i < 30; i++) pair.toClient.send(1, bytes(`n${i}`), RELIABLE);
      pair.toClient.send(1, big, RELIABLE);
      pair.toClient.putPacket(bytes("put"));
      for (let i = 0; i < 30; i++) {
        const [, , , channel] = await waitFor(pair.client, EventType.EVENT_RECEIVE);
        assert.equal(channel, 1);
        assert.equal(text(pair.toServer.getPacket()), `n${i}`);
      }
      await waitFor(pair.client, EventType.EVENT_RECEIVE);
      assert.deepEqual(pair.toServer.getPacket(), big);
      const [, , , channel] = await waitFor(pair.client, EventType.EVENT_RECEIVE);
      assert.equal(channel, 0);
      assert.equal(pair.toServer.getPacketFlags() & RELIABLE, RELIABLE);
      assert.equal(text(pair.toServer.getPacket()), "put");
      assert.equal(pair.toServer.getMaxPacketSize(), 1 << 24);
    } finally {
      await pair.close();
    }
  });

  test("broadcast() reaches every connected peer", async () => {
    const server = new ENetConnection();
    const clients = [new ENetConnection(), new ENetConnection()];
    try {
      await server.createHostBound("127.0.0.1", 0, 4, 2);
      for (const client of clients) {
        await client.createHost(1, 2);
        await client.connectToHost("127.0.0.1", server.getLocalPort(), 2);
        await waitFor(client, EventType.EVENT_CONNECT);
      }
      await waitFor(server, EventType.EVENT_CONNECT);
      await waitFor(server, EventType.EVENT_CONNECT);
      assert.equal(server.getPeers().length, 2);
      server.broadcast(1, bytes("all"), RELIABLE);
      for (const client of clients) {
        const [, peer, , channel] = await waitFor(client, EventType.EVENT_RECEIVE);
        assert.equal(channel, 1);
        assert.equal(text(peer!.getPacket()), "all");
      }
      assert.throws(() => server.broadcast(2, bytes("x"), RELIABLE), RangeError);
      assert.throws(() => server.broadcast(0, bytes("x"), 4), RangeError);
    } finally {
      for (const client of clients) await client.destroy();
      await server.destroy();
    }
  });

  test("the async iterator yields typed events carrying their packet", async () => {
    const pair = await connectPair();
    try {
      pair.toServer.send(0, bytes("via iterator"), UNSEQUENCED);
      for await (const event of pair.server) {
        if (event.type !== ENetConnection.EVENT_RECEIVE) continue;
        assert.equal(event.peer, pair.toClient);
        assert.equal(event.channel, 0);
        assert.equal(text(event.packet), "via iterator");
        assert.equal(event.flags & UNSEQUENCED, UNSEQUENCED);
        break;
      }
      assert.equal(pair.toClient.getAvailablePacketCount(), 0, "the iterator queued the packet");
    } finally {
      await pair.close();
    }
  });

  test("popStatistic() returns the totals moving with traffic, then resets them", async () => {
    const pair = await connectPair();
    try {
      for (let i = 0; i < 5; i++) pair.toServer.send(0, new Uint8Array(100), RELIABLE);
      for (let i = 0; i < 5; i++) await waitFor(pair.server, EventType.EVENT_RECEIVE);
      const { client, server } = pair;
      const sent = client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
      const sentPackets = client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS);
      const received = server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA);
      const receivedPackets = server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS);
      assert.ok(sent >= 500, `sent ${sent} bytes`);
      assert.ok(received >= 500, `received ${received} bytes`);
      assert.ok(sentPackets >= 1 && receivedPackets >= 1);
      assert.equal(client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA), 0);
      assert.equal(client.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS), 0);
      assert.equal(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA), 0);
      assert.equal(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS), 0);
      pair.toServer.send(0, new Uint8Array(50), RELIABLE);
      await waitFor(server, EventType.EVENT_RECEIVE);
      assert.ok(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA) >= 50);
      assert.throws(() => server.popStatistic(4 as never), RangeError);
    } finally {
      await pair.close();
    }
  });

  test("getStatistic() exposes all 14 values with ENet's defaults and scales", async () => {
    const pair = await connectPair();
    try {
      const peer = pair.toServer;
      for (let stat = 0; stat <= 13; stat++) {
        const value = peer.getStatistic(stat as never);
        assert.equal(typeof value, "number");
        assert.ok(Number.isFinite(value) && value >= 0, `statistic ${stat} is ${value}`);
      }
      assert.ok(
        peer.getStatistic(ENetPacketPeer.PEER_PACKET_LOSS) <= ENetPacketPeer.PACKET_LOSS_SCALE,
      );
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_LIMIT), 32);
      assert.ok(
        peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE) <=
          ENetPacketPeer.PACKET_THROTTLE_SCALE,
      );
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_INTERVAL), 5000);
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_ACCELERATION), 2);
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_DECELERATION), 2);
      peer.throttleConfigure(1000, 3, 4);
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_INTERVAL), 1000);
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_ACCELERATION), 3);
      assert.equal(peer.getStatistic(ENetPacketPeer.PEER_PACKET_THROTTLE_DECELERATION), 4);
      // Round trips measured over loopback pull the RTT down from ENet's initial 500 ms.
      const initial = peer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME);
      for (let i = 0; i < 10; i++) {
        peer.ping();
        peer.send(0, new Uint8Array(8), RELIABLE);
        await waitFor(pair.server, EventType.EVENT_RECEIVE);
      }
      await drain(pair.client, 100);
      assert.ok(peer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME) < initial);
      assert.ok(peer.getStatistic(ENetPacketPeer.PEER_LAST_ROUND_TRIP_TIME) < 500);
      assert.throws(() => peer.getStatistic(14 as never), RangeError);
    } finally {
      await pair.close();
    }
  });

  test("channelLimit() caps the channels of later incoming connections", async () => {
    const pair = await connectPair({
      channels: 255,
      before: (server) => {
        server.channelLimit(4);
        assert.equal(server.getMaxChannels(), 4);
      },
    });
    try {
      assert.equal(pair.toClient.getChannels(), 4);
      assert.equal(pair.toServer.getChannels(), 4);
      assert.throws(() => pair.toServer.send(4, bytes("x"), RELIABLE), RangeError);
      pair.server.channelLimit(0);
      assert.equal(pair.server.getMaxChannels(), 255);
    } finally {
      await pair.close();
    }
  });

  test("bandwidthLimit() and pingInterval() are accepted; refuseNewConnections() is a no-op on plain UDP", async () => {
    const pair = await connectPair();
    const late = new ENetConnection();
    try {
      pair.server.bandwidthLimit(100_000, 200_000);
      pair.server.bandwidthLimit();
      pair.toServer.pingInterval(100);
      pair.server.refuseNewConnections(true);
      pair.toServer.send(0, bytes("still flowing"), RELIABLE);
      await waitFor(pair.server, EventType.EVENT_RECEIVE);
      assert.equal(text(pair.toClient.getPacket()), "still flowing");
      // Godot's plain UDP socket ignores the flag (only a DTLS server refuses, see
      // tests/dtls): a new client still gets in.
      await late.createHost(1);
      await late.connectToHost("127.0.0.1", pair.server.getLocalPort(), 1, 42);
      await waitFor(late, EventType.EVENT_CONNECT);
      const [, , data] = await waitFor(pair.server, EventType.EVENT_CONNECT);
      assert.equal(data, 42);
      pair.server.refuseNewConnections(false);
      assert.throws(() => pair.server.bandwidthLimit(-1, 0), RangeError);
      assert.throws(() => pair.toServer.pingInterval(-5), RangeError);
    } finally {
      await late.destroy();
      await pair.close();
    }
  });

  test("flush() sends at once and service(0) returns EVENT_NONE when idle", async () => {
    const pair = await connectPair();
    try {
      await drain(pair.client, 50);
      assert.deepEqual(await pair.client.service(0), [ENetConnection.EVENT_NONE, null, 0, 0]);
      assert.deepEqual(await pair.client.service(), [ENetConnection.EVENT_NONE, null, 0, 0]);
      pair.toServer.send(0, bytes("flushed"), RELIABLE);
      pair.client.flush();
      await waitFor(pair.server, EventType.EVENT_RECEIVE);
      assert.equal(text(pair.toClient.getPacket()), "flushed");
    } finally {
      await pair.close();
    }
  });
});
