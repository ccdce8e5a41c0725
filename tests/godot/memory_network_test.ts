import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer, EventType, MemoryNetwork } from "../../mod.ts";
import { bytes, text, waitFor, withMemoryPair } from "./helpers.ts";

describe("ENetConnection over a MemoryNetwork", () => {
  test("reliable packets arrive whole and in order through loss and reordering", async () => {
    const lossy = { seed: 7, loss: 0.2, reorder: 0.2, latency: 2, jitter: 3 };
    await withMemoryPair(lossy, async (pair, network) => {
      assert.equal(pair.server.getLocalPort(), 7000);
      assert.equal(pair.toClient.getRemoteAddress(), "10.0.0.2");
      const big = new Uint8Array(5000).map((_, i) => i % 251);
      for (let i = 0; i < 40; i++) {
        pair.toServer.send(0, bytes(`m${i}`), ENetPacketPeer.FLAG_RELIABLE);
      }
      pair.toServer.send(0, big, ENetPacketPeer.FLAG_RELIABLE);
      for (let i = 0; i < 40; i++) {
        await waitFor(pair.server, EventType.EVENT_RECEIVE, 10_000);
        assert.equal(text(pair.toClient.getPacket()), `m${i}`);
      }
      await waitFor(pair.server, EventType.EVENT_RECEIVE, 10_000);
      assert.deepEqual(pair.toClient.getPacket(), big);
      assert.ok(network.stats.lost > 0, "the seeded link lost nothing");
    });
  });

  test("checksum: true connects two hosts that both use C ENet's CRC32", async () => {
    await withMemoryPair({ seed: 3 }, async (pair) => {
      pair.toClient.send(0, bytes("checked"), ENetPacketPeer.FLAG_RELIABLE);
      await waitFor(pair.client, EventType.EVENT_RECEIVE);
      assert.equal(text(pair.toServer.getPacket()), "checked");
    }, { host: { checksum: true } });
  });

  for (const mode of [1, 2, 3, 4] as const) {
    test(`compress(${mode}) on both ends carries data`, async () => {
      const before = async (server: ENetConnection, client: ENetConnection) => {
        await server.compress(mode);
        await client.compress(mode);
      };
      await withMemoryPair({ seed: mode }, async (pair) => {
        const payload = bytes("compress me ".repeat(50));
        pair.client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
        pair.toServer.send(0, payload, ENetPacketPeer.FLAG_RELIABLE);
        await waitFor(pair.server, EventType.EVENT_RECEIVE);
        assert.deepEqual(pair.toClient.getPacket(), payload);
        const sent = pair.client.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
        assert.ok(sent < payload.length, `sent ${sent} bytes for ${payload.length}`);
        await pair.client.compress(ENetConnection.COMPRESS_NONE);
        await pair.server.compress(ENetConnection.COMPRESS_NONE);
        pair.toServer.send(0, payload, ENetPacketPeer.FLAG_RELIABLE);
        await waitFor(pair.server, EventType.EVENT_RECEIVE);
        assert.deepEqual(pair.toClient.getPacket(), payload);
      }, { before });
    });
  }

  test("a transport passed to createHostBound is refused", async () => {
    const network = new MemoryNetwork();
    const connection = new ENetConnection();
    try {
      const transport = network.open("10.0.0.1", 1);
      await assert.rejects(
        connection.createHostBound("10.0.0.1", 1, 1, 0, 0, 0, { transport }),
        TypeError,
      );
    } finally {
      await connection.destroy();
      await network.close();
    }
  });
});
