// Godot's ENetConnection / ENetPacketPeer semantics, checked against Godot's
// modules/enet sources and C ENet's peer.c: statistic mapping and defaults, EVENT_ERROR,
// broadcast to peers without the channel, default arguments, destroy() and compress().
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import { ENetConnection, ENetPacketPeer, EventType, openUdpTransport } from "../../mod.ts";
import { peerStatisticKey } from "../../src/godot/statistics.ts";
import {
  bytes,
  connectPair,
  drain,
  serverConnectEvent,
  text,
  waitFor,
  withMemoryPair,
} from "./helpers.ts";

const { FLAG_RELIABLE: RELIABLE } = ENetPacketPeer;

describe("ENetPacketPeer.getStatistic() as in Godot's get_statistic", () => {
  test("each PeerStatistic reads the ENetPeer field Godot's switch names", () => {
    // Godot's enet_packet_peer.cpp, PeerStatistic -> ENetPeer field.
    const godot: Array<[number, string]> = [
      [ENetPacketPeer.PEER_PACKET_LOSS, "packetLoss"],
      [ENetPacketPeer.PEER_PACKET_LOSS_VARIANCE, "packetLossVariance"],
      [ENetPacketPeer.PEER_PACKET_LOSS_EPOCH, "packetLossEpoch"],
      [ENetPacketPeer.PEER_ROUND_TRIP_TIME, "roundTripTime"],
      [ENetPacketPeer.PEER_ROUND_TRIP_TIME_VARIANCE, "roundTripTimeVariance"],
      [ENetPacketPeer.PEER_LAST_ROUND_TRIP_TIME, "lastRoundTripTime"],
      [ENetPacketPeer.PEER_LAST_ROUND_TRIP_TIME_VARIANCE, "lastRoundTripTimeVariance"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE, "packetThrottle"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_LIMIT, "packetThrottleLimit"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_COUNTER, "packetThrottleCounter"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_EPOCH, "packetThrottleEpoch"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_ACCELERATION, "packetThrottleAcceleration"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_DECELERATION, "packetThrottleDeceleration"],
      [ENetPacketPeer.PEER_PACKET_THROTTLE_INTERVAL, "packetThrottleInterval"],
    ];
    assert.deepEqual(
      godot.map(([stat]) => peerStatisticKey(stat as never)),
      godot.map((g) => g[1]),
    );
    assert.equal(ENetPacketPeer.PACKET_LOSS_SCALE, 1 << 16);
    assert.equal(ENetPacketPeer.PACKET_THROTTLE_SCALE, 32);
  });

  test("a new peer reports C ENet's enet_peer_reset values", async () => {
    const silent = await openUdpTransport({ address: "127.0.0.1" });
    const client = new ENetConnection();
    try {
      await client.createHost(1);
      const peer = await client.connectToHost("127.0.0.1", silent.localAddress.port);
      const values = Array.from({ length: 14 }, (_, i) => peer.getStatistic(i as never));
      // The loss epoch starts when the first datagram (the CONNECT) leaves: a clock value.
      const [lossEpoch] = values.splice(ENetPacketPeer.PEER_PACKET_LOSS_EPOCH, 1);
      assert.ok(Number.isInteger(lossEpoch) && lossEpoch >= 0, `loss epoch ${lossEpoch}`);
      // loss, loss variance | rtt, rtt variance, last rtt, last variance | throttle, limit,
      // counter, epoch, acceleration, deceleration, interval (peer.c, enet.h defaults).
      assert.deepEqual(values, [0, 0, 500, 0, 500, 0, 32, 32, 0, 0, 2, 2, 5000]);
    } finally {
      await client.destroy();
      await silent.close();
    }
  });
});

describe("ENetConnection semantics from Godot's enet_connection.cpp", () => {
  test("service() returns [EVENT_ERROR, null, 0, 0] once the socket failed, every time", async () => {
    let fail!: (error: Error) => void;
    const transport: DatagramTransport = {
      readable: new ReadableStream<Datagram>({
        start(controller) {
          fail = (error) => controller.error(error);
        },
      }),
      writable: new WritableStream<Datagram>(),
      localAddress: { address: "10.0.0.1", port: 1 },
      close: () => Promise.resolve(),
    };
    const connection = new ENetConnection();
    try {
      await connection.createHost(1, 0, 0, 0, { transport });
      assert.deepEqual(await connection.service(0), [EventType.EVENT_NONE, null, 0, 0]);
      fail(new Error("socket died"));
      assert.deepEqual(await connection.service(1000), [EventType.EVENT_ERROR, null, 0, 0]);
      assert.deepEqual(await connection.service(0), [EventType.EVENT_ERROR, null, 0, 0]);
    } finally {
      await connection.destroy();
    }
  });

  test("broadcast() skips peers without the channel and reaches the others", async () => {
    const server = new ENetConnection();
    const narrow = new ENetConnection();
    const wide = new ENetConnection();
    try {
      await server.createHostBound("127.0.0.1", 0, 4, 4);
      await narrow.createHost(1);
      await wide.createHost(1);
      await narrow.connectToHost("127.0.0.1", server.getLocalPort(), 2);
      await wide.connectToHost("127.0.0.1", server.getLocalPort(), 4);
      await waitFor(narrow, EventType.EVENT_CONNECT);
      await waitFor(wide, EventType.EVENT_CONNECT);
      await waitFor(server, EventType.EVENT_CONNECT);
      await waitFor(server, EventType.EVENT_CONNECT);
      server.broadcast(3, bytes("wide only"), RELIABLE); // enet_host_broadcast ignores misfits
      server.broadcast(1, bytes("everyone"), RELIABLE);
      const [, fromServer, , channel] = await waitFor(wide, EventType.EVENT_RECEIVE);
      assert.equal(channel, 3);
      assert.equal(text(fromServer!.getPacket()), "wide only");
      await waitFor(wide, EventType.EVENT_RECEIVE);
      assert.equal(text(fromServer!.getPacket()), "everyone");
      const [, toServer, , only] = await waitFor(narrow, EventType.EVENT_RECEIVE);
      assert.equal(only, 1);
      assert.equal(text(toServer!.getPacket()), "everyone");
      assert.deepEqual((await drain(narrow, 100)).map(([type]) => type), []);
    } finally {
      await narrow.destroy();
      await wide.destroy();
      await server.destroy();
    }
  });

  test("connectToHost() defaults to 255 channels and data 0; negative data wraps to uint32", async () => {
    const pair = await connectPair();
    try {
      assert.equal(pair.toServer.getChannels(), 255);
      assert.equal(pair.toClient.getChannels(), 255);
    } finally {
      await pair.close();
    }
    const wrapped = await connectPair({ data: -1, channels: 3 });
    try {
      assert.equal(wrapped.toClient.getChannels(), 3);
      wrapped.toServer.peerDisconnect(-2);
      const [, , data] = await waitFor(wrapped.server, EventType.EVENT_DISCONNECT);
      assert.equal(data, 0xfffffffe);
    } finally {
      await wrapped.close();
    }
  });

  test("the connect event's data is Godot's unsigned 32-bit value", async () => {
    const [type, , data] = await serverConnectEvent(-1);
    assert.equal(type, ENetConnection.EVENT_CONNECT);
    assert.equal(data, 0xffffffff);
  });

  test("destroy() makes every peer inactive, as Godot's _on_disconnect", async () => {
    const pair = await connectPair();
    try {
      await pair.server.destroy();
      assert.equal(pair.toClient.isActive(), false);
      assert.equal(pair.toClient.getState(), ENetPacketPeer.STATE_DISCONNECTED);
      assert.equal(pair.toServer.isActive(), true, "the other host is not told");
    } finally {
      await pair.close();
    }
  });

  test("compress(): the last call wins on a live host, even over a codec still loading", async () => {
    await withMemoryPair({ seed: 11 }, async (pair) => {
      const loading = pair.client.compress(ENetConnection.COMPRESS_ZSTD); // not awaited
      await pair.client.compress(ENetConnection.COMPRESS_NONE);
      await loading;
      // Both ends uncompressed: the packet arrives (a zstd client would be dropped).
      const payload = bytes("plain ".repeat(100));
      pair.toServer.send(0, payload, RELIABLE);
      await waitFor(pair.server, EventType.EVENT_RECEIVE);
      assert.deepEqual(pair.toClient.getPacket(), payload);
    });
  });
});
