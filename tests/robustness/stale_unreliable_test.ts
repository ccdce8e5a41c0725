/**
 * The cause of the "no unreliable echoes" flake (issue 9): when a datagram carrying a
 * reliable packet is lost, the reliable packets behind it wait for its retransmission and
 * are then delivered in one batch. Unreliable packets on the same channel are sequenced
 * behind the reliable packet sent before them, so every one queued during the wait is
 * stale once the batch moves the channel past its reliable packet, and is dropped, exactly
 * as C ENet's `enet_peer_dispatch_incoming_unreliable_commands` does. A burst of
 * interleaved sends after one lost datagram thus loses every unreliable packet while the
 * reliable and unsequenced ones arrive. Unreliable packets on a channel of their own do
 * not depend on the reliable ones. The last test shows C ENet 1.3.17 (tests/c) doing the same.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../src/core/host.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";
import type { Peer } from "../../src/core/peer.ts";
import { openUdpTransport } from "../../adapters/mod.ts";
import { PeerProcess } from "../interop/peer_process.ts";

const KINDS = [PacketFlag.RELIABLE, 0, PacketFlag.UNSEQUENCED];

/** Sends 25 rounds of unreliable, reliable, unsequenced; the first data datagram is lost. */
function burstAfterLoss(unreliableChannel: number): number[] {
  const net = new SimNetwork(1, { latency: 5 });
  const server = net.add(new Host({ seed: 1, peerCount: 2 }), { address: "::1", port: 1 });
  const client = net.add(new Host({ seed: 2, peerCount: 1 }), { address: "::1", port: 2 });
  const got = [0, 0, 0];
  server.onEvent = (e) => {
    if (e.type === "receive") got[e.packet.data[0]]++;
  };
  const peer = client.host.connect(net.now, server.address, 2, 0);
  assert.ok(net.runUntil(() => peer.state === PeerState.CONNECTED, 1000));
  net.run(100);
  let lost = false;
  net.filter = (from, _to, data) => {
    if (from === client && !lost && data.length > 40) {
      lost = true;
      return false;
    }
    return true;
  };
  for (let i = 0; i < 25; i++) {
    for (const kind of [1, 0, 2]) {
      const channel = kind === 1 ? unreliableChannel : 0;
      peer.send(channel, { data: Uint8Array.of(kind, i), flags: KINDS[kind] });
    }
  }
  assert.ok(net.runUntil(() => got[0] === 25, 5000), "every reliable packet arrives");
  net.run(1000);
  assert.ok(lost);
  return got;
}

test("unreliable packets sequenced behind a lost reliable packet are dropped, as in C ENet", () => {
  const [reliable, unreliable, unsequenced] = burstAfterLoss(0);
  assert.equal(reliable, 25);
  assert.equal(unreliable, 0);
  assert.ok(
    unsequenced > 0 && unsequenced < 25,
    `unsequenced after the lost datagram (${unsequenced})`,
  );
});

test("unreliable packets on a channel without reliable traffic survive the same loss", () => {
  const [reliable, unreliable] = burstAfterLoss(1);
  assert.equal(reliable, 25);
  assert.ok(unreliable > 10, `unreliable after the lost datagram arrive (${unreliable})`);
});

/** The same burst from a core host over UDP to C ENet 1.3.17, first data datagram lost. */
async function burstToC(unreliableChannel: number): Promise<Record<number, number>> {
  const transport = await openUdpTransport({ address: "127.0.0.1", port: 0 });
  const host = new Host({ seed: 1, peerCount: 2 });
  const reader = transport.readable.getReader();
  transport.setReceiver!((data, address, port) =>
    host.handleDatagram(performance.now(), { address, port }, data)
  );
  const c = PeerProcess.c({ mode: "client", port: transport.localAddress.port, channels: 2 });
  let peer: Peer | null = null;
  let burst = false;
  let lost = false;
  const timer = setInterval(() => {
    host.handleTimeout(performance.now());
    for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
      if (burst && !lost && t.data.length > 60) {
        lost = true;
        continue;
      }
      transport.send!({ data: t.data, address: t.address.address, port: t.address.port });
    }
    for (let e = host.pollEvent(); e !== undefined; e = host.pollEvent()) {
      if (e.type === "connect") peer = e.peer;
    }
  }, 5);
  try {
    await c.next("connect", 5000);
    while (peer === null) await new Promise((resolve) => setTimeout(resolve, 5));
    const connected = peer as Peer;
    for (let i = 0; i < 25; i++) {
      connected.send(unreliableChannel, { data: new Uint8Array(11), flags: 0 });
      connected.send(0, { data: new Uint8Array(22), flags: PacketFlag.RELIABLE });
      connected.send(0, { data: new Uint8Array(33), flags: PacketFlag.UNSEQUENCED });
    }
    burst = true;
    const reliable = () => c.pending("receive").filter((line) => line.length === 22).length;
    for (let i = 0; i < 500 && reliable() < 25; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(lost);
    const counts: Record<number, number> = { 11: 0, 22: 0, 33: 0 };
    for (const line of c.pending("receive")) counts[line.length!]++;
    return counts;
  } finally {
    clearInterval(timer);
    await c.kill();
    reader.releaseLock();
    await transport.close();
  }
}

test("C ENet 1.3.17 drops the same unreliable packets after the same loss", async () => {
  const same = await burstToC(0);
  assert.equal(same[22], 25, "reliable");
  assert.equal(same[11], 0, "unreliable on the reliable channel");
  assert.ok(same[33] > 0 && same[33] < 25, "unsequenced after the lost datagram");
  const apart = await burstToC(1);
  assert.equal(apart[22], 25);
  assert.ok(apart[11] > 10, "unreliable on a channel of their own");
});
