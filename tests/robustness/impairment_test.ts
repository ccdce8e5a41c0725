/**
 * Impairment soaks, reduced for CI, on the in-memory network with a virtual clock: loss
 * from 0 to 50% (random and in bursts), duplication, reordering, 500 ms latency with
 * jitter, partitions that heal before the timeout and after it, a run across the 32-bit
 * clock wrap and a reliable sequence number wrap. Reliable packets arrive exactly once,
 * in order and byte-exact; unreliable ones are never duplicated or out of order within
 * a channel; disconnects come within the configured timeouts and never earlier.
 * `scripts/robustness.ts` runs the long versions.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { PARTITION_TIMEOUTS, runPartition, runSoak, type SoakProfile } from "./_soak.ts";

const WRAP = 2 ** 32;

function soak(profile: SoakProfile, seed: number) {
  const result = runSoak(profile, seed);
  assert.deepEqual(result.errors, [], profile.name);
  assert.ok(result.reliable > 0, `${profile.name}: reliable packets got through`);
  return result;
}

test("soak: no loss, 10% loss, duplication with reordering, bursts: everything arrives", () => {
  const profiles: SoakProfile[] = [
    { name: "clean", link: { latency: 10 }, duration: 5000 },
    { name: "10% loss", link: { latency: 30, jitter: 20, loss: 0.1 }, duration: 8000 },
    {
      name: "duplication and reordering",
      link: { latency: 30, jitter: 30, duplicate: 0.2, reorder: 0.2, loss: 0.05 },
      duration: 8000,
    },
    {
      name: "loss bursts",
      link: { latency: 30, jitter: 10 },
      burst: { enter: 0.02, leave: 0.1, loss: 0.9 },
      duration: 8000,
    },
  ];
  for (const [i, profile] of profiles.entries()) {
    const result = soak(profile, 10 + i);
    assert.deepEqual(result.disconnects, [], profile.name);
    assert.ok(result.settled, `${profile.name}: every reliable packet is echoed`);
    assert.ok(result.unreliable > 0, `${profile.name}: unreliable packets got through`);
  }
});

test("soak: 500 ms latency with 200 ms jitter, starting just before the 32-bit clock wraps", () => {
  const result = soak({
    name: "500 ms",
    link: { latency: 500, jitter: 200, loss: 0.05 },
    duration: 15_000,
    start: WRAP - 8000,
  }, 21);
  assert.ok(result.end > WRAP, "the run crossed the wrap");
  assert.deepEqual(result.disconnects, []);
  assert.ok(result.settled);
});

test("soak: 25% and 50% loss keep delivery exact whether or not the peer times out", () => {
  for (const loss of [0.25, 0.5]) {
    // C ENet's default timeouts give up at this loss; generous ones keep the peer.
    for (const timeouts of [undefined, [1024, 60_000, 600_000]] as const) {
      const result = runSoak({
        name: `${loss * 100}% loss`,
        link: { latency: 30, jitter: 20, loss },
        duration: 15_000,
        timeouts: timeouts === undefined ? undefined : [...timeouts],
      }, 31);
      assert.deepEqual(result.errors, []);
      if (timeouts !== undefined) assert.deepEqual(result.disconnects, []);
    }
  }
});

test("soak: reliable sequence numbers wrap and the clock wraps under 1% loss and reordering", () => {
  const result = soak({
    name: "wrap",
    link: { latency: 1, loss: 0.01, reorder: 0.01 },
    duration: 6000,
    channels: 1,
    window: 1024,
    rate: 64,
    start: WRAP - 3000,
  }, 41);
  assert.ok(result.perChannel > 65536, `sequence numbers wrapped (${result.perChannel} sent)`);
  assert.ok(result.end > WRAP);
  assert.ok(result.settled);
  assert.deepEqual(result.disconnects, []);
});

test("partition: a short one heals without a disconnect", () => {
  for (const seed of [1, 2, 3]) {
    const result = runPartition(1500, [32, 5000, 30000], seed, WRAP - 2500);
    assert.deepEqual(result.errors, []);
    assert.equal(result.disconnectedAt, undefined);
    assert.ok(result.settled, "the conversation catches up");
  }
});

test("partition: the disconnect comes within the timeout bounds, never before the minimum", () => {
  for (const timeouts of PARTITION_TIMEOUTS) {
    const [, minimum, maximum] = timeouts;
    for (const seed of [1, 2]) {
      // Heals just before the minimum: the peer may still time out when its next
      // retransmission is due with nothing acknowledged (as C ENet), but never earlier.
      const short = runPartition(minimum - 300, timeouts, seed);
      assert.deepEqual(short.errors, []);
      if (short.disconnectedAt !== undefined) {
        assert.ok(
          short.disconnectedAt - short.start >= minimum,
          `${timeouts}: ${short.disconnectedAt - short.start}`,
        );
      } else {
        assert.ok(short.settled);
      }
      // Never heals in time: a timeout between the minimum and the maximum (plus one
      // retransmission period) after the link went dark.
      const long = runPartition(3 * maximum, timeouts, seed, WRAP - 4000);
      assert.deepEqual(long.errors, []);
      assert.ok(long.disconnectedAt !== undefined, `${timeouts}: timed out`);
      const after = long.disconnectedAt - long.start;
      assert.ok(
        after >= minimum && after <= 2 * maximum,
        `${timeouts}: disconnect ${after} ms after the cut`,
      );
    }
  }
});
