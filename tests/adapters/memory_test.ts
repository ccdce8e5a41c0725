import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MemoryNetwork, type MemoryNetworkOptions, mulberry32 } from "../../adapters/memory.ts";
import type { Datagram } from "../../adapters/transport.ts";
import { readN, waitFor } from "./udp_suite.ts";

function frame(index: number): Uint8Array {
  const data = new Uint8Array(8);
  new DataView(data.buffer).setUint32(0, index);
  return data;
}

function indexOf(datagram: Datagram): number {
  return new DataView(datagram.data.buffer, datagram.data.byteOffset).getUint32(0);
}

/** Sends `count` numbered datagrams from port 1000 to 2000 and returns the sorted arrivals. */
async function run(options: MemoryNetworkOptions, count: number) {
  const network = new MemoryNetwork({ highWaterMark: 4 * count, ...options });
  const a = network.open("127.0.0.1", 1000);
  const b = network.open("127.0.0.1", 2000);
  for (let i = 0; i < count; i++) a.send!({ data: frame(i), address: "127.0.0.1", port: 2000 });
  await waitFor(() => network.inFlight === 0, "the network to drain");
  const expected = b.stats!.receivedDatagrams;
  const arrivals = (await readN(b.readable.getReader(), expected)).map(indexOf);
  await network.close();
  return { arrivals, sorted: [...arrivals].sort((x, y) => x - y), stats: { ...network.stats } };
}

describe("MemoryNetwork", () => {
  test("the same seed gives the same fates", async () => {
    const options = { seed: 42, loss: 0.3, duplicate: 0.2, reorder: 0.2, jitter: 2 };
    const first = await run(options, 300);
    const second = await run(options, 300);
    assert.deepEqual(second.sorted, first.sorted);
    assert.deepEqual(second.stats, first.stats);
    const other = await run({ ...options, seed: 43 }, 300);
    assert.notDeepEqual(other.sorted, first.sorted);
  });

  test("loss and duplication rates are roughly as configured", async () => {
    const { sorted, stats } = await run({ seed: 7, loss: 0.2, duplicate: 0.1 }, 2000);
    assert.equal(stats.sent, 2000);
    assert.ok(stats.lost > 300 && stats.lost < 500, `lost ${stats.lost}`);
    assert.ok(stats.duplicated > 100 && stats.duplicated < 240, `duplicated ${stats.duplicated}`);
    assert.equal(sorted.length, 2000 - stats.lost + stats.duplicated);
    assert.equal(stats.delivered, sorted.length);
  });

  test("without jitter or reordering, datagrams arrive in order", async () => {
    const { arrivals } = await run({ seed: 1, latency: 3 }, 200);
    assert.deepEqual(arrivals, Array.from({ length: 200 }, (_, i) => i));
  });

  test("reordering holds some datagrams back", async () => {
    const { arrivals, sorted, stats } = await run({ seed: 3, reorder: 0.3, reorderDelay: 10 }, 200);
    assert.ok(stats.reordered > 30 && stats.reordered < 100, `reordered ${stats.reordered}`);
    assert.deepEqual(sorted, Array.from({ length: 200 }, (_, i) => i));
    assert.notDeepEqual(arrivals, sorted);
  });

  test("a slower link delivers later; links are configured per direction", async () => {
    const network = new MemoryNetwork({ seed: 1 });
    const slow = network.open("10.0.0.1", 1);
    const fast = network.open("10.0.0.2", 2);
    const sink = network.open("10.0.0.3", 3);
    network.setLink(slow.localAddress, sink.localAddress, { latency: 30 });
    slow.send!({ data: frame(1), address: "10.0.0.3", port: 3 });
    fast.send!({ data: frame(2), address: "10.0.0.3", port: 3 });
    const got = await readN(sink.readable.getReader(), 2);
    assert.deepEqual(got.map(indexOf), [2, 1]);
    assert.deepEqual(got.map((d) => `${d.address}:${d.port}`), ["10.0.0.2:2", "10.0.0.1:1"]);
    // the reverse direction keeps the default (no latency): it arrives at once
    sink.send!({ data: frame(3), address: "10.0.0.1", port: 1 });
    assert.deepEqual((await readN(slow.readable.getReader(), 1)).map(indexOf), [3]);
    await network.close();
  });

  test("the MTU drops oversized datagrams and the payload is copied", async () => {
    const network = new MemoryNetwork({ seed: 1, mtu: 100 });
    const a = network.open("::1", 5);
    const b = network.open("::1", 6);
    const payload = new Uint8Array(100).fill(9);
    a.send!({ data: new Uint8Array(101), address: "::1", port: 6 });
    a.send!({ data: payload, address: "::1", port: 6 });
    payload.fill(0);
    const [got] = await readN(b.readable.getReader(), 1);
    assert.deepEqual(got.data, new Uint8Array(100).fill(9));
    assert.equal(network.stats.oversized, 1);
    await network.close();
  });

  test("the wildcard receives on any address; IPv4-mapped destinations are unwrapped", async () => {
    const network = new MemoryNetwork({ seed: 1 });
    const server = network.open("*", 7777);
    const client = network.open("127.0.0.1", 0);
    assert.equal(server.localAddress.address, "::");
    assert.ok(client.localAddress.port >= 49152);
    client.send!({ data: frame(1), address: "::ffff:127.0.0.1", port: 7777 });
    const [request] = await readN(server.readable.getReader(), 1);
    assert.deepEqual(request.address, "127.0.0.1");
    server.send!({ data: frame(2), address: request.address, port: request.port });
    const [reply] = await readN(client.readable.getReader(), 1);
    assert.equal(`${reply.address}:${reply.port}`, "127.0.0.1:7777");
    client.send!({ data: frame(3), address: "127.0.0.2", port: 9 });
    assert.equal(network.stats.unroutable, 1);
    assert.throws(() => network.open("127.0.0.1", 7777), /already in use/);
    assert.throws(() => network.open("localhost", 1), TypeError);
    assert.throws(() => new MemoryNetwork({ loss: 2 }), RangeError);
    await network.close();
  });

  test("closing cancels datagrams in flight and ends the readers", async () => {
    const network = new MemoryNetwork({ seed: 1, latency: 60_000 });
    const a = network.open("127.0.0.1", 1);
    const b = network.open("127.0.0.1", 2);
    for (let i = 0; i < 5; i++) a.send!({ data: frame(i), address: "127.0.0.1", port: 2 });
    assert.equal(network.inFlight, 5);
    const reader = b.readable.getReader();
    const pending = reader.read();
    await b.close();
    assert.equal(network.inFlight, 0);
    assert.deepEqual(await pending, { done: true, value: undefined });
    a.send!({ data: frame(9), address: "127.0.0.1", port: 2 });
    assert.equal(network.stats.unroutable, 1);
    const again = network.open("127.0.0.1", 2); // the port is free again
    a.send!({ data: frame(10), address: "127.0.0.1", port: 2 });
    assert.equal(network.inFlight, 1);
    await network.close();
    assert.equal(network.inFlight, 0);
    assert.equal(again.send!({ data: frame(0), address: "127.0.0.1", port: 1 }), false);
  });

  test("mulberry32() is seeded and uniform enough", () => {
    const random = mulberry32(123);
    const again = mulberry32(123);
    let sum = 0;
    for (let i = 0; i < 1000; i++) {
      const x = random();
      assert.equal(again(), x);
      assert.ok(x >= 0 && x < 1);
      sum += x;
    }
    assert.ok(sum > 450 && sum < 550, `mean ${sum / 1000}`);
  });
});
