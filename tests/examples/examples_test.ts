import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Child, run } from "../cli/child.ts";

describe("examples", () => {
  test("demo.ts exchanges every delivery mode and prints statistics", async () => {
    const result = await run("examples/demo", [], { ms: 30000 });
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout;
    for (const name of ["alice", "bob", "carol"]) {
      assert.match(out, new RegExp(`server ${name} connected from 127\\.0\\.0\\.1:\\d+`));
      assert.match(out, new RegExp(`server ${name}: 65536 B blob \\(reliable\\) intact`));
      assert.match(out, new RegExp(`${name} +heard all 9 chat lines`));
      assert.match(out, new RegExp(`server ${name} disconnected`));
    }
    assert.match(out, /server received: 9 chat lines, \d+\/90 position updates \(0 out of order\)/);
    assert.match(out, /\d+ B with range coder \(\d+%\)/);
    assert.match(out, /\d+ B with zlib \(\d+%\)/);
    assert.match(out, /server host: sent \d+ datagrams/);
    assert.match(out, /done \(3 clients came and went\)/);
  });

  test("echo_client.ts gets its messages back from echo_server.ts", async () => {
    const server = new Child("examples/echo_server", ["--port", "0", "--duration", "20000"]);
    try {
      const port = (await server.waitFor(/listening on port (\d+)/))[1];
      const client = await run("examples/echo_client", ["--port", port, "--count", "3"]);
      assert.equal(client.code, 0, client.stderr);
      for (let i = 1; i <= 3; i++) assert.match(client.stdout, new RegExp(`echo: "message ${i}"`));
      assert.match(client.stdout, /disconnected \(mean round trip \d+ ms\)/);
      await server.waitFor(/disconnected/);
      assert.equal(server.stdout.match(/sent 9 B on channel 0/g)?.length, 3);
    } finally {
      await server.dispose();
    }
  });

  test("echo_server.ts stops by itself after --duration", async () => {
    const result = await run("examples/echo_server", ["--port", "0", "--duration", "300"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /echo server stopped/);
  });

  test("chat.ts relays lines, joins and leaves", async () => {
    const result = await run("examples/chat", []);
    assert.equal(result.code, 0, result.stderr);
    for (
      const line of [
        "ada: hello, everyone",
        "grace: hi ada!",
        "linus: just passing through",
        "* linus left",
      ]
    ) {
      assert.ok(result.stdout.includes(`[lobby] ${line}`), line);
    }
    assert.match(result.stdout, /online: ada, grace, linus/);
  });

  test("game_server.ts ticks, takes inputs and broadcasts snapshots", async () => {
    const result = await run("examples/game_server", ["--duration", "1500", "--clients", "2"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /player 1 joined/);
    assert.match(result.stdout, /player 2 left/);
    for (const bot of [0, 1]) {
      const match = result.stdout.match(
        new RegExp(
          `bot ${bot}: sent (\\d+) inputs, received (\\d+) snapshots \\(last tick \\d+, 0 out of order\\)`,
        ),
      );
      assert.ok(match, `bot ${bot}`);
      assert.ok(Number(match[1]) > 0 && Number(match[2]) > 0, match[0]);
    }
    assert.match(result.stdout, /server applied [1-9]\d* inputs/);
  });
});
