import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import {
  type CollectingChild,
  ourClient,
  ourServer,
  spawnCollecting,
  stop,
} from "./external_peer.ts";
import { ROOT, waitFor } from "./support.ts";

const FIXTURES = join(ROOT, "tests", "dtls", "fixtures");
const PEER = join(ROOT, "tests", "dtls", "c", "bin", "dtls_peer");

function peer(args: string[]) {
  if (!existsSync(PEER)) {
    execFileSync("bash", [join(ROOT, "tests", "dtls", "c", "build.sh")], { stdio: "inherit" });
  }
  return spawnCollecting(PEER, args);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("DTLS against an mbed TLS peer", () => {
  for (const kind of ["rsa", "ec"] as const) {
    test(`our client -> mbed TLS server (${kind.toUpperCase()})`, async () => {
      const { client, fromServer } = await ourClient(kind);
      let spawned: CollectingChild | undefined;
      try {
        spawned = peer([
          "server",
          join(FIXTURES, `server_${kind}.crt`),
          join(FIXTURES, `server_${kind}.key`),
        ]);
        const { output } = spawned;
        await waitFor(() => /PORT \d+/.test(output()), 10_000, "the mbed TLS server's port");
        const port = Number(/PORT (\d+)/.exec(output())![1]);
        client.send({ data: encoder.encode("ping-from-ts"), address: "127.0.0.1", port });
        const [got] = await fromServer.take(1);
        assert.equal(decoder.decode(got.data), "echo:ping-from-ts");
        // The echo can overtake the child's stdout through the pipe: wait for its lines.
        await waitFor(() => /RECV ping-from-ts/.test(output()), 10_000, "the server's RECV line");
        assert.match(
          output(),
          kind === "rsa"
            ? /HANDSHAKE OK TLS-ECDHE-RSA-WITH-AES-128-GCM/
            : /HANDSHAKE OK TLS-ECDHE-ECDSA-WITH-AES-128-GCM/,
        );
        assert.match(output(), /RECV ping-from-ts/);
      } finally {
        if (spawned !== undefined) await stop(spawned.child);
        await client.close();
      }
    });

    test(`mbed TLS client -> our server (${kind.toUpperCase()})`, async () => {
      const { server, fromClient } = await ourServer(kind);
      let spawned: CollectingChild | undefined;
      try {
        spawned = peer([
          "client",
          String(server.localAddress.port),
          join(FIXTURES, `ca_${kind}.crt`),
          "localhost",
        ]);
        const { output } = spawned;
        const [got] = await fromClient.take(1);
        assert.equal(decoder.decode(got.data), "hello-from-mbedtls");
        server.send({
          data: encoder.encode("reply-from-ts"),
          address: got.address,
          port: got.port,
        });
        await waitFor(
          () => output().includes("RECV reply-from-ts"),
          10_000,
          "the mbed TLS client's reply line",
        );
        assert.match(output(), /HANDSHAKE OK TLS-ECDHE-(RSA|ECDSA)-WITH-AES-128-GCM-SHA256/);
        assert.equal(server.stats.cookiesSent, 1);
      } finally {
        if (spawned !== undefined) await stop(spawned.child);
        await server.close();
      }
    });
  }
});
