/**
 * Godot 3's `NetworkedMultiplayerENet` framing above ENet, and the packet plans the
 * interop tests send through it.
 *
 * Godot 3.2 opens 3 channels: 0 carries the server's 8-byte system messages (u32 type,
 * u32 peer id, little-endian), 1 reliable and 2 unreliable traffic. A client connects
 * with its 31-bit multiplayer id (2 and up) as the CONNECT data; the server is id 1.
 * Every packet on channels 1 and 2 starts with u32 source id and u32 target id
 * (little-endian; target 0 = everyone, negative = everyone but); the server drops
 * packets whose source is not the sender's id.
 *
 * @module
 */

import { fnv1a, payload } from "../interop/payload.ts";

/** Godot 3's reserved channels (`SYSCH_*`); `COUNT` is the channel count it opens. */
export const SysChannel = { CONFIG: 0, RELIABLE: 1, UNRELIABLE: 2, COUNT: 3 } as const;

/** Godot 3's system messages on channel 0 (`SYSMSG_*`). */
export const SysMessage = { ADD_PEER: 0, REMOVE_PEER: 1 } as const;

/** The multiplayer id of a Godot server. */
export const SERVER_ID = 1;

/** ENet packet flags used here (the same values as `ENetPacketPeer.FLAG_*`). */
const RELIABLE = 1;
const UNSEQUENCED = 2;

/** A packet on channel 1 or 2, split into Godot 3's header and the payload. */
export interface Framed {
  /** Multiplayer id of the sender. */
  source: number;
  /** Multiplayer id of the receiver (0 all, negative all but). */
  target: number;
  /** What follows the 8-byte header (a view into the packet). */
  payload: Uint8Array;
}

/**
 * Prefixes `body` with Godot 3's header.
 *
 * @param source Sender's multiplayer id.
 * @param target Receiver's multiplayer id.
 * @param body The payload.
 * @returns A new packet of `body.length + 8` bytes.
 */
export function frame(source: number, target: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, source >>> 0, true);
  view.setInt32(4, target | 0, true);
  out.set(body, 8);
  return out;
}

/**
 * Splits a packet into Godot 3's header and payload.
 *
 * @param packet A packet from channel 1 or 2.
 * @returns The parts, or null when it is shorter than the header.
 */
export function unframe(packet: Uint8Array): Framed | null {
  if (packet.length < 8) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, 8);
  return {
    source: view.getUint32(0, true),
    target: view.getInt32(4, true),
    payload: packet.subarray(8),
  };
}

/**
 * A system message as the Godot server sends it on channel 0.
 *
 * @param type A {@link SysMessage} value.
 * @param id The peer it is about.
 * @returns The 8 bytes.
 */
export function systemMessage(type: number, id: number): Uint8Array {
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, id >>> 0, true);
  return out;
}

/**
 * Reads a system message.
 *
 * @param packet A packet from channel 0.
 * @returns Its type and peer id, or null when it is not 8 bytes long.
 */
export function parseSystemMessage(packet: Uint8Array): { type: number; id: number } | null {
  if (packet.length !== 8) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, 8);
  return { type: view.getUint32(0, true), id: view.getUint32(4, true) };
}

/**
 * One packet of a plan: `r` reliable (channel 1), `u` unreliable (channel 2,
 * unsequenced), `o` unreliable ordered (channel 2, sequenced), as Godot's transfer
 * modes send them.
 */
export interface PlanItem {
  /** The transfer mode. */
  kind: "r" | "u" | "o";
  /** Payload bytes, without Godot's header. */
  size: number;
  /** A payload that compresses well instead of a random one. */
  compressible: boolean;
}

/**
 * Parses the plan syntax `godot_peer.gd` takes: comma separated items, a letter (upper
 * case for a compressible payload) and a size.
 *
 * @param text The plan.
 * @returns Its items.
 * @throws {SyntaxError} On a malformed item.
 */
export function parsePlan(text: string): PlanItem[] {
  return text.split(",").map((item) => {
    const match = /^([ruoRUO])(\d+)$/.exec(item);
    if (match === null) throw new SyntaxError(`Cannot parse plan item "${item}"`);
    const letter = match[1];
    const kind = letter.toLowerCase() as PlanItem["kind"];
    return { kind, size: Number(match[2]), compressible: letter !== kind };
  });
}

/**
 * The payload of plan item `index` (seeded with `index + 1`, as `godot_peer.gd` does).
 * A compressible payload spends 8 bytes on each of 16 letters drawn from the seeded
 * stream: about 0.5 bit of entropy per byte.
 *
 * @param item The item.
 * @param index Its position in the plan.
 * @returns A new array.
 */
export function planPayload(item: PlanItem, index: number): Uint8Array {
  const seed = index + 1;
  if (!item.compressible) return payload(item.size, seed);
  const letters = payload((item.size + 7) >>> 3, seed);
  const out = new Uint8Array(item.size);
  for (let i = 0; i < out.length; i++) out[i] = 0x41 + (letters[i >>> 3] & 15);
  return out;
}

/**
 * The channel Godot 3 sends a transfer mode on.
 *
 * @param item The item.
 * @returns 1 or 2.
 */
export function planChannel(item: PlanItem): number {
  return item.kind === "r" ? SysChannel.RELIABLE : SysChannel.UNRELIABLE;
}

/**
 * The ENet packet flags Godot 3 sends a transfer mode with.
 *
 * @param item The item.
 * @returns `FLAG_RELIABLE`, `FLAG_UNSEQUENCED` or 0.
 */
export function planFlags(item: PlanItem): number {
  return item.kind === "r" ? RELIABLE : item.kind === "u" ? UNSEQUENCED : 0;
}

/**
 * A key identifying a packet by channel, length and hash, as `godot_peer.gd` reports
 * the packets it checks.
 *
 * @param channel The channel.
 * @param body The payload.
 * @returns `"channel:length:hash"`.
 */
export function packetKey(channel: number, body: Uint8Array): string {
  return `${channel}:${body.length}:${fnv1a(body)}`;
}
