import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  COMPRESSION_MODES,
  createCompressor,
  createCompressStream,
  createDecompressStream,
  webZlibCodec,
  ZlibCompressor,
} from "../../src/compress/mod.ts";
import { KINDS, makeBody, toHex, xorshift } from "./_helpers.ts";

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return chunks;
    chunks.push(value);
  }
}

function source(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe("createCompressor()", () => {
  test("builds a working codec for every Godot mode", async () => {
    for (const mode of COMPRESSION_MODES) {
      const codec = await createCompressor(mode);
      const body = makeBody("records", 600, 9);
      const packed = codec.compress(body, body.length);
      assert.ok(packed && packed.length < body.length, mode);
      assert.equal(toHex(codec.decompress(packed, 4096)!), toHex(body), mode);
    }
  });

  test("rejects an unknown mode with a TypeError", async () => {
    await assert.rejects(createCompressor("lz4" as never), TypeError);
  });

  test("every codec returns null for garbage and never throws", async () => {
    const next = xorshift(99);
    for (const mode of COMPRESSION_MODES) {
      const codec = await createCompressor(mode);
      for (let i = 0; i < 1000; i++) {
        const input = new Uint8Array(next() % 50);
        for (let j = 0; j < input.length; j++) input[j] = next() & 0xff;
        const out = codec.decompress(input, 256);
        assert.ok(out === null || (out.length >= 1 && out.length <= 256), mode);
      }
      for (const fixed of [[], [0], [0xff, 0xff], [0x78, 0x9c], [0x28, 0xb5, 0x2f, 0xfd]]) {
        const out = codec.decompress(new Uint8Array(fixed), 256);
        if (mode !== "range-coder") assert.equal(out, null, `${mode} ${fixed}`);
      }
    }
  });

  test("codecs of different hosts do not share buffers", async () => {
    for (const mode of COMPRESSION_MODES) {
      const a = await createCompressor(mode);
      const b = await createCompressor(mode);
      const first = a.compress(makeBody("text", 300, 1), 300)!;
      const copy = first.slice();
      b.compress(makeBody("text", 300, 2), 300);
      assert.equal(toHex(first), toHex(copy), mode);
    }
  });
});

describe("compression streams", () => {
  test("each chunk is compressed and decompressed as one datagram", async () => {
    const bodies = KINDS.map((kind, i) => makeBody(kind, 100 + 200 * i, i));
    for (const mode of COMPRESSION_MODES) {
      const packed = await collect(
        source(bodies).pipeThrough(createCompressStream(await createCompressor(mode))),
      );
      assert.equal(packed.length, bodies.length, mode);
      const plain = await collect(
        source(packed).pipeThrough(createDecompressStream(await createCompressor(mode))),
      );
      assert.deepEqual(plain.map(toHex), bodies.map(toHex), mode);
    }
  });

  test("the Web zlib codec interoperates with node:zlib", async () => {
    const bodies = [makeBody("records", 700, 1), makeBody("text", 90, 2)];
    const packed = await collect(source(bodies).pipeThrough(createCompressStream(webZlibCodec)));
    const sync = new ZlibCompressor();
    assert.deepEqual(packed.map((p) => toHex(sync.decompress(p, 4096)!)), bodies.map(toHex));
    const back = await collect(
      source(bodies.map((b) => sync.compress(b, 4096)!.slice()))
        .pipeThrough(createDecompressStream(webZlibCodec)),
    );
    assert.deepEqual(back.map(toHex), bodies.map(toHex));
  });

  test("the decompress stream drops bad chunks and reports them", async () => {
    const codec = await createCompressor("zlib");
    const good = codec.compress(makeBody("text", 500, 3), 500)!.slice();
    const bomb = codec.compress(new Uint8Array(10000), 10000)!.slice();
    const dropped: Uint8Array[] = [];
    const out = await collect(
      source([new Uint8Array([1, 2, 3]), good, bomb]).pipeThrough(
        createDecompressStream(codec, { limit: 4096, onDrop: (chunk) => dropped.push(chunk) }),
      ),
    );
    assert.equal(out.length, 1);
    assert.equal(out[0].length, 500);
    assert.equal(dropped.length, 2);
  });

  test("the decompress stream rejects a limit below 1", () => {
    assert.throws(() => createDecompressStream(new ZlibCompressor(), { limit: 0 }), RangeError);
  });
});
