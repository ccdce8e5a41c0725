import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { deflateSync } from "node:zlib";
import { zlibCompressAsync, ZlibCompressor, zlibDecompressAsync } from "../../src/compress/zlib.ts";
import { ZLIB_CAPTURES } from "./_captures.ts";
import { assertDecodesCaptures, fromHex, KINDS, makeBody, toHex, xorshift } from "./_helpers.ts";

/** 4 MiB of zeros as one zlib stream (about 4 KiB): a decompression bomb for a 4 KiB limit. */
const BOMB = deflateSync(new Uint8Array(4 << 20), { level: 9 });

describe("ZlibCompressor (Godot's COMPRESS_ZLIB)", () => {
  test("decompress() decodes datagrams captured from C ENet and Godot", () => {
    assertDecodesCaptures(new ZlibCompressor(), ZLIB_CAPTURES);
  });

  test("compress() writes one RFC 1950 stream that round-trips the captured bodies", () => {
    const codec = new ZlibCompressor();
    for (const capture of ZLIB_CAPTURES) {
      const plain = fromHex(capture.plain);
      const packed = codec.compress(plain, 4096)!.slice();
      // CMF 0x78 (deflate, 32 KiB window), FLG 0x9c (level 6), header check.
      assert.equal(packed[0], 0x78);
      assert.equal(packed[1], 0x9c);
      assert.equal(((packed[0] << 8) | packed[1]) % 31, 0);
      assert.equal(toHex(codec.decompress(packed, 4096)!), capture.plain);
    }
  });

  test("round trips bodies of many sizes and kinds", () => {
    const codec = new ZlibCompressor();
    for (const kind of KINDS) {
      for (let size = 1; size <= 4096; size += size < 64 ? 1 : 127) {
        const body = makeBody(kind, size, size);
        const packed = codec.compress(body, 1 << 20)!;
        assert.equal(toHex(codec.decompress(packed, size)!), toHex(body), `${kind} ${size}`);
      }
    }
  });

  test("decompress() stops a decompression bomb at the limit", () => {
    const codec = new ZlibCompressor();
    assert.ok(BOMB.length < 8192);
    assert.equal(codec.decompress(BOMB, 4096), null);
    const small = codec.compress(new Uint8Array(4096), 4096)!.slice();
    assert.equal(codec.decompress(small, 4095), null);
    assert.equal(codec.decompress(small, 4096)?.length, 4096);
  });

  test("decompress() returns null for truncated, corrupt and empty streams", () => {
    const codec = new ZlibCompressor();
    const packed = codec.compress(makeBody("text", 500, 1), 1000)!.slice();
    assert.equal(codec.decompress(packed.subarray(0, packed.length - 1), 4096), null);
    const badAdler = packed.slice();
    badAdler[badAdler.length - 1] ^= 1;
    assert.equal(codec.decompress(badAdler, 4096), null);
    assert.equal(codec.decompress(new Uint8Array(0), 4096), null);
    assert.equal(codec.decompress(codec.compress(new Uint8Array(1), 10)!, 0), null);
    // A valid stream of nothing: ENet counts an empty result as a failure.
    assert.equal(codec.decompress(deflateSync(new Uint8Array(0)), 4096), null);
  });

  test("decompress() never throws on garbage or mutated streams", () => {
    const codec = new ZlibCompressor();
    const next = xorshift(31337);
    for (let i = 0; i < 2000; i++) {
      let input: Uint8Array;
      if (i % 2 === 0) {
        input = new Uint8Array(next() % 64);
        for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
      } else {
        input = codec.compress(makeBody(KINDS[i % KINDS.length], 1 + (next() % 1400), i), 4096)!
          .slice();
        input[next() % input.length] ^= 1 << (next() % 8);
      }
      const out = codec.decompress(input, 1400);
      assert.ok(out === null || (out.length >= 1 && out.length <= 1400));
    }
  });

  test("compress() honours the limit and refuses empty input", () => {
    const codec = new ZlibCompressor();
    assert.equal(codec.compress(makeBody("random", 100, 1), 100), null);
    assert.equal(codec.compress(new Uint8Array(0), 100), null);
  });

  test("rejects a level outside 0..9", () => {
    assert.throws(() => new ZlibCompressor(10), RangeError);
    assert.throws(() => new ZlibCompressor(-1), RangeError);
  });
});

describe("zlib over CompressionStream", () => {
  test("zlibCompressAsync() output is a zlib stream node:zlib reads", async () => {
    const codec = new ZlibCompressor();
    for (const capture of ZLIB_CAPTURES) {
      const packed = await zlibCompressAsync(fromHex(capture.plain));
      assert.equal(packed[0], 0x78);
      assert.equal(toHex(codec.decompress(packed, 4096)!), capture.plain);
    }
  });

  test("zlibDecompressAsync() decodes captured datagrams", async () => {
    for (const capture of ZLIB_CAPTURES) {
      const plain = await zlibDecompressAsync(fromHex(capture.packed), 4096);
      assert.equal(toHex(plain!), capture.plain);
    }
  });

  test("zlibDecompressAsync() stops a bomb at the limit and rejects garbage", async () => {
    assert.equal(await zlibDecompressAsync(BOMB, 4096), null);
    assert.equal(await zlibDecompressAsync(fromHex("0102030405060708"), 4096), null);
    assert.equal(await zlibDecompressAsync(new Uint8Array(0), 4096), null);
    const packed = await zlibCompressAsync(new Uint8Array(100));
    assert.equal(await zlibDecompressAsync(packed.subarray(0, 5), 4096), null);
  });
});
