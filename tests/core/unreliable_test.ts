import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import { PacketFlag } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";

const LOSSY = { loss: 0.2, duplicate: 0.1, reorder: 0.1, latency: 15, jitter: 20 };

function setup(seed: number, link = LOSSY) {
  const net = new SimNetwork(seed, link, 0);
  const server = net.add(new Host({ seed: 1 }), { address: "10.0.0.1", port: 7000 });
  const client = net.add(new Host({ seed: 2 }), { address: "10.0.0.2", port: 5000 });
  const peer = client.host.connect(net.now, server.address, 3, 0);
  assert.ok(net.runUntil(() => server.events.length > 0 && client.events.length > 0, 60_000));
  return { net, server, client, peer };
}

function tagged(index: number, size: number): Uint8Array {
  const data = new Uint8Array(Math.max(size, 4));
  new DataView(data.buffer).setUint32(0, index);
  for (let i = 4; i < data.length; i++) data[i] = (index + i) & 0xff;
  return data;
}

function tagOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset).getUint32(0);
}

describe("unreliable delivery", () => {
  test("sequenced unreliable packets never arrive twice or out of order; unsequenced never twice", () => {
    const { net, server, peer } = setup(31);
    const total = 3000;
    for (let i = 0; i < total; i++) {
      peer.send(0, { data: tagged(i, 20), flags: 0 });
      peer.send(1, { data: tagged(i, 30), flags: PacketFlag.UNSEQUENCED });
      peer.send(2, { data: tagged(i, 5000), flags: PacketFlag.UNRELIABLE_FRAGMENT });
      if (i % 100 === 0) peer.send(0, { data: tagged(i, 8), flags: PacketFlag.RELIABLE });
      net.run(2);
    }
    net.run(5000);
    const byChannel: number[][] = [[], [], []];
    let reliable = 0;
    for (const { event } of server.events) {
      if (event.type !== "receive") continue;
      if (event.packet.flags & PacketFlag.RELIABLE) {
        reliable++;
        continue;
      }
      if (event.channelID === 2) {
        assert.deepEqual(event.packet.data, tagged(tagOf(event.packet.data), 5000));
      }
      byChannel[event.channelID].push(tagOf(event.packet.data));
    }
    assert.equal(reliable, total / 100);
    for (const channel of [0, 2]) {
      const tags = byChannel[channel];
      for (let i = 1; i < tags.length; i++) {
        assert.ok(tags[i] > tags[i - 1], `channel ${channel} in order`);
      }
      assert.ok(
        tags.length > 0 && tags.length < total,
        `channel ${channel}: ${tags.length} of ${total}`,
      );
    }
    const unsequenced = byChannel[1];
    assert.equal(new Set(unsequenced).size, unsequenced.length);
    assert.ok(unsequenced.length > total / 2 && unsequenced.length < total);
  });

  test("on a clean link every unreliable and unsequenced packet arrives, in order", () => {
    const { net, server, peer } = setup(33, {
      loss: 0,
      duplicate: 0,
      reorder: 0,
      latency: 15,
      jitter: 0,
    });
    const total = 500;
    for (let i = 0; i < total; i++) {
      peer.send(0, { data: tagged(i, 20), flags: 0 });
      peer.send(1, { data: tagged(i, 30), flags: PacketFlag.UNSEQUENCED });
      peer.send(2, { data: tagged(i, 3000), flags: PacketFlag.UNRELIABLE_FRAGMENT });
      net.run(10);
    }
    net.run(1000);
    for (const channel of [0, 1, 2]) {
      const tags = server.events.flatMap(({ event }) =>
        event.type === "receive" && event.channelID === channel ? [tagOf(event.packet.data)] : []
      );
      assert.deepEqual(tags, [...Array(total).keys()], `channel ${channel}`);
    }
  });

  test("a large unreliable packet without UNRELIABLE_FRAGMENT travels as reliable fragments", () => {
    const { net, server, peer } = setup(32);
    for (let i = 0; i < 20; i++) peer.send(1, { data: tagged(i, 4000), flags: 0 });
    assert.ok(
      net.runUntil(
        () => server.events.filter((e) => e.event.type === "receive").length === 20,
        60_000,
      ),
    );
    const tags = server.events.filter((e) => e.event.type === "receive").map((e) =>
      e.event.type === "receive" ? tagOf(e.event.packet.data) : -1
    );
    assert.deepEqual(tags, [...Array(20).keys()]);
  });
});
