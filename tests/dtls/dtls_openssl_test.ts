import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  type CollectingChild,
  ourClient,
  ourServer,
  spawnCollecting,
  stop,
} from "./external_peer.ts";
import { ROOT, udp, waitFor } from "./support.ts";

const FIXTURES = join(ROOT, "tests", "dtls", "fixtures");

function run(args: string[]) {
  return spawnCollecting("openssl", args, "pipe");
}

async function freePort(): Promise<number> {
  const t = await udp();
  const port = t.localAddress.port;
  await t.close();
  return port;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("DTLS against openssl", () => {
  for (const kind of ["rsa", "ec"] as const) {
    test(`our client -> openssl s_server -dtls1_2 (${kind.toUpperCase()})`, async () => {
      const port = await freePort();
      const { client, fromServer } = await ourClient(kind);
      let spawned: CollectingChild | undefined;
      try {
        spawned = run([
          "s_server",
          "-dtls1_2",
          "-accept",
          `127.0.0.1:${port}`,
          "-listen",
          "-cert",
          join(FIXTURES, `server_${kind}.crt`),
          "-key",
          join(FIXTURES, `server_${kind}.key`),
        ]);
        const { child, output } = spawned;
        await waitFor(() => output().includes("ACCEPT"), 10_000, "s_server to listen");
        // Retried until the server answers: s_server may not be reading yet.
        for (let i = 0; i < 50 && !output().includes("ping-from-ts"); i++) {
          client.send({ data: encoder.encode("ping-from-ts\n"), address: "127.0.0.1", port });
          await new Promise((r) => setTimeout(r, 100));
        }
        await waitFor(
          () => output().includes("ping-from-ts"),
          10_000,
          "s_server to print our data",
        );
        assert.equal(client.state, "connected");
        child.stdin!.write("pong-from-openssl\n");
        const [got] = await fromServer.take(1);
        assert.equal(decoder.decode(got.data), "pong-from-openssl\n");
        assert.equal(got.port, port);
        assert.match(
          output(),
          kind === "rsa" ? /ECDHE-RSA-AES128-GCM-SHA256/ : /ECDHE-ECDSA-AES128-GCM-SHA256/,
        );
      } finally {
        if (spawned !== undefined) await stop(spawned.child);
        await client.close();
      }
    });

    test(`openssl s_client -dtls1_2 -> our server (${kind.toUpperCase()})`, async () => {
      const { server, fromClient } = await ourServer(kind);
      let spawned: CollectingChild | undefined;
      try {
        spawned = run([
          "s_client",
          "-dtls1_2",
          "-connect",
          `127.0.0.1:${server.localAddress.port}`,
          "-CAfile",
          join(FIXTURES, `ca_${kind}.crt`),
          "-verify_hostname",
          "localhost",
          "-verify_return_error",
        ]);
        const { child, output } = spawned;
        await waitFor(() => output().includes("Verification: OK"), 10_000, "s_client to verify us");
        child.stdin!.write("ping-from-openssl\n");
        const [got] = await fromClient.take(1);
        assert.equal(decoder.decode(got.data), "ping-from-openssl\n");
        server.send({
          data: encoder.encode("pong-from-ts\n"),
          address: got.address,
          port: got.port,
        });
        await waitFor(
          () => output().includes("pong-from-ts"),
          10_000,
          "s_client to print our reply",
        );
        assert.equal(server.stats.cookiesSent, 1);
      } finally {
        if (spawned !== undefined) await stop(spawned.child);
        await server.close();
      }
    });
  }
});
