import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  DtlsClientTransport,
  type DtlsError,
  DtlsServerTransport,
  TLSOptions,
} from "../../src/dtls/mod.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import { Collector, fixture, pattern, udp, waitFor } from "./support.ts";

async function server(key = "server_rsa.key", cert = "server_rsa.crt", maxSessions = 4) {
  return new DtlsServerTransport(await udp(), TLSOptions.server(fixture(key), fixture(cert)), {
    maxSessions,
    handshakeTimeoutMs: 400,
  });
}

async function failure(client: DtlsClientTransport, port: number): Promise<DtlsError> {
  const errors: DtlsError[] = [];
  client.onError((e) => errors.push(e));
  client.send({ data: pattern(8, 1), address: "127.0.0.1", port });
  await waitFor(() => errors.length > 0, 10_000, "the client to fail");
  assert.equal(client.state, "failed");
  return errors[0];
}

describe("DTLS rejections", () => {
  test("a certificate from an untrusted CA fails with a certificate error", async () => {
    const s = await server();
    const c = new DtlsClientTransport(
      await udp(),
      "localhost",
      TLSOptions.client(fixture("ca_ec.crt")),
    );
    const fromClient = new Collector(s);
    try {
      const error = await failure(c, s.localAddress.port);
      assert.equal(error.code, "certificate");
      assert.equal(fromClient.datagrams.length, 0);
    } finally {
      await c.close();
      await s.close();
    }
  });

  test("a trusted certificate for another name fails with a hostname error", async () => {
    const s = await server("other_rsa.key", "other_rsa.crt");
    const c = new DtlsClientTransport(
      await udp(),
      "localhost",
      TLSOptions.client(fixture("ca_rsa.crt")),
    );
    try {
      assert.equal((await failure(c, s.localAddress.port)).code, "hostname");
    } finally {
      await c.close();
      await s.close();
    }
  });

  test("commonNameOverride and clientUnsafe accept what they should", async () => {
    const s = await server("other_rsa.key", "other_rsa.crt");
    const c1 = new DtlsClientTransport(
      await udp(),
      "localhost",
      TLSOptions.client(fixture("ca_rsa.crt"), "example.invalid"),
    );
    const c2 = new DtlsClientTransport(await udp(), "localhost", TLSOptions.clientUnsafe());
    const fromClients = new Collector(s);
    try {
      c1.send({ data: pattern(5, 1), address: "127.0.0.1", port: s.localAddress.port });
      c2.send({ data: pattern(6, 2), address: "127.0.0.1", port: s.localAddress.port });
      const got = await fromClients.take(2);
      assert.deepEqual(got.map((d) => d.data.length).sort(), [5, 6]);
    } finally {
      await c1.close();
      await c2.close();
      await s.close();
    }
  });

  test("a server that never answers makes the handshake time out", async () => {
    const silent = await udp();
    const c = new DtlsClientTransport(
      await udp(),
      "localhost",
      TLSOptions.client(fixture("ca_rsa.crt")),
      {
        handshakeTimeoutMs: 300,
      },
    );
    try {
      assert.equal((await failure(c, silent.localAddress.port)).code, "timeout");
    } finally {
      await c.close();
      await silent.close();
    }
  });

  test("refuseNewConnections turns a new client away while an existing one keeps talking", async () => {
    const s = await server();
    const port = s.localAddress.port;
    const trust = TLSOptions.client(fixture("ca_rsa.crt"));
    const first = new DtlsClientTransport(await udp(), "localhost", trust);
    const second = new DtlsClientTransport(await udp(), "localhost", trust, {
      handshakeTimeoutMs: 500,
    });
    const fromClients = new Collector(s);
    try {
      first.send({ data: pattern(3, 1), address: "127.0.0.1", port });
      await fromClients.take(1);
      s.refuseNewConnections = true;
      const dropped = s.stats.droppedDatagrams;
      assert.equal((await failure(second, port)).code, "timeout");
      assert.ok(s.stats.droppedDatagrams > dropped);
      first.send({ data: pattern(4, 2), address: "127.0.0.1", port });
      const got = await fromClients.take(2);
      assert.deepEqual(got[1].data, pattern(4, 2));
      assert.equal(s.sessionCount, 1);
    } finally {
      await first.close();
      await second.close();
      await s.close();
    }
  });

  test("a flood of ClientHellos from many ports keeps no state without a cookie, and sessions stay bounded", async () => {
    const s = await server(undefined, undefined, 3);
    const port = s.localAddress.port;
    // A real ClientHello, captured from a client's first datagram.
    const tap = await udp();
    const probe = new DtlsClientTransport(await udp(), "localhost", TLSOptions.clientUnsafe());
    const hellos = new Collector(tap);
    probe.send({ data: pattern(1, 1), address: "127.0.0.1", port: tap.localAddress.port });
    const [hello] = await hellos.take(1);
    await probe.close();
    await tap.close();
    const flooders = await Promise.all(Array.from({ length: 40 }, () => udp()));
    try {
      // Five rounds of 40, each answered before the next, so a loaded machine's socket
      // buffer never has to hold the whole flood at once.
      for (let round = 1; round <= 5; round++) {
        for (const f of flooders) f.send!({ data: hello.data, address: "127.0.0.1", port });
        await waitFor(() => s.stats.cookiesSent >= round * 40, 10_000, "HelloVerifyRequests");
      }
      assert.equal(s.sessionCount, 0);
      assert.equal(s.stats.handshakesStarted, 0);
      // Clients that do echo the cookie get sessions, at most maxSessions of them.
      const clients = await Promise.all(
        Array.from(
          { length: 5 },
          async () =>
            new DtlsClientTransport(await udp(), "localhost", TLSOptions.clientUnsafe(), {
              handshakeTimeoutMs: 1500,
            }),
        ),
      );
      for (const c of clients) c.send({ data: pattern(2, 2), address: "127.0.0.1", port });
      await waitFor(
        () => clients.every((c) => c.state !== "handshaking"),
        10_000,
        "handshakes to settle",
      );
      assert.equal(clients.filter((c) => c.state === "connected").length, 3);
      assert.ok(s.sessionCount <= 3);
      const connectedPort = clients.find((c) => c.state === "connected")!.localAddress.port;
      await Promise.all(clients.map((c) => c.close()));
      assert.equal(s.releaseSession("127.0.0.1", connectedPort), true);
      assert.equal(s.sessionCount, 2);
    } finally {
      await Promise.all(flooders.map((f) => f.close()));
      await s.close();
    }
  });

  test("a handshake that does not complete is forgotten after the time limit", async () => {
    const s = await server();
    const inner = await udp();
    // Lets the two ClientHellos through, then loses everything the client sends.
    let sent = 0;
    const lossy: DatagramTransport = {
      readable: inner.readable,
      writable: inner.writable,
      localAddress: inner.localAddress,
      send: (d) => ++sent > 2 || inner.send!(d),
      close: () => inner.close(),
    };
    const c = new DtlsClientTransport(lossy, "localhost", TLSOptions.clientUnsafe(), {
      handshakeTimeoutMs: 3000,
    });
    try {
      c.send({ data: pattern(2, 2), address: "127.0.0.1", port: s.localAddress.port });
      await waitFor(() => s.stats.handshakesStarted === 1, 5000, "a session");
      await waitFor(() => s.sessionCount === 0, 5000, "the session to expire");
      assert.equal(s.stats.handshakesFailed, 1);
      assert.equal(s.stats.handshakesCompleted, 0);
    } finally {
      await c.close();
      await s.close();
    }
  });
});
