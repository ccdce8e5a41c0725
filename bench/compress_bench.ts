/**
 * Throughput and ratio of the datagram codecs on typical game datagrams (50..1400
 * bytes), and node:zlib (sync) against CompressionStream (async) for zlib.
 * Writes this runtime's section of bench/REPORT.md. Not a test: it never fails on
 * the numbers, which are noisy on a shared machine; compare ratios within a run.
 *
 * Run from the repository root: `deno run -A bench/compress_bench.ts`,
 * `bun bench/compress_bench.ts`, or under Node on the tsc output
 * (`node build/bench/compress_bench.js`). BENCH_MS sets the time per cell.
 *
 * @module
 */

import { readFileSync, writeFileSync } from "node:fs";
import { type Compressor, createCompressor, createZstdCompressor } from "../src/compress/mod.ts";
import { zlibCompressAsync, zlibDecompressAsync } from "../src/compress/zlib.ts";
import { fmt, runtimeInfo } from "./bench_util.ts";
import {
  FASTLZ_CAPTURES,
  RANGE_CODER_CAPTURES,
  ZLIB_CAPTURES,
  ZSTD_CAPTURES,
} from "../tests/compress/_captures.ts";
import { fromHex, xorshift } from "../tests/compress/_helpers.ts";

/** A labelled set of datagram bodies. */
interface Corpus {
  name: string;
  bodies: Uint8Array[];
}

/** An ENet SEND_UNRELIABLE / SEND_RELIABLE command header before `payload`. */
function command(view: DataView, offset: number, reliable: boolean, seq: number, size: number) {
  view.setUint8(offset, reliable ? 0x86 : 0x07);
  view.setUint8(offset + 1, 1);
  view.setUint16(offset + 2, seq);
  if (reliable) {
    view.setUint16(offset + 4, size);
    return offset + 6;
  }
  view.setUint16(offset + 4, seq);
  view.setUint16(offset + 6, size);
  return offset + 8;
}

/**
 * Game-state snapshots: an ack, then one unreliable command per snapshot with
 * entities (u16 id, 3 x f32 position, 3 x i16 velocity, u8 flags) that move a
 * little between snapshots.
 */
function snapshots(count: number, seed: number): Uint8Array[] {
  const next = xorshift(seed);
  const out: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const entities = 3 + (next() % 90); // 3..92 entities: about 70..1400 bytes
    const size = 8 + 4 + entities * 19;
    const body = new Uint8Array(size);
    const view = new DataView(body.buffer);
    view.setUint8(0, 0x81); // ACKNOWLEDGE
    view.setUint16(2, n);
    view.setUint16(4, n);
    view.setUint16(6, (n * 33) & 0xffff);
    let p = command(view, 8, false, n, size - 16);
    for (let e = 0; e < entities && p + 19 <= size; e++) {
      view.setUint16(p, 100 + e);
      view.setFloat32(p + 2, 100 + e * 3.5 + n * 0.1, true);
      view.setFloat32(p + 6, 12.5, true);
      view.setFloat32(p + 10, -40 + e + (next() % 100) / 100, true);
      view.setInt16(p + 14, (next() % 200) - 100, true);
      view.setInt16(p + 16, 0, true);
      body[p + 18] = next() & 3;
      p += 19;
    }
    out.push(body.subarray(0, p));
  }
  return out;
}

const WORDS = ("gg nice shot anyone up for another round? i'm at the bridge, need ammo " +
  "watch out behind you lol that was close team push mid now ok brb").split(" ");

/** Chat: reliable commands carrying a few short UTF-8 messages each. */
function chat(count: number, seed: number): Uint8Array[] {
  const next = xorshift(seed);
  const encoder = new TextEncoder();
  const out: Uint8Array[] = [];
  for (let n = 0; n < count; n++) {
    const messages = 1 + (next() % 6);
    const parts: Uint8Array[] = [];
    for (let m = 0; m < messages; m++) {
      const words = Array.from({ length: 3 + (next() % 25) }, () => WORDS[next() % WORDS.length]);
      parts.push(encoder.encode(`player${next() % 16}: ${words.join(" ")}`));
    }
    const size = parts.reduce((a, b) => a + 6 + b.length, 0);
    const body = new Uint8Array(size);
    const view = new DataView(body.buffer);
    let p = 0;
    for (const part of parts) {
      p = command(view, p, true, n, part.length);
      body.set(part, p);
      p += part.length;
    }
    out.push(body);
  }
  return out;
}

function corpora(): Corpus[] {
  const captured = [RANGE_CODER_CAPTURES, ZLIB_CAPTURES, FASTLZ_CAPTURES, ZSTD_CAPTURES]
    .flat().map((c) => fromHex(c.plain)).filter((b) => b.length >= 44);
  return [
    { name: "captured", bodies: captured },
    { name: "snapshots", bodies: snapshots(200, 1) },
    { name: "chat", bodies: chat(200, 2) },
  ];
}

interface Row {
  codec: string;
  corpus: string;
  bytes: number;
  ratio: number;
  shrunk: number;
  compressNs: number;
  decompressNs: number;
}

/** Repeats `fn` over the corpus for about `ms` milliseconds; returns ns per body. */
function timePerBody(bodies: Uint8Array[], ms: number, fn: (body: Uint8Array) => void): number {
  for (const body of bodies) fn(body); // warm up
  let rounds = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (const body of bodies) fn(body);
    rounds++;
    now = performance.now();
  }
  return ((now - start) * 1e6) / (rounds * bodies.length);
}

function measure(name: string, codec: Compressor, corpus: Corpus, ms: number): Row {
  const packed = corpus.bodies.map((b) => codec.compress(b, 8 * b.length + 64)!.slice());
  let bytes = 0;
  let compressed = 0;
  let shrunk = 0;
  corpus.bodies.forEach((body, i) => {
    bytes += body.length;
    compressed += packed[i].length;
    if (packed[i].length < body.length) shrunk++;
  });
  const compressNs = timePerBody(corpus.bodies, ms, (b) => codec.compress(b, 8 * b.length + 64));
  const decompressNs = timePerBody(packed, ms, (p) => codec.decompress(p, 4096));
  return {
    codec: name,
    corpus: corpus.name,
    bytes: bytes / corpus.bodies.length,
    ratio: compressed / bytes,
    shrunk: shrunk / corpus.bodies.length,
    compressNs,
    decompressNs,
  };
}

async function asyncPerBody(
  bodies: Uint8Array[],
  ms: number,
  fn: (body: Uint8Array) => Promise<unknown>,
): Promise<number> {
  for (const body of bodies) await fn(body);
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (const body of bodies) await fn(body);
    count += bodies.length;
    now = performance.now();
  }
  return ((now - start) * 1e6) / count;
}

function mbps(bytes: number, ns: number): string {
  return fmt((bytes / ns) * 1e3);
}

async function main(): Promise<void> {
  const ms = Number(
    (globalThis as { process?: { env: Record<string, string> } }).process?.env
      .BENCH_MS ?? 400,
  );
  const runtime = runtimeInfo();
  const codecs: [string, Compressor][] = [
    ["range-coder", await createCompressor("range-coder")],
    ["fastlz", await createCompressor("fastlz")],
    ["zlib (node:zlib)", await createCompressor("zlib")],
  ];
  const zstd = await createZstdCompressor();
  codecs.push([`zstd (${zstd.backend})`, zstd]);
  if (zstd.backend !== "wasm") {
    codecs.push(["zstd (wasm)", await createZstdCompressor({ backend: "wasm" })]);
  }
  const rows: Row[] = [];
  for (const corpus of corpora()) {
    for (const [name, codec] of codecs) rows.push(measure(name, codec, corpus, ms));
  }
  const lines: string[] = [];
  lines.push(`### ${runtime.name} ${runtime.version}`, "");
  lines.push(`Measured ${new Date().toISOString().slice(0, 10)}, ${ms} ms per cell.`, "");
  lines.push(
    "| codec | corpus | mean bytes | size ratio | shrunk | compress ns/dgram | compress MB/s | decompress ns/dgram | decompress MB/s |",
    "|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of rows) {
    lines.push(
      `| ${r.codec} | ${r.corpus} | ${r.bytes.toFixed(0)} | ${r.ratio.toFixed(3)} | ${
        (r.shrunk * 100).toFixed(0)
      }% | ${fmt(r.compressNs)} | ${mbps(r.bytes, r.compressNs)} | ${fmt(r.decompressNs)} | ${
        mbps(r.bytes, r.decompressNs)
      } |`,
    );
  }
  // zlib: node:zlib sync against CompressionStream, on the snapshot corpus.
  const bodies = corpora()[1].bodies;
  const sync = codecs[2][1];
  const syncC = timePerBody(bodies, ms, (b) => sync.compress(b, 8192));
  const packed = bodies.map((b) => sync.compress(b, 8192)!.slice());
  const syncD = timePerBody(packed, ms, (p) => sync.decompress(p, 4096));
  const webC = await asyncPerBody(bodies, ms, (b) => zlibCompressAsync(b));
  const webD = await asyncPerBody(packed, ms, (p) => zlibDecompressAsync(p, 4096));
  let webBytes = 0;
  for (const b of bodies) webBytes += (await zlibCompressAsync(b)).length;
  const syncBytes = packed.reduce((a, p) => a + p.length, 0);
  lines.push(
    "",
    "zlib, snapshots corpus: node:zlib deflateSync/inflateSync against CompressionStream/DecompressionStream (one stream per datagram).",
    "",
    "| zlib API | compress ns/dgram | decompress ns/dgram | compressed bytes |",
    "|---|---|---|---|",
    `| node:zlib sync | ${fmt(syncC)} | ${fmt(syncD)} | ${syncBytes} |`,
    `| CompressionStream | ${fmt(webC)} | ${fmt(webD)} | ${webBytes} |`,
    `| stream / sync | ${(webC / syncC).toFixed(1)}x | ${(webD / syncD).toFixed(1)}x | ${
      (webBytes / syncBytes).toFixed(3)
    } |`,
    "",
  );
  const section = lines.join("\n");
  console.log(section);
  writeReport(runtime.name, section);
}

/**
 * Replaces this runtime's section of bench/REPORT.md (relative to the working
 * directory: run from the repository root), keeping everything else.
 */
function writeReport(runtime: string, section: string): void {
  const path = "bench/REPORT.md";
  let text = "";
  try {
    text = readFileSync(path, "utf8");
  } catch {
    text = "# Benchmark report\n\n";
  }
  const heading = "## Compression codecs";
  if (!text.includes(heading)) {
    text += `\n${heading}\n\nbench/compress_bench.ts: typical game datagram bodies (the captured ` +
      "Godot/ENet datagrams, game-state snapshots, chat) compressed one datagram at a time. " +
      "Size ratio = compressed / original (lower is better); shrunk = datagrams that ENet would " +
      "send compressed. Timings are wall-clock on a shared, noisy 2-core machine: compare " +
      "codecs within one table, not across runs.\n\n";
  }
  const begin = `<!-- compress:${runtime}:begin -->`;
  const end = `<!-- compress:${runtime}:end -->`;
  const block = `${begin}\n${section}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else {
    const at = text.indexOf(heading) + heading.length;
    const nextHeading = text.indexOf("\n## ", at);
    const insert = nextHeading < 0 ? text.length : nextHeading;
    text = `${text.slice(0, insert).trimEnd()}\n\n${block}\n${text.slice(insert)}`;
  }
  writeFileSync(path, text);
}

await main();
