/**
 * Godot's COMPRESS_ZSTD: each datagram's commands as one standard zstd frame at
 * level 3, as Godot's `Compression::compress(MODE_ZSTD)` writes it.
 *
 * Two backends, same frames: the `@bokuweb/zstd-wasm` package (a WebAssembly build of
 * the reference library, loaded once, then synchronous), used by default because it
 * measured as fast or faster everywhere, and `node:zlib`'s zstd (Deno, Bun, and Node
 * from 22.15) on request.
 *
 * @module
 */

import * as zlib from "node:zlib";
import type { Compressor } from "./compressor.ts";

/** Godot's default `compression/formats/zstd/compression_level`. */
export const ZSTD_LEVEL = 3;
const MAX_OUTPUT = 1 << 30;
const FRAME_MAGIC = 0xfd2fb528;

/** Which zstd implementation a {@link ZstdCompressor} runs on. */
export type ZstdBackend = "node-zlib" | "wasm";

/** The zstd functions of `node:zlib` (Deno, Bun, Node 22.15+). */
export interface NodeZstd {
  /** Compresses to one frame. */
  zstdCompressSync(input: Uint8Array, options?: object): Uint8Array;
  /** Decompresses, honouring `maxOutputLength`. */
  zstdDecompressSync(input: Uint8Array, options?: object): Uint8Array;
}

/** The API of the `@bokuweb/zstd-wasm` package. */
export interface WasmZstd {
  /** Loads the WebAssembly module. */
  init(): Promise<void>;
  /** Compresses to one frame with `ZSTD_compress`. */
  compress(input: Uint8Array, level?: number): Uint8Array;
  /** Decompresses into a buffer sized from the frame header, else `defaultHeapSize`. */
  decompress(input: Uint8Array, options?: { defaultHeapSize: number }): Uint8Array;
}

/** `node:zlib`'s zstd functions when this runtime has them. */
function nodeZstd(): NodeZstd | null {
  const z = zlib as unknown as Partial<NodeZstd>;
  return typeof z.zstdCompressSync === "function" && typeof z.zstdDecompressSync === "function"
    ? z as NodeZstd
    : null;
}

let wasmLoading: Promise<WasmZstd> | undefined;

/** Loads and initialises the WebAssembly zstd once. */
function loadWasm(): Promise<WasmZstd> {
  wasmLoading ??= (async () => {
    let module: WasmZstd;
    try {
      module = await import("@bokuweb/zstd-wasm") as unknown as WasmZstd;
    } catch (error) {
      wasmLoading = undefined;
      throw new Error(
        "the optional package @bokuweb/zstd-wasm did not load, install it with " +
          `npm install @bokuweb/zstd-wasm: ${(error as Error).message}`,
        { cause: error },
      );
    }
    await module.init();
    return module;
  })();
  return wasmLoading;
}

/**
 * Reads the Frame_Content_Size of a zstd frame header (RFC 8878 §3.1.1.1).
 *
 * @param input bytes that should start with a zstd frame
 * @returns the size, -1 when the header leaves it out, or null when `input`
 *   does not start with a well-formed standard frame header
 * @example
 * ```ts
 * import { zstdFrameContentSize } from "./zstd.ts";
 * const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0, 0, 0]);
 * console.assert(zstdFrameContentSize(frame) === 5);
 * ```
 */
export function zstdFrameContentSize(input: Uint8Array): number | null {
  if (input.length < 6) return null;
  const magic = (input[0] | input[1] << 8 | input[2] << 16 | input[3] << 24) >>> 0;
  if (magic !== FRAME_MAGIC) return null;
  const descriptor = input[4];
  if (descriptor & 0x08) return null; // reserved bit
  const sizeFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const pos = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][descriptor & 3];
  const sizeBytes = sizeFlag === 0 ? singleSegment : [0, 2, 4, 8][sizeFlag];
  if (pos + sizeBytes > input.length) return null;
  if (sizeBytes === 0) return -1;
  let size = 0;
  for (let i = sizeBytes - 1; i >= 0; i--) size = size * 256 + input[pos + i];
  return sizeBytes === 2 ? size + 256 : size;
}

/**
 * The COMPRESS_ZSTD codec. Build it with {@link createZstdCompressor}, which
 * picks and loads a backend.
 *
 * Decompression is bounded while it runs: `node:zlib` stops at
 * `maxOutputLength`; for the WebAssembly backend the frame header is checked
 * first and the output buffer is sized to the declared content size or `limit`,
 * whichever the header allows.
 */
export class ZstdCompressor implements Compressor {
  /** The implementation in use. */
  readonly backend: ZstdBackend;
  readonly #native: NodeZstd | null;
  readonly #wasm: WasmZstd | null;
  readonly #level: number;
  readonly #compressOptions = { params: {} as Record<number, number>, pledgedSrcSize: 0 };
  readonly #decompressOptions = { maxOutputLength: 1 };
  readonly #wasmOptions = { defaultHeapSize: 1 };

  /** Use {@link createZstdCompressor}. */
  constructor(implementation: NodeZstd | WasmZstd, backend: ZstdBackend, level: number) {
    this.backend = backend;
    this.#native = backend === "node-zlib" ? implementation as NodeZstd : null;
    this.#wasm = backend === "wasm" ? implementation as WasmZstd : null;
    this.#level = level;
    const constants = zlib.constants as unknown as Record<string, number>;
    const levelParameter = constants.ZSTD_c_compressionLevel ?? 100;
    this.#compressOptions.params[levelParameter] = level;
  }

  /**
   * Compresses `input` into one zstd frame that records its content size.
   *
   * @returns the frame, or null when `input` is empty or the frame is longer than `limit`
   */
  compress(input: Uint8Array, limit: number): Uint8Array | null {
    if (input.length === 0) return null;
    try {
      let out: Uint8Array;
      if (this.#native !== null) {
        this.#compressOptions.pledgedSrcSize = input.length;
        out = this.#native.zstdCompressSync(input, this.#compressOptions);
      } else {
        out = this.#wasm!.compress(input, this.#level);
      }
      return out.length <= limit
        ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
        : null;
    } catch {
      return null;
    }
  }

  /**
   * Decompresses one zstd frame into at most `limit` bytes.
   *
   * @returns the bytes, or null on garbage, truncation, empty output or more than `limit` bytes
   */
  decompress(input: Uint8Array, limit: number): Uint8Array | null {
    if (!(limit >= 1)) return null;
    const declared = zstdFrameContentSize(input);
    if (declared === null || declared > limit || declared === 0) return null;
    const bound = Math.min(Math.floor(limit), MAX_OUTPUT);
    try {
      let out: Uint8Array;
      if (this.#native !== null) {
        this.#decompressOptions.maxOutputLength = bound;
        out = this.#native.zstdDecompressSync(input, this.#decompressOptions);
      } else {
        // The package sizes its output buffer from the header, or from
        // defaultHeapSize when the header has no size: both are within `limit`.
        this.#wasmOptions.defaultHeapSize = bound;
        out = this.#wasm!.decompress(input, this.#wasmOptions);
      }
      return out.length > 0 ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : null;
    } catch {
      return null;
    }
  }
}

/** Options of {@link createZstdCompressor}. */
export interface ZstdOptions {
  /**
   * `"auto"` (the default) and `"wasm"` use the WebAssembly build, which bench/REPORT.md measured
   * as fast as or faster than `node:zlib`'s zstd in every runtime; `"node-zlib"` asks for the
   * runtime's own (Deno, Bun, Node 22.15+).
   */
  backend?: ZstdBackend | "auto";
  /** Compression level, 1..22; Godot's default is 3. */
  level?: number;
}

/**
 * Builds a COMPRESS_ZSTD codec, loading the WebAssembly backend if needed.
 *
 * @example
 * ```ts
 * import { createZstdCompressor } from "./zstd.ts";
 * const codec = await createZstdCompressor();
 * const body = new Uint8Array(300).fill(42);
 * const frame = codec.compress(body, body.length)!;
 * console.assert(codec.decompress(frame, 4096)!.length === 300);
 * ```
 */
export async function createZstdCompressor(options: ZstdOptions = {}): Promise<ZstdCompressor> {
  const level = options.level ?? ZSTD_LEVEL;
  if (!Number.isInteger(level) || level < 1 || level > 22) {
    throw new RangeError(`Cannot create zstd codec: level ${level} is not 1..22`);
  }
  if (options.backend === "node-zlib") {
    const native = nodeZstd();
    if (native === null) {
      throw new TypeError("Cannot create zstd codec: this runtime's node:zlib has no zstd");
    }
    return new ZstdCompressor(native, "node-zlib", level);
  }
  return new ZstdCompressor(await loadWasm(), "wasm", level);
}
