import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, test } from "node:test";
import { DtlsError, ENetConnection, ENetError, TLSOptions } from "../../mod.ts";
import { dtlsClient, serverOptions, trusting } from "./enet_support.ts";
import { ROOT } from "./support.ts";

const godotError = (code: string) => (error: unknown) => {
  assert.ok(error instanceof ENetError, `expected ENetError ${code}, got ${error}`);
  assert.equal(error.code, code);
  assert.match(error.message, /^Cannot /);
  return true;
};

describe("ENetConnection DTLS setup", () => {
  test("needs a host, Godot's option kinds, and happens once", async () => {
    const connection = new ENetConnection();
    await assert.rejects(
      connection.dtlsServerSetup(serverOptions("rsa")),
      godotError("ERR_UNCONFIGURED"),
    );
    await assert.rejects(connection.dtlsClientSetup("localhost"), godotError("ERR_UNCONFIGURED"));
    assert.throws(() => connection.getDtlsStats(), godotError("ERR_UNCONFIGURED"));
    await connection.createHostBound("127.0.0.1", 0);
    try {
      const bogus = {} as TLSOptions;
      await assert.rejects(connection.dtlsServerSetup(trusting("rsa")), TypeError);
      await assert.rejects(connection.dtlsServerSetup(bogus), TypeError);
      await assert.rejects(connection.dtlsClientSetup("localhost", serverOptions("ec")), TypeError);
      await assert.rejects(connection.dtlsClientSetup("localhost", bogus), TypeError);
      await assert.rejects(connection.dtlsClientSetup(""), TypeError);
      await assert.rejects(
        connection.dtlsClientSetup("localhost", null, { handshakeTimeoutMs: 0 }),
        RangeError,
      );
      assert.equal(connection.getDtlsStats(), null);
      connection.refuseNewConnections(true); // plain UDP: kept for a later DTLS setup
      await connection.dtlsServerSetup(serverOptions("rsa"));
      assert.equal(connection.getDtlsStats()?.handshakesStarted, 0);
      await assert.rejects(connection.dtlsServerSetup(serverOptions("rsa")), godotError("FAILED"));
      await assert.rejects(connection.dtlsClientSetup("localhost"), godotError("FAILED"));
    } finally {
      await connection.destroy();
    }
    // A new host starts plain again.
    await connection.createHostBound("127.0.0.1", 0);
    try {
      assert.equal(connection.getDtlsStats(), null);
      assert.equal(connection.getDtlsError(), null);
      await connection.dtlsClientSetup("", TLSOptions.clientUnsafe());
      assert.equal(connection.getDtlsStats()?.handshakesStarted, 0);
    } finally {
      await connection.destroy();
    }
  });

  test("an iterator started before the setup goes on over DTLS; destroy during setup rejects", async () => {
    const server = new ENetConnection();
    await server.createHostBound("127.0.0.1", 0);
    const events = server.events();
    const pending = events.next(); // waiting on the plain driver
    await server.dtlsServerSetup(serverOptions("ec"));
    const client = await dtlsClient("localhost", trusting("ec"));
    try {
      await client.connectToHost("127.0.0.1", server.getLocalPort());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const first = await Promise.race([
        pending,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("no event in 10 s")), 10_000);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(first.done, false);
      assert.equal(first.value?.type, ENetConnection.EVENT_CONNECT);
    } finally {
      await client.destroy();
      await server.destroy();
    }
    assert.deepEqual(await events.next(), { done: true, value: undefined });

    await server.createHostBound("127.0.0.1", 0);
    const setup = assert.rejects(
      server.dtlsClientSetup("localhost", trusting("ec")),
      godotError("ERR_UNCONFIGURED"),
    );
    await server.destroy();
    await setup;
  });

  test("DtlsError is exported with its code", () => {
    const error = new DtlsError("hostname", "not for this name");
    assert.equal(error.code, "hostname");
    assert.ok(error instanceof Error);
  });

  test("importing mod.ts does not load the DTLS library (Deno without --allow-env)", () => {
    const deno = join(ROOT, "node_modules", ".bin", "deno");
    const run = (source: string) =>
      spawnSync(deno, ["run", "--no-prompt", "--no-check", "--allow-read", "-"], {
        cwd: ROOT,
        input: source,
        encoding: "utf8",
        timeout: 30_000,
      });
    const light = run(
      'const m = await import("./mod.ts"); m.TLSOptions.clientUnsafe(); new m.ENetConnection(); console.log("loaded");',
    );
    assert.equal(light.status, 0, light.stderr);
    assert.equal(light.stdout.trim(), "loaded");
    // The DTLS layer itself needs the environment: the check above can fail.
    const heavy = run('await import("./src/dtls/mod.ts"); console.log("loaded");');
    assert.notEqual(heavy.status, 0);
    assert.match(heavy.stderr, /env/);
  });
});
