import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
import {
  connectClient,
  dtlsClient,
  dtlsServer,
  nextEvent,
  receive,
  trusting,
} from "./enet_support.ts";
import { pattern, waitFor } from "./support.ts";

const { EVENT_CONNECT, EVENT_DISCONNECT } = ENetConnection;
const { FLAG_RELIABLE, FLAG_UNSEQUENCED } = ENetPacketPeer;

describe("ENet over DTLS through ENetConnection", () => {
  for (const kind of ["rsa", "ec"] as const) {
    const name = kind === "rsa" ? "RSA" : "ECDSA";
    test(`${name} certificate: reliable, unreliable and fragmented packets both ways, byte-exact`, async () => {
      const server = await dtlsServer(kind);
      try {
        const pair = await connectClient(server, kind);
        try {
          const sizes = [1, 1000, 5000, 70_000];
          for (let i = 0; i < sizes.length; i++) {
            pair.toServer.send(1, pattern(sizes[i], i), FLAG_RELIABLE);
          }
          const reliable = await receive(pair.serverEvents, sizes.length);
          for (let i = 0; i < sizes.length; i++) {
            assert.deepEqual(reliable[i].packet, pattern(sizes[i], i));
            assert.equal(reliable[i].channel, 1);
            assert.equal(reliable[i].flags & FLAG_RELIABLE, FLAG_RELIABLE);
          }
          pair.toServer.send(2, pattern(300, 7), 0);
          const [unreliable] = await receive(pair.serverEvents, 1);
          assert.deepEqual(unreliable.packet, pattern(300, 7));
          assert.equal(unreliable.channel, 2);
          assert.equal(unreliable.flags & FLAG_RELIABLE, 0);

          pair.toClient.send(0, pattern(70_000, 9), FLAG_RELIABLE);
          pair.toClient.send(3, pattern(5000, 10), FLAG_RELIABLE);
          pair.toClient.send(0, pattern(64, 11), FLAG_UNSEQUENCED);
          const back = await receive(pair.clientEvents, 3);
          const byChannel = new Map(back.map((e) => [e.packet.length, e]));
          assert.deepEqual(byChannel.get(70_000)?.packet, pattern(70_000, 9));
          assert.deepEqual(byChannel.get(5000)?.packet, pattern(5000, 10));
          assert.equal(byChannel.get(5000)?.channel, 3);
          assert.deepEqual(byChannel.get(64)?.packet, pattern(64, 11));

          const serverStats = server.getDtlsStats()!;
          const clientStats = pair.client.getDtlsStats()!;
          assert.equal(serverStats.handshakesCompleted, 1);
          assert.equal(clientStats.handshakesCompleted, 1);
          assert.ok(serverStats.receivedDatagrams > 50, "the 70000-byte packet came as records");
          assert.ok(clientStats.receivedDatagrams > 50);
          assert.equal(pair.client.getDtlsError(), null);
        } finally {
          await pair.close();
        }
      } finally {
        await server.destroy();
      }
    });
  }

  test("an untrusted certificate ends in a DISCONNECT event with a certificate error", async () => {
    const server = await dtlsServer("rsa");
    const client = await dtlsClient("localhost", trusting("ec"), { handshakeTimeoutMs: 5000 });
    try {
      const events = client.events();
      const peer = await client.connectToHost("127.0.0.1", server.getLocalPort());
      const event = await nextEvent(events, EVENT_DISCONNECT, 8000);
      assert.equal(event.peer, peer);
      assert.equal(event.type === EVENT_DISCONNECT && event.error?.code, "certificate");
      assert.equal(client.getDtlsError()?.code, "certificate");
      assert.equal(peer.isActive(), false);
      assert.deepEqual(client.getPeers(), []);
      assert.deepEqual(server.getPeers(), []);
      assert.equal(server.getDtlsStats()!.receivedDatagrams, 0, "nothing reached ENet");
    } finally {
      await client.destroy();
      await server.destroy();
    }
  });

  test("a certificate for another name ends in a DISCONNECT from service(), with a hostname error", async () => {
    const server = await dtlsServer("ec");
    const client = await dtlsClient("wrong.invalid", trusting("ec"), { handshakeTimeoutMs: 5000 });
    try {
      const peer = await client.connectToHost("127.0.0.1", server.getLocalPort());
      const end = Date.now() + 8000;
      let result = await client.service(50);
      while (result[0] !== EVENT_DISCONNECT && Date.now() < end) {
        assert.notEqual(result[0], EVENT_CONNECT);
        result = await client.service(50);
      }
      assert.equal(result[0], EVENT_DISCONNECT);
      assert.equal(result[1], peer);
      assert.equal(client.getDtlsError()?.code, "hostname");
      assert.equal(peer.getState(), ENetPacketPeer.STATE_DISCONNECTED);
    } finally {
      await client.destroy();
      await server.destroy();
    }
  });

  test("a handshake that never completes (a plain ENet server) ends in a DISCONNECT with a timeout error", async () => {
    const plain = new ENetConnection();
    await plain.createHostBound("127.0.0.1", 0);
    const client = await dtlsClient("localhost", trusting("rsa"), { handshakeTimeoutMs: 800 });
    try {
      const events = client.events();
      await client.connectToHost("127.0.0.1", plain.getLocalPort());
      const event = await nextEvent(events, EVENT_DISCONNECT, 5000);
      assert.equal(event.type === EVENT_DISCONNECT && event.error?.code, "timeout");
      assert.deepEqual(plain.getPeers(), []);
    } finally {
      await client.destroy();
      await plain.destroy();
    }
  });

  test("refuseNewConnections(true) turns a new client away while an existing one keeps talking", async () => {
    const server = await dtlsServer("rsa");
    try {
      const first = await connectClient(server, "rsa");
      try {
        server.refuseNewConnections(true);
        const late = await dtlsClient("localhost", trusting("rsa"), { handshakeTimeoutMs: 1000 });
        try {
          const lateEvents = late.events();
          await late.connectToHost("127.0.0.1", server.getLocalPort());
          first.toServer.send(0, pattern(2000, 1), FLAG_RELIABLE);
          const [got] = await receive(first.serverEvents, 1);
          assert.deepEqual(got.packet, pattern(2000, 1));
          const refused = await nextEvent(lateEvents, EVENT_DISCONNECT, 5000);
          assert.equal(refused.type === EVENT_DISCONNECT && refused.error?.code, "timeout");
          assert.equal(server.getPeers().length, 1);
          first.toClient.send(0, pattern(10, 2), FLAG_RELIABLE);
          assert.deepEqual((await receive(first.clientEvents, 1))[0].packet, pattern(10, 2));
        } finally {
          await late.destroy();
        }
        server.refuseNewConnections(false);
        const second = await connectClient(server, "rsa");
        await second.close();
      } finally {
        await first.close();
      }
    } finally {
      await server.destroy();
    }
  });

  test("plaintext ENet datagrams sent to a DTLS server are dropped and counted", async () => {
    const server = await dtlsServer("ec");
    const plain = new ENetConnection();
    await plain.createHostBound("127.0.0.1", 0, 1);
    try {
      const stats = server.getDtlsStats()!;
      await plain.connectToHost("127.0.0.1", server.getLocalPort());
      await plain.socketSend("127.0.0.1", server.getLocalPort(), pattern(40, 3));
      await waitFor(() => stats.droppedDatagrams >= 2, 5000, "dropped datagrams");
      assert.equal(stats.receivedDatagrams, 0);
      assert.equal(stats.handshakesStarted, 0);
      assert.deepEqual(await server.service(20), [ENetConnection.EVENT_NONE, null, 0, 0]);
      assert.deepEqual(server.getPeers(), []);
    } finally {
      await plain.destroy();
      await server.destroy();
    }
  });

  test("a peer's DTLS session is released when it disconnects, and after peerDisconnectNow", async () => {
    const server = await dtlsServer("rsa", 1); // one peer slot: one DTLS session at a time
    try {
      const first = await connectClient(server, "rsa");
      try {
        first.toServer.peerDisconnect(5);
        const gone = await nextEvent(first.serverEvents, EVENT_DISCONNECT);
        assert.equal(gone.data, 5);
        await nextEvent(first.clientEvents, EVENT_DISCONNECT);
      } finally {
        await first.close();
      }
      const second = await connectClient(server, "rsa"); // gets the released session slot
      try {
        second.toClient.peerDisconnectNow(6); // the disconnect leaves before the session goes
        const told = await nextEvent(second.clientEvents, EVENT_DISCONNECT, 5000);
        assert.equal(told.data, 6);
      } finally {
        await second.close();
      }
      const third = await connectClient(server, "rsa");
      await third.close();
      assert.equal(server.getDtlsStats()!.handshakesCompleted, 3);
    } finally {
      await server.destroy();
    }
  });
});
