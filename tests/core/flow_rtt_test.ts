/**
 * Round-trip time, packet throttle and packet loss against C ENet 1.3.18's formulas
 * (`enet_protocol_handle_acknowledge`, `enet_peer_throttle`, the packet-loss epoch of
 * `enet_protocol_send_outgoing_commands`). A client `Host` connects to a real server,
 * then the test plays the server by hand: it crafts acknowledgements with chosen sent
 * times and arrival times, and checks the peer's statistics against values computed here.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import type { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { PacketFlag } from "../../src/core/types.ts";
import {
  ackOf,
  CLIENT,
  connectByHand as connect,
  datagramTo,
  decode,
  drain,
  sentOf,
  type SentReliable,
  SERVER,
  throttleConfigureCommand,
} from "../helpers/core_wire.ts";
import { seededRandom } from "../helpers/sim_network.ts";

/** Queues one reliable packet, flushes at `now`, and reads back what went out. */
function sendReliable(client: Host, peer: Peer, now: number): SentReliable {
  peer.send(0, { data: new Uint8Array(16), flags: PacketFlag.RELIABLE });
  client.flush(now);
  const datagrams = drain(client);
  assert.equal(datagrams.length, 1);
  const { sentTime, commands } = decode(datagrams[0]);
  const reliable = commands.filter((c) => c.command !== ProtocolCommand.ACKNOWLEDGE);
  assert.equal(reliable.length, 1);
  assert.equal(reliable[0].command, ProtocolCommand.SEND_RELIABLE);
  return sentOf(reliable[0], sentTime!);
}

/** C ENet's RTT and throttle bookkeeping, written from protocol.c and peer.c (uint32 math). */
class ReferenceRtt {
  roundTripTime = 500;
  roundTripTimeVariance = 0;
  lastRoundTripTime = 500;
  lastRoundTripTimeVariance = 0;
  lowestRoundTripTime = 500;
  highestRoundTripTimeVariance = 0;
  packetThrottle = 32;
  packetThrottleLimit = 32;
  packetThrottleEpoch = 0;
  packetThrottleInterval = 5000;
  packetThrottleAcceleration = 2;
  packetThrottleDeceleration = 2;
  lastReceiveTime = 0;

  /** One ACKNOWLEDGE received at 32-bit time `now` echoing the 16-bit `sentTime`. */
  acknowledge(now: number, sentTime: number): void {
    const u32 = (x: number) => x >>> 0;
    const day = 86_400_000;
    const difference = (a: number, b: number) => u32(a - b) >= day ? u32(b - a) : u32(a - b);
    let received = u32((now & 0xffff0000) | sentTime);
    if ((received & 0x8000) > (now & 0x8000)) received = u32(received - 0x10000);
    if (u32(now - received) >= day) return; // ENET_TIME_LESS (now, received)
    const rtt = Math.max(difference(now, received), 1);
    if (this.lastReceiveTime > 0) {
      if (this.lastRoundTripTime <= this.lastRoundTripTimeVariance) {
        this.packetThrottle = this.packetThrottleLimit;
      } else if (rtt <= this.lastRoundTripTime) {
        this.packetThrottle = u32(this.packetThrottle + this.packetThrottleAcceleration);
        if (this.packetThrottle > this.packetThrottleLimit) {
          this.packetThrottle = this.packetThrottleLimit;
        }
      } else if (rtt > u32(this.lastRoundTripTime + 2 * this.lastRoundTripTimeVariance)) {
        this.packetThrottle = this.packetThrottle > this.packetThrottleDeceleration
          ? this.packetThrottle - this.packetThrottleDeceleration
          : 0;
      }
      this.roundTripTimeVariance -= Math.trunc(this.roundTripTimeVariance / 4);
      const diff = rtt >= this.roundTripTime ? rtt - this.roundTripTime : this.roundTripTime - rtt;
      this.roundTripTimeVariance += Math.trunc(diff / 4);
      this.roundTripTime += (rtt >= this.roundTripTime ? 1 : -1) * Math.trunc(diff / 8);
    } else {
      this.roundTripTime = rtt;
      this.roundTripTimeVariance = Math.trunc((rtt + 1) / 2);
    }
    this.lowestRoundTripTime = Math.min(this.lowestRoundTripTime, this.roundTripTime);
    this.highestRoundTripTimeVariance = Math.max(
      this.highestRoundTripTimeVariance,
      this.roundTripTimeVariance,
    );
    if (
      this.packetThrottleEpoch === 0 ||
      difference(now, this.packetThrottleEpoch) >= this.packetThrottleInterval
    ) {
      this.lastRoundTripTime = this.lowestRoundTripTime;
      this.lastRoundTripTimeVariance = Math.max(this.highestRoundTripTimeVariance, 1);
      this.lowestRoundTripTime = this.roundTripTime;
      this.highestRoundTripTimeVariance = this.roundTripTimeVariance;
      this.packetThrottleEpoch = now;
    }
    this.lastReceiveTime = Math.max(now, 1);
  }
}

const RTT_FIELDS = [
  "roundTripTime",
  "roundTripTimeVariance",
  "lastRoundTripTime",
  "lastRoundTripTimeVariance",
  "lowestRoundTripTime",
  "highestRoundTripTimeVariance",
  "packetThrottle",
  "packetThrottleEpoch",
  "lastReceiveTime",
] as const;

function rttState(source: Peer | ReferenceRtt): Record<string, number> {
  const out: Record<string, number> = {};
  for (const field of RTT_FIELDS) out[field] = source[field];
  return out;
}

describe("round-trip time and packet throttle", () => {
  test("each acknowledgement moves RTT, variance and throttle exactly as C ENet", () => {
    const { client, peer } = connect(1000, 50);
    // The handshake gives the connecting side no sample (CONNECT is answered by
    // VERIFY_CONNECT, not acknowledged), so C's defaults stand until the first ACK.
    assert.deepEqual(
      [peer.roundTripTime, peer.roundTripTimeVariance, peer.lastRoundTripTime],
      [500, 0, 500],
    );
    const steps: Array<[send: number, arrive: number, expected: number[]]> = [
      // [rtt, variance, lastRtt, lastVariance, throttle]
      // First sample 100: rtt = 100, variance = (100 + 1) / 2 = 50; the throttle epoch
      // starts at 1300 with last = 100 / 50.
      [1200, 1300, [100, 50, 100, 50, 32]],
      // 140: neither <= 100 nor > 100 + 2 * 50: throttle stays. var 50 - 12 + 40/4 = 48,
      // rtt 100 + 40/8 = 105.
      [1400, 1540, [105, 48, 100, 50, 32]],
      // 300 > 200: throttle 32 - 2. var 48 - 12 + 195/4 = 84, rtt 105 + 195/8 = 129.
      [1600, 1900, [129, 84, 100, 50, 30]],
      // 60 <= 100: throttle 30 + 2. var 84 - 21 + 69/4 = 80, rtt 129 - 69/8 = 121.
      [2000, 2060, [121, 80, 100, 50, 32]],
      // 250 > 200: throttle 30. var 80 - 20 + 129/4 = 92, rtt 121 + 129/8 = 137. 5150 ms
      // since the epoch: last = lowest 100 / highest variance 92, then lowest = 137.
      [6200, 6450, [137, 92, 100, 92, 30]],
      // 400 > 100 + 2 * 92: throttle 28. var 92 - 23 + 263/4 = 134, rtt 137 + 263/8 = 169.
      [6500, 6900, [169, 134, 100, 92, 28]],
      // 10 <= 100: throttle 30. var 134 - 33 + 159/4 = 140, rtt 169 - 159/8 = 150.
      [7000, 7010, [150, 140, 100, 92, 30]],
    ];
    for (const [send, arrive, expected] of steps) {
      const sent = sendReliable(client, peer, send);
      assert.equal(sent.sentTime, send & 0xffff);
      client.handleDatagram(arrive, SERVER, datagramTo(peer, [ackOf(sent)]));
      assert.deepEqual(
        [
          peer.roundTripTime,
          peer.roundTripTimeVariance,
          peer.lastRoundTripTime,
          peer.lastRoundTripTimeVariance,
          peer.packetThrottle,
        ],
        expected,
        `after the acknowledgement at ${arrive}`,
      );
    }
    assert.equal(peer.packetThrottleEpoch, 6450);
    assert.equal(peer.reliableDataInTransit, 0);
    assert.equal(client.stats.droppedDatagrams, 0);
  });

  test("a long random run matches the reference across 16- and 32-bit clock wraps", () => {
    const t0 = 2 ** 32 - 300_000; // ENet's 32-bit clock wraps about halfway through
    const { client, peer } = connect(t0, 40);
    const reference = new ReferenceRtt();
    assert.deepEqual(rttState(peer), rttState(reference));
    const random = seededRandom(7);
    let now = t0 + 80;
    let lowered = 0;
    let raised = 0;
    let epochs = 0;
    for (let i = 0; i < 400; i++) {
      now += Math.floor(random() * 3000);
      const sent = sendReliable(client, peer, now);
      // Mostly ordinary samples, some spikes, some same-millisecond (rtt clamps to 1).
      const r = random();
      const rtt = r < 0.1 ? 0 : r < 0.2 ? 200 + Math.floor(random() * 2000) : Math.floor(
        20 + random() * 120,
      );
      now += rtt;
      const before = [peer.packetThrottle, peer.packetThrottleEpoch];
      client.handleDatagram(now, SERVER, datagramTo(peer, [ackOf(sent)]));
      reference.acknowledge(now >>> 0, sent.sentTime);
      assert.deepEqual(rttState(peer), rttState(reference), `sample ${i} at ${now}`);
      if (peer.packetThrottle < before[0]) lowered++;
      if (peer.packetThrottle > before[0]) raised++;
      if (peer.packetThrottleEpoch !== before[1]) epochs++;
    }
    assert.ok(now > 2 ** 32, "the run crossed the 32-bit wrap");
    // The run exercised every branch, not just the steady state.
    assert.ok(lowered >= 5 && raised >= 5 && epochs >= 50, `${lowered} / ${raised} / ${epochs}`);
  });

  test("an acknowledgement echoing a future sent time is ignored", () => {
    const { client, peer } = connect(5000, 30);
    const sent = sendReliable(client, peer, 6000);
    const state = rttState(peer);
    // Sent time 6100 is 100 ms ahead of the receive time 6000.
    const future = { ...sent, sentTime: 6100 };
    client.handleDatagram(6000, SERVER, datagramTo(peer, [ackOf(future)]));
    assert.deepEqual(rttState(peer), state);
    assert.equal(peer.reliableDataInTransit, 16);
  });
});

/** A peer's throttle interval, acceleration and deceleration. */
function throttleParameters(peer: Peer): number[] {
  return [
    peer.packetThrottleInterval,
    peer.packetThrottleAcceleration,
    peer.packetThrottleDeceleration,
  ];
}

describe("THROTTLE_CONFIGURE", () => {
  test("throttleConfigure sends the exact values and the remote peer applies them", () => {
    const { server, client, peer } = connect(100, 10);
    const serverPeer = server.peers[0];
    peer.throttleConfigure(1234, 5, 7);
    assert.deepEqual(
      throttleParameters(peer),
      [1234, 5, 7],
    );
    client.flush(200);
    const [datagram] = drain(client);
    const { sentTime, commands } = decode(datagram);
    assert.equal(sentTime, 200);
    assert.deepEqual(commands, [{
      command: ProtocolCommand.THROTTLE_CONFIGURE,
      flags: CommandFlag.ACKNOWLEDGE,
      channelID: 0xff,
      reliableSequenceNumber: 2, // CONNECT was 1 on the connection's own sequence
      packetThrottleInterval: 1234,
      packetThrottleAcceleration: 5,
      packetThrottleDeceleration: 7,
    }]);
    server.handleDatagram(210, CLIENT, datagram);
    assert.deepEqual(
      throttleParameters(serverPeer),
      [1234, 5, 7],
    );
    server.flush(210);
    const [ack] = drain(server);
    assert.deepEqual(decode(ack).commands, [{
      command: ProtocolCommand.ACKNOWLEDGE,
      flags: 0,
      channelID: 0xff,
      reliableSequenceNumber: 2,
      receivedReliableSequenceNumber: 2,
      receivedSentTime: 200,
    }]);
  });

  test("received parameters drive the throttle, with C's 32-bit wrap of the acceleration", () => {
    const { client, peer } = connect(1000, 50);
    const configure = throttleConfigureCommand(1000, 0xffffffff, 3);
    client.handleDatagram(1150, SERVER, datagramTo(peer, [configure], 1150 & 0xffff));
    assert.deepEqual(
      throttleParameters(peer),
      [1000, 0xffffffff, 3],
    );
    const reference = new ReferenceRtt();
    reference.packetThrottleInterval = 1000;
    reference.packetThrottleAcceleration = 0xffffffff;
    reference.packetThrottleDeceleration = 3;
    const throttles: number[] = [];
    for (const [send, rtt] of [[1200, 100], [1400, 300], [1800, 40], [2200, 500], [2800, 20]]) {
      const sent = sendReliable(client, peer, send);
      client.handleDatagram(send + rtt, SERVER, datagramTo(peer, [ackOf(sent)]));
      reference.acknowledge(send + rtt, sent.sentTime);
      throttles.push(peer.packetThrottle);
      assert.deepEqual(rttState(peer), rttState(reference), `sample sent at ${send}`);
    }
    // 100: first sample, epoch 1300 (last 100 / 50). 300 > 100 + 2 * 50: 32 - 3 = 29.
    // 40 <= 100: (29 + 0xFFFFFFFF) mod 2^32 = 28, under the limit. 500: 28 - 3 = 25, and
    // 1400 ms > 1000 since the epoch: last = 100 / 162. 20: last RTT 100 <= last variance
    // 162, so the throttle returns to its limit.
    assert.deepEqual(throttles, [32, 29, 28, 25, 32]);
    assert.equal(peer.packetThrottleEpoch, 2700);
    assert.equal(peer.lastRoundTripTimeVariance, 162);
  });
});
