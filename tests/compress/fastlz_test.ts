import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  fastlzBound,
  fastlzCompress,
  FastLzCompressor,
  fastlzDecompress,
} from "../../src/compress/fastlz.ts";
import { FASTLZ_CAPTURES } from "./_captures.ts";
import {
  assertDecodesCaptures,
  assertEncodesCaptures,
  assertKnownAnswers,
  fromHex,
  KINDS,
  type KnownAnswer,
  makeBody,
  toHex,
  xorshift,
} from "./_helpers.ts";

/**
 * Known answers from FastLZ 0.5.0's fastlz_compress_level(1, ...) (the version
 * Godot bundles) on generated bodies: [kind, size, seed, output length, FNV-1a].
 */
const FASTLZ_VECTORS: readonly KnownAnswer[] = [
  ["random", 1, 131, 2, 0xe677e71c],
  ["random", 2, 262, 3, 0xaa4e6d3b],
  ["random", 3, 393, 4, 0x43e0c0f1],
  ["random", 4, 524, 5, 0xc1eadf37],
  ["random", 5, 655, 6, 0xef0b4dea],
  ["random", 13, 1703, 14, 0x84922d5b],
  ["random", 16, 2096, 17, 0x649ef26c],
  ["random", 17, 2227, 18, 0xe7505e29],
  ["random", 48, 6288, 50, 0x751a3640],
  ["random", 64, 8384, 66, 0xbb8104dc],
  ["random", 100, 13100, 104, 0x029fa5b4],
  ["random", 333, 43623, 344, 0xf766138e],
  ["random", 1000, 131000, 1032, 0x455f31a6],
  ["random", 1392, 182352, 1436, 0x10ef6afd],
  ["random", 2048, 268288, 2112, 0x63dd36d4],
  ["random", 4096, 536576, 4224, 0x8133fffd],
  ["random", 9000, 1179000, 9281, 0x8ea6f180],
  ["records", 1, 132, 2, 0x117697cd],
  ["records", 2, 263, 3, 0x0bca446c],
  ["records", 3, 394, 4, 0xebee7337],
  ["records", 4, 525, 5, 0x58b817d2],
  ["records", 5, 656, 6, 0xaa1fd3cd],
  ["records", 13, 1704, 14, 0x640b97af],
  ["records", 16, 2097, 17, 0x9100a544],
  ["records", 17, 2228, 18, 0xb4225048],
  ["records", 48, 6289, 49, 0xe322d98b],
  ["records", 64, 8385, 65, 0xc9a6187d],
  ["records", 100, 13101, 100, 0x75665429],
  ["records", 333, 43624, 323, 0x00857753],
  ["records", 1000, 131001, 928, 0x5ad86937],
  ["records", 1392, 182353, 1282, 0xb1cde678],
  ["records", 2048, 268289, 1859, 0x43e67291],
  ["records", 4096, 536577, 3611, 0x67098871],
  ["records", 9000, 1179001, 7610, 0xa0177396],
  ["text", 1, 133, 2, 0x3176ca2d],
  ["text", 2, 264, 3, 0xb9a3bcab],
  ["text", 3, 395, 4, 0x594c33e8],
  ["text", 4, 526, 5, 0xde811923],
  ["text", 5, 657, 6, 0x9bb08275],
  ["text", 13, 1705, 14, 0x70ee64fa],
  ["text", 16, 2098, 17, 0x1dc55bf0],
  ["text", 17, 2229, 18, 0x0531aa06],
  ["text", 48, 6290, 48, 0x10efdc2a],
  ["text", 64, 8386, 66, 0x9ee5770b],
  ["text", 100, 13102, 99, 0x6c4605fc],
  ["text", 333, 43625, 261, 0x2831d391],
  ["text", 1000, 131002, 764, 0x9f0a7b1c],
  ["text", 1392, 182354, 963, 0x985683aa],
  ["text", 2048, 268290, 1385, 0x10ca410b],
  ["text", 4096, 536578, 2585, 0xbae13d06],
  ["text", 9000, 1179002, 5342, 0x589ef868],
  ["sparse", 1, 134, 2, 0x117697cd],
  ["sparse", 2, 265, 3, 0x0bca446c],
  ["sparse", 3, 396, 4, 0xebee7337],
  ["sparse", 4, 527, 5, 0x58b817d2],
  ["sparse", 5, 658, 6, 0x05d8de86],
  ["sparse", 13, 1706, 14, 0xd4ff85cb],
  ["sparse", 16, 2099, 17, 0x08960451],
  ["sparse", 17, 2230, 10, 0xc122a38e],
  ["sparse", 48, 6291, 25, 0xa5c99555],
  ["sparse", 64, 8387, 35, 0x195d8c38],
  ["sparse", 100, 13103, 33, 0xe2d2a870],
  ["sparse", 333, 43626, 116, 0x2e2f2307],
  ["sparse", 1000, 131003, 308, 0xd6097412],
  ["sparse", 1392, 182355, 447, 0xb9dff90b],
  ["sparse", 2048, 268291, 668, 0x8c4796ae],
  ["sparse", 4096, 536579, 1143, 0xbb427fb3],
  ["sparse", 9000, 1179003, 2406, 0xaf5372fa],
  ["runs", 1, 135, 2, 0x5076fafa],
  ["runs", 2, 266, 3, 0xf16bbc42],
  ["runs", 3, 397, 4, 0x57be6702],
  ["runs", 4, 528, 5, 0x931db46e],
  ["runs", 5, 659, 6, 0xc329b7d2],
  ["runs", 13, 1707, 14, 0xd0e73b52],
  ["runs", 16, 2100, 10, 0x8fa9c1d0],
  ["runs", 17, 2231, 10, 0xb3b60a2d],
  ["runs", 48, 6292, 10, 0x1ba5f570],
  ["runs", 64, 8388, 10, 0x6104ab80],
  ["runs", 100, 13104, 11, 0x16b15aa9],
  ["runs", 333, 43627, 21, 0xab34d519],
  ["runs", 1000, 131004, 25, 0x7893ce93],
  ["runs", 1392, 182356, 37, 0x77078f9a],
  ["runs", 2048, 268292, 36, 0x666c895e],
  ["runs", 4096, 536580, 126, 0xbd4239f1],
  ["runs", 9000, 1179004, 194, 0x7bbaf9ad],
];

function compress(input: Uint8Array): Uint8Array {
  const out = new Uint8Array(fastlzBound(input.length));
  return out.subarray(0, fastlzCompress(input, out));
}

describe("FastLZ level 1", () => {
  test("fastlzCompress() matches FastLZ 0.5.0 byte for byte", () => {
    assertKnownAnswers(FASTLZ_VECTORS, compress);
  });

  test("known blocks: literals, a run, a long match", () => {
    assert.equal(toHex(compress(fromHex("0102030405"))), "040102030405");
    assert.equal(toHex(compress(new Uint8Array(24))), "010000e00a0102000000");
    const out = new Uint8Array(24);
    assert.equal(fastlzDecompress(fromHex("010000e00a0102000000"), out), 24);
    assert.ok(out.every((b) => b === 0));
    const long = new Uint8Array(1000).fill(0x41);
    const block = compress(long);
    const back = new Uint8Array(1000);
    assert.equal(fastlzDecompress(block, back), 1000);
    assert.ok(back.every((b) => b === 0x41));
  });

  test("round trips sizes 0..64 densely, then up to 4096 and past one block's reach", () => {
    const sizes: number[] = [];
    for (let size = 0; size <= 64; size++) sizes.push(size);
    for (let size = 65; size <= 4096; size += 61) sizes.push(size);
    sizes.push(4096, 20000);
    for (const kind of KINDS) {
      for (const size of sizes) {
        const body = makeBody(kind, size, size * 3 + 1);
        const block = compress(body);
        assert.ok(block.length <= fastlzBound(size));
        if (size === 0) {
          assert.equal(block.length, 0);
          continue;
        }
        const back = new Uint8Array(size);
        assert.equal(fastlzDecompress(block, back), size, `${kind} ${size}`);
        assert.equal(toHex(back), toHex(body), `${kind} ${size}`);
      }
    }
  });

  test("fastlzDecompress() refuses output that passes the buffer", () => {
    const block = compress(new Uint8Array(500).fill(3));
    assert.equal(fastlzDecompress(block, new Uint8Array(499)), 0);
    assert.equal(fastlzDecompress(block, new Uint8Array(500)), 500);
  });

  test("fastlzDecompress() refuses matches before the start and unknown levels", () => {
    // Literal "A", then a match of 3 at distance 2: before the output's start.
    assert.equal(fastlzDecompress(fromHex("004120" + "01"), new Uint8Array(64)), 0);
    assert.equal(fastlzDecompress(fromHex("4041"), new Uint8Array(64)), 0);
    assert.equal(fastlzDecompress(new Uint8Array(0), new Uint8Array(64)), 0);
  });

  test("fuzzed decoder: random and mutated blocks never throw, never pass the limit", () => {
    const next = xorshift(0xfa57);
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      let input: Uint8Array;
      if (i % 2 === 0) {
        input = new Uint8Array(1 + (next() % 100));
        for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
      } else {
        const body = makeBody(KINDS[i % KINDS.length], 1 + (next() % 2000), i);
        input = compress(body).slice();
        const flips = 1 + (next() % 4);
        for (let j = 0; j < flips; j++) input[next() % input.length] = next() & 0xff;
        if (next() % 3 === 0) input = input.subarray(0, next() % input.length);
      }
      const limit = next() % 3000;
      // A guard band after the limit shows any write past it.
      const output = new Uint8Array(limit + 64).fill(0xee);
      const size = fastlzDecompress(input, output.subarray(0, limit));
      assert.ok(size >= 0 && size <= limit);
      assert.ok(output.subarray(limit).every((b) => b === 0xee), "wrote past the limit");
      if (size > 0) accepted++;
    }
    assert.ok(accepted > 0);
  });
});

describe("FastLzCompressor (Godot's COMPRESS_FASTLZ)", () => {
  test("decompress() decodes datagrams captured between Godot peers", () => {
    assertDecodesCaptures(new FastLzCompressor(), FASTLZ_CAPTURES);
  });

  test("compress() reproduces the captured datagrams exactly", () => {
    assertEncodesCaptures(new FastLzCompressor(), FASTLZ_CAPTURES);
  });

  test("pads inputs under 16 bytes with zeros, as Godot does", () => {
    const codec = new FastLzCompressor();
    const short = fromHex("0102030405");
    const block = codec.compress(short, 100)!;
    assert.equal(toHex(block), toHex(compress(fromHex("0102030405" + "00".repeat(11)))));
    assert.equal(toHex(codec.decompress(block, 4096)!), "0102030405" + "00".repeat(11));
  });

  test("compress() honours the limit and refuses empty input", () => {
    const codec = new FastLzCompressor();
    const body = makeBody("random", 100, 1);
    assert.equal(codec.compress(body, 100), null);
    assert.equal(codec.compress(new Uint8Array(0), 100), null);
    assert.ok(codec.compress(new Uint8Array(100), 100)!.length < 100);
  });

  test("decompress() returns null on garbage, over the limit, and for empty input", () => {
    const codec = new FastLzCompressor();
    const packed = codec.compress(new Uint8Array(300), 300)!.slice();
    assert.equal(codec.decompress(packed, 299), null);
    assert.equal(codec.decompress(packed, 300)?.length, 300);
    assert.equal(codec.decompress(new Uint8Array(0), 300), null);
    assert.equal(codec.decompress(fromHex("ffffffff"), 300), null);
    assert.equal(codec.decompress(packed, 0), null);
  });
});
