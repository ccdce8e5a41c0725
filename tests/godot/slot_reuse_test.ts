/**
 * A peer that times out frees its slot at once, as in C ENet: a full server accepts a
 * new client before the application polls the timeout, and the old peer's object never
 * acts on the new connection that took its slot.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";

async function until(done: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
  }
}

test("a full server takes a new client while the timed-out peer's event waits", async () => {
  const server = new ENetConnection();
  const first = new ENetConnection();
  const second = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 1);
  await first.createHost(1);
  await second.createHost(1);
  try {
    const port = server.getLocalPort();
    await first.connectToHost("127.0.0.1", port);
    let old: ENetPacketPeer | null = null;
    await until(async () => {
      const [type, peer] = await server.service(10);
      if (type === ENetConnection.EVENT_CONNECT) old = peer;
      await first.service(0);
      return old !== null;
    }, "the first client");
    const oldPeer = old! as ENetPacketPeer;
    oldPeer.setTimeout(1, 300, 600);
    await first.destroy(); // silent from now on: the server times it out

    // The server's application does not service it: its driver times the first client
    // out and accepts the second one into the freed slot in the background.
    const newPeer = await second.connectToHost("127.0.0.1", port);
    await until(
      async () => (await second.service(20))[0] === ENetConnection.EVENT_CONNECT,
      "the second client to connect",
    );
    assert.equal(oldPeer.getState(), ENetPacketPeer.STATE_DISCONNECTED);
    try {
      oldPeer.send(0, new Uint8Array([1]), ENetPacketPeer.FLAG_RELIABLE);
    } catch {
      // Refused either way; what matters is that nothing reaches the new client.
    }
    server.flush();
    assert.equal(newPeer.getState(), ENetPacketPeer.STATE_CONNECTED);

    const [type1, peer1] = await server.service(1000);
    assert.equal(type1, ENetConnection.EVENT_DISCONNECT);
    assert.equal(peer1, oldPeer);
    const [type2, peer2] = await server.service(1000);
    assert.equal(type2, ENetConnection.EVENT_CONNECT);
    assert.notEqual(peer2, oldPeer);
    assert.equal(peer2!.getRemotePort(), second.getLocalPort());
    assert.deepEqual(server.getPeers(), [peer2]);
    // The old peer's packet never reached the new client.
    const received = [];
    for (let i = 0; i < 5; i++) {
      const [type] = await second.service(10);
      if (type === ENetConnection.EVENT_RECEIVE) received.push(type);
    }
    assert.deepEqual(received, []);
  } finally {
    await second.destroy();
    await first.destroy();
    await server.destroy();
  }
});

test("no stale CONNECT after peerDisconnectNow() and a new connectToHost()", async () => {
  const server = new ENetConnection();
  const client = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 4);
  await client.createHost(1);
  try {
    const port = server.getLocalPort();
    const first = await client.connectToHost("127.0.0.1", port);
    // Service only the server, so the client's CONNECT event waits unpolled.
    await until(async () => {
      await server.service(10);
      return first.getState() === ENetPacketPeer.STATE_CONNECTED;
    }, "the first connection");
    first.peerDisconnectNow();
    const second = await client.connectToHost("127.0.0.1", port);
    assert.equal(second.getState(), ENetPacketPeer.STATE_CONNECTING);
    // The first CONNECT event is never handed out: the only one is the second
    // connection's, once it is connected.
    await until(async () => {
      await server.service(5);
      const [event, from] = await client.service(5);
      if (event === ENetConnection.EVENT_CONNECT) {
        assert.equal(from, second);
        assert.equal(second.getState(), ENetPacketPeer.STATE_CONNECTED);
        return true;
      }
      return false;
    }, "the second connection");
  } finally {
    await client.destroy();
    await server.destroy();
  }
});
