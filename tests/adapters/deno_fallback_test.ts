import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

// Registered only under Deno: it checks the Deno adapter's own path when the program may
// not use FFI (every other Deno test runs with -A, and so with sendto / recvfrom).
if ("Deno" in globalThis) {
  test("without --allow-ffi, Deno's adapter sends through DatagramConn, in order, and keeps the default buffer", () => {
    const child = spawnSync(
      `${ROOT}node_modules/.bin/deno`,
      [
        "run",
        "--allow-net",
        "--allow-read",
        "--unstable-net",
        "--no-check",
        `${ROOT}tests/adapters/_deno_fallback_child.ts`,
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    assert.equal(child.status, 0, child.stderr);
    const result = JSON.parse(child.stdout.trim().split("\n").at(-1)!);
    assert.deepEqual(result.got, Array.from({ length: 300 }, (_, i) => i));
    assert.equal(result.receiveBufferSize, null);
    assert.equal(result.sendErrors, 0);
  });
}
