import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  createZstdCompressor,
  type ZstdCompressor,
  zstdFrameContentSize,
} from "../../src/compress/zstd.ts";
import { ZSTD_CAPTURES } from "./_captures.ts";
import { assertDecodesCaptures, fromHex, KINDS, makeBody, toHex, xorshift } from "./_helpers.ts";

/** 300 bytes of 0x07 from `zstd --no-check -3`: a frame with a 2-byte content size. */
const FRAME_300 = "28b52ffd602c004d00001007070100272ac002";
/** 100 zero bytes from a streaming encoder: no content size in the header. */
const FRAME_UNKNOWN_SIZE = "28b52ffd005845000010000001003f012c";

async function backends(): Promise<ZstdCompressor[]> {
  const auto = await createZstdCompressor();
  const wasm = await createZstdCompressor({ backend: "wasm" });
  return auto.backend === "wasm" ? [wasm] : [auto, wasm];
}

describe("ZstdCompressor (Godot's COMPRESS_ZSTD)", () => {
  test("decompress() decodes datagrams captured between Godot peers", async () => {
    for (const codec of await backends()) {
      assertDecodesCaptures(codec, ZSTD_CAPTURES, codec.backend);
    }
  });

  test("compress() writes one frame, with its content size, at level 3", async () => {
    for (const codec of await backends()) {
      for (const capture of ZSTD_CAPTURES) {
        const plain = fromHex(capture.plain);
        const frame = codec.compress(plain, 4096)!.slice();
        assert.equal(zstdFrameContentSize(frame), plain.length, codec.backend);
        assert.equal(toHex(codec.decompress(frame, 4096)!), capture.plain, codec.backend);
      }
    }
  });

  test("every backend writes the reference zstd's frame, and both backends the same frames", async () => {
    const list = await backends();
    for (const codec of list) {
      // FRAME_300 comes from the zstd command line tool, not from this library.
      const frame = codec.compress(new Uint8Array(300).fill(7), 4096)!;
      assert.equal(toHex(frame), FRAME_300, codec.backend);
    }
    if (list.length < 2) return; // this runtime's node:zlib has no zstd: wasm only
    for (const kind of KINDS) {
      const body = makeBody(kind, 1000, 5);
      assert.equal(toHex(list[0].compress(body, 4096)!), toHex(list[1].compress(body, 4096)!));
    }
  });

  test("round trips bodies of many sizes and kinds", async () => {
    for (const codec of await backends()) {
      for (const kind of KINDS) {
        for (let size = 1; size <= 4096; size += size < 64 ? 3 : 211) {
          const body = makeBody(kind, size, size);
          const frame = codec.compress(body, 1 << 20)!;
          assert.equal(toHex(codec.decompress(frame, size)!), toHex(body), `${kind} ${size}`);
        }
      }
    }
  });

  test("decompress() handles frames with and without a content size", async () => {
    for (const codec of await backends()) {
      assert.equal(codec.decompress(fromHex(FRAME_300), 4096)?.length, 300);
      assert.equal(codec.decompress(fromHex(FRAME_300), 299), null);
      assert.equal(codec.decompress(fromHex(FRAME_UNKNOWN_SIZE), 4096)?.length, 100);
      assert.equal(codec.decompress(fromHex(FRAME_UNKNOWN_SIZE), 99), null);
    }
  });

  test("decompress() refuses a bomb whose header lies about its size", async () => {
    for (const codec of await backends()) {
      const frame = codec.compress(new Uint8Array(1 << 20), 1 << 20)!.slice();
      assert.equal(codec.decompress(frame, 4096), null);
      // Claim 100 bytes (single segment, 1-byte size) for a 1 MiB frame body.
      const liar = frame.slice();
      liar[4] = 0x20;
      const forged = new Uint8Array([...liar.subarray(0, 5), 100, ...frame.subarray(9)]);
      assert.equal(codec.decompress(forged, 4096), null);
    }
  });

  test("decompress() returns null on garbage, never throws", async () => {
    for (const codec of await backends()) {
      const next = xorshift(4242);
      assert.equal(codec.decompress(new Uint8Array(0), 4096), null);
      assert.equal(codec.decompress(fromHex("28b52ffd"), 4096), null);
      for (let i = 0; i < 1500; i++) {
        let input: Uint8Array;
        if (i % 2 === 0) {
          input = new Uint8Array(next() % 64);
          for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
          if (i % 4 === 0 && input.length > 4) input.set([0x28, 0xb5, 0x2f, 0xfd]);
        } else {
          const body = makeBody(KINDS[i % KINDS.length], 1 + (next() % 1400), i);
          input = codec.compress(body, 4096)!.slice();
          input[next() % input.length] ^= 1 << (next() % 8);
          if (next() % 3 === 0) input = input.subarray(0, next() % input.length);
        }
        const out = codec.decompress(input, 1400);
        assert.ok(out === null || (out.length >= 1 && out.length <= 1400), codec.backend);
      }
    }
  });

  test("compress() honours the limit and refuses empty input", async () => {
    for (const codec of await backends()) {
      assert.equal(codec.compress(makeBody("random", 100, 1), 100), null);
      assert.equal(codec.compress(new Uint8Array(0), 100), null);
    }
  });

  test("rejects a level outside 1..22", async () => {
    await assert.rejects(createZstdCompressor({ level: 0 }), RangeError);
    await assert.rejects(createZstdCompressor({ level: 23 }), RangeError);
  });
});

describe("zstdFrameContentSize()", () => {
  test("reads each size field width and rejects malformed headers", () => {
    assert.equal(zstdFrameContentSize(fromHex(FRAME_300)), 300);
    assert.equal(zstdFrameContentSize(fromHex(FRAME_UNKNOWN_SIZE)), -1);
    // 2-byte field (flag 1) stores size - 256.
    assert.equal(zstdFrameContentSize(fromHex("28b52ffd60" + "0001")), 512);
    // 4-byte field (flag 2) after a window byte and a 1-byte dictionary id.
    assert.equal(zstdFrameContentSize(fromHex("28b52ffd81" + "58" + "07" + "10000000")), 16);
    assert.equal(zstdFrameContentSize(fromHex("28b52ffd88" + "58")), null, "reserved bit");
    assert.equal(zstdFrameContentSize(fromHex("28b52ffd80" + "58" + "0100")), null, "short");
    assert.equal(zstdFrameContentSize(fromHex("2ab52ffd2001")), null, "magic");
  });
});
