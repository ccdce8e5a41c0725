import assert from "node:assert/strict";
import { test } from "node:test";
import { hasDenoDatagram, openDenoUdpTransport } from "../../adapters/deno.ts";
import { udpRuntime } from "../../adapters/mod.ts";
import { udpSuite } from "./udp_suite.ts";

// Registered only under Deno: the other runtimes have no Deno.listenDatagram.
if ("Deno" in globalThis) {
  test("under Deno, Deno.listenDatagram is available and openUdpTransport picks it", () => {
    assert.equal(hasDenoDatagram(), true, "run with the unstable net API (deno.json sets it)");
    assert.equal(udpRuntime(), "deno");
  });
  udpSuite("openDenoUdpTransport() (Deno.listenDatagram) under Deno", openDenoUdpTransport, true);
}
