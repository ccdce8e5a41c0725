/**
 * Mismatched settings show up as counted, named drops: a client with another compression
 * mode or checksum setting than the server, over UDP on loopback.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, type ENetDrop, type ENetHostOptions, ENetPacketPeer } from "../../mod.ts";
import { MemoryNetwork, type TransportStats } from "../../adapters/mod.ts";

/**
 * A server with `serverOptions` and a client with `clientOptions` (and compression
 * `clientMode`); the client connects and, if it gets through, sends compressible
 * packets. Runs until `done` holds on the server's drops, or 5 s.
 */
async function mismatch(
  serverOptions: ENetHostOptions,
  clientOptions: ENetHostOptions,
  clientMode: number,
  done: (server: ENetConnection) => boolean,
): Promise<ENetConnection> {
  const server = new ENetConnection();
  const client = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 4, 0, 0, 0, serverOptions);
  await client.createHost(1, 0, 0, 0, clientOptions);
  try {
    if (clientMode !== 0) await client.compress(clientMode as 1);
    const peer = await client.connectToHost("127.0.0.1", server.getLocalPort(), 2);
    const deadline = performance.now() + 5000;
    while (!done(server) && performance.now() < deadline) {
      await server.service(5);
      const [type] = await client.service(5);
      if (
        type === ENetConnection.EVENT_CONNECT || peer.getState() === ENetPacketPeer.STATE_CONNECTED
      ) {
        peer.send(0, new Uint8Array(1000), ENetPacketPeer.FLAG_RELIABLE);
      }
    }
    return server;
  } finally {
    await client.destroy();
  }
}

describe("drop statistics and the onDrop hook", () => {
  test("a client with another compression mode: decompression drops, named", async () => {
    const drops: ENetDrop[] = [];
    const server = await mismatch(
      { onDrop: (drop) => drops.push(drop) },
      {},
      ENetConnection.COMPRESS_ZLIB,
      (s) => s.getDropStatistics().decompression > 0,
    );
    try {
      const stats = server.getDropStatistics();
      assert.ok(stats.decompression > 0, JSON.stringify(stats));
      assert.ok(stats.total >= stats.decompression);
      assert.ok(Object.isFrozen(stats));
      const drop = drops.find((d) => d.reason === "decompression");
      assert.ok(drop !== undefined);
      assert.equal(drop.address, "127.0.0.1");
      assert.match(drop.message, /failed decompression: does the peer use the same compression/);
    } finally {
      await server.destroy();
    }
  });

  test("a client without the server's checksum: checksum drops, named", async () => {
    const drops: ENetDrop[] = [];
    const server = await mismatch(
      { checksum: true, onDrop: (drop) => drops.push(drop) },
      {},
      0,
      (s) => s.getDropStatistics().checksum > 0,
    );
    try {
      const stats = server.getDropStatistics();
      assert.ok(stats.checksum > 0, JSON.stringify(stats));
      assert.equal(server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS) > 0, true);
      assert.match(
        drops.find((d) => d.reason === "checksum")!.message,
        /bad checksum: does the peer use the same checksum setting\?/,
      );
    } finally {
      await server.destroy();
    }
  });

  test("matching settings drop nothing, and a throwing hook does not stop the host", async () => {
    const server = new ENetConnection();
    const client = new ENetConnection();
    const options: ENetHostOptions = {
      checksum: true,
      onDrop: () => {
        throw new Error("not reached");
      },
    };
    await server.createHostBound("127.0.0.1", 0, 4, 0, 0, 0, options);
    await client.createHost(1, 0, 0, 0, { checksum: true });
    try {
      await client.connectToHost("127.0.0.1", server.getLocalPort());
      let connected = false;
      const deadline = performance.now() + 5000;
      while (!connected && performance.now() < deadline) {
        await server.service(5);
        connected = (await client.service(5))[0] === ENetConnection.EVENT_CONNECT;
      }
      assert.ok(connected);
      assert.equal(server.getDropStatistics().total, 0);
      await assert.rejects(
        server.createHost(1, 0, 0, 0, { onDrop: 5 as unknown as () => void }),
        /ERR_ALREADY_IN_USE|already has a host/,
      );
      const other = new ENetConnection();
      await assert.rejects(
        other.createHost(1, 0, 0, 0, { onDrop: 5 as unknown as () => void }),
        TypeError,
      );
    } finally {
      await client.destroy();
      await server.destroy();
    }
  });

  test("the socket's own losses: a refused send counts under sendErrors", async () => {
    const host = new ENetConnection();
    await host.createHostBound("127.0.0.1", 0);
    try {
      assert.equal(host.getDropStatistics().sendErrors, 0);
      // An IPv4 socket cannot send to an IPv6 address: the socket refuses it.
      await host.socketSend("::1", 9, new Uint8Array(4)).catch(() => {});
      const deadline = performance.now() + 2000;
      while (host.getDropStatistics().sendErrors === 0 && performance.now() < deadline) {
        await host.service(5);
      }
      assert.equal(host.getDropStatistics().sendErrors, 1);
      assert.equal(host.getDropStatistics().total, 0, "a send error drops no received datagram");
    } finally {
      await host.destroy();
    }
  });

  test("a transport's full receive queue counts under receiveQueueFull and in the total", async () => {
    const network = new MemoryNetwork();
    const endpoint = network.open();
    const stats: TransportStats = {
      receivedDatagrams: 12,
      receivedBytes: 480,
      sentDatagrams: 0,
      sentBytes: 0,
      droppedDatagrams: 3,
      sendErrors: 0,
    };
    const host = new ENetConnection();
    await host.createHost(1, 0, 0, 0, {
      transport: {
        readable: endpoint.readable,
        writable: endpoint.writable,
        localAddress: endpoint.localAddress,
        close: () => endpoint.close(),
        stats,
      },
    });
    try {
      const drops = host.getDropStatistics();
      assert.equal(drops.receiveQueueFull, 3);
      assert.equal(drops.total, 3);
      stats.droppedDatagrams = 5;
      assert.equal(host.getDropStatistics().receiveQueueFull, 5);
    } finally {
      await host.destroy();
      await network.close();
    }
  });
});
