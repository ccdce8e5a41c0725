import assert from "node:assert/strict";
import { test } from "node:test";
import { openUdpTransport, udpRuntime } from "../../adapters/mod.ts";
import { readN } from "./udp_suite.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno ? "deno" : g.Bun ? "bun" : "node";

test(`openUdpTransport() picks ${runtime}'s own socket and defaults to the wildcard`, async () => {
  assert.equal(udpRuntime(), runtime);
  const server = await openUdpTransport({});
  const client = await openUdpTransport({ address: "127.0.0.1" });
  try {
    assert.ok(["::", "0.0.0.0"].includes(server.localAddress.address));
    client.send!({
      data: new Uint8Array([1, 2]),
      address: "127.0.0.1",
      port: server.localAddress.port,
    });
    const [got] = await readN(server.readable.getReader(), 1);
    assert.deepEqual(got, {
      data: new Uint8Array([1, 2]),
      address: "127.0.0.1",
      port: client.localAddress.port,
    });
  } finally {
    await server.close();
    await client.close();
  }
});
