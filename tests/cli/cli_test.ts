import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  Child,
  echoAndQuit,
  eventTypes,
  jsonLines,
  run,
  sendBinaryThenTerminate,
  startServer,
} from "./child.ts";

describe("enet CLI: arguments and help", () => {
  test("--help prints the commands and exits 0", async () => {
    const result = await run("cli", ["--help"]);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /enet serve --port PORT/);
    assert.match(result.stdout, /enet connect HOST:PORT/);
  });

  test("serve --help and connect --help describe their options", async () => {
    const serve = await run("cli", ["serve", "--help"]);
    assert.equal(serve.code, 0);
    for (
      const option of [
        "--port",
        "--bind",
        "--peers",
        "--channels",
        "--compress",
        "--checksum",
        "--echo",
        "--json",
      ]
    ) {
      assert.ok(serve.stdout.includes(option), option);
    }
    const connect = await run("cli", ["help", "connect"]);
    assert.equal(connect.code, 0);
    for (
      const option of ["--channels", "--data", "--channel", "--unreliable", "--timeout", "--json"]
    ) {
      assert.ok(connect.stdout.includes(option), option);
    }
  });

  test("bad arguments exit 2 with a clear message", async () => {
    const cases: [string[], RegExp][] = [
      [["serve", "--port", "70000"], /--port 70000: expected 0\.\.65535/],
      [["serve", "--port", "http"], /expected an integer, got "http"/],
      [["serve"], /missing required option --port/],
      [["serve", "--port", "1", "--frobnicate"], /unknown option --frobnicate/],
      [["serve", "--port"], /missing value PORT/],
      [["serve", "--port", "1", "--compress", "lzma"], /expected one of none, range-coder/],
      [["connect"], /missing HOST:PORT/],
      [["connect", "localhost"], /expected HOST:PORT/],
      [["connect", "127.0.0.1:0"], /port 0 is out of range 1\.\.65535/],
      [["connect", "::1:7777"], /\[ADDR\]:PORT/],
      [["connect", "127.0.0.1:9", "--channel", "3", "--channels", "2"], /only 2 channels/],
      [["launch"], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const result = await run("cli", args);
      assert.equal(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message, args.join(" "));
      assert.match(result.stderr, /--help" for usage/);
    }
  });
});

describe("enet CLI: serve and connect over loopback", () => {
  test("serve --echo sends lines back; connect prints them and exits 0", async () => {
    const { server, port } = await startServer(["--echo"]);
    const client = new Child("cli", ["connect", `127.0.0.1:${port}`, "--timeout", "5000"]);
    try {
      await echoAndQuit(client, ["hello", "world"]);
      await server.waitFor(/ch 0 reliable 5 B: world\n[^]*disconnected/);
      assert.match(server.stdout, /\+ 127\.0\.0\.1:\d+ connected/);
      assert.match(server.stdout, /< 127\.0\.0\.1:\d+ ch 0 reliable 5 B: hello/);
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });

  test("--json prints one object per event, on both ends", async () => {
    const { server, port } = await startServer(["--echo", "--json"]);
    const client = new Child("cli", [
      "connect",
      `localhost:${port}`,
      "--json",
      "--unreliable",
      "--channel",
      "2",
      "--channels",
      "4",
    ]);
    try {
      await client.waitFor(/"type":"connect"/);
      client.write("ping\n");
      await client.waitFor(/"type":"receive"/);
      client.end();
      assert.equal((await client.exit()).code, 0, client.stderr);
      const events = jsonLines(client.stdout);
      assert.deepEqual(events.map((e) => e.type), ["connect", "receive", "disconnect"]);
      const { peer, ...receive } = events[1];
      assert.match(peer, /^127\.0\.0\.1:\d+$/);
      assert.deepEqual(receive, {
        type: "receive",
        channel: 2,
        flags: 0,
        delivery: "unreliable",
        length: 4,
        text: "ping",
      });
      await server.waitFor(/"type":"disconnect"/);
      const served = jsonLines(server.stdout);
      const types = eventTypes(server.stdout);
      assert.deepEqual(types, ["listening", "connect", "receive", "disconnect"]);
      assert.equal(served[2].channel, 2);
      assert.equal(served[2].text, "ping");
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });

  test("binary packets show as hex, and SIGTERM stops the server with status 0", async () => {
    const { server, port } = await startServer(["--echo", "--json"]);
    const client = new Child("cli", ["connect", `127.0.0.1:${port}`, "--json"]);
    try {
      await sendBinaryThenTerminate(client, server, server);
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });

  test("an unreachable server fails with status 1 after --timeout", async () => {
    // A bound port without an ENet host behind it: nothing ever answers.
    const { createSocket } = await import("node:dgram");
    const silent = createSocket("udp4");
    await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
    try {
      const result = await run("cli", [
        "connect",
        `127.0.0.1:${silent.address().port}`,
        "--timeout",
        "300",
      ], { input: "never sent\n" });
      assert.equal(result.code, 1);
      assert.match(result.stderr, /cannot connect to 127\.0\.0\.1:\d+: timed out after 300 ms/);
    } finally {
      silent.close();
    }
  });

  test("compression and checksums work end to end when both sides agree", async () => {
    const { server, port } = await startServer([
      "--echo",
      "--compress",
      "zlib",
      "--checksum",
      "crc32",
    ]);
    const client = new Child("cli", [
      "connect",
      `127.0.0.1:${port}`,
      "--compress",
      "zlib",
      "--checksum",
      "crc32",
    ]);
    try {
      await client.waitFor(/connected/);
      const line = "abc".repeat(200);
      client.write(`${line}\n`);
      await client.waitFor(/ch 0 reliable 600 B: (abc){85}a …\n/);
      client.end();
      assert.equal((await client.exit()).code, 0, client.stderr);
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });
  test("--verbose names the cause of drops: a client with another compression mode", async () => {
    const { server, port } = await startServer(["--verbose"]);
    const client = new Child("cli", [
      "connect",
      `127.0.0.1:${port}`,
      "--compress",
      "zlib",
      "--timeout",
      "3000",
    ]);
    try {
      client.write(`${"abc".repeat(200)}\n`);
      await server.waitFor(
        /dropped a datagram from 127\.0\.0\.1:\d+: datagram failed decompression: does the peer use the same compression mode\?/,
        15000,
        "stderr",
      );
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });

  test("ENET_DEBUG=drops names the cause of drops: a client without the checksum", async () => {
    const { server, port } = await startServer(["--checksum", "crc32"], undefined, {
      ENET_DEBUG: "drops",
    });
    const client = new Child("cli", ["connect", `127.0.0.1:${port}`, "--timeout", "3000"]);
    try {
      await server.waitFor(
        /dropped a datagram from 127\.0\.0\.1:\d+: bad checksum: does the peer use the same checksum setting\?/,
        15000,
        "stderr",
      );
      assert.equal((await client.exit()).code, 1);
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });
});
