/**
 * What a ready event costs: `service()` and the event iterator hand it over in one
 * resolved promise, so the awaiting code resumes one microtask later. Extra promise
 * hops (an `async` wrapper, a promise resolved with a promise) add microtasks, which
 * the spec makes deterministic on every runtime: this counts them.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetPacketPeer, EventType } from "../../mod.ts";
import { bytes, waitFor, withMemoryPair } from "./helpers.ts";

/**
 * Awaits `start()` and returns how many microtasks ran between the call and the
 * resumption: a counter re-queues itself from before the call until then.
 */
async function microtasksUntilResumed(start: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const count = () => {
    if (!running) return;
    ticks++;
    queueMicrotask(count);
  };
  queueMicrotask(count);
  await start();
  running = false;
  return ticks;
}

describe("a ready event costs one promise", () => {
  test("service() and the iterator resume the caller one microtask later", async () => {
    await withMemoryPair({ seed: 11 }, async (pair) => {
      // Sent in one turn, so they arrive together and stay ready on the server.
      for (let i = 0; i < 4; i++) {
        pair.toServer.send(0, bytes(`m${i}`), ENetPacketPeer.FLAG_RELIABLE);
      }
      await waitFor(pair.server, EventType.EVENT_RECEIVE);
      pair.toClient.getPacket();

      let result: unknown;
      const serviceTicks = await microtasksUntilResumed(async () => {
        result = await pair.server.service(1000);
      });
      assert.equal((result as unknown[])[0], EventType.EVENT_RECEIVE);
      pair.toClient.getPacket();

      const events = pair.server.events();
      const iteratorTicks = await microtasksUntilResumed(async () => {
        result = await events.next();
      });
      assert.equal(
        (result as IteratorResult<{ type: number }>).value.type,
        EventType.EVENT_RECEIVE,
      );

      // The same measure on a bare resolved promise: the floor for one promise.
      const floor = await microtasksUntilResumed(async () => {
        await Promise.resolve(0);
      });
      assert.equal(serviceTicks, floor);
      assert.equal(iteratorTicks, floor);

      let seen = 0;
      const loopTicks = await microtasksUntilResumed(async () => {
        for await (const event of events) {
          assert.equal(event.type, EventType.EVENT_RECEIVE);
          if (++seen === 1) break;
        }
      });
      // for await: one promise from next(), one from return() on break.
      const bareLoop = await microtasksUntilResumed(async () => {
        const bare = {
          [Symbol.asyncIterator]() {
            return this;
          },
          next: () => Promise.resolve({ done: false, value: 0 }),
          return: () => Promise.resolve({ done: true, value: undefined }),
        };
        for await (const _ of bare) break;
      });
      assert.equal(loopTicks, bareLoop);
    });
  });
});
