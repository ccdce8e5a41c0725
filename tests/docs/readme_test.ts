/**
 * Every `ts` block of README.md runs as written, as a program of its own under the
 * runtime running the tests (Deno with the README's `--allow-net --unstable-net`, Bun,
 * and Node on the block saved as `.mjs`, which also proves the blocks are plain
 * JavaScript). The package name becomes this checkout's module; on loopback, a server
 * block binds 127.0.0.1 port 0 instead of `"*"` port 7777 and its clients get its
 * port for 7777; 7778 becomes a port nobody listens on. The directives above the
 * blocks are described in `_readme.ts`.
 */
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { describe, test } from "node:test";
import { type Block, blocks, localize, Program, README } from "./_readme.ts";

const ALL = blocks(README);
const TS = ALL.filter((b) => b.lang === "ts");
/** Bounds on one program: a server to start, a client or a standalone block to end. */
const START_MS = 20_000;
const RUN_MS = 40_000;

/** A UDP port on 127.0.0.1 that was free a moment ago and has no socket now. */
async function closedPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(resolve));
  return port;
}

/** Runs a client or standalone block to its end and checks what it printed. */
async function runToEnd(block: Block, replacements: Array<[string, string]>): Promise<void> {
  const program = new Program(localize(block.code, replacements));
  try {
    const status = await program.end(RUN_MS);
    const where = `README.md line ${block.line}`;
    assert.equal(status, 0, `${where} ended with ${status}\n${program.stdout}\n${program.stderr}`);
    if (block.directive?.prints !== undefined) {
      assert.ok(
        program.stdout.includes(block.directive.prints),
        `${where} should print "${block.directive.prints}", printed:\n${program.stdout}`,
      );
    }
  } finally {
    await program.dispose();
  }
}

describe("README.md's TypeScript blocks", () => {
  test("every ts block has a test directive, and every client a server", () => {
    assert.ok(TS.length >= 3, "the README should have its quick starts");
    const missing = TS.filter((b) => !b.directive).map((b) => `line ${b.line}`);
    assert.deepEqual(missing, [], "ts blocks without a <!-- test: … --> directive");
    const servers = new Set(
      TS.filter((b) => b.directive!.kind === "serve").map((b) => b.directive!.server),
    );
    for (const b of TS.filter((b) => b.directive!.kind === "client")) {
      assert.ok(
        servers.has(b.directive!.server),
        `line ${b.line}: no server ${b.directive!.server}`,
      );
    }
    for (const b of ALL.filter((b) => b.lang !== "ts")) {
      assert.equal(b.directive, undefined, `line ${b.line}: a directive on a ${b.lang} block`);
    }
  });

  for (const server of TS.filter((b) => b.directive?.kind === "serve")) {
    const name = server.directive!.server!;
    const clients = TS.filter((b) => b.directive?.kind === "client" && b.directive.server === name);
    test(`server "${name}" (line ${server.line}) serves its ${clients.length} client block(s)`, {
      timeout: START_MS + RUN_MS * (clients.length + 1),
    }, async () => {
      const code = localize(server.code, [['"*", 7777', '"127.0.0.1", 0'], ["7777", "0"]]);
      assert.match(code, /"127\.0\.0\.1", 0\)/, 'a server block binds "*" (or 127.0.0.1), 7777');
      const program = new Program(code);
      try {
        const [, port] = await program.waitFor(/listening on port (\d+)/, START_MS);
        assert.notEqual(Number(port), 0);
        for (const client of clients) await runToEnd(client, [["7777", port]]);
      } finally {
        await program.dispose();
      }
    });
  }

  for (const block of TS.filter((b) => b.directive?.kind === "run")) {
    test(`the block at line ${block.line} runs on its own`, { timeout: RUN_MS * 2 }, async () => {
      await runToEnd(block, [["7778", String(await closedPort())]]);
    });
  }
});
