import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SocketTransport } from "../../adapters/socket_transport.ts";
import type { Datagram } from "../../adapters/transport.ts";

/** A transport over a socket that sends nowhere; the test plays the socket with `deliver`. */
function open(highWaterMark = 4): SocketTransport {
  const transport = new SocketTransport({ highWaterMark });
  transport.attach({
    family: "any",
    localAddress: { address: "127.0.0.1", port: 4000 },
    send: () => true,
    close: () => Promise.resolve(),
  });
  return transport;
}

function one(n: number): Uint8Array {
  return Uint8Array.of(n);
}

/** A receiver that records the first byte of each datagram (the bytes are only lent). */
function recorder() {
  const got: number[] = [];
  const sources: string[] = [];
  const receive = (data: Uint8Array, address: string, port: number) => {
    got.push(data[0]);
    sources.push(`${address}|${port}`);
  };
  return { got, sources, receive };
}

async function readFirstBytes(
  reader: ReadableStreamDefaultReader<Datagram>,
  count: number,
): Promise<number[]> {
  const out: number[] = [];
  while (out.length < count) {
    const { done, value } = await reader.read();
    assert.equal(done, false, `the stream ended after ${out.length}/${count}`);
    out.push(value!.data[0]);
  }
  return out;
}

describe("SocketTransport.setReceiver()", () => {
  test("pushes every datagram in order, far beyond highWaterMark, when the receiver keeps up", async () => {
    const transport = open(4);
    const reader = transport.readable.getReader();
    const { got, sources, receive } = recorder();
    transport.setReceiver(receive);
    for (let i = 0; i < 200; i++) transport.deliver(one(i & 255), "::ffff:127.0.0.1", 9000);
    assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => i & 255));
    assert.equal(sources[0], "127.0.0.1|9000", "IPv4-mapped sources are unwrapped");
    assert.equal(transport.stats.receivedDatagrams, 200);
    assert.equal(transport.stats.droppedDatagrams, 0);
    reader.releaseLock();
    await transport.close();
  });

  test("hands queued datagrams over first, oldest first, before it returns", async () => {
    const transport = open(8);
    const reader = transport.readable.getReader();
    for (const n of [1, 2, 3]) transport.deliver(one(n), "10.0.0.1", 1);
    const { got, receive } = recorder();
    transport.setReceiver(receive);
    assert.deepEqual(got, [1, 2, 3]);
    transport.deliver(one(4), "10.0.0.1", 1);
    assert.deepEqual(got, [1, 2, 3, 4]);
    reader.releaseLock();
    await transport.close();
  });

  test("null routes datagrams back to the stream, bounded by highWaterMark", async () => {
    const transport = open(4);
    const { got, receive } = recorder();
    transport.setReceiver(receive);
    transport.deliver(one(1), "10.0.0.1", 1);
    transport.setReceiver(null);
    for (let n = 2; n < 12; n++) transport.deliver(one(n), "10.0.0.1", 1);
    assert.deepEqual(got, [1]);
    assert.equal(transport.stats.droppedDatagrams, 6, "only highWaterMark datagrams are held");
    const reader = transport.readable.getReader();
    assert.deepEqual(await readFirstBytes(reader, 4), [2, 3, 4, 5]);
    reader.releaseLock();
    await transport.close();
  });

  test("lent bytes are copied when they must be queued, never when pushed", async () => {
    const transport = open(4);
    const scratch = Uint8Array.of(7, 7);
    transport.deliver(scratch, "10.0.0.1", 1, true);
    scratch.fill(0); // the socket reuses its buffer
    const reader = transport.readable.getReader();
    const { value } = await reader.read();
    assert.deepEqual(value!.data, Uint8Array.of(7, 7));
    let lent: Uint8Array | null = null;
    transport.setReceiver((data) => {
      lent = data;
    });
    transport.deliver(scratch, "10.0.0.1", 1, true);
    assert.equal(lent, scratch);
    reader.releaseLock();
    await transport.close();
  });

  test("keeps order when a released reader left a datagram inside the stream", async () => {
    const transport = open(8);
    const first = transport.readable.getReader();
    const pending = first.read();
    await new Promise((resolve) => setTimeout(resolve, 0)); // the read waits on the socket
    first.releaseLock();
    await assert.rejects(pending);
    transport.deliver(one(1), "10.0.0.1", 1); // lands in the stream: nobody reads now
    transport.deliver(one(2), "10.0.0.1", 1);
    const reader = transport.readable.getReader();
    const { got, receive } = recorder();
    transport.setReceiver(receive);
    assert.deepEqual(got, [], "newer datagrams must not overtake the one in the stream");
    assert.deepEqual(await readFirstBytes(reader, 2), [1, 2]);
    const next = reader.read(); // drained: from now on datagrams are pushed
    transport.deliver(one(3), "10.0.0.1", 1);
    assert.deepEqual(got, [3]);
    await transport.close();
    assert.equal((await next).done, true);
  });

  test("a receiver that throws is detached and errors the readable side", async () => {
    const transport = open(4);
    const reader = transport.readable.getReader();
    transport.setReceiver(() => {
      throw new Error("receiver bug");
    });
    transport.deliver(one(1), "10.0.0.1", 1);
    await assert.rejects(reader.read(), /receiver bug/);
    transport.deliver(one(2), "10.0.0.1", 1); // queued (bounded), not pushed again
    assert.equal(transport.stats.receivedDatagrams, 2);
    await transport.close();
  });

  test("close() ends the stream with a receiver set, and later datagrams are dropped", async () => {
    const transport = open(4);
    const reader = transport.readable.getReader();
    const { got, receive } = recorder();
    transport.setReceiver(receive);
    const read = reader.read();
    await transport.close();
    assert.equal((await read).done, true);
    transport.deliver(one(1), "10.0.0.1", 1);
    assert.deepEqual(got, []);
    assert.equal(transport.stats.droppedDatagrams, 1);
    assert.throws(() => transport.setReceiver(42 as never), TypeError);
  });
});
