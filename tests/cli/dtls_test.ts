import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  Child,
  echoAndQuit,
  eventTypes,
  jsonLines,
  repoRoot,
  run,
  runHere,
  sendBinaryThenTerminate,
  startServer,
} from "./child.ts";

/** A test fixture (certificates for localhost, 127.0.0.1 and ::1; see their README). */
const fixture = (name: string) => join(repoRoot, "tests", "dtls", "fixtures", name);

/** Starts `enet serve --echo --json` over DTLS with fixture credentials. */
function startDtlsServer(key: string, cert: string): Promise<{ server: Child; port: number }> {
  return startServer(
    ["--echo", "--json", "--dtls-key", fixture(key), "--dtls-cert", fixture(cert)],
    /"type":"listening"[^\n]*"port":(\d+)[^\n]*"dtls":true/,
  );
}

/** `connect TARGET --dtls`, trusting the fixture CA `ca` (none: null), then `extra`. */
function dtlsConnect(target: string, ca: string | null, ...extra: string[]): string[] {
  const trust = ca === null ? [] : ["--dtls-ca", fixture(ca)];
  return ["connect", target, "--dtls", ...trust, ...extra];
}

describe("enet CLI: DTLS arguments", () => {
  test("--dtls-key without --dtls-cert exits 2 (as a child process)", async () => {
    const result = await run("cli", [
      "serve",
      "--port",
      "0",
      "--dtls-key",
      fixture("server_rsa.key"),
    ]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /Cannot use --dtls-key without --dtls-cert/);
    assert.match(result.stderr, /"enet serve --help" for usage/);
  });

  test("inconsistent options and unusable files exit 2 before any networking", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["serve", "--port", "0", "--dtls-cert", fixture("server_rsa.crt")],
        /Cannot use --dtls-cert without --dtls-key/,
      ],
      [
        [
          "serve",
          "--port",
          "0",
          "--dtls-key",
          fixture("missing.key"),
          "--dtls-cert",
          fixture("server_rsa.crt"),
        ],
        /Cannot use --dtls-key \S*missing\.key: cannot read it \(ENOENT\)/,
      ],
      [
        [
          "serve",
          "--port",
          "0",
          "--dtls-key",
          fixture("server_rsa.crt"),
          "--dtls-cert",
          fixture("server_rsa.crt"),
        ],
        /Cannot use --dtls-key \S*server_rsa\.crt: not a PEM private key/,
      ],
      [
        [
          "serve",
          "--port",
          "0",
          "--dtls-key",
          fixture("server_rsa.key"),
          "--dtls-cert",
          fixture("server_rsa.key"),
        ],
        /Cannot use --dtls-cert \S*server_rsa\.key: not a PEM certificate/,
      ],
      [
        [
          "serve",
          "--port",
          "0",
          "--dtls-key",
          fixture("other_rsa.key"),
          "--dtls-cert",
          fixture("server_rsa.crt"),
        ],
        /Cannot use --dtls-key \S*other_rsa\.key: it is not the key of the certificate/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls-ca", fixture("ca_rsa.crt")],
        /Cannot use --dtls-ca without --dtls/,
      ],
      [["connect", "127.0.0.1:9", "--dtls-insecure"], /Cannot use --dtls-insecure without --dtls/],
      [
        ["connect", "127.0.0.1:9", "--dtls-hostname", "a.example"],
        /Cannot use --dtls-hostname without --dtls/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls", "--dtls-insecure", "--dtls-ca", fixture("ca_rsa.crt")],
        /Cannot use --dtls-insecure with --dtls-ca: an insecure client checks no certificate/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls", "--dtls-insecure", "--dtls-hostname", "a.example"],
        /Cannot use --dtls-insecure with --dtls-hostname/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls", "--dtls-hostname="],
        /Cannot use --dtls-hostname: the name is empty/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls", "--dtls-ca", fixture("README.md")],
        /Cannot use --dtls-ca \S*README\.md: no PEM certificate found/,
      ],
      [
        ["connect", "127.0.0.1:9", "--dtls", "--dtls-ca", fixture("nope.crt")],
        /cannot read it \(ENOENT\)/,
      ],
    ];
    for (const [argv, message] of cases) {
      const result = await runHere(argv);
      assert.equal(result.code, 2, `${argv.join(" ")}: ${result.stderr}`);
      assert.match(result.stderr, message, argv.join(" "));
      assert.match(result.stderr, /--help" for usage/);
      assert.equal(result.stdout, "");
    }
  });

  test("help describes the DTLS options", async () => {
    const serve = await runHere(["serve", "--help"]);
    assert.equal(serve.code, 0);
    for (const option of ["--dtls-key FILE", "--dtls-cert FILE"]) {
      assert.ok(serve.stdout.includes(option), option);
    }
    const connect = await runHere(["connect", "--help"]);
    assert.equal(connect.code, 0);
    for (const option of ["--dtls ", "--dtls-ca FILE", "--dtls-hostname NAME", "--dtls-insecure"]) {
      assert.ok(connect.stdout.includes(option), option);
    }
  });
});

describe("enet CLI: serve and connect over DTLS", () => {
  test("RSA server: a bad CA and a wrong name fail with 1, then trusted and insecure clients echo", async () => {
    const { server, port } = await startDtlsServer("server_rsa.key", "server_rsa.crt");
    try {
      // The EC CA did not sign the RSA server's certificate.
      const untrusted = await run("cli", dtlsConnect(`localhost:${port}`, "ca_ec.crt"), {
        input: "never sent\n",
      });
      assert.equal(untrusted.code, 1, untrusted.stderr);
      assert.match(
        untrusted.stderr,
        /cannot connect to localhost:\d+: DTLS certificate check failed: The server certificate is not trusted/,
      );
      assert.equal(untrusted.stdout, "");

      const misnamed = await run(
        "cli",
        dtlsConnect(`127.0.0.1:${port}`, "ca_rsa.crt", "--dtls-hostname", "wrong.example"),
        { input: "never sent\n" },
      );
      assert.equal(misnamed.code, 1, misnamed.stderr);
      assert.match(misnamed.stderr, /DTLS name check failed: [^\n]*not valid for wrong\.example/);

      // The server never saw those clients as ENet peers, and still serves.
      const trusted = new Child("cli", dtlsConnect(`localhost:${port}`, "ca_rsa.crt"));
      try {
        await echoAndQuit(trusted, ["over dtls"]);
      } finally {
        await trusted.dispose();
      }

      const insecure = await run(
        "cli",
        dtlsConnect(`127.0.0.1:${port}`, null, "--dtls-insecure", "--json"),
        { input: "no checks\n", ms: 20000 },
      );
      assert.equal(insecure.code, 0, insecure.stderr);
      assert.deepEqual(eventTypes(insecure.stdout), ["connect", "disconnect"]);

      await server.waitFor(/"text":"no checks"[^]*"type":"disconnect"/);
      assert.deepEqual(eventTypes(server.stdout), [
        "listening",
        "connect",
        "receive",
        "disconnect",
        "connect",
        "receive",
        "disconnect",
      ]);
      assert.equal(jsonLines(server.stdout)[2].text, "over dtls");
    } finally {
      await server.dispose();
    }
  });

  test("EC server: a numeric HOST is checked against the certificate's IP addresses; SIGTERM ends cleanly", async () => {
    const { server, port } = await startDtlsServer("server_ec.key", "server_ec.crt");
    const client = new Child("cli", dtlsConnect(`127.0.0.1:${port}`, "ca_ec.crt", "--json"));
    try {
      // The server echoes; ENet's goodbye arrives over DTLS: a clean disconnect, not a
      // DTLS failure.
      await sendBinaryThenTerminate(client, server, client);
      assert.doesNotMatch(client.stderr, /DTLS/);
    } finally {
      await client.dispose();
      await server.dispose();
    }
  });

  test("a certificate without the IP address explains how to check a name instead", async () => {
    // other_rsa is trusted (signed by the RSA CA) but only for example.invalid.
    const { server, port } = await startDtlsServer("other_rsa.key", "other_rsa.crt");
    try {
      const byAddress = await run("cli", dtlsConnect(`127.0.0.1:${port}`, "ca_rsa.crt"), {
        input: "",
      });
      assert.equal(byAddress.code, 1, byAddress.stderr);
      assert.match(
        byAddress.stderr,
        /DTLS name check failed: [^\n]*127\.0\.0\.1 is an IP address: [^\n]*--dtls-hostname NAME/,
      );
      const byName = await run(
        "cli",
        dtlsConnect(`127.0.0.1:${port}`, "ca_rsa.crt", "--dtls-hostname", "example.invalid"),
        { input: "named\n" },
      );
      assert.equal(byName.code, 0, byName.stderr);
      assert.match(byName.stdout, /connected[^]*disconnected/);
      // The line went out over DTLS before the clean disconnect (no --linger: no echo awaited).
      await server.waitFor(/"type":"receive"[^\n]*"text":"named"/);
    } finally {
      await server.dispose();
    }
  });
});
