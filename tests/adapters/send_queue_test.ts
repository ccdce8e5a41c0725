import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SendQueue } from "../../adapters/send_queue.ts";

describe("SendQueue", () => {
  test("sends one at a time, in order, and counts failures", async () => {
    const log: string[] = [];
    let inFlight = 0;
    let errors = 0;
    const queue = new SendQueue(async (data, address, port) => {
      inFlight++;
      assert.equal(inFlight, 1);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      if (data[0] === 2) throw new Error("unreachable");
      log.push(`${data[0]}@${address}:${port}`);
    }, () => errors++);
    for (let i = 0; i < 5; i++) assert.equal(queue.push(new Uint8Array([i]), "::1", 9), true);
    await queue.idle();
    assert.deepEqual(log, ["0@::1:9", "1@::1:9", "3@::1:9", "4@::1:9"]);
    assert.equal(errors, 1);
  });

  test("refuses beyond its limit and after stop()", async () => {
    let sent = 0;
    const queue = new SendQueue(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        sent++;
      },
      () => {},
      3,
    );
    const accepted = [0, 1, 2, 3, 4].map((i) => queue.push(new Uint8Array([i]), "::1", 9));
    // the first is taken at once (in flight); three more wait; the fifth is refused
    assert.deepEqual(accepted, [true, true, true, true, false]);
    await queue.stop();
    assert.equal(queue.push(new Uint8Array([9]), "::1", 9), false);
    assert.equal(sent, 1);
  });

  test("with a synchronous send: the first datagram of a run is awaited, the rest go synchronously while taken", async () => {
    const wire: string[] = [];
    let full = true;
    const queue = new SendQueue(
      async (data) => {
        await new Promise((resolve) => setTimeout(resolve, 1)); // waits for room
        full = false;
        wire.push(`async ${data[0]}`);
      },
      () => {},
      undefined,
      (data) => {
        if (full) return false;
        wire.push(`sync ${data[0]}`);
        if (data[0] === 3) full = true; // the buffer fills again
        return true;
      },
    );
    for (let i = 0; i < 6; i++) queue.push(new Uint8Array([i]), "::1", 9);
    assert.ok(queue.busy);
    await queue.idle();
    assert.deepEqual(wire, ["async 0", "sync 1", "sync 2", "sync 3", "async 4", "sync 5"]);
    assert.equal(queue.busy, false);
    full = false;
    queue.push(new Uint8Array([6]), "::1", 9); // a new run starts with the awaited send
    assert.ok(queue.busy);
    await queue.idle();
    assert.deepEqual(wire.slice(6), ["async 6"]);
  });
});
