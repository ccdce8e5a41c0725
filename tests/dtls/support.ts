/**
 * Helpers for the DTLS tests: fixtures, loopback UDP transports, bounded waiting.
 *
 * @module
 */

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openUdpTransport } from "../../adapters/mod.ts";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";

/** The repository root (works from the sources and from the compiled copy in build/). */
export const ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "tests", "dtls", "fixtures", "README.md"))) {
    const up = dirname(dir);
    if (up === dir) return process.cwd(); // compiled somewhere else: run from the repository root
    dir = up;
  }
  return dir;
})();

/**
 * @param name File name in tests/dtls/fixtures.
 * @returns Its path.
 */
export function fixturePath(name: string): string {
  return join(ROOT, "tests", "dtls", "fixtures", name);
}

/**
 * @param name File name in tests/dtls/fixtures.
 * @returns Its text.
 */
export function fixture(name: string): string {
  return readFileSync(fixturePath(name), "utf8");
}

/** @returns A UDP transport bound to 127.0.0.1 on a free port. */
export function udp(): Promise<DatagramTransport> {
  return openUdpTransport({ address: "127.0.0.1", port: 0 });
}

/**
 * Waits until `condition()` holds, polling every 10 ms, at most `limitMs`.
 *
 * @param condition What to wait for.
 * @param limitMs Upper bound.
 * @param what Named in the error on time-out.
 */
export async function waitFor(
  condition: () => boolean,
  limitMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads datagrams from a transport into an array, in the background. */
export class Collector {
  /** Everything read so far. */
  readonly datagrams: Datagram[] = [];
  readonly #reader: ReadableStreamDefaultReader<Datagram>;

  /** Stops reading. */
  cancel(): void {
    this.#reader.cancel().catch(() => {});
  }

  /** @param transport The transport to read. */
  constructor(transport: DatagramTransport) {
    const reader = transport.readable.getReader();
    this.#reader = reader;
    (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.datagrams.push(value);
        }
      } catch {
        // closed
      }
    })();
  }

  /**
   * @param count How many datagrams to wait for.
   * @param limitMs Upper bound.
   * @returns The first `count` datagrams.
   */
  async take(count: number, limitMs = 10_000): Promise<Datagram[]> {
    await waitFor(() => this.datagrams.length >= count, limitMs, `${count} datagrams`);
    return this.datagrams.slice(0, count);
  }
}

/**
 * Bytes 0..n-1 mixed with a seed, to check payloads byte-exact.
 *
 * @param n Length.
 * @param seed Mixes the pattern.
 * @returns The bytes.
 */
export function pattern(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 0xff;
  return out;
}
