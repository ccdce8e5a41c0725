// The public Godot-style API (ENetConnection / ENetPacketPeer) against the real C ENet,
// server and client side, plain with the checksum and with each compression mode.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection } from "../../src/godot/enet_connection.ts";
import type { ENetPacketPeer } from "../../src/godot/enet_packet_peer.ts";
import type { ServiceResult } from "../../src/godot/events.ts";
import { COMPRESSIBLE, fingerprint, fnv1a, payload } from "./payload.ts";
import { PeerProcess } from "./peer_process.ts";

const RELIABLE = 1;

/** Services `connection` until an event of `type` comes, or fails after `timeoutMs`. */
async function serviceUntil(
  connection: ENetConnection,
  type: number,
  timeoutMs: number,
): Promise<ServiceResult> {
  const deadline = Date.now() + timeoutMs;
  const seen: number[] = [];
  while (Date.now() < deadline) {
    const result = await connection.service(Math.min(50, Math.max(1, deadline - Date.now())));
    if (result[0] === type) return result;
    if (result[0] !== ENetConnection.EVENT_NONE) seen.push(result[0]);
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for event ${type}; saw [${seen}]`);
}

/** Receives one packet through `service` + `getPacket` and checks it against a seed. */
async function expectPacket(
  connection: ENetConnection,
  peer: ENetPacketPeer,
  channel: number,
  size: number,
  seed: number,
): Promise<void> {
  const [, from, , gotChannel] = await serviceUntil(
    connection,
    ENetConnection.EVENT_RECEIVE,
    10000,
  );
  assert.equal(from, peer);
  assert.equal(gotChannel, channel);
  assert.equal(peer.getPacketFlags() & RELIABLE, RELIABLE);
  const data = peer.getPacket();
  assert.deepEqual({ length: data.length, hash: fnv1a(data) }, fingerprint(size, seed));
}

/** Godot's compression modes next to the C peer's names for them. */
const MODES = [
  [ENetConnection.COMPRESS_NONE, "none"],
  [ENetConnection.COMPRESS_RANGE_CODER, "range-coder"],
  [ENetConnection.COMPRESS_ZLIB, "zlib"],
  [ENetConnection.COMPRESS_ZSTD, "zstd"],
] as const;

describe("ENetConnection against C ENet", () => {
  for (const [mode, cMode] of MODES) {
    const checksum = mode === ENetConnection.COMPRESS_NONE;
    test(`serves a C client (compression ${cMode}, checksum ${checksum ? "on" : "off"})`, async () => {
      const server = new ENetConnection();
      await server.createHostBound("127.0.0.1", 0, 8, 0, 0, 0, { checksum });
      let c: PeerProcess | undefined;
      try {
        await server.compress(mode);
        c = PeerProcess.c({
          mode: "client",
          port: server.getLocalPort(),
          channels: 3,
          data: 7,
          checksum,
          compress: cMode,
        });
        const [, peer, data] = await serviceUntil(server, ENetConnection.EVENT_CONNECT, 10000);
        assert.ok(peer !== null);
        assert.equal(data, 7);
        assert.equal(peer.getChannels(), 3);
        assert.equal(server.getPeers().length, 1);

        c.command(`send 2 1 5000 ${COMPRESSIBLE + 3}`);
        await expectPacket(server, peer, 2, 5000, COMPRESSIBLE + 3);
        peer.send(1, payload(70000, COMPRESSIBLE + 4), RELIABLE);
        const line = await c.next("receive", 10000);
        assert.deepEqual(
          { length: line.length, hash: line.hash },
          fingerprint(70000, COMPRESSIBLE + 4),
        );

        peer.peerDisconnect(55);
        assert.equal((await c.next("disconnect", 10000)).data, 55);
        const [, gone] = await serviceUntil(server, ENetConnection.EVENT_DISCONNECT, 10000);
        assert.equal(gone, peer);
      } finally {
        await c?.kill();
        await server.destroy();
      }
    });

    test(`connects to a C server (compression ${cMode}, checksum ${checksum ? "on" : "off"})`, async () => {
      const { peer: c, port } = await PeerProcess.cServer({ checksum, compress: cMode });
      const client = new ENetConnection();
      try {
        await client.createHost(1, 0, 0, 0, { checksum });
        await client.compress(mode);
        const peer = await client.connectToHost("127.0.0.1", port, 4, 99);
        await serviceUntil(client, ENetConnection.EVENT_CONNECT, 10000);
        assert.equal((await c.next("connect", 5000)).data, 99);
        assert.equal(peer.getRemotePort(), port);

        peer.putPacket(payload(3000, 12)); // Godot's put_packet: reliable, channel 0
        const line = await c.next("receive", 10000);
        assert.deepEqual([line.channel, line.flags], [0, 1]);
        assert.deepEqual({ length: line.length, hash: line.hash }, fingerprint(3000, 12));
        c.command(`send 3 1 20000 ${COMPRESSIBLE + 13}`);
        await expectPacket(client, peer, 3, 20000, COMPRESSIBLE + 13);

        c.command("disconnect 3");
        const [, gone, data] = await serviceUntil(client, ENetConnection.EVENT_DISCONNECT, 10000);
        assert.equal(gone, peer);
        assert.equal(data, 3);
      } finally {
        await c.kill();
        await client.destroy();
      }
    });
  }
});
