import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { resolveBind } from "../../src/cli/address.ts";
import { VERSION } from "../../src/cli/main.ts";
import { jsonLines, repoRoot, run, runHere, startServer } from "./child.ts";

describe("enet CLI: first contact", () => {
  test("serve --bind takes a host name, resolved as connect resolves HOST", async () => {
    const { server, port } = await startServer(["--bind", "localhost", "--json"]);
    try {
      const [listening] = jsonLines(server.stdout);
      assert.ok(["127.0.0.1", "::1"].includes(listening.address), listening.address);
      assert.equal(listening.port, port);
      server.kill("SIGTERM");
      assert.equal((await server.exit()).code, 0, server.stderr);
    } finally {
      await server.dispose();
    }
  });

  test('resolveBind keeps numeric addresses and "*", and unwraps [IPv6]', async () => {
    assert.equal(await resolveBind("*"), "*");
    assert.equal(await resolveBind("127.0.0.1"), "127.0.0.1");
    assert.equal(await resolveBind("::1"), "::1");
    assert.equal(await resolveBind("[::1]"), "::1");
  });

  test("a --bind name that does not resolve is a bad argument (exit 2), not a network failure", async () => {
    const result = await runHere(["serve", "--port", "0", "--bind", "no-such-host.invalid"]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Cannot use --bind no-such-host\.invalid: cannot resolve/);
    assert.match(result.stderr, /"enet serve --help" for usage/);
  });

  test("unknown options and commands suggest the closest known one", async () => {
    const cases: [string[], RegExp][] = [
      [["serve", "--prot", "7777"], /unknown option --prot \(did you mean --port\?\)/],
      [["serve", "--port=1", "--ecko"], /unknown option --ecko \(did you mean --echo\?\)/],
      [["serve", "--port", "1", "--compres", "zlib"], /\(did you mean --compress\?\)/],
      [["connect", "127.0.0.1:9", "--timout", "5"], /\(did you mean --timeout\?\)/],
      [["connect", "127.0.0.1:9", "--unreliabel"], /\(did you mean --unreliable\?\)/],
      [
        ["connect", "--port", "7777"],
        /unknown option --port \(connect takes the server as HOST:PORT\)/,
      ],
      [["sevre", "--port", "1"], /unknown command \(did you mean serve\?\)/],
      [["conect", "127.0.0.1:9"], /unknown command \(did you mean connect\?\)/],
    ];
    for (const [argv, message] of cases) {
      const result = await runHere(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.match(result.stderr, message, argv.join(" "));
    }
    const far = await runHere(["serve", "--port", "1", "--frobnicate"]);
    assert.doesNotMatch(far.stderr, /did you mean/);
  });

  test("--version prints the package's version, also after a command", async () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    const deno = JSON.parse(readFileSync(join(repoRoot, "deno.json"), "utf8"));
    assert.equal(VERSION, pkg.version);
    assert.equal(VERSION, deno.version);
    for (const argv of [["--version"], ["-V"], ["serve", "--version"], ["connect", "-V"]]) {
      const result = await runHere(argv);
      assert.equal(result.code, 0, argv.join(" "));
      assert.equal(result.stdout, `enet ${VERSION}\n`, argv.join(" "));
    }
    const json = await runHere(["serve", "--json", "--version"]);
    assert.deepEqual(jsonLines(json.stdout), [{ type: "version", version: VERSION }]);
  });

  test("with --json, bad arguments are a JSON error on stdout and nothing on stderr", async () => {
    for (
      const argv of [
        ["serve", "--json", "--prot", "1"],
        ["serve", "--port", "70000", "--json"],
        ["connect", "--json"],
        ["serve", "--port", "0", "--json", "--bind", "no-such-host.invalid"],
      ]
    ) {
      const result = await runHere(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.equal(result.stderr, "", argv.join(" "));
      const [error, ...more] = jsonLines(result.stdout);
      assert.deepEqual(more, []);
      assert.equal(error.type, "error");
      assert.equal(error.status, 2);
      assert.match(error.message, /^Cannot /);
      assert.match(error.hint, /--help" for usage/);
    }
  });

  test("with --json, a port in use and an unreachable server are JSON errors too (status 1)", async () => {
    const taken = createSocket("udp4");
    await new Promise<void>((resolve) => taken.bind(0, "127.0.0.1", resolve));
    try {
      const port = String(taken.address().port);
      const serve = await run("cli", ["serve", "--port", port, "--bind", "127.0.0.1", "--json"]);
      assert.equal(serve.code, 1);
      assert.equal(serve.stderr, "");
      const [listen] = jsonLines(serve.stdout);
      assert.equal(listen.type, "error");
      assert.equal(listen.status, 1);
      assert.match(listen.message, /cannot listen on 127\.0\.0\.1 port \d+/);

      const connect = await run("cli", [
        "connect",
        `127.0.0.1:${port}`,
        "--timeout",
        "300",
        "--json",
      ], { input: "" });
      assert.equal(connect.code, 1);
      assert.equal(connect.stderr, "");
      assert.deepEqual(jsonLines(connect.stdout), [{
        type: "error",
        message: `cannot connect to 127.0.0.1:${port}: timed out after 300 ms`,
        status: 1,
      }]);
    } finally {
      taken.close();
    }
  });
});
