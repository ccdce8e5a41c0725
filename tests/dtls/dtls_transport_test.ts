import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DtlsClientTransport, DtlsServerTransport, TLSOptions } from "../../src/dtls/mod.ts";
import { Collector, fixture, pattern, udp, waitFor } from "./support.ts";

async function pair(kind: "rsa" | "ec", clientOptions: TLSOptions, hostname = "localhost") {
  const server = new DtlsServerTransport(
    await udp(),
    TLSOptions.server(fixture(`server_${kind}.key`), fixture(`server_${kind}.crt`)),
    { maxSessions: 4 },
  );
  const client = new DtlsClientTransport(await udp(), hostname, clientOptions, {
    handshakeTimeoutMs: 5000,
  });
  return { server, client, port: server.localAddress.port };
}

describe("DTLS client transport <-> DTLS server transport over loopback UDP", () => {
  for (const kind of ["rsa", "ec"] as const) {
    test(`${kind.toUpperCase()} certificate: handshake, application data both ways byte-exact`, async () => {
      const { server, client, port } = await pair(
        kind,
        TLSOptions.client(fixture(`ca_${kind}.crt`)),
      );
      try {
        const fromClient = new Collector(server);
        const fromServer = new Collector(client);
        const sizes = [1, 2, 100, 1200, 1392];
        for (let i = 0; i < sizes.length; i++) {
          client.send({ data: pattern(sizes[i], i), address: "127.0.0.1", port });
        }
        const got = await fromClient.take(sizes.length);
        for (let i = 0; i < sizes.length; i++) assert.deepEqual(got[i].data, pattern(sizes[i], i));
        assert.equal(client.state, "connected");
        const peer = got[0];
        assert.equal(peer.address, "127.0.0.1");
        assert.equal(peer.port, client.localAddress.port);
        for (let i = 0; i < sizes.length; i++) {
          server.send({ data: pattern(sizes[i], 100 + i), address: peer.address, port: peer.port });
        }
        const back = await fromServer.take(sizes.length);
        for (let i = 0; i < sizes.length; i++) {
          assert.deepEqual(back[i].data, pattern(sizes[i], 100 + i));
          assert.equal(back[i].port, port);
        }
        assert.equal(server.sessionCount, 1);
        assert.equal(server.stats.handshakesCompleted, 1);
        assert.equal(server.stats.cookiesSent, 1);
        assert.equal(client.stats.handshakesCompleted, 1);
      } finally {
        await client.close();
        await server.close();
      }
    });
  }

  test("plaintext, forged and replayed datagrams are dropped and counted", async () => {
    const { server, client, port } = await pair("rsa", TLSOptions.client(fixture("ca_rsa.crt")));
    const rogue = await udp();
    const w = rogue.writable.getWriter();
    try {
      const fromClient = new Collector(server);
      client.send({ data: pattern(10, 1), address: "127.0.0.1", port });
      await fromClient.take(1);
      const before = server.stats.droppedDatagrams;
      await w.write({ data: pattern(40, 2), address: "127.0.0.1", port }); // not DTLS, unknown address
      // A well-formed application-data record with a bogus tag, epoch 1, from an unknown address.
      const forged = new Uint8Array(13 + 40);
      forged.set([23, 0xfe, 0xfd, 0, 1, 0, 0, 0, 0, 0, 9, 0, 40]);
      await w.write({ data: forged, address: "127.0.0.1", port });
      await waitFor(() => server.stats.droppedDatagrams >= before + 2, 5000, "drops");
      assert.equal(fromClient.datagrams.length, 1);
      assert.equal(server.sessionCount, 1);
    } finally {
      await rogue.close();
      await client.close();
      await server.close();
    }
  });
});
