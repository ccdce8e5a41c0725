import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer, EventType, openUdpTransport } from "../../mod.ts";
import { bytes, connectPair, drain, text, waitFor } from "./helpers.ts";

const { EVENT_CONNECT, EVENT_DISCONNECT, EVENT_RECEIVE } = EventType;

describe("ENetConnection lifecycle over UDP loopback", () => {
  test("peerDisconnect() ends with a DISCONNECT event on both sides", async () => {
    const pair = await connectPair();
    try {
      pair.toServer.peerDisconnect(77);
      const [, peer, data] = await waitFor(pair.server, EVENT_DISCONNECT);
      assert.equal(peer, pair.toClient);
      assert.equal(data, 77);
      const [, local] = await waitFor(pair.client, EVENT_DISCONNECT);
      assert.equal(local, pair.toServer);
      for (const p of [pair.toServer, pair.toClient]) {
        assert.equal(p.isActive(), false);
        assert.equal(p.getState(), ENetPacketPeer.STATE_DISCONNECTED);
      }
      assert.deepEqual(pair.server.getPeers(), []);
      assert.deepEqual(pair.client.getPeers(), []);
      assert.equal(pair.toClient.getRemoteAddress(), "127.0.0.1", "address lost after disconnect");
    } finally {
      await pair.close();
    }
  });

  test("peerDisconnectLater() delivers queued packets before the disconnect", async () => {
    const pair = await connectPair();
    try {
      for (let i = 0; i < 20; i++) {
        pair.toServer.send(0, bytes(`late ${i}`), ENetPacketPeer.FLAG_RELIABLE);
      }
      pair.toServer.peerDisconnectLater(5);
      const received: string[] = [];
      let disconnectData = -1;
      const deadline = performance.now() + 5000;
      while (disconnectData < 0 && performance.now() < deadline) {
        const [type, peer, data] = await pair.server.service(50);
        if (type === EVENT_RECEIVE) received.push(text(peer!.getPacket()));
        if (type === EVENT_DISCONNECT) disconnectData = data;
      }
      assert.equal(disconnectData, 5);
      assert.deepEqual(received, Array.from({ length: 20 }, (_, i) => `late ${i}`));
      await waitFor(pair.client, EVENT_DISCONNECT);
    } finally {
      await pair.close();
    }
  });

  test("peerDisconnectNow() and reset() drop the peer at once with no local event", async () => {
    const pair = await connectPair();
    try {
      pair.toServer.peerDisconnectNow(9);
      assert.equal(pair.toServer.isActive(), false);
      assert.equal(pair.toServer.getState(), ENetPacketPeer.STATE_DISCONNECTED);
      const [, peer, data] = await waitFor(pair.server, EVENT_DISCONNECT);
      assert.equal(peer, pair.toClient);
      assert.equal(data, 9);
      const events = await drain(pair.client, 150);
      assert.deepEqual(events.map(([type]) => type), [], "a forced disconnect produced an event");
      assert.deepEqual(pair.client.getPeers(), []);

      const again = await pair.client.connectToHost("127.0.0.1", pair.server.getLocalPort());
      await waitFor(pair.client, EVENT_CONNECT);
      const [, serverSide] = await waitFor(pair.server, EVENT_CONNECT);
      again.reset();
      assert.equal(again.isActive(), false);
      assert.deepEqual((await drain(pair.client, 100)).length, 0);
      assert.equal(serverSide!.isActive(), true, "reset() must not tell the remote side");
    } finally {
      await pair.close();
    }
  });

  test("setTimeout() makes a silent peer time out quickly", async () => {
    const pair = await connectPair();
    try {
      pair.toServer.setTimeout(1, 200, 400);
      pair.toServer.pingInterval(50);
      await pair.server.destroy(); // the server goes silent without a word
      const [, peer] = await waitFor(pair.client, EVENT_DISCONNECT, 8000);
      assert.equal(peer, pair.toServer);
      assert.equal(pair.toServer.isActive(), false);
    } finally {
      await pair.close();
    }
  });

  test("a connect to nobody ends in EVENT_DISCONNECT", async () => {
    const silent = await openUdpTransport({ address: "127.0.0.1" });
    const client = new ENetConnection();
    try {
      await client.createHost();
      const peer = await client.connectToHost("127.0.0.1", silent.localAddress.port);
      assert.equal(peer.getState(), ENetPacketPeer.STATE_CONNECTING);
      peer.setTimeout(1, 200, 400);
      const [, failed] = await waitFor(client, EVENT_DISCONNECT, 8000);
      assert.equal(failed, peer);
    } finally {
      await client.destroy();
      await silent.close();
    }
  });

  test("socketSend() sends a raw datagram from the host's own port", async () => {
    const plain = await openUdpTransport({ address: "127.0.0.1" });
    const connection = new ENetConnection();
    try {
      await connection.createHostBound("127.0.0.1", 0);
      await connection.socketSend("127.0.0.1", plain.localAddress.port, Uint8Array.of(1, 2, 3));
      const reader = plain.readable.getReader();
      const { value } = await reader.read();
      reader.releaseLock();
      assert.deepEqual(value!.data, Uint8Array.of(1, 2, 3));
      assert.equal(value!.port, connection.getLocalPort());
      await assert.rejects(connection.socketSend("127.0.0.1", 0, Uint8Array.of(1)), RangeError);
    } finally {
      await connection.destroy();
      await plain.close();
    }
  });

  test("destroy() frees the port for a new host", async () => {
    const first = new ENetConnection();
    const second = new ENetConnection();
    try {
      await first.createHostBound("127.0.0.1", 0);
      const port = first.getLocalPort();
      await first.destroy();
      await first.destroy(); // twice is harmless
      await second.createHostBound("127.0.0.1", port);
      assert.equal(second.getLocalPort(), port);
      await first.createHost(); // a destroyed connection can create a host again
    } finally {
      await first.destroy();
      await second.destroy();
    }
  });

  test("destroy() ends pending service() calls and iterators", async () => {
    const connection = new ENetConnection();
    await connection.createHostBound("127.0.0.1", 0);
    const waiting = connection.service(60_000);
    const iterated = connection.events().next();
    await connection.destroy();
    assert.deepEqual(await waiting, [EventType.EVENT_NONE, null, 0, 0]);
    assert.equal((await iterated).done, true);
  });

  test("connects over IPv6 (::1)", async () => {
    const pair = await connectPair({ serverAddress: "::1" });
    try {
      assert.equal(pair.toServer.getRemoteAddress(), "::1");
      assert.equal(pair.toClient.getRemoteAddress(), "::1");
      pair.toServer.send(0, bytes("v6"), ENetPacketPeer.FLAG_RELIABLE);
      await waitFor(pair.server, EVENT_RECEIVE);
      assert.equal(text(pair.toClient.getPacket()), "v6");
    } finally {
      await pair.close();
    }
  });

  test("connects to a host name (localhost)", async () => {
    const pair = await connectPair({ serverAddress: "127.0.0.1", connectAddress: "localhost" });
    try {
      assert.equal(pair.toServer.getRemoteAddress(), "127.0.0.1");
      assert.equal(pair.toServer.getState(), ENetPacketPeer.STATE_CONNECTED);
    } finally {
      await pair.close();
    }
  });
});
