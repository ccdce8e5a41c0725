/**
 * Type-level test of `service()`'s result: checking the event type narrows the peer. The
 * file must type-check (tsc, deno check); each `@ts-expect-error` marks misuse that must
 * not, so a result type that stops narrowing, or narrows too far, fails the build. The
 * test then runs the narrowed code against a real pair.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ENetConnection,
  type ENetPacketPeer,
  type EventType,
  type PacketData,
  type SendResult,
  type ServiceResult,
} from "../../mod.ts";
import { bytes, connectPair } from "./helpers.ts";

/** What a receive looks like without `!`: destructured, the type narrows the peer. */
function packetOf(result: ServiceResult): Uint8Array | null {
  const [type, peer, data, channel] = result;
  if (type === ENetConnection.EVENT_RECEIVE) {
    const zero: 0 = data;
    const onChannel: number = channel;
    assert.equal(zero + onChannel >= 0, true);
    return peer.getPacket();
  }
  if (type === ENetConnection.EVENT_CONNECT || type === ENetConnection.EVENT_DISCONNECT) {
    const from: ENetPacketPeer = peer;
    const value: number = data;
    const none: 0 = channel;
    assert.ok(from !== null && value >= 0 && none === 0);
    return null;
  }
  const nobody: null = peer;
  return nobody;
}

/** Misuse the compiler must reject; never called. */
function misuse(result: ServiceResult, peer: ENetPacketPeer): void {
  const [type, maybe] = result;
  // @ts-expect-error: the peer may be null until the type is checked
  maybe.getPacket();
  if (type === ENetConnection.EVENT_NONE) {
    // @ts-expect-error: an EVENT_NONE result has no peer
    maybe.getPacket();
  }
  if (result[0] === ENetConnection.EVENT_ERROR) {
    // @ts-expect-error: an EVENT_ERROR result has no peer
    result[1].getPacket();
  }
  if (result[0] === ENetConnection.EVENT_CONNECT) {
    // @ts-expect-error: a connect event has no channel
    const channel: 1 = result[3];
    assert.equal(channel, 1);
  }
  // @ts-expect-error: the type is an EventType, not any number
  const wrong: ServiceResult = [7, null, 0, 0];
  // @ts-expect-error: a receive always names its peer
  const orphan: ServiceResult = [ENetConnection.EVENT_RECEIVE, null, 0, 0];
  // @ts-expect-error: send returns Godot's error name, not a boolean
  const sent: boolean = peer.send(0, bytes("x"), 1);
  // @ts-expect-error: a string is not packet data
  peer.send(0, "text", 1);
  const view: PacketData = new DataView(new ArrayBuffer(2));
  const ok: SendResult = peer.send(0, view, 1);
  const type2: EventType = result[0];
  assert.ok(wrong && orphan && sent && ok && type2);
}

test("service() narrows the peer once the event type is checked", async () => {
  assert.equal(typeof misuse, "function");
  const pair = await connectPair();
  try {
    assert.equal(pair.toServer.send(0, bytes("typed"), 1), "OK");
    let packet: Uint8Array | null = null;
    for (let tries = 0; packet === null && tries < 100; tries++) {
      packet = packetOf(await pair.server.service(50));
    }
    assert.equal(new TextDecoder().decode(packet ?? undefined), "typed");
  } finally {
    await pair.close();
  }
});
