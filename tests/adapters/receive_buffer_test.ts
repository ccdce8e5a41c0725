import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import process from "node:process";
import { test } from "node:test";
import { openUdpTransport } from "../../adapters/mod.ts";
import {
  DEFAULT_RECEIVE_BUFFER_SIZE,
  receiveBufferRequest,
} from "../../adapters/receive_buffer.ts";

const linux = process.platform === "linux";
/** The most a socket may ask for here (`net.core.rmem_max`). */
const rmemMax = linux ? Number(readFileSync("/proc/sys/net/core/rmem_max", "utf8")) : 0;
/** What Linux reports after a request of `bytes`: the capped size, doubled. */
const reported = (bytes: number) => Math.min(bytes, rmemMax) * 2;

test("receiveBufferRequest() defaults to 4 MiB and rejects sizes that are not positive integers", () => {
  assert.equal(receiveBufferRequest(undefined), DEFAULT_RECEIVE_BUFFER_SIZE);
  assert.equal(DEFAULT_RECEIVE_BUFFER_SIZE, 4 * 1024 * 1024);
  assert.equal(receiveBufferRequest(300_000), 300_000);
  for (const bad of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
    assert.throws(() => receiveBufferRequest(bad), RangeError, String(bad));
  }
});

test("openUdpTransport() grows the kernel receive buffer on every runtime (Linux)", {
  skip: linux ? false : "the size is set through /proc and the C library on Linux only",
}, async () => {
  const defaulted = await openUdpTransport({ address: "127.0.0.1" });
  const asked = await openUdpTransport({ receiveBufferSize: 300_000 });
  try {
    assert.equal(defaulted.receiveBufferSize, reported(DEFAULT_RECEIVE_BUFFER_SIZE));
    assert.equal(asked.receiveBufferSize, reported(300_000));
  } finally {
    await defaulted.close();
    await asked.close();
  }
  await assert.rejects(
    openUdpTransport({ address: "127.0.0.1", receiveBufferSize: 0 }),
    RangeError,
  );
});

test("a burst of 2,000 datagrams sent in one turn all arrive", async () => {
  const receiver = await openUdpTransport({ address: "127.0.0.1", highWaterMark: 4096 });
  const sender = await openUdpTransport({ address: "127.0.0.1" });
  let received = 0;
  const reader = receiver.readable.getReader();
  receiver.setReceiver!(() => received++);
  try {
    const data = new Uint8Array(64);
    for (let i = 0; i < 2000; i++) {
      sender.send!({ data, address: "127.0.0.1", port: receiver.localAddress.port });
    }
    for (let quiet = 0, last = -1; quiet < 10 && received < 2000; quiet++) {
      if (received !== last) quiet = 0;
      last = received;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(received, 2000);
    assert.equal(receiver.stats!.droppedDatagrams, 0);
  } finally {
    receiver.setReceiver!(null);
    reader.releaseLock();
    await receiver.close();
    await sender.close();
  }
});
