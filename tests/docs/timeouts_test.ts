/**
 * What README.md says about a connect nobody answers: how long it takes to fail with
 * ENet's default timeouts and with the `peer.setTimeout(…)` call it shows. The numbers
 * are read from the README and checked on the core under a virtual clock (a simulated
 * network where the server's address has no host), so they hold exactly, as in C ENet.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Host } from "../../src/core/host.ts";
import { SimNetwork } from "../helpers/sim_network.ts";
import { CLIENT, SERVER } from "../helpers/core_wire.ts";
import { blocks, README } from "./_readme.ts";

const TEXT = README.replace(/\s+/g, " ");

/** Milliseconds from the connect until the client's timeout disconnect. */
function failsAfter(timeouts?: [number, number, number]): number {
  const net = new SimNetwork(1, { latency: 5 });
  const client = net.add(new Host({ seed: 3 }), CLIENT);
  const peer = client.host.connect(net.now, SERVER, 1, 0);
  if (timeouts) peer.setTimeout(...timeouts);
  const start = net.now;
  assert.ok(net.runUntil(() => client.events.length > 0, 120_000), "no event in 120 s");
  const [{ time, event }] = client.events;
  assert.equal(event.type, "disconnect");
  assert.equal(event.type === "disconnect" && event.reason, "timeout");
  return time - start;
}

describe("README: a connect to a port where nobody listens", () => {
  test("fails after the README's time with ENet's default timeouts", () => {
    const claim = TEXT.match(/ends with `EVENT_DISCONNECT` after ([\d.]+) s with ENet's default/);
    assert.ok(claim, "the README should say how long a connect takes to fail");
    assert.equal(failsAfter(), Number(claim[1]) * 1000);
  });

  test("fails after the README's shorter time with its peer.setTimeout call", () => {
    const claim = TEXT.match(
      /with `peer\.setTimeout\((\d+), (\d+), (\d+)\)` the connect gives up after ([\d.]+) s/,
    );
    assert.ok(claim, "the README should show a peer.setTimeout call and its effect");
    const timeouts = claim.slice(1, 4).map(Number) as [number, number, number];
    assert.equal(failsAfter(timeouts), Number(claim[4]) * 1000);
    // The README's program uses the same call (it runs in readme_test.ts).
    const call = `peer.setTimeout(${timeouts.join(", ")})`;
    assert.ok(blocks(README).some((b) => b.lang === "ts" && b.code.includes(call)), call);
  });
});
