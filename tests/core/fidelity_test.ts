/**
 * Regression tests for divergences from C ENet found by a differential comparison:
 * each scenario runs hand-driven hosts on a virtual clock and checks what C ENet does.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ProtocolCommand } from "../../src/protocol/constants.ts";
import { Host } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import { type HostEvent, PacketFlag, type PeerAddress, PeerState } from "../../src/core/types.ts";
import { CLIENT, decode, SERVER } from "../helpers/core_wire.ts";

const key = (a: PeerAddress) => `${a.address}:${a.port}`;

/** Hosts on a lossless LAN with no latency; datagrams to `route`d addresses are rerouted. */
class Lan {
  now = 0;
  readonly hosts = new Map<string, { host: Host; address: PeerAddress }>();
  readonly events = new Map<Host, HostEvent[]>();
  /** Destination address key to the host that receives it (the broadcast address). */
  readonly route = new Map<string, Host>();
  /** Datagrams from these sources are lost. */
  readonly silenced = new Set<Host>();
  /** Every datagram sent: from, to, bytes. */
  readonly log: { from: Host; to: PeerAddress; data: Uint8Array }[] = [];

  add(host: Host, address: PeerAddress): Host {
    this.hosts.set(key(address), { host, address });
    this.events.set(host, []);
    return host;
  }

  addressOf(host: Host): PeerAddress {
    for (const entry of this.hosts.values()) if (entry.host === host) return entry.address;
    throw new Error("unknown host");
  }

  /** Sends what `host` has queued, delivering it at once (recursively to quiescence). */
  deliver(host: Host): void {
    const from = this.addressOf(host);
    const out: { to: PeerAddress; data: Uint8Array }[] = [];
    for (let t = host.pollTransmit(); t !== undefined; t = host.pollTransmit()) {
      out.push({ to: { ...t.address }, data: t.data.slice() });
    }
    for (const { to, data } of out) {
      this.log.push({ from: host, to, data });
      if (this.silenced.has(host)) continue;
      const target = this.route.get(key(to)) ?? this.hosts.get(key(to))?.host;
      if (target === undefined) continue;
      target.handleDatagram(this.now, from, data);
      this.deliver(target);
    }
  }

  /** Runs every host's send phase at `now`, then collects events. */
  step(now: number, collect = true): void {
    this.now = now;
    for (const { host } of this.hosts.values()) {
      host.handleTimeout(now);
      this.deliver(host);
    }
    if (collect) this.collect();
  }

  collect(): void {
    for (const [host, list] of this.events) {
      for (let e = host.pollEvent(); e !== undefined; e = host.pollEvent()) list.push(e);
    }
  }

  /** Steps every `dt` ms until `done` holds or `limit` ms passed; returns whether it held. */
  runUntil(done: () => boolean, limit: number, dt = 10): boolean {
    const end = this.now + limit;
    while (this.now < end) {
      this.step(this.now + dt);
      if (done()) return true;
    }
    return false;
  }
}

function typesOf(events: HostEvent[]): string[] {
  return events.map((e) => e.type);
}

function connected(lan: Lan, host: Host, count = 1): boolean {
  return lan.events.get(host)!.filter((e) => e.type === "connect").length >= count;
}

describe("fidelity with C ENet", () => {
  test("peerDisconnectNow flushes other peers' packets at the current time", () => {
    const lan = new Lan();
    const server = lan.add(new Host({ seed: 1 }), SERVER);
    const a = lan.add(new Host({ seed: 2 }), CLIENT);
    const b = lan.add(new Host({ seed: 3 }), { address: "10.0.0.3", port: 5001 });
    a.connect(0, SERVER, 1, 0);
    b.connect(0, SERVER, 1, 0);
    assert.ok(lan.runUntil(() => connected(lan, server, 2), 1000));
    const [toA, toB] = lan.events.get(server)!.map((e) => e.peer);
    lan.step(2000);
    // 900 ms later, without a send phase in between, the application queues a packet
    // for B and disconnects A at once: C's enet_host_flush reads the clock first.
    const now = 2900;
    toB.send(0, { data: new Uint8Array([1, 2, 3]), flags: PacketFlag.RELIABLE });
    const sent = lan.log.length;
    toA.disconnectNow(0, now);
    lan.deliver(server);
    const toBDatagrams = lan.log.slice(sent).filter((d) => d.to.port === 5001);
    assert.equal(toBDatagrams.length, 1);
    assert.equal(decode(toBDatagrams[0].data).sentTime, now & 0xffff);
    assert.equal(toA.state, PeerState.DISCONNECTED);
  });

  test("disconnect() of a peer still connecting flushes at the current time", () => {
    const lan = new Lan();
    lan.add(new Host({ seed: 1 }), SERVER);
    const client = lan.add(new Host({ seed: 2, peerCount: 2 }), CLIENT);
    client.connect(0, SERVER, 1, 0);
    assert.ok(lan.runUntil(() => connected(lan, client), 1000));
    const pending = client.connect(lan.now, { address: "10.0.0.9", port: 9 }, 1, 0);
    lan.step(1500);
    const toServer = lan.events.get(client)![0].peer;
    toServer.send(0, { data: new Uint8Array([7]), flags: PacketFlag.RELIABLE });
    const sent = lan.log.length;
    pending.disconnect(0, 2300);
    lan.deliver(client);
    const toServerDatagrams = lan.log.slice(sent).filter((d) => d.to.port === SERVER.port);
    assert.equal(toServerDatagrams.length, 1);
    assert.equal(decode(toServerDatagrams[0].data).sentTime, 2300);
  });

  test("a ping interval of 0x7fffffff does not make the deadline look past", () => {
    const lan = new Lan();
    const server = lan.add(new Host({ seed: 1 }), SERVER);
    const client = lan.add(new Host({ seed: 2 }), CLIENT);
    const peer = client.connect(0, SERVER, 1, 0);
    assert.ok(lan.runUntil(() => connected(lan, server) && connected(lan, client), 1000));
    peer.setPingInterval(0x7fffffff);
    lan.events.get(server)![0].peer.setPingInterval(0x7fffffff);
    // Wake both hosts only when they ask to, as a driver's timer does, for ten seconds.
    // (A host that just received asks for a send phase now; that is not a deadline.)
    let wakeups = 0;
    const end = lan.now + 10_000;
    while (lan.now < end && wakeups < 1000) {
      const next = Math.min(client.pollTimeout() ?? Infinity, server.pollTimeout() ?? Infinity);
      lan.step(Math.max(next, lan.now));
      wakeups++;
    }
    // The bandwidth throttle still runs once a second; pings never fall due within a day.
    assert.ok(wakeups <= 40, `${wakeups} wake-ups in 10 s`);
    for (const host of [client, server]) {
      host.handleTimeout(lan.now);
      const next = host.pollTimeout();
      assert.ok(next !== undefined && next > lan.now, `pollTimeout ${next} at ${lan.now}`);
    }
  });

  test("a timed-out peer frees its slot at once for a CONNECT in the same batch", () => {
    const lan = new Lan();
    const server = lan.add(new Host({ seed: 1, peerCount: 1 }), SERVER);
    const old = lan.add(new Host({ seed: 2 }), CLIENT);
    const late = lan.add(new Host({ seed: 3 }), { address: "10.0.0.3", port: 5001 });
    const oldPeer = old.connect(0, SERVER, 1, 0);
    oldPeer.setTimeout(0, 1000, 2000);
    assert.ok(lan.runUntil(() => connected(lan, server), 1000));
    const slot = lan.events.get(server)![0].peer;
    slot.setTimeout(0, 1000, 2000);
    slot.send(0, { data: new Uint8Array([1]), flags: PacketFlag.RELIABLE });
    lan.silenced.add(old);
    lan.deliver(server);
    // Step the server alone until its send phase times the old client out, then let a
    // new client's CONNECT arrive before the application polls any event.
    let now = lan.now;
    while (slot.state !== PeerState.DISCONNECTED) {
      now += 10;
      lan.now = now;
      server.handleTimeout(now);
      lan.deliver(server);
      assert.ok(now < 10_000, "the old client never timed out");
    }
    const newPeer = late.connect(now, SERVER, 1, 0);
    late.flush(now);
    lan.deliver(late);
    assert.equal(slot.state, PeerState.ACKNOWLEDGING_CONNECT);
    assert.deepEqual(slot.address, { address: "10.0.0.3", port: 5001 });
    const first = server.pollEvent();
    assert.deepEqual(
      first && { type: first.type, data: first.type === "disconnect" ? first.data : -1 },
      { type: "disconnect", data: 0 },
    );
    assert.equal(first?.type === "disconnect" && first.reason, "timeout");
    assert.equal(first?.peer, slot);
    assert.ok(lan.runUntil(() => newPeer.state === PeerState.CONNECTED, 1000));
    assert.deepEqual(typesOf(lan.events.get(server)!.slice(1)), ["connect"]);
  });

  test("an acknowledged disconnect frees the slot before its event is polled", () => {
    const lan = new Lan();
    const server = lan.add(new Host({ seed: 1, peerCount: 1 }), SERVER);
    const client = lan.add(new Host({ seed: 2 }), CLIENT);
    client.connect(0, SERVER, 1, 0);
    assert.ok(lan.runUntil(() => connected(lan, server), 1000));
    const slot = lan.events.get(server)![0].peer;
    slot.disconnect(0x1234);
    lan.step(lan.now + 10, false);
    assert.equal(slot.state, PeerState.DISCONNECTED);
    const event = server.pollEvent();
    assert.equal(event?.type, "disconnect");
    assert.equal(event?.type === "disconnect" && event.reason, "local");
    assert.equal(server.pollEvent(), undefined);
    lan.collect();
    const remote = lan.events.get(client)!.filter((e) => e.type === "disconnect");
    assert.deepEqual(remote.map((e) => e.type === "disconnect" && e.data), [0x1234]);
  });

  test("a failed connection attempt sends no BANDWIDTH_LIMIT to connected peers", () => {
    const lan = new Lan();
    lan.add(new Host({ seed: 1 }), SERVER);
    const client = lan.add(new Host({ seed: 2, peerCount: 2 }), CLIENT);
    client.connect(0, SERVER, 1, 0);
    assert.ok(lan.runUntil(() => connected(lan, client), 1000));
    lan.runUntil(() => false, 3000, 100);
    const failing = client.connect(lan.now, { address: "10.0.0.9", port: 9 }, 1, 0);
    failing.setTimeout(0, 1000, 2000);
    const start = lan.log.length;
    assert.ok(
      lan.runUntil(
        () => lan.events.get(client)!.some((e) => e.type === "disconnect"),
        10_000,
        50,
      ),
    );
    lan.runUntil(() => false, 3000, 100);
    let limits = 0;
    for (const d of lan.log.slice(start)) {
      if (d.from !== client || d.to.port !== SERVER.port) continue;
      const commands = decode(d.data).commands;
      limits += commands.filter((c) => c.command === ProtocolCommand.BANDWIDTH_LIMIT).length;
    }
    assert.equal(limits, 0);
    const disconnect = lan.events.get(client)!.find((e) => e.type === "disconnect")!;
    assert.equal(disconnect.peer, failing);
    assert.equal(disconnect.type === "disconnect" && disconnect.reason, "timeout");
  });

  test("connecting to the broadcast address adopts the responder's address", () => {
    const lan = new Lan();
    const server = lan.add(new Host({ seed: 1 }), SERVER);
    const client = lan.add(new Host({ seed: 2 }), CLIENT);
    lan.route.set(`255.255.255.255:${SERVER.port}`, server);
    const peer = client.connect(0, { address: "255.255.255.255", port: SERVER.port }, 1, 5);
    assert.ok(lan.runUntil(() => connected(lan, server) && connected(lan, client), 1000));
    assert.equal(peer.state, PeerState.CONNECTED);
    assert.deepEqual(peer.address, SERVER);
    const accepted = lan.events.get(server)![0];
    assert.equal(accepted.type === "connect" && accepted.data, 5);
  });

  for (const how of ["disconnectNow", "reset"] as const) {
    test(`a connect event not yet polled is withdrawn by ${how}() before a new connect`, () => {
      const lan = new Lan();
      lan.add(new Host({ seed: 1 }), SERVER);
      const client = lan.add(new Host({ seed: 2, peerCount: 1 }), CLIENT);
      const first = client.connect(0, SERVER, 1, 0);
      for (let now = 10; first.state !== PeerState.CONNECTED; now += 10) lan.step(now, false);
      if (how === "reset") first.reset();
      else first.disconnectNow(0, lan.now);
      const second: Peer = client.connect(lan.now, SERVER, 1, 0);
      assert.equal(second, first); // the same slot
      assert.equal(second.state, PeerState.CONNECTING);
      assert.equal(client.pollEvent(), undefined);
      assert.ok(lan.runUntil(() => second.state === PeerState.CONNECTED, 1000));
      assert.deepEqual(typesOf(lan.events.get(client)!), ["connect"]);
    });
  }
});
