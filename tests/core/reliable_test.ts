import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag } from "../../src/core/types.ts";
import { type LinkOptions, SimNetwork, type SimNode } from "../helpers/sim_network.ts";

const SIZES = [0, 1, 1400, 5000, 70000, 1_000_000, 3, 1361, 1362, 1363, 2724, 200];

function payload(channel: number, index: number, size: number): Uint8Array {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + channel * 7 + index * 13 + (i >>> 8)) & 0xff;
  return data;
}

function pair(seed: number, link: LinkOptions, hostOptions = {}) {
  const net = new SimNetwork(seed, link, 1000);
  const server = net.add(new Host({ seed: seed + 1, ...hostOptions }), {
    address: "10.0.0.1",
    port: 7000,
  });
  const client = net.add(new Host({ seed: seed + 2, ...hostOptions }), {
    address: "10.0.0.2",
    port: 5000,
  });
  return { net, server, client };
}

function received(node: SimNode, channel: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const { event } of node.events) {
    if (event.type === "receive" && event.channelID === channel) out.push(event.packet.data);
  }
  return out;
}

function connect(net: SimNetwork, client: SimNode, server: SimNode, channels: number): Peer {
  const peer = client.host.connect(net.now, server.address, channels, 0);
  assert.ok(
    net.runUntil(
      () =>
        client.events.some((e) => e.event.type === "connect") &&
        server.events.some((e) => e.event.type === "connect"),
      60_000,
    ),
    "connected",
  );
  return peer;
}

describe("reliable delivery", () => {
  test("every reliable packet arrives once, in order, byte-exact under loss, duplication and reordering", () => {
    const { net, server, client } = pair(11, {
      loss: 0.2,
      duplicate: 0.05,
      reorder: 0.05,
      latency: 20,
      jitter: 15,
    });
    const channels = 3;
    const peer = connect(net, client, server, channels);
    const serverPeer = server.events.find((e) => e.event.type === "connect")!.event.peer;
    for (let channel = 0; channel < channels; channel++) {
      SIZES.forEach((size, index) => {
        peer.send(channel, { data: payload(channel, index, size), flags: PacketFlag.RELIABLE });
        serverPeer.send(channel, {
          data: payload(channel + 10, index, size >> 2),
          flags: PacketFlag.RELIABLE,
        });
      });
    }
    const total = channels * SIZES.length;
    const count = (node: SimNode) => node.events.filter((e) => e.event.type === "receive").length;
    assert.ok(
      net.runUntil(() => count(server) >= total && count(client) >= total, 600_000),
      "all delivered",
    );
    net.run(3000); // let duplicates and retransmissions settle
    for (let channel = 0; channel < channels; channel++) {
      const atServer = received(server, channel);
      const atClient = received(client, channel);
      assert.equal(atServer.length, SIZES.length);
      assert.equal(atClient.length, SIZES.length);
      SIZES.forEach((size, index) => {
        assert.deepEqual(atServer[index], payload(channel, index, size));
        assert.deepEqual(atClient[index], payload(channel + 10, index, size >> 2));
      });
    }
    assert.ok(peer.packetLoss > 0, "packet loss was measured");
    assert.ok(!server.events.some((e) => e.event.type === "disconnect"));
  });

  test("reliable sequence numbers wrap around 65536 on a channel", () => {
    const { net, server, client } = pair(3, { latency: 5, loss: 0.05, jitter: 4 });
    const peer = connect(net, client, server, 1);
    const total = 70_000;
    let sent = 0;
    let got = 0;
    const pump = () => {
      // keep the sender within the reliable windows, as an application would
      while (sent < total && sent - got < 2000) {
        const data = new Uint8Array(4);
        new DataView(data.buffer).setUint32(0, sent);
        peer.send(0, { data, flags: PacketFlag.RELIABLE });
        sent++;
      }
    };
    let inOrder = true;
    server.onEvent = (event) => {
      if (event.type !== "receive") return;
      if (new DataView(event.packet.data.buffer).getUint32(0) !== got) inOrder = false;
      got++;
    };
    assert.ok(net.runUntil(() => {
      pump();
      return got >= total;
    }, 3_600_000));
    assert.equal(got, total);
    assert.ok(inOrder);
  });
});
