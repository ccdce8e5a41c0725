// The C test peer against itself (C server <-> C client): proves the peer, its payloads
// and hashes, and the harness before any TypeScript host is involved.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { COMPRESSIBLE, fingerprint } from "./payload.ts";
import { type CPeerOptions, PeerProcess } from "./peer_process.ts";

type Shared = Omit<CPeerOptions, "mode" | "port" | "data" | "channels">;

async function withCPair(
  shared: Shared,
  body: (server: PeerProcess, client: PeerProcess) => Promise<void>,
): Promise<void> {
  const { peer: server, port } = await PeerProcess.cServer({ ...shared, channels: 8 });
  let client: PeerProcess | undefined;
  try {
    client = PeerProcess.c({ ...shared, mode: "client", port, channels: 5, data: 0xdeadbeef });
    const atServer = await server.next("connect", 5000);
    const atClient = await client.next("connect", 5000);
    assert.equal(atServer.data, 0xdeadbeef);
    assert.equal(atServer.channels, 5);
    assert.equal(atClient.channels, 5);
    await body(server, client);
  } finally {
    await client?.kill();
    await server.kill();
  }
}

describe("C test peer against itself", () => {
  for (const checksum of [false, true]) {
    test(`exchanges byte-exact packets and disconnects with data (checksum ${checksum})`, async () => {
      await withCPair({ checksum }, async (server, client) => {
        const sizes = [0, 1, 1400, 5000, 70000, 1_000_000];
        sizes.forEach((size, i) => client.command(`send 1 1 ${size} ${100 + i}`));
        const got = await server.take("receive", sizes.length, 15000);
        assert.deepEqual(
          got.map((r) => ({ channel: r.channel, length: r.length, hash: r.hash })),
          sizes.map((size, i) => ({ channel: 1, ...fingerprint(size, 100 + i) })),
        );
        server.command("send 4 2 300 7 3"); // unsequenced
        const back = await client.take("receive", 3, 5000);
        assert.deepEqual(
          new Set(back.map((r) => r.hash)),
          new Set([7, 8, 9].map((seed) => fingerprint(300, seed).hash)),
        );
        assert.ok(back.every((r) => r.flags === 2 && r.channel === 4));
        server.command("disconnect 4242");
        assert.equal((await client.next("disconnect", 5000)).data, 4242);
        await server.next("disconnect", 5000);
      });
    });
  }

  for (const compress of ["range-coder", "zlib", "zstd"] as const) {
    test(`compresses with ${compress} and still delivers byte-exact packets`, async () => {
      await withCPair({ compress, checksum: true }, async (server, client) => {
        const [a, b] = [COMPRESSIBLE + 1, COMPRESSIBLE + 2];
        client.command(`send 0 1 70000 ${a}`);
        client.command(`send 2 8 5000 ${b}`);
        const got = await server.take("receive", 2, 10000);
        got.sort((x, y) => x.channel! - y.channel!); // two channels: no order between them
        assert.deepEqual(
          got.map((r) => [r.channel, r.flags, r.length, r.hash]),
          [[0, 1, 70000, fingerprint(70000, a).hash], [2, 8, 5000, fingerprint(5000, b).hash]],
        );
        client.command("stats");
        server.command("stats");
        assert.ok((await client.next("stats", 5000)).compressedOut! > 0);
        const stats = await server.next("stats", 5000);
        assert.ok(stats.compressedIn! > 0);
        // Retransmissions aside, 2-bit payloads shrink to well under their size.
        assert.ok(stats.receivedData! < 75000 * 0.9, `received ${stats.receivedData} bytes`);
      });
    });
  }

  test("peers with mismatched compression never connect and exit cleanly", async () => {
    const { peer: server, port } = await PeerProcess.cServer({ compress: "zlib" });
    const client = PeerProcess.c({
      mode: "client",
      port,
      compress: "none",
      timeout: [4, 200, 1500],
    });
    try {
      const failed = await client.next("disconnect", 10000);
      assert.equal(failed.data, 0);
      assert.deepEqual(server.pending("connect"), []);
      client.command("quit");
      server.command("quit");
      assert.equal((await client.next("exit", 5000)).reason, "quit");
      assert.equal((await server.next("exit", 5000)).reason, "quit");
      assert.ok(await client.waitExit(5000));
      assert.ok(await server.waitExit(5000));
      assert.equal(client.exitCode, 0);
      assert.equal(server.exitCode, 0);
    } finally {
      await client.kill();
      await server.kill();
    }
  });
});
