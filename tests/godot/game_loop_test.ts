/**
 * The Godot API in a real game loop: kicking a player mid-tick, a forgotten `await`,
 * `await using`, packets as any byte view, and aborting a wait.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { describe, test } from "node:test";
import { ENetConnection, ENetError, type ENetPacketPeer } from "../../mod.ts";
import { bytes, drain, waitFor } from "./helpers.ts";

/** A server on loopback with `count` clients, each allocating `channels` channels. */
async function serverWithClients(count: number, channels: number) {
  const server = new ENetConnection();
  const clients: ENetConnection[] = [];
  const close = async () => {
    for (const client of clients) await client.destroy();
    await server.destroy();
  };
  try {
    await server.createHostBound("127.0.0.1", 0);
    const toServer: ENetPacketPeer[] = [];
    const toClient: ENetPacketPeer[] = [];
    for (let i = 0; i < count; i++) {
      const client = new ENetConnection();
      clients.push(client);
      await client.createHost(1);
      toServer.push(await client.connectToHost("127.0.0.1", server.getLocalPort(), channels));
      const [, peer] = await waitFor(server, ENetConnection.EVENT_CONNECT);
      toClient.push(peer!);
      await waitFor(client, ENetConnection.EVENT_CONNECT);
    }
    return { server, clients, toServer, toClient, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Services `connection` until a packet arrives; returns its text. */
async function receiveText(connection: ENetConnection): Promise<string> {
  const [, from] = await waitFor(connection, ENetConnection.EVENT_RECEIVE);
  return new TextDecoder().decode(from!.getPacket());
}

/** Races `promise` against a bound: the test fails rather than hangs. */
function bounded<T>(promise: Promise<T>, ms = 20000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, guard]).finally(() => clearTimeout(timer));
}

describe("ENetConnection in a game loop", () => {
  for (const kick of ["peerDisconnect", "peerDisconnectLater"] as const) {
    test(`${kick}() mid-tick: the loop over getPeers() carries on, the others get the packet`, async () => {
      const game = await serverWithClients(2, 2);
      try {
        const [victim, other] = game.toClient;
        if (kick === "peerDisconnectLater") victim.send(1, bytes("last words"), 1); // held back
        victim[kick]();
        assert.ok(game.server.getPeers().includes(victim), "still listed until serviced");
        assert.equal(victim.getChannels(), 2, "channels kept until the peer is reset");
        const results = game.server.getPeers().map((p) => p.send(1, bytes("tick"), 1));
        assert.deepEqual(
          results,
          game.server.getPeers().map((p) => p === victim ? "FAILED" : "OK"),
        );
        assert.equal(victim.putPacket(bytes("tick")), "FAILED");
        assert.throws(() => victim.send(2, bytes("tick"), 1), RangeError); // outside 2 channels
        assert.throws(() => other.send(2, bytes("tick"), 1), RangeError);

        assert.equal(await receiveText(game.clients[1]), "tick");
        if (kick === "peerDisconnectLater") {
          assert.equal(await receiveText(game.clients[0]), "last words");
        }
        await waitFor(game.clients[0], ENetConnection.EVENT_DISCONNECT);
        const [, gone] = await waitFor(game.server, ENetConnection.EVENT_DISCONNECT);
        assert.equal(gone, victim);
        assert.deepEqual(game.server.getPeers(), [other]);
        assert.equal(victim.send(1, bytes("tick"), 1), "ERR_UNCONFIGURED");
        assert.throws(() => victim.getChannels(), ENetError);
      } finally {
        await game.close();
      }
    });
  }

  test("a forgotten await on createHost says the host is still being created", async () => {
    const connection = new ENetConnection();
    const creating = connection.createHost(); // the await forgotten
    try {
      assert.throws(() => connection.getLocalPort(), /still being created/);
      await assert.rejects(connection.connectToHost("127.0.0.1", 7777), (error: unknown) => {
        assert.ok(error instanceof ENetError);
        assert.equal(error.code, "ERR_UNCONFIGURED");
        assert.match(error.message, /still being created \(await createHost/);
        return true;
      });
      await creating;
      assert.ok(connection.getLocalPort() > 0);
    } finally {
      await creating.catch(() => {});
      await connection.destroy();
    }
    assert.throws(() => connection.getLocalPort(), /has no host \(call createHost/);
  });

  test("await using destroys the host at the end of the scope, freeing its port", async () => {
    let escaped: ENetConnection;
    let port: number;
    {
      await using connection = new ENetConnection();
      escaped = connection;
      await connection.createHostBound("127.0.0.1", 0);
      port = connection.getLocalPort();
    }
    assert.throws(() => escaped.getPeers(), /has no host/);
    await using again = new ENetConnection();
    await again.createHostBound("127.0.0.1", port); // the port is free again
    assert.equal(again.getLocalPort(), port);
  });
});

describe("ENetConnection takes any ArrayBufferView or ArrayBuffer as a packet", () => {
  test("send, putPacket and broadcast send exactly the bytes viewed", async () => {
    const game = await serverWithClients(1, 1);
    try {
      const [peer] = game.toClient;
      const source = new Uint8Array([9, 9, 1, 2, 3, 4, 5, 6, 9, 9]);
      const expected = [1, 2, 3, 4, 5, 6];
      const packets: [string, ArrayBufferView | ArrayBuffer][] = [
        ["DataView", new DataView(source.buffer, 2, 6)],
        ["Uint16Array", new Uint16Array(source.slice(2, 8).buffer)],
        ["Uint8Array subarray", source.subarray(2, 8)],
        ["Float64Array", new Float64Array(new Uint8Array([...expected, 0, 0]).buffer, 0, 1)],
        ["ArrayBuffer", source.slice(2, 8).buffer],
      ];
      for (const [name, packet] of packets) {
        assert.equal(peer.send(0, packet, 1), "OK", name);
        const [, from] = await waitFor(game.clients[0], ENetConnection.EVENT_RECEIVE);
        const got = [...from!.getPacket()];
        assert.deepEqual(got, name === "Float64Array" ? [...expected, 0, 0] : expected, name);
      }
      assert.equal(peer.putPacket(new DataView(source.buffer, 3, 2)), "OK");
      const [, viaPut] = await waitFor(game.clients[0], ENetConnection.EVENT_RECEIVE);
      assert.deepEqual([...viaPut!.getPacket()], [2, 3]);
      game.server.broadcast(0, new Int8Array(source.buffer, 4, 3), 1);
      const [, viaBroadcast] = await waitFor(game.clients[0], ENetConnection.EVENT_RECEIVE);
      assert.deepEqual([...viaBroadcast!.getPacket()], [3, 4, 5]);
      assert.throws(() => peer.send(0, [1, 2] as never, 1), TypeError);
      assert.throws(() => game.server.broadcast(0, "text" as never, 1), TypeError);
    } finally {
      await game.close();
    }
  });

  test("socketSend sends the bytes of a DataView", async () => {
    const connection = new ENetConnection();
    const socket = createSocket("udp4");
    try {
      await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
      const received = new Promise<Uint8Array>((resolve) => socket.once("message", resolve));
      await connection.createHostBound("127.0.0.1", 0);
      const source = new Uint8Array([0, 0, 7, 8, 9, 0]);
      await connection.socketSend(
        "127.0.0.1",
        socket.address().port,
        new DataView(source.buffer, 2, 3),
      );
      assert.deepEqual([...await bounded(received)], [7, 8, 9]);
    } finally {
      socket.close();
      await connection.destroy();
    }
  });
});

describe("ENetConnection waits end with an AbortSignal", () => {
  test("an abort resolves a pending service() with EVENT_NONE and loses no event", async () => {
    const game = await serverWithClients(1, 1);
    try {
      const controller = new AbortController();
      const waiting = game.clients[0].service(60000, { signal: controller.signal });
      controller.abort();
      assert.deepEqual(await bounded(waiting), [ENetConnection.EVENT_NONE, null, 0, 0]);

      // An event queued meanwhile is not taken by an aborted wait: the next call gets it.
      game.toClient[0].send(0, bytes("after abort"), 1);
      await drain(game.server, 50); // let it travel
      const aborted = AbortSignal.abort();
      assert.deepEqual(await game.clients[0].service(1000, { signal: aborted }), [0, null, 0, 0]);
      assert.equal(await receiveText(game.clients[0]), "after abort");
      await assert.rejects(game.clients[0].service(0, { signal: true } as never), TypeError);
    } finally {
      await game.close();
    }
  });

  test("an abort ends the event iterator; later events go to service()", async () => {
    const game = await serverWithClients(1, 1);
    try {
      const controller = new AbortController();
      const seen: number[] = [];
      const loop = (async () => {
        for await (const event of game.clients[0].events({ signal: controller.signal })) {
          seen.push(event.type);
          controller.abort();
        }
      })();
      game.toClient[0].send(0, bytes("one"), 1);
      await bounded(loop);
      assert.deepEqual(seen, [ENetConnection.EVENT_RECEIVE]);
      game.toClient[0].send(0, bytes("two"), 1);
      assert.equal(await receiveText(game.clients[0]), "two");
      const ended = game.clients[0].events({ signal: controller.signal });
      assert.deepEqual(await ended.next(), { done: true, value: undefined });
    } finally {
      await game.close();
    }
  });
});
