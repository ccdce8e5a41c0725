import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type BatchSocket, DEFAULT_BATCH_BURST, SendBatch } from "../../adapters/send_batch.ts";

/** A socket whose buffer takes `room` datagrams until the test makes room. */
function fullSocket(withSendMany: boolean) {
  const wire: number[] = [];
  const state = { room: 0, calls: 0 };
  const socket: BatchSocket = {
    send(data) {
      state.calls++;
      if (state.room === 0) return false;
      state.room--;
      wire.push(data[0]);
      return true;
    },
  };
  if (withSendMany) {
    socket.sendMany = (packets) => {
      state.calls++;
      let sent = 0;
      for (let i = 0; i < packets.length && state.room > 0; i += 3, sent++) {
        state.room--;
        wire.push((packets[i] as Uint8Array)[0]);
      }
      return sent;
    };
  }
  return { socket, wire, state };
}

/** A schedule the test runs by hand. */
function manualSchedule() {
  const pending: (() => void)[] = [];
  return {
    schedule: (callback: () => void) => pending.push(callback),
    run: () => pending.splice(0).forEach((callback) => callback()),
    get size() {
      return pending.length;
    },
  };
}

describe("SendBatch", () => {
  test("a turn's datagrams leave together in one sendMany, copied and in order", () => {
    const { socket, wire, state } = fullSocket(true);
    const turn = manualSchedule();
    const batch = new SendBatch(socket, { schedule: turn.schedule });
    state.room = 100;
    const scratch = new Uint8Array(1);
    for (let i = 0; i < 10; i++) {
      scratch[0] = i; // reused by the caller, as a host's scratch buffer is
      assert.equal(batch.send(scratch, 9000, "127.0.0.1"), true);
    }
    assert.deepEqual(wire, []);
    assert.equal(turn.size, 1, "one flush per turn");
    turn.run();
    assert.deepEqual(wire, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(state.calls, 1);
  });

  test("a busy turn's datagrams leave in bursts of at most DEFAULT_BATCH_BURST, in order", () => {
    const { socket, wire, state } = fullSocket(true);
    const bursts: number[] = [];
    const sendMany = socket.sendMany!;
    socket.sendMany = (packets) => {
      bursts.push(packets.length / 3);
      return sendMany(packets);
    };
    const turn = manualSchedule();
    const batch = new SendBatch(socket, { schedule: turn.schedule });
    state.room = 1000;
    const count = DEFAULT_BATCH_BURST * 3 + 5;
    for (let i = 0; i < count; i++) batch.send(Uint8Array.of(i & 0xff), 9000, "127.0.0.1");
    assert.deepEqual(bursts, [DEFAULT_BATCH_BURST, DEFAULT_BATCH_BURST, DEFAULT_BATCH_BURST]);
    turn.run();
    assert.deepEqual(bursts.at(-1), 5);
    assert.deepEqual(wire, Array.from({ length: count }, (_, i) => i & 0xff));
  });

  for (const withSendMany of [false, true]) {
    test(`what a full socket refuses is held and sent in order later (sendMany: ${withSendMany})`, () => {
      const { socket, wire, state } = fullSocket(withSendMany);
      const turn = manualSchedule();
      const batch = new SendBatch(socket, { schedule: turn.schedule });
      state.room = 2;
      for (let i = 0; i < 10; i++) batch.send(Uint8Array.of(i), 9000, "127.0.0.1");
      turn.run();
      assert.deepEqual(wire, [0, 1]);
      assert.equal(batch.size, 8);
      assert.equal(batch.refusals, 1);
      state.room = 3;
      batch.flush(); // the socket's drain callback
      assert.deepEqual(wire, [0, 1, 2, 3, 4]);
      state.room = 100;
      batch.send(Uint8Array.of(10), 9000, "127.0.0.1");
      turn.run(); // the next turn's flush
      assert.deepEqual(wire, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(batch.size, 0);
    });
  }

  test("refuses (drops) only beyond its limit", () => {
    const { socket, wire, state } = fullSocket(true);
    const batch = new SendBatch(socket, { limit: 4, schedule: () => {} });
    const results = Array.from({ length: 6 }, (_, i) => batch.send(Uint8Array.of(i), 1, "::1"));
    assert.deepEqual(results, [true, true, true, true, false, false]);
    state.room = 10;
    batch.flush();
    assert.deepEqual(wire, [0, 1, 2, 3]);
  });

  test("held datagrams keep their bytes while new blocks fill", () => {
    const { socket, state } = fullSocket(true);
    const sent: number[][] = [];
    socket.sendMany = (packets) => {
      let count = 0;
      for (let i = 0; i < packets.length && state.room > 0; i += 3, count++) {
        state.room--;
        sent.push([...(packets[i] as Uint8Array)]);
      }
      return count;
    };
    const batch = new SendBatch(socket, { schedule: () => {} });
    const big = (n: number) => new Uint8Array(1000).fill(n);
    for (let i = 0; i < 200; i++) batch.send(big(i % 256), 1, "127.0.0.1"); // > one 64 KiB block
    state.room = 1000;
    batch.flush();
    assert.equal(sent.length, 200);
    sent.forEach((bytes, i) => assert.ok(bytes.every((b) => b === i % 256), `datagram ${i}`));
  });
});

describe("SendBatch with a socket that rejects a destination", () => {
  test("drops and reports only the rejected datagram; the rest leave in order", () => {
    const wire: number[] = [];
    let errors = 0;
    const socket: BatchSocket = {
      send(data, _port, address) {
        if (address === "::1") throw new Error("EAFNOSUPPORT");
        wire.push(data[0]);
        return true;
      },
      sendMany(packets) {
        let sent = 0;
        for (let i = 0; i < packets.length; i += 3, sent++) {
          if (packets[i + 2] === "::1") { // throws if it is first, else stops short
            if (sent === 0) throw new Error("EAFNOSUPPORT");
            break;
          }
          wire.push((packets[i] as Uint8Array)[0]);
        }
        return sent;
      },
    };
    const batch = new SendBatch(socket, { schedule: () => {}, onError: () => errors++ });
    batch.send(Uint8Array.of(1), 1, "127.0.0.1");
    batch.send(Uint8Array.of(2), 1, "::1");
    batch.send(Uint8Array.of(3), 1, "127.0.0.1");
    batch.send(Uint8Array.of(4), 1, "::1");
    batch.send(Uint8Array.of(5), 1, "127.0.0.1");
    batch.flush();
    assert.deepEqual(wire, [1, 3, 5]);
    assert.equal(errors, 2);
    assert.equal(batch.size, 0);
  });
});
