import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RangeCoder } from "../../src/compress/range_coder.ts";
import { RANGE_CODER_CAPTURES } from "./_captures.ts";
import {
  assertDecodesCaptures,
  assertEncodesCaptures,
  assertKnownAnswers,
  KINDS,
  type KnownAnswer,
  makeBody,
  toHex,
  xorshift,
} from "./_helpers.ts";

/**
 * Known answers from C ENet's enet_range_coder_compress (libenet 1.3.17) on
 * generated bodies: [kind, size, seed, output length, FNV-1a of the output].
 * The larger ones pass the 4096-symbol table and exercise the model reset.
 */
const C_ENET_VECTORS: readonly KnownAnswer[] = [
  ["random", 1, 131, 4, 0xea5a7d15],
  ["random", 2, 262, 4, 0x4c50a2d3],
  ["random", 3, 393, 5, 0x0b829525],
  ["random", 4, 524, 6, 0x2ab300c8],
  ["random", 5, 655, 7, 0x26b489ec],
  ["random", 13, 1703, 15, 0xb4c573d7],
  ["random", 16, 2096, 18, 0x6e82c980],
  ["random", 17, 2227, 20, 0x3f218639],
  ["random", 48, 6288, 52, 0x5e119794],
  ["random", 64, 8384, 68, 0xc69d84ca],
  ["random", 100, 13100, 107, 0x828d8af5],
  ["random", 333, 43623, 360, 0xb5ae32dc],
  ["random", 1000, 131000, 1089, 0xec462c7b],
  ["random", 1392, 182352, 1509, 0xeb7f3b93],
  ["random", 2048, 268288, 2204, 0x38a74467],
  ["random", 4096, 536576, 4413, 0x9f67a9d7],
  ["random", 9000, 1179000, 9713, 0xabe4e9f2],
  ["records", 1, 132, 4, 0xf681f0cd],
  ["records", 2, 263, 4, 0x91da8845],
  ["records", 3, 394, 4, 0x7e86792b],
  ["records", 4, 525, 4, 0xf32e4015],
  ["records", 5, 656, 6, 0x973fed26],
  ["records", 13, 1704, 14, 0x5e8ed138],
  ["records", 16, 2097, 15, 0x4ab3453f],
  ["records", 17, 2228, 16, 0x8766505d],
  ["records", 48, 6289, 45, 0x61d96ad2],
  ["records", 64, 8385, 58, 0x040f7497],
  ["records", 100, 13101, 87, 0xd6a8205f],
  ["records", 333, 43624, 265, 0xa37260c9],
  ["records", 1000, 131001, 732, 0xa4f24d2a],
  ["records", 1392, 182353, 1003, 0x8853fe56],
  ["records", 2048, 268289, 1430, 0xc5e6a4d8],
  ["records", 4096, 536577, 2931, 0xc02205e2],
  ["records", 9000, 1179001, 6403, 0x656e1d53],
  ["text", 1, 133, 4, 0x0b8c3c4d],
  ["text", 2, 264, 4, 0x20e62977],
  ["text", 3, 395, 5, 0x593b1ed5],
  ["text", 4, 526, 6, 0x7882276a],
  ["text", 5, 657, 7, 0x66009595],
  ["text", 13, 1705, 15, 0x9f145a56],
  ["text", 16, 2098, 18, 0x0cc142cd],
  ["text", 17, 2229, 19, 0xbbd42cee],
  ["text", 48, 6290, 42, 0x21974961],
  ["text", 64, 8386, 54, 0x14027fba],
  ["text", 100, 13102, 75, 0xd168c3bc],
  ["text", 333, 43625, 179, 0xccb36826],
  ["text", 1000, 131002, 474, 0x42a72826],
  ["text", 1392, 182354, 597, 0x5c0e063a],
  ["text", 2048, 268290, 857, 0x1d7e40a8],
  ["text", 4096, 536578, 1560, 0x4eb8768e],
  ["text", 9000, 1179002, 3114, 0x2ccb7fd5],
  ["sparse", 1, 134, 4, 0xf681f0cd],
  ["sparse", 2, 265, 4, 0x91da8845],
  ["sparse", 3, 396, 4, 0x7e86792b],
  ["sparse", 4, 527, 4, 0xf32e4015],
  ["sparse", 5, 658, 7, 0x6268916d],
  ["sparse", 13, 1706, 7, 0xcbcdbdd0],
  ["sparse", 16, 2099, 10, 0x68bb26d7],
  ["sparse", 17, 2230, 6, 0xe607a3c3],
  ["sparse", 48, 6291, 16, 0xe8f05a94],
  ["sparse", 64, 8387, 19, 0x5d8d56d7],
  ["sparse", 100, 13103, 18, 0x66df369c],
  ["sparse", 333, 43626, 61, 0xb824125a],
  ["sparse", 1000, 131003, 174, 0xa8b30fc8],
  ["sparse", 1392, 182355, 252, 0xb843a48e],
  ["sparse", 2048, 268291, 375, 0xe2d43e6e],
  ["sparse", 4096, 536579, 765, 0x3ee1ffd7],
  ["sparse", 9000, 1179003, 1873, 0x1a30f5c2],
  ["runs", 1, 135, 4, 0x0ea222b1],
  ["runs", 2, 266, 4, 0x2a869b48],
  ["runs", 3, 397, 4, 0xfb0ce823],
  ["runs", 4, 528, 4, 0x648f3fbd],
  ["runs", 5, 659, 4, 0x8903fb22],
  ["runs", 13, 1707, 6, 0x77849cd0],
  ["runs", 16, 2100, 6, 0xae81f85b],
  ["runs", 17, 2231, 6, 0x180e56a7],
  ["runs", 48, 6292, 7, 0xe2d5d1a2],
  ["runs", 64, 8388, 7, 0xe2404188],
  ["runs", 100, 13104, 10, 0xa97919ba],
  ["runs", 333, 43627, 12, 0x99431656],
  ["runs", 1000, 131004, 12, 0x21c2313f],
  ["runs", 1392, 182356, 20, 0x109ea5fd],
  ["runs", 2048, 268292, 14, 0xd769c264],
  ["runs", 4096, 536580, 85, 0xe1d11ac8],
  ["runs", 9000, 1179004, 143, 0x44e08070],
];

describe("RangeCoder", () => {
  test("decompress() decodes datagrams captured from C ENet and Godot", () => {
    assertDecodesCaptures(new RangeCoder(), RANGE_CODER_CAPTURES);
  });

  test("compress() re-encodes captured bodies to exactly the captured bytes", () => {
    assertEncodesCaptures(new RangeCoder(), RANGE_CODER_CAPTURES);
  });

  test("compress() matches C ENet bit for bit on generated bodies", () => {
    const coder = new RangeCoder();
    assertKnownAnswers(C_ENET_VECTORS, (body) => coder.compress(body, 1 << 20));
  });

  test("round trips every size 0..64, then sizes up to 4096, for every kind of body", () => {
    const coder = new RangeCoder();
    const sizes: number[] = [];
    for (let size = 0; size <= 64; size++) sizes.push(size);
    for (let size = 65; size < 4096; size += 37) sizes.push(size);
    sizes.push(4096);
    for (const kind of KINDS) {
      for (const size of sizes) {
        const body = makeBody(kind, size, size + 1);
        const packed = coder.compress(body, 1 << 20);
        if (size === 0) {
          assert.equal(packed, null);
          continue;
        }
        assert.ok(packed, `${kind} ${size}`);
        const plain = coder.decompress(packed, size);
        assert.ok(plain, `${kind} ${size}`);
        assert.equal(toHex(plain), toHex(body), `${kind} ${size}`);
      }
    }
  });

  test("compress() returns null rather than pass the limit", () => {
    const coder = new RangeCoder();
    const body = makeBody("random", 200, 7);
    const full = coder.compress(body, 1 << 20)!.slice();
    assert.ok(full.length > 100);
    assert.equal(coder.compress(body, full.length - 1), null);
    assert.equal(toHex(coder.compress(body, full.length)!), toHex(full));
    assert.equal(coder.compress(body, 0), null);
  });

  test("decompress() returns null rather than pass the limit", () => {
    const coder = new RangeCoder();
    const body = new Uint8Array(1000).fill(0x55);
    const packed = coder.compress(body, 1000)!.slice();
    assert.equal(coder.decompress(packed, 999), null);
    assert.equal(coder.decompress(packed, 1000)?.length, 1000);
    assert.equal(coder.decompress(packed, 0), null);
  });

  test("decompress() accepts its own output while the compress result is alive", () => {
    const coder = new RangeCoder();
    const body = makeBody("records", 300, 3);
    const packed = coder.compress(body, 300)!;
    assert.equal(toHex(coder.decompress(packed, 4096)!), toHex(body));
  });

  test("empty input yields null both ways, as C ENet returns 0", () => {
    const coder = new RangeCoder();
    assert.equal(coder.compress(new Uint8Array(0), 100), null);
    assert.equal(coder.decompress(new Uint8Array(0), 100), null);
  });

  test("decompress() never throws and stays within the limit on garbage", () => {
    const coder = new RangeCoder();
    const next = xorshift(2024);
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      const input = new Uint8Array(1 + (next() % 80));
      for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
      const limit = 1 + (next() % 300);
      const out = coder.decompress(input, limit);
      if (out !== null) {
        decoded++;
        assert.ok(out.length >= 1 && out.length <= limit);
      }
    }
    // A range coder has no redundancy to check, so much garbage decodes to junk.
    assert.ok(decoded > 0);
  });

  test("decompress() survives mutated and truncated real streams", () => {
    const coder = new RangeCoder();
    const next = xorshift(77);
    for (let i = 0; i < 2000; i++) {
      const body = makeBody(KINDS[i % KINDS.length], 1 + (next() % 1400), i);
      const packed = coder.compress(body, 1 << 20)!.slice();
      const flips = 1 + (next() % 3);
      for (let j = 0; j < flips; j++) packed[next() % packed.length] ^= 1 << (next() % 8);
      const cut = next() % 4 === 0 ? packed.subarray(0, next() % packed.length) : packed;
      const out = coder.decompress(cut, 1400);
      assert.ok(out === null || (out.length >= 1 && out.length <= 1400));
    }
  });
});
