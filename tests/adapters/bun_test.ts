import assert from "node:assert/strict";
import { test } from "node:test";
import { hasBunUdpSocket, openBunUdpTransport } from "../../adapters/bun.ts";
import { udpRuntime } from "../../adapters/mod.ts";
import { udpSuite } from "./udp_suite.ts";

// Registered only under Bun: the other runtimes have no Bun.udpSocket.
if ("Bun" in globalThis) {
  test("under Bun, Bun.udpSocket is available and openUdpTransport picks it", () => {
    assert.equal(hasBunUdpSocket(), true);
    assert.equal(udpRuntime(), "bun");
  });
  udpSuite("openBunUdpTransport() (Bun.udpSocket) under Bun", openBunUdpTransport, false);
}
