import assert from "node:assert/strict";
import process from "node:process";
import { test } from "node:test";
import { type DatagramTransport, openUdpTransport } from "../../adapters/mod.ts";
import { findUdpSocket, openLibc } from "../../adapters/libc.ts";
import { addressBytes } from "../../adapters/address.ts";
import { NativeUdpSocket } from "../../adapters/native_socket.ts";

const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const ffi = process.platform === "linux" && runtime !== "node";

test("addressBytes() encodes numeric addresses and refuses everything else", () => {
  const v6 = (...groups: number[]) => {
    const bytes = new Uint8Array(16);
    groups.forEach((group, i) => [bytes[2 * i], bytes[2 * i + 1]] = [group >> 8, group & 0xff]);
    return bytes;
  };
  assert.deepEqual(addressBytes("127.0.0.1"), Uint8Array.of(127, 0, 0, 1));
  assert.deepEqual(addressBytes("255.255.255.255"), Uint8Array.of(255, 255, 255, 255));
  assert.deepEqual(addressBytes("::1"), v6(0, 0, 0, 0, 0, 0, 0, 1));
  assert.deepEqual(addressBytes("::"), v6());
  assert.deepEqual(addressBytes("::ffff:10.1.2.3"), v6(0, 0, 0, 0, 0, 0xffff, 0x0a01, 0x0203));
  assert.deepEqual(addressBytes("2001:DB8::1:0:0:1"), v6(0x2001, 0xdb8, 0, 0, 1, 0, 0, 1));
  assert.deepEqual(addressBytes("1:2:3:4:5:6:7:8"), v6(1, 2, 3, 4, 5, 6, 7, 8));
  assert.deepEqual(addressBytes("fe80::"), v6(0xfe80));
  for (
    const bad of [
      "1.2.3",
      "256.0.0.1",
      "1.2.3.4.5",
      "a.b.c.d",
      "localhost",
      "fe80::1%eth0",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "1:2:3:4:5:6:7::8",
      "12345::",
      "::1.2.3",
    ]
  ) {
    assert.equal(addressBytes(bad), null, bad);
  }
});

test("openLibc() loads the C library under Deno and Bun on Linux, and nowhere else", () => {
  const calls = openLibc();
  try {
    assert.equal(calls !== undefined, ffi);
  } finally {
    calls?.close();
  }
});

/** Collects what `transport` receives, as [text, source address, source port]. */
function collect(transport: DatagramTransport): [string, string, number][] {
  const got: [string, string, number][] = [];
  transport.setReceiver!((data, address, port) => {
    got.push([new TextDecoder().decode(data), address, port]);
  });
  return got;
}

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
}

for (const loopback of ["127.0.0.1", "::1"]) {
  test(`NativeUdpSocket.send() reaches a peer from the runtime's own socket (${loopback})`, {
    skip: ffi ? false : "FFI is used under Deno and Bun on Linux only",
  }, async () => {
    const from = await openUdpTransport({ address: loopback });
    const to = await openUdpTransport({ address: loopback });
    const calls = openLibc()!;
    try {
      const got = collect(to);
      const fd = findUdpSocket(calls, from.localAddress.port);
      assert.notEqual(fd, undefined);
      const socket = new NativeUdpSocket(calls, fd!, loopback === "::1" ? "IPv6" : "IPv4");
      for (let i = 0; i < 50; i++) {
        assert.equal(
          socket.send(new TextEncoder().encode(`n${i}`), loopback, to.localAddress.port),
          true,
        );
      }
      // A destination of the other family cannot be encoded: the caller falls back.
      const other = loopback === "::1" ? "127.0.0.1" : "::1";
      assert.equal(socket.send(Uint8Array.of(1), other, to.localAddress.port), false);
      await until(() => got.length === 50);
      assert.deepEqual(
        got,
        Array.from({ length: 50 }, (_, i) => [`n${i}`, loopback, from.localAddress.port]),
      );
    } finally {
      calls.close();
      await from.close();
      await to.close();
    }
  });
}

test("NativeUdpSocket.receive() reads what the socket holds, with its source, without waiting", {
  skip: runtime === "deno" && process.platform === "linux"
    ? false
    : "needs a socket nobody else reads: Deno.listenDatagram on Linux",
}, async () => {
  type Conn = { addr: { port: number }; close(): void };
  const deno = (globalThis as unknown as { Deno: { listenDatagram(o: object): Conn } }).Deno;
  const idle = deno.listenDatagram({ transport: "udp", hostname: "::", port: 0 }); // unread
  const v4 = await openUdpTransport({ address: "127.0.0.1" });
  const v6 = await openUdpTransport({ address: "::1" });
  const calls = openLibc()!;
  try {
    const socket = new NativeUdpSocket(calls, findUdpSocket(calls, idle.addr.port)!, "IPv6");
    assert.equal(socket.receive(), null);
    v4.send!({ data: Uint8Array.of(4, 4), address: "127.0.0.1", port: idle.addr.port });
    v6.send!({ data: Uint8Array.of(6), address: "::1", port: idle.addr.port });
    const got: [number[], string, number][] = [];
    await until(() => {
      for (let d = socket.receive(); d !== null; d = socket.receive()) {
        got.push([[...d.data], d.address, d.port]);
      }
      return got.length === 2;
    });
    got.sort((a, b) => a[0].length - b[0].length);
    assert.deepEqual(got, [
      [[6], "::1", v6.localAddress.port],
      [[4, 4], "::ffff:127.0.0.1", v4.localAddress.port],
    ]);
    assert.equal(socket.receive(), null);
  } finally {
    calls.close();
    idle.close();
    await v4.close();
    await v6.close();
  }
});

test("a burst of 3,000 datagrams over ::1 arrives whole, in order, from the right source", async () => {
  const receiver = await openUdpTransport({ address: "::1", highWaterMark: 4096 });
  const sender = await openUdpTransport({ address: "::1" });
  try {
    const got: number[] = [];
    let sources = 0;
    receiver.setReceiver!((data, address, port) => {
      got.push(new DataView(data.buffer, data.byteOffset).getUint32(0));
      if (address === "::1" && port === sender.localAddress.port) sources++;
    });
    const data = new Uint8Array(64);
    for (let i = 0; i < 3000; i++) {
      new DataView(data.buffer).setUint32(0, i);
      sender.send!({ data, address: "::1", port: receiver.localAddress.port });
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 1));
    }
    await until(() => got.length === 3000);
    assert.equal(got.length, 3000);
    assert.equal(sources, 3000);
    assert.deepEqual(got, Array.from({ length: 3000 }, (_, i) => i));
  } finally {
    await sender.close();
    await receiver.close();
  }
});
