import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DeadlineTimer } from "../../src/driver/timers.ts";

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.ok(check(), "condition not reached in time");
}

describe("DeadlineTimer", () => {
  test("a later deadline keeps the running timer, which fires at the earlier one", async () => {
    let fired = 0;
    const timer = new DeadlineTimer(() => 0, () => fired++);
    timer.arm(10);
    timer.arm(3_600_000); // an hour on this clock: replacing the timer would never fire
    await until(() => fired === 1);
    timer.stop();
  });

  test("an earlier deadline replaces the timer; stop() and undefined cancel it", async () => {
    let fired = 0;
    const timer = new DeadlineTimer(() => 0, () => fired++);
    timer.arm(3_600_000);
    timer.arm(5);
    await until(() => fired === 1);
    timer.arm(20);
    timer.arm(undefined);
    timer.arm(30);
    timer.stop();
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.equal(fired, 1);
  });
});
