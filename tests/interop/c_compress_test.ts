// Compression interop with the real C ENet: ENet's range coder, and Godot-style zlib and
// zstd (one zlib stream / one zstd frame per datagram), both directions; peers whose
// modes differ never connect, and nothing breaks.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PacketFlag } from "../../src/core/types.ts";
import {
  checkCToTs,
  checkTsToC,
  checkUnreliable,
  closePair,
  type Direction,
  type Spec,
  startPair,
  withPair,
} from "./pair.ts";
import { COMPRESSIBLE } from "./payload.ts";
import { PeerProcess } from "./peer_process.ts";

const { RELIABLE, UNSEQUENCED, UNRELIABLE_FRAGMENT } = PacketFlag;
type Mode = "range-coder" | "zlib" | "zstd";

// No 0-byte packets: libenet 1.3.17's range coder crashes on them. Only reliable ones:
// unreliable packets queued behind a 70 kB transfer may be dropped by the sender's
// throttle (C ENet does so whenever its RTT rises, as it does on a loaded machine), so
// unreliable delivery is checked on its own, with retries, before the bulk transfer.
const PACKETS: Spec[] = [1, 1400, 5000, 70000].map((size, i) => ({
  channel: 1,
  flags: RELIABLE,
  size,
  seed: COMPRESSIBLE + i,
}));
async function cStats(c: PeerProcess): Promise<{ compressedOut: number; compressedIn: number }> {
  c.command("stats");
  const line = await c.next("stats", 5000);
  return { compressedOut: line.compressedOut!, compressedIn: line.compressedIn! };
}

for (const mode of ["range-coder", "zlib", "zstd"] as Mode[]) {
  for (const direction of ["c-client", "c-server"] as Direction[]) {
    const name = direction === "c-client" ? "TS server <-> C client" : "C server <-> TS client";
    const checksum = direction === "c-server";
    describe(`${mode} compression, ${name}, checksum ${checksum ? "on" : "off"}`, () => {
      test("delivers byte-exact packets that travel compressed, both ways", async () => {
        await withPair(direction, { cCompress: mode, checksum }, async (pair) => {
          // Unreliable first: after a bulk transfer ENet's throttle may drop unreliable packets.
          const fragmented = {
            channel: 2,
            flags: UNRELIABLE_FRAGMENT,
            size: 20000,
            seed: COMPRESSIBLE + 9,
          };
          const unsequenced = {
            channel: 3,
            flags: UNSEQUENCED,
            size: 200,
            seed: COMPRESSIBLE + 50,
          };
          for (const spec of [fragmented, unsequenced]) {
            await checkUnreliable(pair, "c", spec);
            await checkUnreliable(pair, "ts", spec);
          }

          const before = await cStats(pair.c);
          await checkCToTs(pair, PACKETS);
          const middle = await cStats(pair.c);
          assert.ok(
            middle.compressedOut > before.compressedOut,
            "the C peer sent compressed datagrams",
          );
          await checkTsToC(pair, PACKETS.map((s) => ({ ...s, seed: s.seed + 100 })));
          const after = await cStats(pair.c);
          assert.ok(
            after.compressedIn > middle.compressedIn,
            "the TS host sent compressed datagrams",
          );

          // Incompressible payloads travel as they are, and still arrive.
          await checkCToTs(pair, [{ channel: 0, flags: RELIABLE, size: 6000, seed: 1 }]);
          await checkTsToC(pair, [{ channel: 0, flags: RELIABLE, size: 6000, seed: 2 }]);
        });
      });
    });
  }
}

describe("mismatched compression modes", () => {
  test("a zlib C client cannot connect to an uncompressed TS server, which then serves a matching one", async () => {
    const { c, ts } = await startPair("c-client", { cCompress: "zlib", tsCompress: "none" });
    let good: PeerProcess | undefined;
    try {
      c.command("timeout 4 200 1500 0");
      // The C client gives up (its connect attempt times out) ...
      assert.equal((await c.next("disconnect", 10000)).data, 0);
      // ... after the TS server dropped what it could not read, without a connect event.
      const events = await ts.drain(100);
      assert.deepEqual(events.filter((e) => e.type === "connect"), []);
      assert.ok(ts.host.stats.droppedDatagrams > 0);
      good = PeerProcess.c({ mode: "client", port: ts.port, data: 5 });
      assert.equal((await ts.next("connect", 5000)).data, 5);
      await good.next("connect", 5000);
    } finally {
      await good?.kill();
      await closePair({ c, ts });
    }
  });

  for (
    const [tsMode, cMode] of [["range-coder", "none"], ["zlib", "zstd"], [
      "none",
      "range-coder",
    ]] as const
  ) {
    test(`a ${tsMode} TS client cannot connect to a ${cMode} C server and times out cleanly`, async () => {
      const { c, ts, peer } = await startPair("c-server", { cCompress: cMode, tsCompress: tsMode });
      try {
        peer!.setTimeout(4, 200, 1500);
        const event = await ts.next("disconnect", 10000);
        assert.equal(event.peer, peer);
        assert.equal(event.reason, "timeout");
        assert.deepEqual(c.pending("connect"), []);
        c.command("state 0");
        const state = await c.next("state", 5000);
        assert.notEqual(state.state, 5, "the C server must not count the peer as connected");
      } finally {
        await closePair({ c, ts });
      }
    });
  }
});
