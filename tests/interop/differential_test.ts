// Differential test of the receive/dispatch path against C ENet (Debian's libenet through
// pyenet): after the same hand-made handshake, the same seeded random datagrams (reliable,
// unreliable, unsequenced, fragment and unreliable-fragment commands, lost, resent,
// duplicated and reordered, with stale and out-of-window sequence numbers, invalid
// fragments and channels, truncated datagrams, trailing garbage and wrong sessions) go to
// a pyenet host over loopback UDP and to a core Host in-process; both must deliver the
// same packets (channel, flags, bytes) and events in the same order.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PacketFlag } from "../../src/core/types.ts";
import { CoreTarget } from "./differential_core.ts";
import { PyenetClient, PyenetHost } from "./differential_pyenet.ts";
import { firstDivergence } from "./differential_record.ts";
import { encodeDatagram, TrafficGenerator } from "./differential_traffic.ts";
import { connectCommand } from "./differential_wire.ts";

const SEEDS = [0x5eed0001, 0x5eed0002, 0xc0ffee, 20240601];
const DATAGRAMS = 1500;
const CHANNELS = 4;
/** Datagrams sent before waiting for the pyenet host to have read them all. */
const WINDOW = 24;

/** Runs one seed against a fresh connection on both sides; returns our event count. */
async function runSeed(py: PyenetHost, seed: number): Promise<number> {
  const generator = new TrafficGenerator(seed, CHANNELS);
  const connect = connectCommand(seed * 7919, CHANNELS, seed & 0xffff);
  const core = new CoreTarget(8, CHANNELS);
  core.handshake(connect);
  const client = await PyenetClient.open(py);
  try {
    const peer = await client.handshake(connect);
    for (let i = 0; i < DATAGRAMS; i++) {
      const spec = generator.next();
      core.feed(encodeDatagram(spec, core.header), i);
      // The sender resends what the core host does not acknowledge (C ENet acknowledges
      // the same commands; either way both targets get the same bytes).
      for (const [channel, sequence] of core.acknowledged) generator.acknowledge(channel, sequence);
      core.acknowledged.length = 0;
      await client.send(encodeDatagram(spec, client.header));
      if ((i + 1) % WINDOW === 0) await py.sync();
    }
    await py.sync();
    const ours = core.events;
    const divergence = firstDivergence(ours, py.events(peer));
    if (divergence !== undefined) assert.fail(`seed ${seed}: ${divergence}`);
    // The run must have exercised every kind of delivery, or it proves little.
    const kinds = new Set(ours.filter((e) => e.event === "receive").map((e) => e.flags));
    for (
      const flags of [
        0,
        PacketFlag.RELIABLE,
        PacketFlag.UNSEQUENCED,
        PacketFlag.UNRELIABLE_FRAGMENT,
      ]
    ) {
      assert.ok(kinds.has(flags), `seed ${seed}: no packet delivered with flags ${flags}`);
    }
    assert.ok(core.host.stats.droppedDatagrams > 0, `seed ${seed}: no datagram was dropped`);
    return ours.length;
  } finally {
    await client.close();
  }
}

describe("differential: core Host vs C ENet (pyenet)", () => {
  test(`${SEEDS.length} seeds x ${DATAGRAMS} random datagrams deliver the same events`, async () => {
    const py = await PyenetHost.start(8, CHANNELS, 30);
    try {
      let total = 0;
      for (const seed of SEEDS) total += await runSeed(py, seed);
      assert.ok(total > SEEDS.length * DATAGRAMS / 2, `only ${total} events in all`);
    } finally {
      await py.close();
    }
  });
});
