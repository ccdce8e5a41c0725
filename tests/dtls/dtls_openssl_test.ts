import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  answerExternalClient,
  ourClient,
  ourServer,
  spawnOpenssl as run,
  withExternalPeer,
} from "./external_peer.ts";
import { fixturePath, udp, waitFor } from "./support.ts";

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
      const start = () =>
        run([
          "s_server",
          "-dtls1_2",
          "-accept",
          `127.0.0.1:${port}`,
          "-listen",
          "-cert",
          fixturePath(`server_${kind}.crt`),
          "-key",
          fixturePath(`server_${kind}.key`),
        ]);
      await withExternalPeer(client, start, async ({ child, output }) => {
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
      });
    });

    test(`openssl s_client -dtls1_2 -> our server (${kind.toUpperCase()})`, async () => {
      const { server, fromClient } = await ourServer(kind);
      const start = () =>
        run([
          "s_client",
          "-dtls1_2",
          "-connect",
          `127.0.0.1:${server.localAddress.port}`,
          "-CAfile",
          fixturePath(`ca_${kind}.crt`),
          "-verify_hostname",
          "localhost",
          "-verify_return_error",
        ]);
      await withExternalPeer(server, start, async (client) => {
        const verified = () => client.output().includes("Verification: OK");
        await waitFor(verified, 10_000, "s_client to verify us");
        client.child.stdin!.write("ping-from-openssl\n");
        await answerExternalClient(server, fromClient, client, {
          hello: "ping-from-openssl\n",
          reply: "pong-from-ts\n",
          printed: "pong-from-ts",
          what: "s_client to print our reply",
        });
      });
    });
  }
});
