import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import type { DriverAddress, DriverHost, DriverTransmit } from "../../src/driver/driver_host.ts";
import { DATAGRAMS_PER_SEND_PHASE, HostDriver } from "../../src/driver/host_driver.ts";
import { countTimers } from "../helpers/timer_count.ts";

interface FakeEvent {
  name: string;
}

/** A scripted sans-IO host that records every call. */
class FakeHost implements DriverHost<FakeEvent, string> {
  calls: string[] = [];
  received: { now: number; from: DriverAddress; bytes: number[] }[] = [];
  transmits: DriverTransmit[] = [];
  events: FakeEvent[] = [];
  deadline: number | undefined = undefined;
  onTimeout: (now: number) => void = () => {};
  throwOnDatagram = false;

  handleDatagram(now: number, from: DriverAddress, bytes: Uint8Array): void {
    if (this.throwOnDatagram) throw new Error("host bug");
    this.calls.push("datagram");
    this.received.push({
      now,
      from: { address: from.address, port: from.port },
      bytes: [...bytes],
    });
    this.events.push({ name: `got ${bytes[0]}` });
  }
  handleTimeout(now: number): void {
    this.calls.push("timeout");
    this.onTimeout(now);
  }
  flush(): void {
    this.calls.push("flush");
  }
  pollTransmit(): DriverTransmit | undefined {
    return this.transmits.shift();
  }
  pollEvent(): FakeEvent | undefined {
    return this.events.shift();
  }
  pollTimeout(): number | undefined {
    return this.deadline;
  }
  connect(now: number, address: DriverAddress, channelCount: number, data: number): string {
    this.calls.push(`connect ${address.address}:${address.port} ${channelCount} ${data} @${now}`);
    return "peer";
  }
}

/** A transport fed by the test; `withSend` adds the synchronous fast path. */
function fakeTransport(withSend: boolean) {
  let controller!: ReadableStreamDefaultController<Datagram>;
  const written: Datagram[] = [];
  const state = { closed: false };
  const transport: DatagramTransport = {
    readable: new ReadableStream<Datagram>({
      start(c) {
        controller = c;
      },
    }),
    writable: new WritableStream<Datagram>({
      write(datagram) {
        written.push({ ...datagram, data: datagram.data.slice() });
      },
    }),
    localAddress: { address: "127.0.0.1", port: 4000 },
    close() {
      state.closed = true;
      try {
        controller.close();
      } catch {
        // Already closed or cancelled.
      }
      return Promise.resolve();
    },
  };
  if (withSend) {
    transport.send = (datagram) => {
      written.push({ ...datagram, data: datagram.data.slice() });
      return true;
    };
  }
  return { transport, written, state, push: (d: Datagram) => controller.enqueue(d) };
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await tick();
  assert.ok(check(), "condition not reached in time");
}

describe("HostDriver", () => {
  test("feeds received datagrams to the host, then runs the send phase", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(true);
    let now = 100;
    const driver = new HostDriver(host, transport, { clock: () => now });
    try {
      assert.deepEqual(host.calls, ["timeout"]);
      now = 150;
      push({ data: Uint8Array.of(7), address: "::1", port: 9 });
      push({ data: Uint8Array.of(8), address: "127.0.0.1", port: 10 });
      await until(() => host.calls.length >= 4);
      assert.deepEqual(host.received, [
        { now: 150, from: { address: "::1", port: 9 }, bytes: [7] },
        { now: 150, from: { address: "127.0.0.1", port: 10 }, bytes: [8] },
      ]);
      assert.equal(host.calls[host.calls.length - 1], "timeout");
    } finally {
      await driver.close();
    }
  });

  for (const withSend of [true, false]) {
    test(`writes transmits as copies (${withSend ? "send" : "writable"} path)`, async () => {
      const host = new FakeHost();
      const { transport, written } = fakeTransport(withSend);
      const scratch = Uint8Array.of(1, 2, 3);
      const driver = new HostDriver(host, transport);
      try {
        host.transmits.push({ address: { address: "127.0.0.1", port: 5 }, data: scratch });
        driver.flush();
        scratch.fill(0); // the host reuses its scratch buffer after the poll
        await until(() => written.length === 1);
        assert.deepEqual(written[0], {
          data: Uint8Array.of(1, 2, 3),
          address: "127.0.0.1",
          port: 5,
        });
      } finally {
        await driver.close();
      }
    });
  }

  test("nextEvent() resolves with the next event, or null when the time is up", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    try {
      assert.equal(await driver.nextEvent(0), null);
      host.events.push({ name: "queued" });
      assert.deepEqual(await driver.nextEvent(0), { name: "queued" });
      const waiting = driver.nextEvent(5000);
      push({ data: Uint8Array.of(3), address: "127.0.0.1", port: 1 });
      assert.deepEqual(await waiting, { name: "got 3" });
      await assert.rejects(driver.nextEvent(-1), RangeError);
    } finally {
      await driver.close();
    }
  });

  test("nextEvent(0) with nothing pending waits on no timer; time limits share one timer", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    const timers = countTimers();
    try {
      for (let i = 0; i < 5; i++) assert.equal(await driver.nextEvent(0), null);
      assert.equal(timers.armed, 0, "an idle nextEvent(0) armed a timer");
      // Three waits with time limits, each answered by an event: one timer in all.
      for (let i = 0; i < 3; i++) {
        const waiting = driver.nextEvent(60_000);
        push({ data: Uint8Array.of(i), address: "127.0.0.1", port: 1 });
        assert.deepEqual(await waiting, { name: `got ${i}` });
      }
      assert.equal(timers.armed, 1, "each wait armed its own timer");
      // A ready event and a synchronous poll need no timer either.
      host.events.push({ name: "ready" }, { name: "polled" });
      assert.deepEqual(await driver.nextEvent(60_000), { name: "ready" });
      assert.deepEqual(driver.pollEvent(), { name: "polled" });
      assert.equal(driver.pollEvent(), undefined);
      assert.equal(timers.armed, 1);
    } finally {
      timers.restore();
      await driver.close();
    }
  });

  test("an AbortSignal ends waits and iterators; an aborted one takes no event", async () => {
    const host = new FakeHost();
    const { transport } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    try {
      const controller = new AbortController();
      const waiting = driver.nextEvent(60_000, controller.signal);
      const iterated = driver.events(controller.signal).next();
      controller.abort();
      assert.equal(await waiting, null);
      assert.equal((await iterated).done, true);
      host.events.push({ name: "kept" });
      assert.equal(await driver.nextEvent(0, controller.signal), null);
      assert.equal((await driver.events(controller.signal).next()).done, true);
      assert.deepEqual(driver.pollEvent(), { name: "kept" });
    } finally {
      await driver.close();
    }
  });

  test("nextEvent(0) still takes in the datagrams already pending", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(false);
    const driver = new HostDriver(host, transport);
    try {
      push({ data: Uint8Array.of(7), address: "127.0.0.1", port: 1 });
      let event = await driver.nextEvent(0);
      for (let i = 0; i < 100 && event === null; i++) event = await driver.nextEvent(0);
      assert.deepEqual(event, { name: "got 7" });
    } finally {
      await driver.close();
    }
  });

  test("service and the iterator share one queue: no event is lost or doubled", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    const seen: string[] = [];
    try {
      const iterator = driver.events();
      const first = iterator.next();
      const second = driver.nextEvent(5000);
      for (let i = 0; i < 4; i++) push({ data: Uint8Array.of(i), address: "127.0.0.1", port: 1 });
      seen.push((await first).value!.name, (await second)!.name);
      seen.push((await iterator.next()).value!.name, (await driver.nextEvent(5000))!.name);
      assert.deepEqual(seen, ["got 0", "got 1", "got 2", "got 3"]);
      assert.equal(await driver.nextEvent(0), null);
      await iterator.return!();
      assert.equal((await iterator.next()).done, true);
    } finally {
      await driver.close();
    }
  });

  test("keeps one timer at pollTimeout() and runs handleTimeout when it falls due", async () => {
    const host = new FakeHost();
    const { transport } = fakeTransport(true);
    let fired = 0;
    const driver = new HostDriver(host, transport);
    try {
      host.deadline = driver.now() + 10;
      host.onTimeout = (now) => {
        fired++;
        assert.ok(now >= host.deadline!, "handleTimeout ran before its deadline");
        host.deadline = undefined;
      };
      driver.flush(); // re-reads pollTimeout
      driver.flush(); // same deadline: the timer is kept, not doubled
      await until(() => fired === 1);
      await tick();
      assert.equal(fired, 1);
    } finally {
      await driver.close();
    }
  });

  test("scheduleFlush() flushes once at the end of the turn", async () => {
    const host = new FakeHost();
    const { transport } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    try {
      host.calls.length = 0;
      driver.scheduleFlush();
      driver.scheduleFlush();
      driver.scheduleFlush();
      assert.deepEqual(host.calls, []);
      await Promise.resolve();
      await Promise.resolve();
      assert.deepEqual(host.calls, ["flush"]);
    } finally {
      await driver.close();
    }
  });

  test("connect() checks the address and flushes the connect request", async () => {
    const host = new FakeHost();
    const { transport } = fakeTransport(true);
    const driver = new HostDriver(host, transport, { clock: () => 42 });
    try {
      assert.equal(driver.connect("::ffff:127.0.0.1", 7777, 2, 99), "peer");
      assert.throws(() => driver.connect("localhost", 7777, 2, 0), TypeError);
      assert.throws(() => driver.connect("127.0.0.1", 0, 2, 0), RangeError);
      await tick();
      assert.deepEqual(host.calls.slice(1), ["connect 127.0.0.1:7777 2 99 @42", "flush"]);
    } finally {
      await driver.close();
    }
  });

  test("sendRaw() sends a copy from the socket and checks its arguments", async () => {
    const host = new FakeHost();
    const { transport, written } = fakeTransport(false);
    const driver = new HostDriver(host, transport);
    try {
      const bytes = Uint8Array.of(9, 9);
      await driver.sendRaw("::1", 3478, bytes);
      assert.deepEqual(written, [{ data: Uint8Array.of(9, 9), address: "::1", port: 3478 }]);
      await assert.rejects(driver.sendRaw("example.com", 1, bytes), TypeError);
      await assert.rejects(driver.sendRaw("::1", 65536, bytes), RangeError);
    } finally {
      await driver.close();
    }
  });

  test("close() ends waits and iterators, closes the transport and stops the clock", async () => {
    const host = new FakeHost();
    const { transport, state } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    const waiting = driver.nextEvent(60_000);
    const iterated = driver.events().next();
    host.deadline = driver.now() + 5;
    driver.flush();
    await driver.close();
    assert.equal(await waiting, null);
    assert.equal((await iterated).done, true);
    assert.equal(state.closed, true);
    assert.equal(driver.closed, true);
    const calls = host.calls.length;
    await tick();
    await tick();
    assert.equal(host.calls.length, calls, "the host was driven after close()");
    assert.equal(await driver.nextEvent(10), null);
    assert.throws(() => driver.flush(), /closed/);
    await driver.close(); // twice is fine
  });

  test("a host that throws stops the driver and fails the waits", async () => {
    const host = new FakeHost();
    const { transport, push } = fakeTransport(true);
    const driver = new HostDriver(host, transport);
    try {
      const waiting = driver.nextEvent(60_000);
      host.throwOnDatagram = true;
      push({ data: Uint8Array.of(1), address: "127.0.0.1", port: 1 });
      await assert.rejects(waiting, /host bug/);
      await assert.rejects(driver.nextEvent(0), /host bug/);
      assert.match(String(driver.failure), /host bug/);
    } finally {
      await driver.close();
    }
  });
});

describe("HostDriver.detach()", () => {
  test("hands the unlocked transport to a new driver of the same host", async () => {
    const host = new FakeHost();
    const { transport, push, state } = fakeTransport(false);
    const first = new HostDriver(host, transport);
    const waiting = first.nextEvent(60_000);
    const handed = first.detach();
    assert.equal(handed, transport);
    assert.equal(await waiting, null);
    assert.equal(first.closed, true);
    assert.equal(state.closed, false, "detach() closed the transport");
    const second = new HostDriver(host, handed);
    try {
      push({ data: Uint8Array.of(5), address: "127.0.0.1", port: 2 });
      assert.deepEqual(await second.nextEvent(5000), { name: "got 5" });
      await first.close(); // does nothing: the transport belongs to the second driver now
      assert.equal(state.closed, false);
    } finally {
      await second.close();
    }
    assert.equal(state.closed, true);
  });
});

/** A transport with the push fast path; `push` plays the socket. */
function pushTransport() {
  let receiver: ((data: Uint8Array, address: string, port: number) => void) | null = null;
  let controller!: ReadableStreamDefaultController<Datagram>;
  const transport: DatagramTransport = {
    readable: new ReadableStream<Datagram>({
      start(c) {
        controller = c;
      },
    }),
    writable: new WritableStream<Datagram>(),
    localAddress: { address: "127.0.0.1", port: 4000 },
    send: () => true,
    setReceiver(r) {
      receiver = r;
    },
    close() {
      try {
        controller.close();
      } catch {
        // Already closed or cancelled.
      }
      return Promise.resolve();
    },
  };
  const scratch = new Uint8Array(1);
  return {
    transport,
    attached: () => receiver !== null,
    /** Pushes one datagram from a reused buffer, as a socket lending its memory does. */
    push(byte: number, address = "127.0.0.1", port = 1) {
      assert.ok(receiver !== null, "no receiver attached");
      scratch[0] = byte;
      receiver(scratch, address, port);
    },
  };
}

describe("HostDriver over a transport with setReceiver()", () => {
  test("handles pushed datagrams at once, in order, and copies nothing", async () => {
    const host = new FakeHost();
    const { transport, push, attached } = pushTransport();
    let now = 7;
    const driver = new HostDriver(host, transport, { clock: () => now });
    try {
      assert.equal(attached(), true);
      push(1, "::1", 5);
      now = 8;
      push(2);
      assert.deepEqual(host.received, [
        { now: 7, from: { address: "::1", port: 5 }, bytes: [1] },
        { now: 8, from: { address: "127.0.0.1", port: 1 }, bytes: [2] },
      ]);
      assert.deepEqual(await driver.nextEvent(0), { name: "got 1" });
    } finally {
      await driver.close();
    }
    assert.equal(attached(), false, "close() detaches the receiver");
  });

  test("runs the send phase every few datagrams of a burst and once when it ends", async () => {
    const host = new FakeHost();
    const { transport, push } = pushTransport();
    const driver = new HostDriver(host, transport);
    try {
      host.calls.length = 0;
      const burst = DATAGRAMS_PER_SEND_PHASE * 2 + 1;
      for (let i = 0; i < burst; i++) push(i);
      const timeouts = () => host.calls.filter((call) => call === "timeout").length;
      assert.equal(timeouts(), 2, "one send phase per DATAGRAMS_PER_SEND_PHASE datagrams");
      assert.equal(host.calls[DATAGRAMS_PER_SEND_PHASE], "timeout");
      await until(() => timeouts() === 3);
      assert.equal(
        host.calls[host.calls.length - 1],
        "timeout",
        "the burst's tail is acknowledged",
      );
      await tick();
      assert.equal(timeouts(), 3, "no send phase without new datagrams");
    } finally {
      await driver.close();
    }
  });

  test("detach() hands the transport back without a receiver", async () => {
    const host = new FakeHost();
    const { transport, attached } = pushTransport();
    const driver = new HostDriver(host, transport);
    assert.equal(attached(), true);
    const handed = driver.detach();
    assert.equal(attached(), false);
    const second = new HostDriver(host, handed);
    assert.equal(attached(), true);
    await second.close();
  });

  test("a host that throws on a pushed datagram stops the driver and detaches it", async () => {
    const host = new FakeHost();
    const { transport, push, attached } = pushTransport();
    const driver = new HostDriver(host, transport);
    try {
      const waiting = driver.nextEvent(60_000);
      host.throwOnDatagram = true;
      push(1);
      await assert.rejects(waiting, /host bug/);
      assert.equal(attached(), false);
    } finally {
      await driver.close();
    }
  });
});
