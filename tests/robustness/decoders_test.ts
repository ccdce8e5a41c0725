/**
 * Property tests (fast-check) over every decoder that reads remote bytes: the command
 * reader, the datagram header, the checksum, the four codecs and `Host.handleDatagram`.
 * Arbitrary bytes never throw, never make a decoder read past the end it was given,
 * and never produce more than the limit asked for.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { CommandReader } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { checksumSeed, verifyChecksum, writeChecksum } from "../../src/protocol/crc32.ts";
import { readHeader } from "../../src/protocol/header.ts";
import { RangeCoder } from "../../src/compress/range_coder.ts";
import { FastLzCompressor, fastlzDecompress } from "../../src/compress/fastlz.ts";
import { ZlibCompressor } from "../../src/compress/zlib.ts";
import { createZstdCompressor } from "../../src/compress/zstd.ts";
import type { Compressor } from "../../src/core/compressor.ts";
import { Host } from "../../src/core/host.ts";
import { PacketFlag, PeerState } from "../../src/core/types.ts";
import { CLIENT, drain, SERVER } from "../helpers/core_wire.ts";
import { capturedCorpus } from "./_fuzz.ts";

const bytes = (max: number) => fc.uint8Array({ maxLength: max, size: "max" });
/** Arbitrary bytes biased towards the real datagrams they mutate. */
const datagram = fc.oneof(
  bytes(1500),
  fc.tuple(
    fc.constantFrom(...capturedCorpus()),
    fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 8 }),
    fc.nat(),
  )
    .map(([base, edits, cut]) => {
      const out = base.slice(0, base.length - (cut % 4 === 0 ? cut % (base.length + 1) : 0));
      for (const [at, value] of edits) if (out.length > 0) out[at % out.length] = value;
      return out;
    }),
);

function decodeAll(
  buf: Uint8Array,
  offset: number,
  end: number,
): { commands: Command[]; offset: number; malformed: boolean } {
  const reader = new CommandReader();
  reader.reset(buf, offset, end);
  const commands: Command[] = [];
  for (let c = reader.next(); c !== null; c = reader.next()) commands.push(c);
  return { commands, offset: reader.offset, malformed: reader.malformed };
}

test("command reader: arbitrary bytes decode without throwing and without reading past the end", () => {
  fc.assert(
    fc.property(datagram, bytes(64), bytes(64), fc.nat(8), (body, tailA, tailB, start) => {
      const offset = Math.min(start, body.length);
      const a = new Uint8Array([...body, ...tailA, 0xff]);
      const b = new Uint8Array([...body, ...tailB, 0x00]);
      const left = decodeAll(a, offset, body.length);
      const right = decodeAll(b, offset, body.length);
      // Bytes after `end` differ, so any read past it would show.
      assert.deepEqual(left, right);
      assert.ok(left.offset >= offset && left.offset <= body.length);
      assert.ok(left.commands.length <= body.length / 4);
      for (const c of left.commands) {
        if ("data" in c && c.data instanceof Uint8Array) {
          assert.equal(c.data.buffer, a.buffer);
          assert.ok(
            c.data.byteOffset >= offset && c.data.byteOffset + c.data.length <= body.length,
          );
        }
      }
    }),
    { numRuns: 3000 },
  );
});

test("datagram header: arbitrary bytes read as a header or refused, never past the header", () => {
  fc.assert(
    fc.property(bytes(8), (buf) => {
      const header = readHeader(buf);
      if (header === null) {
        assert.ok(buf.length < 2 || (buf.length < 4 && (buf[0] & 0x80) !== 0));
        return;
      }
      assert.ok(header.size === 2 || header.size === 4);
      assert.ok(header.size <= buf.length && header.peerID <= 0xfff && header.sessionID <= 3);
      assert.deepEqual(readHeader(buf.subarray(0, header.size)), header);
    }),
    { numRuns: 2000 },
  );
});

test("checksum: never throws, accepts what it wrote, refuses any single bit flipped", () => {
  fc.assert(
    fc.property(
      bytes(600),
      fc.nat(6),
      fc.nat(0xfff),
      fc.nat(),
      fc.nat(),
      (buf, headerSize, peerID, connectID, bit) => {
        assert.equal(
          typeof verifyChecksum(buf, headerSize, checksumSeed(peerID, connectID)),
          "boolean",
        );
        if (headerSize + 4 > buf.length) return;
        const seed = checksumSeed(peerID, connectID);
        const sealed = buf.slice();
        writeChecksum(sealed, headerSize, seed);
        assert.equal(verifyChecksum(sealed, headerSize, seed), true);
        sealed[(bit >>> 3) % sealed.length] ^= 1 << (bit & 7);
        assert.equal(verifyChecksum(sealed, headerSize, seed), false);
      },
    ),
    { numRuns: 2000 },
  );
});

/** Garbage in, null or at most `limit` bytes out; the input's neighbours do not matter. */
function checkDecompressor(codec: Compressor, runs: number): void {
  fc.assert(
    fc.property(bytes(1200), fc.integer({ min: 1, max: 4096 }), bytes(16), (input, limit, pad) => {
      const framed = new Uint8Array(pad.length + input.length + 16).fill(0xa5);
      framed.set(pad);
      framed.set(input, pad.length);
      const view = framed.subarray(pad.length, pad.length + input.length);
      const out = codec.decompress(view, limit);
      if (out === null) return;
      assert.ok(out.length <= limit, `${out.length} bytes out for a limit of ${limit}`);
      const copy = out.slice();
      const again = codec.decompress(input.slice(), limit);
      assert.deepEqual(again === null ? null : [...again], [...copy]);
    }),
    { numRuns: runs },
  );
  fc.assert(
    fc.property(bytes(3000), (input) => {
      const packed = codec.compress(input, input.length);
      if (packed === null || packed.length >= input.length) return;
      const out = codec.decompress(packed.slice(), 4096);
      assert.deepEqual(out === null ? null : [...out], [...input]);
      // One byte less than the original is a limit the output must respect.
      if (input.length > 1) {
        const short = codec.decompress(packed.slice(), input.length - 1);
        assert.ok(short === null || short.length <= input.length - 1);
      }
    }),
    { numRuns: Math.ceil(runs / 4) },
  );
}

test("range coder: garbage never throws or outgrows the limit; round trips hold", () => {
  checkDecompressor(new RangeCoder(), 1500);
});

test("FastLZ: garbage never throws or outgrows the limit; round trips hold", () => {
  checkDecompressor(new FastLzCompressor(), 1500);
  fc.assert(
    fc.property(bytes(600), fc.nat(64), (input, size) => {
      const output = new Uint8Array(size);
      const n = fastlzDecompress(input, output);
      assert.ok(n >= 0 && n <= size);
    }),
    { numRuns: 2000 },
  );
});

test("zlib: garbage never throws or outgrows the limit; a bomb is refused", () => {
  const codec = new ZlibCompressor();
  checkDecompressor(codec, 400);
  // 16 MiB of zeros deflate to a few KiB; asking for 4096 bytes must not inflate it all.
  const bomb = new ZlibCompressor(9).compress(new Uint8Array(16 << 20), 1 << 30)!;
  assert.ok(bomb.length < 65536);
  assert.equal(codec.decompress(bomb, 4096), null);
});

test("zstd: garbage never throws or outgrows the limit; lying content sizes are refused", async () => {
  const codec = await createZstdCompressor();
  checkDecompressor(codec, 400);
  const bomb = codec.compress(new Uint8Array(16 << 20), 1 << 30)!;
  assert.ok(bomb.length < 65536);
  assert.equal(codec.decompress(bomb, 4096), null);
});

const codecs: [string, () => Compressor | null][] = [
  ["none", () => null],
  ["range coder", () => new RangeCoder()],
  ["FastLZ", () => new FastLzCompressor()],
  ["zlib", () => new ZlibCompressor()],
];

for (const [name, make] of codecs) {
  for (const checksum of [false, true]) {
    test(`Host.handleDatagram (${name}${checksum ? ", checksum" : ""}): arbitrary datagrams never throw or break a connection`, () => {
      const server = new Host({ seed: 1, peerCount: 4, checksum, compressor: make() });
      const client = new Host({ seed: 2, peerCount: 1, checksum, compressor: make() });
      const peer = client.connect(1000, SERVER, 2, 0);
      let now = 1000;
      const exchange = () => {
        now += 20;
        client.handleTimeout(now);
        for (const d of drain(client)) server.handleDatagram(now, CLIENT, d);
        server.handleTimeout(now);
        for (const d of drain(server)) client.handleDatagram(now, SERVER, d);
      };
      for (let i = 0; i < 10; i++) exchange();
      for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent());
      for (let e = client.pollEvent(); e !== undefined; e = client.pollEvent());
      assert.equal(peer.state, PeerState.CONNECTED);
      fc.assert(
        fc.property(datagram, fc.boolean(), fc.nat(3), (bytes, fromClient, peerID) => {
          now += 1;
          const buf = bytes.slice();
          // Half the time, aim the header at a real slot so the commands are read.
          if (buf.length >= 2 && peerID < 2) {
            buf[0] = (buf[0] & 0xc0) | (peerID === 0 ? 0 : 0x0f);
            if (peerID === 0) buf[1] = 0;
          }
          const from = fromClient
            ? { address: "10.0.0.3", port: 5000 }
            : { address: CLIENT.address, port: 9 };
          server.handleDatagram(now, from, buf);
          server.handleTimeout(now);
          drain(server);
          for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent());
        }),
        { numRuns: 600 },
      );
      // The real client still gets a packet through both ways.
      const payload = Uint8Array.from({ length: 200 }, (_, i) => i);
      peer.send(0, { data: payload, flags: PacketFlag.RELIABLE });
      let got: Uint8Array | undefined;
      for (let i = 0; i < 50 && got === undefined; i++) {
        exchange();
        for (let e = server.pollEvent(); e !== undefined; e = server.pollEvent()) {
          if (e.type === "receive") got = e.packet.data;
        }
      }
      assert.deepEqual(got, payload);
      assert.equal(peer.state, PeerState.CONNECTED);
      assert.ok(server.stats.droppedDatagrams > 0);
    });
  }
}

test("Host.handleDatagram: datagrams over 4096 bytes are dropped and counted", () => {
  const host = new Host({ seed: 3 });
  fc.assert(
    fc.property(fc.integer({ min: 4097, max: 70000 }), (size) => {
      const before = host.stats.droppedDatagrams;
      host.handleDatagram(0, CLIENT, new Uint8Array(size));
      assert.equal(host.stats.droppedDatagrams, before + 1);
      assert.equal(host.pollTransmit(), undefined);
    }),
    { numRuns: 50 },
  );
});
