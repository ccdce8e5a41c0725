import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, ENetError, ENetPacketPeer, EventType } from "../../mod.ts";
import { bytes, text, waitFor, withMemoryPair } from "./helpers.ts";
import { countTimers } from "../helpers/timer_count.ts";

describe("ENetConnection.checkEvents()", () => {
  test("drains every ready event synchronously, then returns EVENT_NONE", async () => {
    await withMemoryPair({ seed: 5 }, async (pair) => {
      // Sent in one turn, so they travel in one datagram and arrive together.
      for (let i = 0; i < 5; i++) {
        pair.toServer.send(0, bytes(`m${i}`), ENetPacketPeer.FLAG_RELIABLE);
      }
      await waitFor(pair.server, EventType.EVENT_RECEIVE);
      const got = [text(pair.toClient.getPacket())];
      for (let i = 1; i < 5; i++) {
        const [type, peer, data, channel] = pair.server.checkEvents();
        assert.deepEqual([type, peer, data, channel], [
          EventType.EVENT_RECEIVE,
          pair.toClient,
          0,
          0,
        ]);
        got.push(text(pair.toClient.getPacket()));
      }
      assert.deepEqual(got, ["m0", "m1", "m2", "m3", "m4"]);
      assert.deepEqual(pair.server.checkEvents(), [EventType.EVENT_NONE, null, 0, 0]);
      assert.equal(pair.toClient.getAvailablePacketCount(), 0);
    });
  });

  test("shares one queue with service() and the iterator", async () => {
    await withMemoryPair({ seed: 6 }, async (pair) => {
      for (let i = 0; i < 4; i++) {
        pair.toServer.send(0, bytes(`m${i}`), ENetPacketPeer.FLAG_RELIABLE);
      }
      const events = pair.server.events();
      const first = await events.next();
      assert.equal(!first.done && first.value.type, EventType.EVENT_RECEIVE);
      assert.equal(
        !first.done && first.value.type === EventType.EVENT_RECEIVE && text(first.value.packet),
        "m0",
      );
      assert.equal(pair.server.checkEvents()[0], EventType.EVENT_RECEIVE);
      assert.equal(text(pair.toClient.getPacket()), "m1");
      assert.equal((await pair.server.service(0))[0], EventType.EVENT_RECEIVE);
      assert.equal(text(pair.toClient.getPacket()), "m2");
      const last = await events.next();
      assert.equal(
        !last.done && last.value.type === EventType.EVENT_RECEIVE && text(last.value.packet),
        "m3",
      );
      await events.return!();
      assert.deepEqual(pair.server.checkEvents(), [EventType.EVENT_NONE, null, 0, 0]);
    });
  });

  test("service(0) with nothing pending resolves EVENT_NONE without arming a timer", async () => {
    const connection = new ENetConnection();
    await connection.createHostBound("127.0.0.1", 0);
    const timers = countTimers();
    try {
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(await connection.service(0), [EventType.EVENT_NONE, null, 0, 0]);
      }
      assert.equal(timers.armed, 0);
    } finally {
      timers.restore();
      await connection.destroy();
    }
  });

  test("without a host it throws ERR_UNCONFIGURED", () => {
    const connection = new ENetConnection();
    assert.throws(
      () => connection.checkEvents(),
      (error) => error instanceof ENetError && error.code === "ERR_UNCONFIGURED",
    );
  });
});
