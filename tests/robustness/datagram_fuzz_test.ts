/**
 * The datagram fuzzer, reduced for CI: random bytes, mutations of captured and live
 * datagrams and crafted hostile commands thrown at a host on the in-memory network while
 * a well-behaved client converses with it. The conversation stays byte-exact, the host
 * never throws, and once the attackers fall silent and time out nothing stays retained.
 * `scripts/robustness.ts` runs the same over real UDP with a million datagrams.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { RangeCoder } from "../../src/compress/range_coder.ts";
import { FastLzCompressor } from "../../src/compress/fastlz.ts";
import type { Framing } from "./_fuzz.ts";
import { FuzzRig } from "./_fuzz_rig.ts";
import { retained } from "./_conversation.ts";

const DATAGRAMS = 40_000;

function fuzz(seed: number, framing: Framing): FuzzRig {
  const rig = new FuzzRig(seed, framing);
  const { net, conversation } = rig;
  assert.ok(net.runUntil(() => conversation.connected, 5000), "the client connects");
  net.run(200);
  for (let round = 0; rig.thrown < DATAGRAMS; round++) {
    conversation.pump();
    if (round % 4 === 0) rig.attackersTalk();
    rig.throwDatagrams(20);
    conversation.advance(10);
  }
  rig.silenceAttackers();
  assert.ok(conversation.settle(60_000), "every reliable packet is echoed");
  const server = rig.server.host;
  const keep = conversation.serverPeerOfClient();
  assert.ok(keep !== undefined, "the server still has the client");
  const empty = () => Object.values(retained(server, keep)).every((n) => n === 0);
  // Lying acknowledgements can stretch an attacker's round-trip time to 65 s, so its
  // retransmissions (and its timeout) take that long to come around.
  net.runUntil(empty, 300_000);
  assert.deepEqual(conversation.errors, []);
  assert.ok(conversation.connected, "the client is still connected");
  assert.ok(conversation.sentTotal > 500, `the conversation went on (${conversation.sentTotal})`);
  assert.deepEqual(retained(server, keep), {
    activePeers: 0,
    queuedCommands: 0,
    incomingCommands: 0,
    acknowledgementRecords: 0,
    waitingData: 0,
    pendingEvents: 0,
    dispatchQueue: 0,
  });
  const stats = server.stats;
  assert.ok(
    stats.droppedDatagrams > DATAGRAMS / 4,
    `garbage is counted (${stats.droppedDatagrams})`,
  );
  return rig;
}

test("fuzzed datagrams: a plain host keeps its conversation and retains nothing", () => {
  fuzz(1, { checksum: false, compressor: null });
});

test("fuzzed datagrams: a checksummed host keeps its conversation and retains nothing", () => {
  fuzz(2, { checksum: true, compressor: null });
});

test("fuzzed datagrams: range-coder and FastLZ hosts keep their conversations", () => {
  fuzz(3, { checksum: false, compressor: new RangeCoder() });
  fuzz(4, { checksum: true, compressor: new FastLzCompressor() });
});
