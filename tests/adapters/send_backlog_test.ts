import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type BacklogSocket, SendBacklog } from "../../adapters/send_backlog.ts";

/** A socket whose buffer takes `room` datagrams until the test drains it. */
function fullSocket(withSendMany: boolean) {
  const wire: number[] = [];
  const state = { room: 0, batches: 0 };
  const socket: BacklogSocket = {
    send(data) {
      if (state.room === 0) return false;
      state.room--;
      wire.push(data[0]);
      return true;
    },
  };
  if (withSendMany) {
    socket.sendMany = (packets) => {
      state.batches++;
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

describe("SendBacklog", () => {
  for (const withSendMany of [false, true]) {
    test(`refused datagrams are held and sent in order on drain (sendMany: ${withSendMany})`, () => {
      const { socket, wire, state } = fullSocket(withSendMany);
      const backlog = new SendBacklog(socket);
      const scratch = new Uint8Array(1);
      state.room = 2;
      for (let i = 0; i < 10; i++) {
        scratch[0] = i; // reused by the caller, as a host's scratch buffer is
        assert.equal(backlog.send(scratch, 9000, "127.0.0.1"), true);
      }
      assert.deepEqual(wire, [0, 1]);
      assert.equal(backlog.size, 8);
      state.room = 3;
      backlog.drain(); // the socket's drain callback
      assert.deepEqual(wire, [0, 1, 2, 3, 4]);
      state.room = 100;
      scratch[0] = 10;
      backlog.send(scratch, 9000, "127.0.0.1"); // a later send drains first
      assert.deepEqual(wire, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      assert.equal(backlog.size, 0);
      if (withSendMany) assert.ok(state.batches >= 2);
    });
  }

  test("refuses (drops) only beyond its limit", () => {
    const { socket, wire, state } = fullSocket(true);
    const backlog = new SendBacklog(socket, 4);
    const results = Array.from({ length: 6 }, (_, i) => backlog.send(Uint8Array.of(i), 1, "::1"));
    assert.deepEqual(results, [true, true, true, true, false, false]);
    state.room = 10;
    backlog.drain();
    assert.deepEqual(wire, [0, 1, 2, 3]);
  });
});
