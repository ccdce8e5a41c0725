/**
 * The cause of the "no unreliable echoes" flake (issue 9): when a datagram carrying a
 * reliable packet is lost, the reliable packets behind it wait for its retransmission and
 * are then delivered in one batch. Unreliable packets on the same channel are sequenced
 * behind the reliable packet sent before them, so every one queued during the wait is
 * stale once the batch moves the channel past its reliable packet, and is dropped, exactly
 * as C ENet's `enet_peer_dispatch_incoming_unreliable_commands` does. A burst of
 * interleaved sends after one lost datagram thus loses every unreliable packet while the
 * reliable and unsequenced ones arrive. Unreliable packets on a channel of their own do
 * not depend on the reliable ones.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { Host } from "../../src/core/host.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { SimNetwork } from "../helpers/sim_network.ts";

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
