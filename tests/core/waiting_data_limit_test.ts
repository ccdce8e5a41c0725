import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import { PacketFlag, type PeerAddress } from "../../src/core/types.ts";

const SERVER: PeerAddress = { address: "127.0.0.1", port: 7000 };
const CLIENT: PeerAddress = { address: "127.0.0.1", port: 5000 };
const LIMIT = 8000;
const PACKET_SIZE = 1000;
const PACKETS = 12;

/** Carries every queued datagram of `from` to `to`. */
function carry(from: Host, to: Host, source: PeerAddress, now: number): void {
  for (let t = from.pollTransmit(); t !== undefined; t = from.pollTransmit()) {
    to.handleDatagram(now, source, t.data);
  }
}

describe("maximumWaitingData", () => {
  test("holds a peer's undelivered data at the limit without losing any: C ENet leaves the excess unacknowledged", () => {
    const server = new Host({ seed: 1, maximumWaitingData: LIMIT });
    const client = new Host({ seed: 2 });
    let now = 0;
    const clientPeer = client.connect(now, SERVER, 1, 0);
    const received: Uint8Array[] = [];
    let serverPeer: ReturnType<typeof server.pollEvent> | undefined;
    const round = (deliver: boolean) => {
      now += 10;
      client.handleTimeout(now);
      carry(client, server, CLIENT, now);
      server.handleTimeout(now);
      carry(server, client, SERVER, now);
      for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent()) {
        assert.notEqual(e.type, "disconnect");
      }
      if (!deliver) return;
      for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent()) {
        if (e.type === "connect") serverPeer = e;
        if (e.type === "receive") received.push(e.packet.data.slice());
      }
    };
    while (serverPeer === undefined) round(true);

    for (let i = 0; i < PACKETS; i++) {
      clientPeer.send(0, { data: new Uint8Array(PACKET_SIZE).fill(i), flags: PacketFlag.RELIABLE });
    }
    // The application does not take its events for two seconds: the server keeps at most
    // the limit plus the packet that crossed it, and acknowledges nothing beyond.
    const peer = server.peers[0];
    for (let i = 0; i < 200; i++) {
      round(false);
      assert.ok(peer.totalWaitingData <= LIMIT + PACKET_SIZE, `${peer.totalWaitingData} held`);
    }
    assert.ok(peer.totalWaitingData >= LIMIT, "the server stopped at the limit, not before");
    assert.ok(clientPeer.reliableDataInTransit > 0, "the excess is still unacknowledged");

    // Once the application drains its events, retransmissions bring the rest, in order
    // (slowly: each held command's retransmission timeout has doubled meanwhile, as in C).
    for (let i = 0; i < 6000 && received.length < PACKETS; i++) round(true);
    assert.equal(received.length, PACKETS);
    received.forEach((data, i) => {
      assert.equal(data.length, PACKET_SIZE);
      assert.ok(data.every((byte) => byte === i), `packet ${i} intact`);
    });
    assert.equal(clientPeer.reliableDataInTransit, 0);
  });
});
