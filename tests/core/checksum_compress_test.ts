import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host, type HostOptions } from "../../src/core/host.ts";
import type { Compressor } from "../../src/core/compressor.ts";
import { PacketFlag } from "../../src/core/types.ts";
import { SimNetwork, type SimNode } from "../helpers/sim_network.ts";

/** A trivial run-length compressor: (count, byte) pairs. */
function runLength(): Compressor & { compressed: number; decompressed: number } {
  return {
    compressed: 0,
    decompressed: 0,
    compress(input, limit) {
      const out: number[] = [];
      for (let i = 0; i < input.length;) {
        let run = 1;
        while (i + run < input.length && input[i + run] === input[i] && run < 255) run++;
        out.push(run, input[i]);
        i += run;
        if (out.length > limit) return null;
      }
      this.compressed++;
      return Uint8Array.from(out);
    },
    decompress(input, limit) {
      if (input.length % 2 !== 0) return null;
      const out: number[] = [];
      for (let i = 0; i < input.length; i += 2) {
        for (let j = 0; j < input[i]; j++) out.push(input[i + 1]);
        if (out.length > limit) return null;
      }
      this.decompressed++;
      return Uint8Array.from(out);
    },
  };
}

function setup(serverOptions: HostOptions, clientOptions: HostOptions) {
  const net = new SimNetwork(51, { latency: 5, loss: 0.05 }, 0);
  const server = net.add(new Host({ seed: 1, ...serverOptions }), {
    address: "10.0.0.1",
    port: 7000,
  });
  const client = net.add(new Host({ seed: 2, ...clientOptions }), {
    address: "10.0.0.2",
    port: 5000,
  });
  const flags: number[] = [];
  const captured: Uint8Array[] = [];
  net.filter = (from, _to, data) => {
    if (from === client) {
      flags.push(data[0]);
      captured.push(data.slice());
    }
    return true;
  };
  const peer = client.host.connect(net.now, server.address, 2, 0);
  return { net, server, client, peer, flags, captured };
}

function payloads(node: SimNode): Uint8Array[] {
  return node.events.flatMap(({ event }) => event.type === "receive" ? [event.packet.data] : []);
}

function exchange(s: ReturnType<typeof setup>): Uint8Array[] {
  assert.ok(
    s.net.runUntil(() => s.server.events.length > 0 && s.client.events.length > 0, 20_000),
    "connected",
  );
  const sent = [
    new Uint8Array(10),
    new Uint8Array(5000).fill(7),
    Uint8Array.from({ length: 300 }, (_, i) => i),
  ];
  for (const data of sent) s.peer.send(0, { data, flags: PacketFlag.RELIABLE });
  assert.ok(s.net.runUntil(() => payloads(s.server).length === sent.length, 20_000), "delivered");
  assert.deepEqual(payloads(s.server), sent);
  return sent;
}

describe("checksum and compression", () => {
  test("checksums on both ends work, and a corrupted byte is dropped", () => {
    const s = setup({ checksum: true }, { checksum: true });
    exchange(s);
    const host = s.server.host;
    const sample = s.captured[s.captured.length - 1];
    for (let i = 0; i < sample.length; i++) {
      const corrupted = sample.slice();
      corrupted[i] ^= 0x10;
      const before = host.stats.droppedDatagrams;
      host.handleDatagram(s.net.now, s.client.address, corrupted);
      assert.equal(host.stats.droppedDatagrams, before + 1, `byte ${i}`);
    }
  });

  test("a host without checksums drops checksummed datagrams", () => {
    const s = setup({}, { checksum: true });
    s.net.run(3000);
    assert.equal(s.server.events.length, 0);
    assert.ok(s.server.host.stats.droppedDatagrams > 0);
  });

  test("the compressor is used when it makes datagrams smaller", () => {
    const serverCompressor = runLength();
    const clientCompressor = runLength();
    const s = setup({ compressor: serverCompressor, checksum: true }, {
      compressor: clientCompressor,
      checksum: true,
    });
    exchange(s);
    assert.ok(s.flags.some((f) => (f & 0x40) !== 0), "some datagrams compressed");
    assert.ok(s.flags.some((f) => (f & 0x40) === 0), "incompressible ones sent as they are");
    assert.ok(serverCompressor.decompressed > 0);
  });

  test("a compressor that does not shrink is ignored", () => {
    const grow: Compressor = {
      compress: (input) => new Uint8Array(input.length + 1),
      decompress: () => null,
    };
    const s = setup({ compressor: grow }, { compressor: grow });
    exchange(s);
    assert.ok(s.flags.every((f) => (f & 0x40) === 0));
  });

  test("compressed datagrams are dropped by a host without the compressor", () => {
    const s = setup({}, { compressor: runLength() });
    // the handshake's datagrams do not shrink, so the connection is made
    assert.ok(
      s.net.runUntil(() => s.server.events.length > 0 && s.client.events.length > 0, 20_000),
    );
    s.peer.send(0, { data: new Uint8Array(1000), flags: PacketFlag.RELIABLE });
    s.net.run(3000);
    assert.equal(payloads(s.server).length, 0);
    assert.ok(s.server.host.stats.droppedDatagrams > 0);
  });
});
