// Interop with the real C ENet (Debian's libenet 1.3.17) through the C test peer:
// TS server <-> C client and C server <-> TS client, without and with the CRC32 checksum.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { openUdpTransport } from "../../adapters/mod.ts";
import { PacketFlag } from "../../src/core/types.ts";
import {
  checkCToTs,
  checkTsToC,
  checkUnreliable,
  closePair,
  type Direction,
  openPair,
  type Spec,
  startPair,
  withPair,
} from "./pair.ts";
import { payload } from "./payload.ts";

const { RELIABLE, UNSEQUENCED, UNRELIABLE_FRAGMENT } = PacketFlag;

/** Reliable packets of every interesting size, in order on one channel. */
const SIZES: Spec[] = [0, 1, 1400, 5000, 70000, 1_000_000].map((size, i) => ({
  channel: 1,
  flags: RELIABLE,
  size,
  seed: 10 + i,
}));

/** Reliable, unreliable and unsequenced packets spread over several channels. */
const MIXED: Spec[] = [];
for (let i = 0; i < 8; i++) {
  MIXED.push({ channel: 0, flags: RELIABLE, size: 200 + i, seed: 100 + i });
  MIXED.push({ channel: 2, flags: 0, size: 300 + i, seed: 200 + i });
  MIXED.push({ channel: 3, flags: UNSEQUENCED, size: 100 + i, seed: 300 + i });
  if (i % 2 === 0) MIXED.push({ channel: 4, flags: RELIABLE, size: 1200, seed: 400 + i });
}

/** Big packets sent without UNRELIABLE_FRAGMENT: ENet sends them as reliable fragments. */
const BIG_UNFLAGGED: Spec[] = [
  { channel: 1, flags: 0, size: 5000, seed: 500 },
  { channel: 1, flags: 0, size: 70000, seed: 501 },
];

/** Big packets sent with UNRELIABLE_FRAGMENT: unreliable fragments, which ENet may drop. */
const BIG_UNRELIABLE: Spec[] = [
  { channel: 2, flags: UNRELIABLE_FRAGMENT, size: 5000, seed: 502 },
  { channel: 2, flags: UNRELIABLE_FRAGMENT, size: 70000, seed: 503 },
  { channel: 3, flags: UNRELIABLE_FRAGMENT | UNSEQUENCED, size: 9000, seed: 504 },
];

for (const direction of ["c-client", "c-server"] as Direction[]) {
  for (const checksum of [false, true]) {
    const name = direction === "c-client" ? "TS server <-> C client" : "C server <-> TS client";
    describe(`${name}, checksum ${checksum ? "on" : "off"}`, () => {
      test("connects with channel count and data, and uses the last channel", async () => {
        await withPair(direction, { checksum, channels: 7, data: 0xfedcba98 }, async (pair) => {
          assert.equal(pair.peer.channelCount, 7);
          const last: Spec[] = [{ channel: 6, flags: RELIABLE, size: 10, seed: 6 }];
          await checkCToTs(pair, last);
          await checkTsToC(pair, last);
          assert.equal(pair.ts.host.stats.droppedDatagrams, 0);
        });
      });

      test("delivers reliable packets of 0 B to 1 MB byte-exact and in order, both ways", async () => {
        await withPair(direction, { checksum }, async (pair) => {
          await checkCToTs(pair, SIZES);
          await checkTsToC(pair, SIZES.map((s) => ({ ...s, seed: s.seed + 1000 })));
        });
      });

      test("delivers reliable, unreliable and unsequenced packets on several channels", async () => {
        await withPair(direction, { checksum }, async (pair) => {
          await checkCToTs(pair, MIXED);
          await checkTsToC(pair, MIXED);
        });
      });

      test("delivers big unreliable packets with and without UNRELIABLE_FRAGMENT", async () => {
        await withPair(direction, { checksum }, async (pair) => {
          // Unreliable first: after a bulk transfer ENet's throttle may drop unreliable packets.
          for (const spec of BIG_UNRELIABLE) {
            await checkUnreliable(pair, "c", spec);
            await checkUnreliable(pair, "ts", spec);
          }
          await checkCToTs(pair, BIG_UNFLAGGED);
          await checkTsToC(pair, BIG_UNFLAGGED);
        });
      });

      test("the C side disconnects with data", async () => {
        await withPair(direction, { checksum }, async ({ c, ts, peer }) => {
          c.command("disconnect 123456789");
          const event = await ts.next("disconnect", 5000);
          assert.equal(event.peer, peer);
          assert.equal(event.data, 123456789);
          assert.equal(event.reason, "remote");
          await c.next("disconnect", 5000);
        });
      });

      test("the TS side disconnects with data", async () => {
        await withPair(direction, { checksum }, async ({ c, ts, peer }) => {
          peer.disconnect(0xcafef00d);
          ts.driver.scheduleFlush();
          assert.equal((await c.next("disconnect", 5000)).data, 0xcafef00d);
          const event = await ts.next("disconnect", 5000);
          assert.equal(event.peer, peer);
          assert.equal(event.reason, "local");
        });
      });

      test("the C side's disconnect_later waits for its queued packets", async () => {
        await withPair(direction, { checksum }, async ({ c, ts }) => {
          c.command("send 0 1 3000 900 5");
          c.command("disconnect_later 77");
          const got = await ts.receives(5, 10000);
          assert.deepEqual(got.map((e) => e.packet.data.length), [3000, 3000, 3000, 3000, 3000]);
          assert.equal((await ts.next("disconnect", 5000)).data, 77);
        });
      });

      test("times out a C peer that vanishes", async () => {
        await withPair(direction, { checksum }, async ({ c, ts, peer }) => {
          peer.setTimeout(32, 1000, 3000);
          c.command("exit_abruptly");
          assert.ok(await c.waitExit(5000));
          const event = await ts.next("disconnect", 15000);
          assert.equal(event.peer, peer);
          assert.equal(event.reason, "timeout");
          assert.equal(event.data, 0);
        });
      });
    });
  }
}

describe("a TS client whose C server never answers", () => {
  test("gives up with a timeout disconnect", async () => {
    const { c, ts, peer } = await startPair("c-server", {});
    try {
      c.command("exit_abruptly"); // the server is gone before the connect arrives
      assert.ok(await c.waitExit(5000));
      peer!.setTimeout(4, 200, 1500);
      const event = await ts.next("disconnect", 10000);
      assert.equal(event.peer, peer);
      assert.equal(event.reason, "timeout");
    } finally {
      await closePair({ c, ts });
    }
  });
});

describe("TS server under garbage from a C peer", () => {
  for (const checksum of [false, true]) {
    test(`drops oversized and random datagrams and keeps serving (checksum ${checksum})`, async () => {
      const pair = await openPair("c-client", { checksum });
      try {
        const { c, ts } = pair;
        const before = ts.host.stats.droppedDatagrams;
        for (const [size, seed] of [[5000, 1], [4097, 2], [1, 3], [2, 4], [60, 5], [1400, 6]]) {
          c.command(`garbage ${size} ${seed}`);
          assert.equal((await c.next("garbage", 5000)).sent, size);
        }
        await checkCToTs(pair, [{ channel: 0, flags: RELIABLE, size: 2000, seed: 77 }]);
        await checkTsToC(pair, [{ channel: 0, flags: RELIABLE, size: 2000, seed: 78 }]);
        assert.ok(
          ts.host.stats.droppedDatagrams - before >= 5,
          `dropped ${ts.host.stats.droppedDatagrams - before} of 6 garbage datagrams`,
        );
        assert.ok(ts.host.peers.filter((p) => p.state === 5).length === 1);
      } finally {
        await closePair(pair);
      }
    });
  }

  test("ignores random datagrams from a stranger and still accepts the C client", async () => {
    const { c, ts } = await startPair("c-client", {});
    const stranger = await openUdpTransport({ address: "127.0.0.1", port: 0 });
    try {
      for (let i = 0; i < 40; i++) {
        const data = payload(i === 0 ? 9000 : 1 + ((i * 97) % 1500), 7000 + i);
        stranger.send!({ data, address: "127.0.0.1", port: ts.port });
      }
      const connect = await ts.next("connect", 5000, (e) => e.data === 0x89abcdef);
      await c.next("connect", 5000);
      const pair = { c, ts, peer: connect.peer };
      await checkCToTs(pair, [{ channel: 1, flags: RELIABLE, size: 6000, seed: 5 }]);
    } finally {
      await stranger.close();
      await closePair({ c, ts });
    }
  });
});
