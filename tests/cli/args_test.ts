import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { formatOptions, type OptionSpec, parseArgs, UsageError } from "../../src/cli/args.ts";
import { parseHostPort, parsePort } from "../../src/cli/address.ts";

const SPECS: readonly OptionSpec[] = [
  { name: "port", short: "p", kind: "integer", value: "PORT", min: 0, max: 65535, help: "port" },
  { name: "compress", kind: "string", choices: ["none", "zlib"], help: "codec" },
  { name: "echo", kind: "boolean", help: "echo" },
  { name: "bind", kind: "string", help: "bind" },
];

describe("parseArgs()", () => {
  test("parses long, inline, short and boolean options and positionals", () => {
    const { options, positionals } = parseArgs(
      ["--port", "7777", "--compress=zlib", "host:1", "--echo", "-b", "::1"],
      [...SPECS, { name: "bind", short: "b", kind: "string", help: "" }],
    );
    assert.deepEqual(options, { port: 7777, compress: "zlib", echo: true, bind: "::1" });
    assert.deepEqual(positionals, ["host:1"]);
    assert.deepEqual(parseArgs(["-p7"], SPECS).options, { port: 7 });
  });

  test("treats everything after -- as positionals", () => {
    assert.deepEqual(parseArgs(["--", "--echo", "-p"], SPECS).positionals, ["--echo", "-p"]);
  });

  test("rejects unknown options, missing values and bad values", () => {
    const cases: [string[], RegExp][] = [
      [["--nope"], /unknown option --nope/],
      [["-x"], /unknown option -x/],
      [["--port"], /missing value PORT/],
      [["--port", "--echo"], /missing value PORT/],
      [["--port", "abc"], /expected an integer, got "abc"/],
      [["--port", "70000"], /expected 0\.\.65535/],
      [["--port", "-1"], /expected 0\.\.65535/],
      [["--compress", "lzma"], /expected one of none, zlib/],
      [["--echo=yes"], /takes no value/],
    ];
    for (const [argv, message] of cases) {
      assert.throws(
        () => parseArgs(argv, SPECS),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
        argv.join(" "),
      );
    }
  });

  test("enforces required options", () => {
    assert.throws(
      () => parseArgs([], [{ ...SPECS[0], required: true }]),
      /missing required option --port/,
    );
  });
});

describe("formatOptions()", () => {
  test("aligns the descriptions", () => {
    const lines = formatOptions(SPECS).split("\n");
    assert.equal(lines.length, SPECS.length);
    assert.match(lines[0], /^ {2}-p, --port PORT +port$/);
    const column = lines[0].indexOf("port", 12);
    for (const [i, spec] of SPECS.entries()) assert.equal(lines[i].lastIndexOf(spec.help), column);
  });
});

describe("parseHostPort()", () => {
  test("accepts names, IPv4 and bracketed IPv6", () => {
    assert.deepEqual(parseHostPort("localhost:7777"), { host: "localhost", port: 7777 });
    assert.deepEqual(parseHostPort("10.0.0.1:1"), { host: "10.0.0.1", port: 1 });
    assert.deepEqual(parseHostPort("[::1]:65535"), { host: "::1", port: 65535 });
  });

  test("rejects malformed addresses and ports", () => {
    for (
      const bad of [
        "localhost",
        "::1:7777",
        "[::1]7777",
        "[nope]:1",
        ":7777",
        "a:0",
        "a:65536",
        "a:x",
      ]
    ) {
      assert.throws(() => parseHostPort(bad), UsageError, bad);
    }
  });

  test("parsePort() honours the minimum", () => {
    assert.equal(parsePort("0", "x"), 0);
    assert.throws(() => parsePort("0", "x", 1), /out of range 1\.\.65535/);
  });
});
