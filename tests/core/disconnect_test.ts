import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { type HostEvent, PacketFlag, PeerState } from "../../src/core/types.ts";
import { type LinkOptions, SimNetwork, type SimNode } from "../helpers/sim_network.ts";

function setup(link: LinkOptions = { latency: 10, jitter: 5 }) {
  const net = new SimNetwork(21, link, 500);
  const server = net.add(new Host({ seed: 1 }), { address: "10.0.0.1", port: 7000 });
  const client = net.add(new Host({ seed: 2 }), { address: "10.0.0.2", port: 5000 });
  const peer = client.host.connect(net.now, server.address, 2, 0);
  assert.ok(net.runUntil(() => server.events.length > 0 && client.events.length > 0, 10_000));
  const serverPeer = server.events[0].event.peer;
  return { net, server, client, peer, serverPeer };
}

function disconnects(node: SimNode): Array<Extract<HostEvent, { type: "disconnect" }>> {
  return node.events.map((e) => e.event).filter((e) => e.type === "disconnect");
}

describe("disconnect", () => {
  for (const side of ["client", "server"] as const) {
    test(`disconnect with data from the ${side}`, () => {
      const s = setup();
      const [local, remote, peer]: [SimNode, SimNode, Peer] = side === "client"
        ? [s.client, s.server, s.peer]
        : [s.server, s.client, s.serverPeer];
      peer.disconnect(0x12345678);
      assert.equal(peer.state, PeerState.DISCONNECTING);
      assert.ok(
        s.net.runUntil(
          () => disconnects(local).length > 0 && disconnects(remote).length > 0,
          10_000,
        ),
      );
      assert.deepEqual(
        disconnects(remote).map((e) => [e.reason, e.data]),
        [["remote", 0x12345678]],
      );
      assert.deepEqual(disconnects(local).map((e) => [e.reason, e.data]), [["local", 0]]);
      assert.equal(s.peer.state, PeerState.DISCONNECTED);
      assert.equal(s.serverPeer.state, PeerState.DISCONNECTED);
    });
  }

  test("disconnectLater delivers queued packets first", () => {
    const s = setup({ latency: 10, jitter: 5, loss: 0.1 });
    for (let i = 0; i < 50; i++) {
      s.peer.send(i % 2, { data: new Uint8Array(3000).fill(i), flags: PacketFlag.RELIABLE });
    }
    s.peer.disconnectLater(7);
    assert.equal(s.peer.state, PeerState.DISCONNECT_LATER);
    assert.throws(() => s.peer.send(0, { data: new Uint8Array(1), flags: 0 }), RangeError);
    assert.ok(s.net.runUntil(() => disconnects(s.server).length > 0, 60_000));
    const received = s.server.events.filter((e) => e.event.type === "receive");
    assert.equal(received.length, 50);
    assert.deepEqual(disconnects(s.server).map((e) => [e.reason, e.data]), [["remote", 7]]);
    assert.ok(s.net.runUntil(() => disconnects(s.client).length > 0, 10_000));
    assert.equal(disconnects(s.client)[0].reason, "local");
  });

  test("disconnectNow sends a DISCONNECT, resets, and produces no local event", () => {
    const s = setup();
    s.peer.disconnectNow(99);
    assert.equal(s.peer.state, PeerState.DISCONNECTED);
    s.net.drain(s.client);
    assert.ok(s.net.runUntil(() => disconnects(s.server).length > 0, 10_000));
    assert.deepEqual(disconnects(s.server).map((e) => [e.reason, e.data]), [["remote", 99]]);
    s.net.run(40_000);
    assert.equal(disconnects(s.client).length, 0);
  });

  test("reset produces no local event and the remote side times out", () => {
    const s = setup();
    s.peer.reset();
    assert.equal(s.peer.state, PeerState.DISCONNECTED);
    assert.ok(s.net.runUntil(() => disconnects(s.server).length > 0, 60_000));
    assert.equal(disconnects(s.server)[0].reason, "timeout");
    assert.equal(disconnects(s.client).length, 0);
  });

  test("a peer that goes silent is disconnected within the timeout bounds", () => {
    for (
      const [limit, minimum, maximum] of [[32, 5000, 30_000], [4, 2000, 10_000], [
        1 << 20,
        1000,
        8000,
      ]]
    ) {
      const s = setup();
      s.peer.setTimeout(limit, minimum, maximum);
      s.peer.send(0, { data: new Uint8Array(10), flags: PacketFlag.RELIABLE });
      assert.ok(s.net.runUntil(() => s.server.events.length > 1, 1000));
      const silentFrom = s.net.now;
      s.net.filter = (from) => from !== s.server; // the server goes silent
      assert.ok(s.net.runUntil(() => disconnects(s.client).length > 0, 120_000));
      const event = s.client.events.find((e) => e.event.type === "disconnect")!;
      assert.equal(event.event.type === "disconnect" && event.event.reason, "timeout");
      const elapsed = event.time - silentFrom;
      // the last retransmission timeout adds slack past the maximum
      assert.ok(
        elapsed >= minimum && elapsed <= maximum + maximum / 2,
        `${elapsed} ms for ${minimum}..${maximum}`,
      );
    }
  });

  // C ENet's service call hands out every dispatched packet before it reads the socket
  // or checks timeouts again; a host whose events wait while datagrams keep arriving
  // must still hand them out before the connection's end.
  describe("packets received but not yet polled come before the disconnect event", () => {
    /** Moves one host's datagrams straight into the other, leaving its events unpolled. */
    function carry(from: SimNode, to: SimNode, now: number): void {
      for (let t = from.host.pollTransmit(); t !== undefined; t = from.host.pollTransmit()) {
        to.host.handleDatagram(now, from.address, t.data);
      }
    }

    function unpolled(node: SimNode): HostEvent[] {
      const events: HostEvent[] = [];
      for (let e = node.host.pollEvent(); e !== undefined; e = node.host.pollEvent()) {
        events.push(e);
      }
      return events;
    }

    function sendThree(s: ReturnType<typeof setup>): number {
      let now = s.net.now;
      for (let i = 0; i < 3; i++) {
        s.peer.send(i % 2, { data: new Uint8Array(2000).fill(i + 1), flags: PacketFlag.RELIABLE });
      }
      s.client.host.flush(now);
      carry(s.client, s.server, ++now);
      s.server.host.flush(now); // acknowledges them: the packets are the server's now
      carry(s.server, s.client, ++now);
      return now;
    }

    function assertPacketsThenDisconnect(events: HostEvent[], reason: string, data: number) {
      assert.deepEqual(
        events.map((e) => e.type === "receive" ? [e.type, e.packet.data[0]] : [e.type]),
        [["receive", 1], ["receive", 2], ["receive", 3], ["disconnect"]],
      );
      const last = events[3];
      assert.ok(last.type === "disconnect");
      assert.deepEqual([last.reason, last.data], [reason, data]);
    }

    test("a DISCONNECT from the remote side", () => {
      const s = setup({ latency: 1 });
      let now = sendThree(s);
      s.peer.disconnect(42);
      s.client.host.flush(now);
      carry(s.client, s.server, ++now);
      s.server.host.flush(now); // the acknowledgement sent, the slot waits as a zombie
      assertPacketsThenDisconnect(unpolled(s.server), "remote", 42);
      assert.equal(s.serverPeer.state, PeerState.DISCONNECTED);
    });

    test("a timeout", () => {
      const s = setup({ latency: 1 });
      let now = sendThree(s);
      // The client vanishes; the server's pings go unanswered until it gives up.
      while (s.serverPeer.state === PeerState.CONNECTED && now < 120_000) {
        now += 50;
        s.server.host.handleTimeout(now);
        while (s.server.host.pollTransmit() !== undefined);
      }
      assertPacketsThenDisconnect(unpolled(s.server), "timeout", 0);
    });
  });
});
