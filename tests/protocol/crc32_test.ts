import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  CHECKSUM_SIZE,
  checksumSeed,
  crc32,
  verifyChecksum,
  writeChecksum,
} from "../../src/protocol/crc32.ts";
import { readHeader } from "../../src/protocol/header.ts";
import { C_ENET_CHECKSUM_CONNECT_ID, C_ENET_CHECKSUM_DATAGRAMS, fromHex } from "./_fixtures.ts";

const text = (s: string) => new TextEncoder().encode(s);

describe("crc32()", () => {
  test("gives the standard CRC-32 known answers", () => {
    assert.equal(crc32(text("123456789")), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
    assert.equal(crc32(text("a")), 0xe8b7be43);
    assert.equal(crc32(text("The quick brown fox jumps over the lazy dog")), 0x414fa339);
    assert.equal(crc32(new Uint8Array(32)), 0x190a55ad);
    assert.equal(crc32(Uint8Array.from({ length: 256 }, (_, i) => i)), 0x29058c73);
  });

  test("chains: summing in pieces equals summing the whole, at every split", () => {
    const bytes = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
    const whole = crc32(bytes);
    for (let split = 0; split <= bytes.length; split++) {
      assert.equal(crc32(bytes.subarray(split), crc32(bytes.subarray(0, split))), whole);
    }
    const a = bytes.subarray(0, 10), b = bytes.subarray(10, 11), c = bytes.subarray(11);
    assert.equal(crc32(c, crc32(b, crc32(a))), whole);
  });

  test("sums only the view it is given", () => {
    const backing = text("xx123456789yy");
    assert.equal(crc32(backing.subarray(2, 11)), 0xcbf43926);
  });
});

describe("checksumSeed()", () => {
  test("is the connect ID, or 0 for peer id 0xFFF", () => {
    assert.equal(checksumSeed(0xfff, 0xdeadbeef), 0);
    assert.equal(checksumSeed(0, 0xdeadbeef), 0xdeadbeef);
    assert.equal(checksumSeed(0xffe, 7), 7);
  });
});

describe("checksums of C ENet 1.3.17 datagrams (enet_crc32 on both hosts)", () => {
  const datagrams = C_ENET_CHECKSUM_DATAGRAMS.map((d) => fromHex(d.hex));
  const seedOf = (datagram: Uint8Array) => {
    const header = readHeader(datagram);
    assert.ok(header);
    return { size: header.size, seed: checksumSeed(header.peerID, C_ENET_CHECKSUM_CONNECT_ID) };
  };

  test("verifyChecksum() accepts every datagram with the seed C ENet uses", () => {
    assert.equal(
      fromHex(C_ENET_CHECKSUM_DATAGRAMS[0].hex)[1],
      0xff,
      "the first is a CONNECT to 0xFFF",
    );
    for (const datagram of datagrams) {
      const { size, seed } = seedOf(datagram);
      const before = datagram.slice();
      assert.equal(verifyChecksum(datagram, size, seed), true);
      assert.deepEqual(datagram, before, "verifyChecksum() must not modify the datagram");
    }
  });

  test("writeChecksum() reproduces every datagram's slot exactly", () => {
    for (const datagram of datagrams) {
      const { size, seed } = seedOf(datagram);
      const copy = datagram.slice();
      copy.fill(0, size, size + CHECKSUM_SIZE);
      const crc = writeChecksum(copy, size, seed);
      assert.deepEqual(copy, datagram);
      const slot = datagram.subarray(size, size + CHECKSUM_SIZE);
      assert.equal(crc, ((slot[0] << 24) | (slot[1] << 16) | (slot[2] << 8) | slot[3]) >>> 0);
    }
  });

  test("verifyChecksum() rejects a wrong seed and any changed byte", () => {
    for (const datagram of datagrams.filter((d) => d.length < 100)) {
      const { size, seed } = seedOf(datagram);
      assert.equal(verifyChecksum(datagram, size, (seed ^ 1) >>> 0), false);
      for (let i = 0; i < datagram.length; i++) {
        const changed = datagram.slice();
        changed[i] ^= 0x10;
        assert.equal(verifyChecksum(changed, size, seed), false, `byte ${i}`);
      }
    }
  });
});

describe("writeChecksum() / verifyChecksum() edge cases", () => {
  test("a datagram with no room for the slot fails verification and cannot be written", () => {
    assert.equal(verifyChecksum(Uint8Array.of(0x00, 0x00, 1, 2, 3), 2, 0), false);
    assert.equal(verifyChecksum(new Uint8Array(0), 2, 0), false);
    assert.throws(() => writeChecksum(Uint8Array.of(0x80, 0x00, 1, 2, 3, 4, 5), 4, 0), RangeError);
  });

  test("a datagram of header and slot only round-trips", () => {
    const datagram = Uint8Array.of(0x00, 0x03, 0, 0, 0, 0);
    writeChecksum(datagram, 2, 0x01020304);
    assert.equal(verifyChecksum(datagram, 2, 0x01020304), true);
    // the same as summing header, big-endian seed, then nothing
    assert.equal(
      crc32(Uint8Array.of(0x00, 0x03, 0x01, 0x02, 0x03, 0x04)),
      ((datagram[2] << 24) | (datagram[3] << 16) | (datagram[4] << 8) | datagram[5]) >>> 0,
    );
  });
});
