import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { jsonLines, run, runHere, RUNTIME } from "./child.ts";

describe("enet bench", () => {
  test("--json prints one object per scenario: all of a reliable stream arrives, pings come back", async () => {
    const result = await run("cli", [
      "bench",
      "--json",
      "--count",
      "2000",
      "--peers",
      "5",
      "--seconds",
      "0.5",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [bulk, pingpong, ...more] = jsonLines(result.stdout);
    assert.deepEqual(more, []);
    assert.equal(bulk.type, "bench");
    assert.equal(bulk.scenario, "bulk");
    assert.equal(bulk.reliable, true);
    assert.equal(bulk.size, 100);
    assert.equal(bulk.count, 2000);
    assert.equal(bulk.delivered, 2000);
    assert.equal(bulk.share, 1);
    assert.ok(
      bulk.ms > 0 && bulk.messagesPerSecond > 0 && bulk.megabytesPerSecond > 0,
      result.stdout,
    );
    assert.equal(bulk.failure, undefined);
    assert.equal(pingpong.scenario, "pingpong");
    assert.equal(pingpong.peers, 5);
    assert.equal(pingpong.failed, 0);
    assert.equal(pingpong.size, 32);
    assert.equal(pingpong.seconds, 0.5);
    assert.ok(pingpong.roundTrips > 0, result.stdout);
    assert.ok(pingpong.roundTripsPerSecond > 0, result.stdout);
    assert.ok(0 < pingpong.p50 && pingpong.p50 <= pingpong.p99, result.stdout);
    for (const figures of [bulk, pingpong]) {
      assert.equal(figures.runtime, RUNTIME);
      assert.match(figures.runtimeVersion, /^\d+\.\d+/);
      assert.equal(figures.bind, "127.0.0.1");
      assert.equal(figures.compress, "none");
      assert.equal(figures.checksum, false);
    }
  });

  test("an unreliable stream over ::1 with compression and checksums counts what arrived", async () => {
    const result = await run("cli", [
      "bench",
      "--scenario",
      "bulk",
      "--unreliable",
      "--count",
      "1000",
      "--size",
      "1200",
      "--bind",
      "::1",
      "--compress",
      "range-coder",
      "--checksum",
      "crc32",
      "--json",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const [bulk, ...more] = jsonLines(result.stdout);
    assert.deepEqual(more, []);
    assert.equal(bulk.scenario, "bulk");
    assert.equal(bulk.reliable, false);
    assert.equal(bulk.size, 1200);
    assert.equal(bulk.bind, "::1");
    assert.equal(bulk.compress, "range-coder");
    assert.equal(bulk.checksum, true);
    // Unreliable messages may be lost, but the server counted some and no more than sent.
    assert.ok(bulk.delivered > 0 && bulk.delivered <= 1000, result.stdout);
    assert.equal(bulk.share, Math.round((bulk.delivered / 1000) * 1e4) / 1e4);
  });

  test("prints one human-readable line per scenario with the runtime", async () => {
    const result = await run("cli", [
      "bench",
      "-s",
      "pingpong",
      "--peers",
      "2",
      "--seconds",
      "0.2",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const name = { deno: "Deno", bun: "Bun", node: "Node" }[RUNTIME];
    assert.match(
      result.stdout,
      new RegExp(
        `^pingpong 2 peers: \\d+ round trips/s, p50 \\d+\\.\\d\\d ms, p99 \\d+\\.\\d\\d ms over 0\\.2 s \\(${name} \\d+\\.\\d+[^)]*\\)\\n$`,
      ),
    );
  });

  test("bad options exit 2 with a usage message", async () => {
    const child = await run("cli", ["bench", "--scenario", "fast"]);
    assert.equal(child.code, 2);
    assert.match(child.stderr, /Cannot use --scenario fast: expected one of bulk, pingpong, all/);
    assert.match(child.stderr, /Run "enet bench --help" for usage/);
    assert.equal(child.stdout, "");
    const cases: [string[], RegExp][] = [
      [["bench", "--seconds", "0"], /--seconds 0: expected a number from 0\.1 to 600/],
      [["bench", "--seconds", "1e3"], /--seconds 1e3: expected a number/],
      [["bench", "--count", "many"], /--count: expected an integer, got "many"/],
      [["bench", "--size", "4"], /--size 4: expected 8\.\.65536/],
      [["bench", "--bind", "10.0.0.1"], /--bind 10\.0\.0\.1: expected one of 127\.0\.0\.1, ::1/],
      [["bench", "--port", "7777"], /unknown option --port \(bench binds a free loopback port/],
      [["bench", "--peer", "3"], /unknown option --peer \(did you mean --peers\?\)/],
      [["bench", "bulk"], /Cannot parse "bulk": bench takes no arguments/],
      [["bnech"], /unknown command \(did you mean bench\?\)/],
    ];
    for (const [argv, message] of cases) {
      const result = await runHere(argv);
      assert.equal(result.code, 2, argv.join(" "));
      assert.match(result.stderr, message, argv.join(" "));
    }
  });

  test("help lists bench and points to the full comparison", async () => {
    const top = await runHere(["--help"]);
    assert.match(top.stdout, /enet bench \[options\]/);
    for (const argv of [["bench", "--help"], ["help", "bench"]]) {
      const result = await runHere(argv);
      assert.equal(result.code, 0, argv.join(" "));
      for (const option of ["--scenario", "--count", "--size", "--unreliable", "--peers"]) {
        assert.ok(result.stdout.includes(option), option);
      }
      for (const option of ["--seconds", "--bind", "--compress", "--checksum", "--json"]) {
        assert.ok(result.stdout.includes(option), option);
      }
      assert.match(result.stdout, /"npm run bench" in a\s+clone of the repository/);
    }
  });
});
