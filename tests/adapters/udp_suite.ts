// Shared loopback tests for the UDP adapters; each *_test.ts registers it for the
// adapter(s) its runtime can run.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Datagram, DatagramTransport, UdpTransportOptions } from "../../adapters/transport.ts";

/** Opens the adapter under test. */
export type Opener = (options?: UdpTransportOptions) => Promise<DatagramTransport>;

/** Resolves when `condition()` holds, rejects after `ms` (a bound, not an assertion on speed). */
export async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Reads `count` datagrams, failing if they do not come within `ms`. */
export async function readN(
  reader: ReadableStreamDefaultReader<Datagram>,
  count: number,
  ms = 5000,
): Promise<Datagram[]> {
  const out: Datagram[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${out.length}/${count}`)), ms);
  });
  try {
    while (out.length < count) {
      const result = await Promise.race([reader.read(), timeout]);
      if (result.done) throw new Error(`Stream ended after ${out.length}/${count}`);
      out.push(result.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return out;
}

function bytes(length: number, seed: number): Uint8Array {
  const data = new Uint8Array(length);
  for (let i = 0; i < length; i++) data[i] = (i * 31 + seed * 7) & 255;
  return data;
}

function numbered(index: number): Uint8Array {
  const data = bytes(48, index);
  new DataView(data.buffer).setUint32(0, index);
  return data;
}

function indexOf(datagram: Datagram): number {
  return new DataView(datagram.data.buffer, datagram.data.byteOffset).getUint32(0);
}

/** Registers the loopback suite for one adapter. `pull` marks an adapter that stops reading when its queue is full. */
export function udpSuite(name: string, open: Opener, pull: boolean): void {
  describe(name, () => {
    for (const loopback of ["127.0.0.1", "::1"]) {
      test(`sends and receives byte-exact datagrams over ${loopback}`, async () => {
        const a = await open({ address: loopback });
        const b = await open({ address: loopback });
        try {
          assert.equal(a.localAddress.address, loopback);
          const reader = b.readable.getReader();
          const sizes = [1, 2, 100, 1392, 8000];
          for (const [i, size] of sizes.entries()) {
            assert.equal(
              a.send!({ data: bytes(size, i), address: loopback, port: b.localAddress.port }),
              true,
            );
          }
          const got = await readN(reader, sizes.length);
          for (const [i, size] of sizes.entries()) {
            assert.deepEqual(got[i].data, bytes(size, i));
            assert.equal(got[i].data.constructor, Uint8Array);
            assert.equal(got[i].address, loopback);
            assert.equal(got[i].port, a.localAddress.port);
          }
          assert.equal(b.stats!.receivedDatagrams, sizes.length);
          assert.equal(a.stats!.sentBytes, 1 + 2 + 100 + 1392 + 8000);
        } finally {
          await a.close();
          await b.close();
        }
      });
    }

    test("the wildcard binds dual-stack and reports IPv4-mapped sources as IPv4", async () => {
      const wild = await open();
      const v4 = await open({ address: "127.0.0.1" });
      const v6 = await open({ address: "::1" });
      try {
        const { address, port } = wild.localAddress;
        assert.ok(address === "::" || address === "0.0.0.0", address);
        const wildReader = wild.readable.getReader();
        v4.send!({ data: new Uint8Array([4]), address: "127.0.0.1", port });
        const [fromV4] = await readN(wildReader, 1);
        assert.equal(fromV4.address, "127.0.0.1");
        assert.equal(fromV4.port, v4.localAddress.port);
        // plain IPv4 destination from the dual-stack socket
        wild.send!({ data: new Uint8Array([5]), address: "127.0.0.1", port: v4.localAddress.port });
        const [atV4] = await readN(v4.readable.getReader(), 1);
        assert.deepEqual([...atV4.data], [5]);
        assert.equal(atV4.address, "127.0.0.1");
        // an IPv4-mapped destination from an IPv4 socket
        v4.send!({ data: new Uint8Array([6]), address: "::ffff:127.0.0.1", port });
        const [mapped] = await readN(wildReader, 1);
        assert.deepEqual([...mapped.data], [6]);
        // IPv6 works here (v6 bound ::1), so the wildcard must not have fallen back to IPv4.
        assert.equal(address, "::", "the wildcard fell back to 0.0.0.0 although ::1 binds");
        v6.send!({ data: new Uint8Array([7]), address: "::1", port });
        const [fromV6] = await readN(wildReader, 1);
        assert.equal(fromV6.address, "::1");
      } finally {
        await Promise.all([wild.close(), v4.close(), v6.close()]);
      }
    });

    test("send() copies: the caller may reuse its buffer at once", async () => {
      const a = await open({ address: "127.0.0.1" });
      const b = await open({ address: "127.0.0.1" });
      try {
        const scratch = new Uint8Array(64);
        for (let i = 0; i < 10; i++) {
          scratch.fill(i);
          a.send!({
            data: scratch.subarray(0, 10 + i),
            address: "127.0.0.1",
            port: b.localAddress.port,
          });
        }
        scratch.fill(255);
        const got = await readN(b.readable.getReader(), 10);
        got.sort((x, y) => x.data.length - y.data.length);
        for (let i = 0; i < 10; i++) assert.deepEqual(got[i].data, new Uint8Array(10 + i).fill(i));
      } finally {
        await a.close();
        await b.close();
      }
    });

    test("2000 datagrams in windows with a reader that keeps up: none lost", async () => {
      const a = await open({ address: "127.0.0.1" });
      const b = await open({ address: "127.0.0.1" });
      try {
        const total = 2000;
        const window = 100;
        const seen = new Uint8Array(total);
        let count = 0;
        const reading = (async () => {
          const reader = b.readable.getReader();
          while (count < total) {
            const result = await reader.read();
            if (result.done) break;
            const index = indexOf(result.value);
            assert.equal(index, count, "loopback keeps the send order");
            assert.deepEqual(result.value.data, numbered(index));
            seen[index]++;
            count++;
          }
        })();
        const writer = a.writable.getWriter();
        for (let start = 0; start < total; start += window) {
          for (let i = start; i < start + window; i++) {
            await writer.write({
              data: numbered(i),
              address: "127.0.0.1",
              port: b.localAddress.port,
            });
          }
          await waitFor(() => count >= start + window, `datagrams up to ${start + window}`);
        }
        await reading;
        assert.equal(count, total);
        assert.ok(seen.every((n) => n === 1));
        assert.equal(b.stats!.droppedDatagrams, 0);
        assert.equal(a.stats!.sendErrors, 0);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test("a slow reader holds at most highWaterMark datagrams", async () => {
      const a = await open({ address: "127.0.0.1" });
      const b = await open({ address: "127.0.0.1", highWaterMark: 16 });
      try {
        const stats = b.stats!;
        const port = b.localAddress.port;
        for (let i = 0; i < 200; i++) {
          a.send!({ data: numbered(i), address: "127.0.0.1", port });
          if (i % 20 === 19) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        if (pull) {
          await waitFor(() => stats.receivedDatagrams === 16, "16 queued datagrams");
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.equal(stats.droppedDatagrams, 0); // the kernel buffers or drops the rest
        } else {
          await waitFor(() => stats.receivedDatagrams + stats.droppedDatagrams === 200, "all 200");
          assert.ok(stats.droppedDatagrams >= 200 - 16);
        }
        assert.equal(stats.receivedDatagrams, 16);
        const reader = b.readable.getReader();
        const first = await readN(reader, 16);
        assert.deepEqual(first.map(indexOf), Array.from({ length: 16 }, (_, i) => i));
        // the reader caught up: datagrams flow again
        a.send!({ data: numbered(9999), address: "127.0.0.1", port });
        let last: Datagram;
        do [last] = await readN(reader, 1); while (indexOf(last) !== 9999);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test("send errors are counted and the stream carries on", async () => {
      const a = await open({ address: "127.0.0.1" });
      const b = await open({ address: "127.0.0.1" });
      try {
        const port = b.localAddress.port;
        assert.equal(a.send!({ data: new Uint8Array([1]), address: "not-an-ip", port }), false);
        assert.equal(a.send!({ data: new Uint8Array([1]), address: "127.0.0.1", port: 0 }), false);
        assert.throws(() => a.send!({ data: [1] as never, address: "127.0.0.1", port }), TypeError);
        const writer = a.writable.getWriter();
        await writer.write({ data: new Uint8Array([2]), address: "localhost", port });
        await writer.write({ data: new Uint8Array([3]), address: "::1", port }); // IPv4 socket
        await writer.write({ data: new Uint8Array([4]), address: "127.0.0.1", port });
        const [got] = await readN(b.readable.getReader(), 1);
        assert.deepEqual([...got.data], [4]);
        await waitFor(() => a.stats!.sendErrors === 4, "4 send errors");
      } finally {
        await a.close();
        await b.close();
      }
    });

    test("may send to a broadcast address, as C ENet's sockets (SO_BROADCAST)", async () => {
      const a = await open({ address: "127.0.0.1" });
      const b = await open({ address: "127.0.0.1" });
      try {
        const reader = b.readable.getReader();
        const port = b.localAddress.port;
        // The loopback network's broadcast address: refused (EACCES) without
        // SO_BROADCAST, and it never leaves the machine.
        a.send!({ data: new Uint8Array([1]), address: "127.255.255.255", port });
        a.send!({ data: new Uint8Array([2]), address: "127.0.0.1", port });
        // Sends complete in order: once the second arrives, the first has been judged.
        const [got] = await readN(reader, 1);
        assert.deepEqual([...got.data], [2]);
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(a.stats!.sendErrors, 0);
      } finally {
        await a.close();
        await b.close();
      }
    });

    test("close() ends the reader, rejects writes and frees the port", async () => {
      const a = await open({ address: "127.0.0.1" });
      const { port } = a.localAddress;
      const reader = a.readable.getReader();
      const pending = reader.read();
      const writer = a.writable.getWriter();
      await a.close();
      assert.deepEqual(await pending, { done: true, value: undefined });
      await assert.rejects(
        writer.write({ data: new Uint8Array([1]), address: "127.0.0.1", port }),
        TypeError,
      );
      assert.equal(a.send!({ data: new Uint8Array([1]), address: "127.0.0.1", port }), false);
      await a.close(); // twice is fine
      const again = await open({ address: "127.0.0.1", port });
      assert.equal(again.localAddress.port, port);
      await assert.rejects(open({ address: "127.0.0.1", port }), /Cannot bind UDP socket/);
      await again.close();
    });

    test("rejects host names and out-of-range ports", async () => {
      await assert.rejects(open({ address: "localhost" }), TypeError);
      await assert.rejects(open({ address: "127.0.0.1", port: 65536 }), RangeError);
      await assert.rejects(open({ address: "127.0.0.1", highWaterMark: 0 }), RangeError);
    });
  });
}
