import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { SendSchedule } from "../../src/core/send_schedule.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";

/** A server with many slots and a few connected clients, driven by pollTimeout only. */
function setup(slots: number, clients: number) {
  const net = new SimNetwork(7, { latency: 5 });
  const server = net.add(new Host({ seed: 1, peerCount: slots }), {
    address: "10.0.0.1",
    port: 7000,
  });
  const nodes = Array.from({ length: clients }, (_, i) => {
    const node = net.add(new Host({ seed: 10 + i, peerCount: 1 }), {
      address: "10.0.1.1",
      port: 5000 + i,
    });
    node.host.connect(net.now, server.address, 1, 0);
    return node;
  });
  assert.ok(net.runUntil(() => server.events.length === clients, 5000));
  // Count the server's send phases (handleTimeout and flush both run one).
  let phases = 0;
  const host = server.host;
  const handleTimeout = host.handleTimeout.bind(host);
  const flush = host.flush.bind(host);
  host.handleTimeout = (now: number) => {
    phases++;
    handleTimeout(now);
  };
  host.flush = (now: number) => {
    phases++;
    flush(now);
  };
  return { net, server, nodes, phases: () => phases };
}

describe("send schedule", () => {
  test("a send phase visits only peers with work due, not every slot", () => {
    const { net, server, nodes, phases } = setup(4000, 3);
    const visitsBefore = server.host.schedule.visits;
    const phasesBefore = phases();
    let received = 0;
    for (let round = 0; round < 20; round++) {
      for (const node of nodes) {
        node.host.peers[0].send(0, { data: new Uint8Array(8), flags: PacketFlag.RELIABLE });
      }
      const target = (round + 1) * nodes.length;
      assert.ok(
        net.runUntil(() => {
          received = server.events.filter((e) => e.event.type === "receive").length;
          return received >= target;
        }, 1000),
      );
    }
    net.run(3000); // idle: pings and acknowledgements only
    const ran = phases() - phasesBefore;
    const visits = server.host.schedule.visits - visitsBefore;
    assert.ok(ran > 20, `only ${ran} send phases ran`);
    // Each phase visits at most the 3 connected peers; a walk over every slot would
    // make 4000 visits per phase.
    assert.ok(visits <= 3 * ran, `${visits} visits in ${ran} send phases`);
    assert.ok(visits > 0);
    for (const peer of server.host.peers.slice(0, 3)) assert.equal(peer.state, PeerState.CONNECTED);
  });

  test("idle peers are still pinged at their ping interval, from the deadline heap alone", () => {
    const { net, server, nodes } = setup(64, 2);
    const sentBefore = nodes.map((node) => node.host.stats.totalSentPackets);
    const serverSentBefore = server.host.stats.totalSentPackets;
    net.run(5000); // ENet's ping interval is 500 ms
    nodes.forEach((node, i) => {
      // At least one ping per interval each way (acknowledged), so both sides send.
      assert.ok(node.host.stats.totalSentPackets - sentBefore[i] >= 9);
      assert.equal(node.host.peers[0].state, PeerState.CONNECTED);
    });
    assert.ok(server.host.stats.totalSentPackets - serverSentBefore >= 18);
  });

  test("a silent peer times out on its retransmission deadlines", () => {
    const { net, server, nodes } = setup(64, 2);
    const silent = nodes[1];
    net.filter = (from) => from !== silent;
    assert.ok(
      net.runUntil(
        () => server.events.some((e) => e.event.type === "disconnect"),
        60_000,
      ),
    );
    const gone = server.events.find((e) => e.event.type === "disconnect")!.event;
    assert.equal(gone.type === "disconnect" && gone.reason, "timeout");
    assert.equal(server.host.peers.filter((p) => p.state === PeerState.CONNECTED).length, 1);
  });

  test("pollTimeout is undefined once no peer has anything due", () => {
    const host = new Host({ peerCount: 16 });
    assert.equal(host.pollTimeout(), undefined);
    const peer = host.connect(0, { address: "10.0.0.9", port: 9 }, 1, 0);
    assert.equal(host.pollTimeout(), 0); // the connect is queued
    host.handleTimeout(0);
    while (host.pollTransmit() !== undefined);
    assert.ok(host.pollTimeout()! > 0); // its retransmission deadline
    peer.reset();
    assert.equal(host.pollTimeout(), undefined);
  });
});

describe("send schedule after a settings change", () => {
  test("a shorter ping interval takes effect at once, not at the old deadline", () => {
    const net = new SimNetwork(3, { latency: 5 });
    const server = net.add(new Host({ seed: 1, peerCount: 8 }), { address: "10.0.0.1", port: 1 });
    const client = net.add(new Host({ seed: 2, peerCount: 1 }), { address: "10.0.0.2", port: 2 });
    const peer = client.host.connect(net.now, server.address, 1, 0);
    assert.ok(net.runUntil(() => client.events.length > 0 && server.events.length > 0, 5000));
    // Wait for a quiet moment: nothing due for the next 100 ms.
    assert.ok(net.runUntil(() => client.host.pollTimeout()! > net.now + 100, 5000));
    peer.setPingInterval(20);
    assert.ok(client.host.pollTimeout()! <= net.now, "the change is not due at once");
    const sent = client.host.stats.totalSentPackets;
    const start = net.now;
    assert.ok(net.runUntil(() => client.host.stats.totalSentPackets - sent >= 3, 1000));
    assert.ok(net.now - start < 100, `3 pings took ${net.now - start} ms`);
  });
});

describe("SendSchedule heap", () => {
  test("a marked peer with a deadline is taken once, stays on the heap and moves on reschedule", () => {
    const host = new Host({ seed: 3, peerCount: 4 });
    const schedule = new SendSchedule();
    const [a, b, c] = host.peers;
    schedule.reschedule(a, 10);
    schedule.reschedule(b, 20);
    schedule.reschedule(c, 30);
    // b is marked and also due: visited once, with a (due) but not c.
    schedule.mark(b);
    const visit: Peer[] = [];
    schedule.take(25, visit);
    assert.deepEqual(visit.map((p) => p.incomingPeerID), [0, 1]);
    assert.equal(schedule.earliest, 30);
    // A marked peer that is not due keeps its place until rescheduled.
    schedule.mark(c);
    const second: Peer[] = [];
    schedule.take(26, second);
    assert.deepEqual(second.map((p) => p.incomingPeerID), [2]);
    assert.equal(schedule.earliest, 30);
    // Taken again before its reschedule (a nested phase): not visited twice.
    const nested: Peer[] = [];
    schedule.take(40, nested);
    assert.deepEqual(nested, []);
    assert.equal(schedule.earliest, Infinity);
    for (const peer of [...visit, ...second]) schedule.reschedule(peer, 100 + peer.incomingPeerID);
    assert.equal(schedule.earliest, 100);
    const all: Peer[] = [];
    schedule.take(200, all);
    assert.deepEqual(all.map((p) => p.incomingPeerID), [0, 1, 2]);
    assert.equal(schedule.earliest, Infinity);
  });
});
