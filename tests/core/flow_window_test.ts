/**
 * Reliable flow windows against C ENet 1.3.18's `enet_protocol_check_outgoing_commands`:
 * the bytes in transit are bounded by `max(packetThrottle * windowSize / 32, mtu)`, and a
 * channel opens a new 4096-sequence reliable window only when the previous one is not
 * entirely unacknowledged and no window in the guard range ahead is still in use. The
 * test plays the server by hand, acknowledging exactly the commands it chooses.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProtocolCommand } from "../../src/protocol/constants.ts";
import type { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import {
  ackOf,
  connectByHand as connect,
  datagramTo,
  decode,
  drain,
  SERVER,
  throttleConfigureCommand,
} from "../helpers/core_wire.ts";

/** Flushes the client and returns the reliable sequence numbers it sent on channel 0. */
function flushReliable(client: Host, now: number): number[] {
  client.flush(now);
  return drain(client).flatMap((d) => decode(d).commands)
    .filter((c) => c.command === ProtocolCommand.SEND_RELIABLE && c.channelID === 0)
    .map((c) => c.reliableSequenceNumber);
}

/** Acknowledges channel-0 sequence numbers sent at `sentTime`, in datagrams of 100. */
function acknowledge(client: Host, peer: Peer, sequences: number[], sentTime: number, now: number) {
  for (let i = 0; i < sequences.length; i += 100) {
    const acks = sequences.slice(i, i + 100).map((sequence) =>
      ackOf({ channelID: 0, sequence, sentTime })
    );
    client.handleDatagram(now, SERVER, datagramTo(peer, acks));
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe("reliable data in transit", () => {
  test("stops at max(throttle * window / 32, mtu) bytes until acknowledgements arrive", () => {
    // Outgoing 70000 B/s: CONNECT and so the window say (70000 / 65536) * 4096 = 4096.
    const { client, peer } = connect(1000, 50, { outgoingBandwidth: 70000 });
    assert.deepEqual([peer.windowSize, peer.mtu, peer.packetThrottle], [4096, 1392, 32]);
    for (let i = 0; i < 12; i++) {
      peer.send(0, { data: new Uint8Array(1000).fill(i), flags: PacketFlag.RELIABLE });
    }
    // 32 * 4096 / 32 = 4096: four packets (4000), a fifth would make 5000.
    assert.deepEqual(flushReliable(client, 1200), [1, 2, 3, 4]);
    assert.equal(peer.reliableDataInTransit, 4000);
    assert.deepEqual(flushReliable(client, 1210), []);

    // First RTT sample (100) frees 1000 bytes: one more goes.
    acknowledge(client, peer, [1], 1200, 1300);
    assert.equal(peer.reliableDataInTransit, 3000);
    assert.deepEqual(flushReliable(client, 1300), [5]);

    // A 300 ms sample (> 100 + 2 * 50) lowers the throttle to 30: window 30 * 4096 / 32 =
    // 3840 < 3000 + 1000, so nothing more may go although 1000 bytes were freed.
    acknowledge(client, peer, [2], 1200, 1500);
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [30, 3000]);
    assert.deepEqual(flushReliable(client, 1500), []);

    // The remote side sets deceleration 32; the next bad sample takes the throttle to 0,
    // window 0: the MTU (1392) bounds the bytes in transit instead.
    const configure = throttleConfigureCommand(5000, 2, 32);
    client.handleDatagram(1600, SERVER, datagramTo(peer, [configure], 1600));
    acknowledge(client, peer, [3], 1200, 1700); // 500 > 100 + 2 * 50
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [0, 2000]);
    assert.deepEqual(flushReliable(client, 1700), []);
    acknowledge(client, peer, [4], 1200, 1800);
    acknowledge(client, peer, [5], 1300, 1800);
    assert.deepEqual([peer.packetThrottle, peer.reliableDataInTransit], [0, 0]);
    assert.deepEqual(flushReliable(client, 1800), [6]); // 1000 <= 1392 < 2000
    assert.deepEqual(flushReliable(client, 1810), []);
    assert.equal(peer.state, PeerState.CONNECTED);
  });
});

describe("per-channel reliable windows", () => {
  test("a window opens only when the previous is not full and the guard range is free", () => {
    const { client, peer } = connect(1000, 50);
    // Empty packets: no bytes in transit, so only the sequence windows limit sending.
    for (let i = 0; i < 40000; i++) {
      peer.send(0, { data: new Uint8Array(0), flags: PacketFlag.RELIABLE });
    }
    // Window 0 holds 1..4095, window 1 4096..8191. Window 2 may not open while window 1
    // has all its 4096 commands unacknowledged.
    assert.deepEqual(flushReliable(client, 2000), range(1, 8191));
    assert.deepEqual(flushReliable(client, 2001), []);
    // One acknowledgement in window 1 lets window 2 open and fill; window 3 then waits.
    acknowledge(client, peer, [4096], 2000, 2100);
    assert.deepEqual(flushReliable(client, 2100), range(8192, 12287));
    // Likewise windows 3 to 6, one acknowledgement each.
    for (let w = 2; w <= 5; w++) {
      acknowledge(client, peer, [w * 4096], w === 2 ? 2100 : 2100 + w, 2100 + w + 1);
      assert.deepEqual(
        flushReliable(client, 2100 + w + 1),
        range((w + 1) * 4096, (w + 2) * 4096 - 1),
      );
    }
    // Window 6 is no longer full, but window 7 would be within 8 + 2 windows behind
    // window 0, which is still in use: nothing goes.
    acknowledge(client, peer, [6 * 4096], 2106, 2200);
    assert.deepEqual(flushReliable(client, 2200), []);
    // Once all of window 0 is acknowledged, window 7 opens and fills; window 8 waits for
    // window 7 (full) although window 1 has room.
    acknowledge(client, peer, range(1, 4095), 2000, 2300);
    assert.deepEqual(flushReliable(client, 2300), range(7 * 4096, 8 * 4096 - 1));
    assert.deepEqual(flushReliable(client, 2301), []);
    assert.equal(client.stats.droppedDatagrams, 0);
  });
});
