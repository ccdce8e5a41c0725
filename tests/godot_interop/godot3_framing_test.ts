/**
 * Godot 3's multiplayer framing against packets a Godot 3.2.3 server exchanged with a
 * client whose id was 0x7bb4bfde (the payloads of SEND_RELIABLE commands in a capture
 * of that session), and the packet plans of the interop tests.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  frame,
  parsePlan,
  parseSystemMessage,
  planChannel,
  planFlags,
  planPayload,
  SERVER_ID,
  SysMessage,
  systemMessage,
  unframe,
} from "./godot3_framing.ts";

function hex(text: string): Uint8Array {
  return new Uint8Array(text.match(/../g)!.map((byte) => parseInt(byte, 16)));
}

const CLIENT = 0x7bb4bfde;
const OTHER = 0x639aefb1;

describe("Godot 3 framing", () => {
  test("client to server: source id, then target 1, little-endian", () => {
    const packet = hex("debfb47b01000000ca2f588abe12870846ce");
    assert.deepEqual(frame(CLIENT, SERVER_ID, packet.subarray(8)), packet);
    const framed = unframe(packet)!;
    assert.equal(framed.source, CLIENT);
    assert.equal(framed.target, SERVER_ID);
    assert.deepEqual(framed.payload, hex("ca2f588abe12870846ce"));
  });

  test("server to client: the server's echo swaps the ids", () => {
    const packet = hex("01000000debfb47bca2f588abe12870846ce");
    assert.deepEqual(frame(SERVER_ID, CLIENT, hex("ca2f588abe12870846ce")), packet);
  });

  test("relayed and broadcast packets keep the sender's header", () => {
    const toOther = unframe(hex("debfb47bb1ef9a63746f2d622d6f6e6c79"))!;
    assert.deepEqual([toOther.source, toOther.target], [CLIENT, OTHER]);
    assert.equal(new TextDecoder().decode(toOther.payload), "to-b-only");
    const broadcast = unframe(hex("debfb47b0000000062726f616463617374"))!;
    assert.equal(broadcast.target, 0);
  });

  test("system messages on channel 0", () => {
    assert.deepEqual(parseSystemMessage(hex("00000000b1ef9a63")), {
      type: SysMessage.ADD_PEER,
      id: OTHER,
    });
    assert.deepEqual(parseSystemMessage(hex("01000000b1ef9a63")), {
      type: SysMessage.REMOVE_PEER,
      id: OTHER,
    });
    assert.deepEqual(systemMessage(SysMessage.ADD_PEER, CLIENT), hex("00000000debfb47b"));
    assert.equal(parseSystemMessage(hex("00000000debfb4")), null);
  });

  test("negative targets (everyone but) and short packets", () => {
    assert.equal(unframe(frame(CLIENT, -OTHER, new Uint8Array(0)))!.target, -OTHER);
    assert.equal(unframe(new Uint8Array(7)), null);
  });
});

describe("packet plans", () => {
  test("parse letters, sizes and compressibility", () => {
    assert.deepEqual(parsePlan("r1,U20,o300"), [
      { kind: "r", size: 1, compressible: false },
      { kind: "u", size: 20, compressible: true },
      { kind: "o", size: 300, compressible: false },
    ]);
    assert.throws(() => parsePlan("x1"), SyntaxError);
    assert.throws(() => parsePlan("r"), SyntaxError);
  });

  test("channels and flags follow Godot 3's transfer modes", () => {
    const [r, u, o] = parsePlan("r1,u1,o1");
    assert.deepEqual([planChannel(r), planFlags(r)], [1, 1]);
    assert.deepEqual([planChannel(u), planFlags(u)], [2, 2]);
    assert.deepEqual([planChannel(o), planFlags(o)], [2, 0]);
  });

  test("compressible payloads are runs of 8 letters", () => {
    const body = planPayload({ kind: "r", size: 20, compressible: true }, 0);
    assert.equal(body.length, 20);
    for (let i = 0; i < body.length; i++) {
      assert.ok(body[i] >= 0x41 && body[i] < 0x51);
      assert.equal(body[i], body[i & ~7]);
    }
    const random = planPayload({ kind: "r", size: 20, compressible: false }, 0);
    assert.notDeepEqual(random, planPayload({ kind: "r", size: 20, compressible: false }, 1));
  });
});
