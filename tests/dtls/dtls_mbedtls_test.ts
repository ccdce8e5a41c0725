import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  answerExternalClient,
  ourClient,
  ourServer,
  spawnMbedtlsPeer as peer,
  withExternalPeer,
} from "./external_peer.ts";
import { fixturePath, waitFor } from "./support.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

describe("DTLS against an mbed TLS peer", () => {
  for (const kind of ["rsa", "ec"] as const) {
    test(`our client -> mbed TLS server (${kind.toUpperCase()})`, async () => {
      const { client, fromServer } = await ourClient(kind);
      const start = () =>
        peer([
          "server",
          fixturePath(`server_${kind}.crt`),
          fixturePath(`server_${kind}.key`),
        ]);
      await withExternalPeer(client, start, async ({ output }) => {
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
      });
    });

    test(`mbed TLS client -> our server (${kind.toUpperCase()})`, async () => {
      const { server, fromClient } = await ourServer(kind);
      const port = String(server.localAddress.port);
      const start = () => peer(["client", port, fixturePath(`ca_${kind}.crt`), "localhost"]);
      await withExternalPeer(server, start, async (client) => {
        await answerExternalClient(server, fromClient, client, {
          hello: "hello-from-mbedtls",
          reply: "reply-from-ts",
          printed: "RECV reply-from-ts",
          what: "the mbed TLS client's reply line",
        });
        assert.match(client.output(), /HANDSHAKE OK TLS-ECDHE-(RSA|ECDSA)-WITH-AES-128-GCM-SHA256/);
      });
    });
  }
});
