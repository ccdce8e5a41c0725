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
});
