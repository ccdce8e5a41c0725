import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  ENetConnection,
  ENetError,
  ENetPacketPeer,
  type Peer,
  type TLSOptions,
} from "../../mod.ts";
import { bytes, connectPair } from "./helpers.ts";

const godotError = (code: string) => (error: unknown) => {
  assert.ok(error instanceof ENetError, `expected ENetError ${code}, got ${error}`);
  assert.equal(error.code, code);
  assert.match(error.message, /^Cannot /);
  return true;
};

describe("ENetConnection misuse", () => {
  test("methods that need a host throw ERR_UNCONFIGURED before createHost", async () => {
    const connection = new ENetConnection();
    const unconfigured = godotError("ERR_UNCONFIGURED");
    await assert.rejects(connection.connectToHost("127.0.0.1", 7777), unconfigured);
    await assert.rejects(connection.service(0), unconfigured);
    await assert.rejects(connection.compress(ENetConnection.COMPRESS_ZLIB), unconfigured);
    await assert.rejects(connection.socketSend("127.0.0.1", 1, bytes("x")), unconfigured);
    assert.throws(() => connection.flush(), unconfigured);
    assert.throws(() => connection.getPeers(), unconfigured);
    assert.throws(() => connection.getLocalPort(), unconfigured);
    assert.throws(() => connection.getMaxChannels(), unconfigured);
    assert.throws(() => connection.broadcast(0, bytes("x"), 1), unconfigured);
    assert.throws(() => connection.channelLimit(2), unconfigured);
    assert.throws(() => connection.bandwidthLimit(), unconfigured);
    assert.throws(() => connection.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA), unconfigured);
    assert.throws(() => connection.refuseNewConnections(true), unconfigured);
    assert.throws(() => connection.events(), unconfigured);
    await assert.rejects(connection.dtlsServerSetup({} as TLSOptions), unconfigured);
    await assert.rejects(connection.dtlsClientSetup("example.com"), unconfigured);
    await connection.destroy(); // nothing to destroy: harmless
  });

  test("createHost checks its arguments and refuses a second host", async () => {
    const connection = new ENetConnection();
    try {
      await assert.rejects(connection.createHost(0), RangeError);
      await assert.rejects(connection.createHost(4096), RangeError);
      await assert.rejects(connection.createHost(32, 256), RangeError);
      await assert.rejects(connection.createHost(32, 0, -1), RangeError);
      await assert.rejects(connection.createHost(32, 0, 0, 1.5), RangeError);
      await assert.rejects(connection.createHostBound("localhost", 0), TypeError);
      await assert.rejects(connection.createHostBound("127.0.0.1", 65536), RangeError);
      await connection.createHost();
      await assert.rejects(connection.createHost(), godotError("ERR_ALREADY_IN_USE"));
      await assert.rejects(connection.createHostBound("*", 0), godotError("ERR_ALREADY_IN_USE"));
    } finally {
      await connection.destroy();
    }
  });

  test("binding a port in use fails with ERR_CANT_CREATE", async () => {
    const first = new ENetConnection();
    const second = new ENetConnection();
    try {
      await first.createHostBound("127.0.0.1", 0);
      await assert.rejects(
        second.createHostBound("127.0.0.1", first.getLocalPort()),
        godotError("ERR_CANT_CREATE"),
      );
      await second.createHostBound("127.0.0.1", 0); // the failure left it usable
    } finally {
      await first.destroy();
      await second.destroy();
    }
  });

  test("connectToHost checks its arguments and Godot's one-connection rule", async () => {
    const connection = new ENetConnection();
    try {
      await connection.createHost(2);
      await assert.rejects(connection.connectToHost("127.0.0.1", 0), RangeError);
      await assert.rejects(connection.connectToHost("127.0.0.1", 1, 256), RangeError);
      await assert.rejects(connection.connectToHost("127.0.0.1", 1, 0, 2 ** 32), RangeError);
      await assert.rejects(
        connection.connectToHost("no-such-host.invalid", 7777),
        godotError("ERR_CANT_RESOLVE"),
      );
      const peer = await connection.connectToHost("127.0.0.1", 9, 1);
      assert.equal(peer.getState(), ENetPacketPeer.STATE_CONNECTING);
      assert.deepEqual(connection.getPeers(), [peer]);
      await assert.rejects(
        connection.connectToHost("127.0.0.1", 9),
        godotError("ERR_ALREADY_IN_USE"),
      );
      assert.equal(peer.send(0, bytes("early"), 1), "FAILED"); // not connected yet
      assert.equal(peer.putPacket(bytes("early")), "FAILED");
    } finally {
      await connection.destroy();
    }
  });

  test("ENetPacketPeer cannot be constructed directly", () => {
    const construct = ENetPacketPeer as unknown as new (...args: unknown[]) => unknown;
    assert.throws(() => new construct(Symbol("fake"), {} as Peer, () => {}), TypeError);
  });

  test("peer methods reject bad arguments and act on inactive peers with ERR_UNCONFIGURED", async () => {
    const pair = await connectPair({ channels: 2 });
    try {
      const peer = pair.toServer;
      assert.throws(() => peer.send(2, bytes("x"), 1), RangeError);
      assert.throws(() => peer.send(-1, bytes("x"), 1), RangeError);
      assert.throws(() => peer.send(0, bytes("x"), 4), RangeError);
      assert.throws(() => peer.send(0, bytes("x"), 16), RangeError);
      assert.throws(() => peer.send(0, "x" as never, 1), TypeError);
      assert.throws(() => peer.send(0, [1, 2] as never, 1), TypeError);
      assert.throws(() => peer.putPacket(null as never), TypeError);
      assert.throws(() => peer.send(0, new Uint8Array(32 * 1024 * 1024 + 1), 1), RangeError);
      assert.throws(() => peer.setTimeout(10, 5, 100), RangeError);
      assert.throws(() => peer.setTimeout(1, 500, 100), RangeError);
      peer.setTimeout(0, 0, 0); // ENet's defaults
      assert.throws(() => peer.getPacket(), godotError("ERR_UNAVAILABLE"));
      assert.throws(() => peer.getPacketFlags(), godotError("ERR_UNAVAILABLE"));
      assert.throws(() => peer.peerDisconnect(2 ** 33), RangeError);

      peer.peerDisconnectNow();
      const inactive = godotError("ERR_UNCONFIGURED");
      assert.equal(peer.send(0, bytes("x"), 1), "ERR_UNCONFIGURED"); // Godot's result, no throw
      assert.equal(peer.putPacket(bytes("x")), "ERR_UNCONFIGURED");
      assert.throws(() => peer.send(2, bytes("x"), 1), RangeError); // still outside 2 channels
      assert.throws(() => peer.getChannels(), inactive);
      assert.throws(() => peer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME), inactive);
      assert.throws(() => peer.peerDisconnect(), inactive);
      assert.throws(() => peer.peerDisconnectLater(), inactive);
      assert.throws(() => peer.peerDisconnectNow(), inactive);
      assert.throws(() => peer.ping(), inactive);
      assert.throws(() => peer.pingInterval(100), inactive);
      assert.throws(() => peer.reset(), inactive);
      assert.throws(() => peer.setTimeout(1, 2, 3), inactive);
      assert.throws(() => peer.throttleConfigure(1000, 2, 2), inactive);
      assert.equal(peer.getState(), ENetPacketPeer.STATE_DISCONNECTED);
      assert.equal(peer.getAvailablePacketCount(), 0);
    } finally {
      await pair.close();
    }
  });

  test("service() rejects a negative timeout", async () => {
    const connection = new ENetConnection();
    try {
      await connection.createHost();
      await assert.rejects(connection.service(-1), RangeError);
      await assert.rejects(connection.compress(5 as never), RangeError);
    } finally {
      await connection.destroy();
    }
  });
});
