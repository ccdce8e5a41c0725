// Batched sends and reads (sendmmsg / recvmmsg) on a socket Deno owns, through the C
// library. Deno only: the socket must be one nobody else reads (an unread
// Deno.listenDatagram), which Bun's and Node's sockets are not.
import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import { openUdpTransport } from "../../adapters/mod.ts";
import { findUdpSocket, openLibc } from "../../adapters/libc.ts";
import { BATCH_SLOTS } from "../../adapters/message_batch.ts";
import { NativeUdpSocket } from "../../adapters/native_socket.ts";

const skip = "Deno" in globalThis && process.platform === "linux"
  ? false
  : "needs a socket nobody else reads: Deno.listenDatagram on Linux";

type Conn = { addr: { port: number }; close(): void };

/** A UDP socket on 127.0.0.1 that nobody reads, and the C library's view of it. */
function idleSocket() {
  const deno = (globalThis as unknown as { Deno: { listenDatagram(o: object): Conn } }).Deno;
  const conn = deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const calls = openLibc()!;
  const socket = new NativeUdpSocket(calls, findUdpSocket(calls, conn.addr.port)!, "IPv4");
  return {
    port: conn.addr.port,
    socket,
    close: () => {
      calls.close();
      conn.close();
    },
  };
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

const numbered = (n: number, size = 8) => {
  const data = new Uint8Array(size);
  new DataView(data.buffer).setUint32(0, n);
  return data;
};
const numberOf = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset).getUint32(0);

test("queue() and flush() send a batch in order; what the socket refuses comes back in order", {
  skip,
}, async () => {
  const idle = idleSocket();
  const receiver = await openUdpTransport({ address: "127.0.0.1" });
  try {
    const got: [number, string, number][] = [];
    receiver.setReceiver!((data, address, port) => got.push([numberOf(data), address, port]));
    const to = receiver.localAddress.port;
    for (let i = 0; i < BATCH_SLOTS; i++) {
      assert.ok(idle.socket.queue(numbered(i), "127.0.0.1", to));
    }
    assert.equal(idle.socket.queue(numbered(99), "127.0.0.1", to), false, "the batch is full");
    assert.equal(idle.socket.queued, BATCH_SLOTS);
    const unsent: unknown[][] = [];
    idle.socket.flush((...datagram) => unsent.push(datagram));
    assert.equal(idle.socket.queued, 0);
    assert.equal(unsent.length, 0);
    await until(() => got.length === BATCH_SLOTS);
    assert.deepEqual(
      got,
      Array.from({ length: BATCH_SLOTS }, (_, i) => [i, "127.0.0.1", idle.port]),
    );

    // Port 0 is refused (EINVAL): that datagram and every one after it come back, in order.
    assert.ok(idle.socket.queue(numbered(100), "127.0.0.1", to));
    assert.ok(idle.socket.queue(numbered(101), "127.0.0.1", 0));
    assert.ok(idle.socket.queue(numbered(102, 3000), "127.0.0.1", to));
    idle.socket.flush((data, address, port) =>
      unsent.push([numberOf(data), data.length, address, port])
    );
    assert.deepEqual(unsent, [[101, 8, "127.0.0.1", 0], [102, 3000, "127.0.0.1", to]]);
    await until(() => got.length === BATCH_SLOTS + 1);
    assert.deepEqual(got.at(-1), [100, "127.0.0.1", idle.port]);
    assert.equal(idle.socket.queue(new Uint8Array(65537), "127.0.0.1", to), false, "too large");
    assert.equal(idle.socket.queue(numbered(1), "::1", to), false, "another family");
  } finally {
    idle.close();
    await receiver.close();
  }
});

test(
  "receive() reads bursts in batches, in order, with their sources; truncated datagrams are dropped and counted",
  {
    skip,
  },
  async () => {
    const idle = idleSocket();
    const sender = await openUdpTransport({ address: "127.0.0.1" });
    try {
      const from = sender.localAddress.port;
      const send = (data: Uint8Array) =>
        assert.ok(sender.send!({ data, address: "127.0.0.1", port: idle.port }));
      const read = async (count: number) => {
        const got: [number, number][] = [];
        let held = false;
        await until(() => {
          for (let d = idle.socket.receive(); d !== null; d = idle.socket.receive()) {
            assert.deepEqual([d.address, d.port], ["127.0.0.1", from]);
            got.push([numberOf(d.data), d.data.length]);
            held ||= idle.socket.holding;
          }
          return got.length >= count;
        });
        return { got, held };
      };

      // Single reads first, then batches: 300 datagrams arrive whole and in order (in
      // rounds of 100, which the socket's default buffer holds).
      const got: [number, number][] = [];
      let held = false;
      for (let round = 0; round < 3; round++) {
        for (let i = 100 * round; i < 100 * (round + 1); i++) send(numbered(i, 100));
        const burst = await read(100);
        got.push(...burst.got);
        held ||= burst.held;
      }
      assert.deepEqual(got, Array.from({ length: 300 }, (_, i) => [i, 100]));
      assert.ok(held, "a batched read held datagrams for later calls");

      // A datagram too large for a batch slot is dropped and counted; reads then go back
      // to one at a time, with room for any size.
      send(numbered(1, 9000));
      send(numbered(2, 50));
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual((await read(1)).got, [[2, 50]]);
      assert.equal(idle.socket.dropped, 1);
      send(numbered(3, 9000));
      for (let i = 4; i < 40; i++) send(numbered(i, 10));
      const after = await read(37);
      assert.deepEqual(after.got, [
        [3, 9000],
        ...Array.from({ length: 36 }, (_, i) => [i + 4, 10]),
      ]);
      assert.equal(after.held, false);
      assert.equal(idle.socket.dropped, 1);
    } finally {
      idle.close();
      await sender.close();
    }
  },
);
