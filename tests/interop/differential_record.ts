/**
 * What the differential test compares: one line per delivered packet (channel, flags,
 * length, CRC-32 and the first bytes of the data) and per connection event, recorded the
 * same way for the core `Host` and the pyenet host, and a comparison that points at the
 * first divergence.
 *
 * @module
 */

import { crc32 } from "../../src/protocol/crc32.ts";

/** One event as both sides record it. */
export interface Delivery {
  /** "connect", "receive" or "disconnect". */
  event: string;
  /** Receive: the channel. Connect/disconnect: the data. */
  channel: number;
  /** Receive: packet flags & 0xF (RELIABLE 1, UNSEQUENCED 2, UNRELIABLE_FRAGMENT 8). */
  flags: number;
  /** Receive: the packet's length. */
  length: number;
  /** Receive: CRC-32 of the packet's bytes. */
  crc: number;
  /** Receive: hex of the first 8 bytes (the generator puts a packet id in the first 4). */
  head: string;
  /** Our side only: the index of the datagram that produced it. */
  datagram?: number;
}

function hex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/**
 * The record of a received packet.
 *
 * @param channel Its channel.
 * @param data Its bytes.
 * @param flags Its flags.
 * @param datagram The index of the datagram that produced it, if known.
 * @returns The record.
 */
export function receiveRecord(
  channel: number,
  data: Uint8Array,
  flags: number,
  datagram?: number,
): Delivery {
  return {
    event: "receive",
    channel,
    flags: flags & 0xf,
    length: data.length,
    crc: crc32(data),
    head: hex(data.subarray(0, 8)),
    datagram,
  };
}

/**
 * The record of a connect or disconnect.
 *
 * @param event "connect" or "disconnect".
 * @param data The event's data.
 * @returns The record.
 */
export function connectionRecord(event: string, data: number): Delivery {
  return { event, channel: data >>> 0, flags: 0, length: 0, crc: 0, head: "" };
}

/**
 * A record as one comparable line.
 *
 * @param d The record.
 * @returns Its text, without the datagram index.
 */
export function describeRecord(d: Delivery): string {
  if (d.event !== "receive") return `${d.event} data=${d.channel}`;
  return `receive ch=${d.channel} flags=${d.flags} len=${d.length} crc=${d.crc} head=${d.head}`;
}

/**
 * Compares two event sequences exactly.
 *
 * @param ours The core host's events (with datagram indexes).
 * @param theirs The pyenet host's events.
 * @returns Undefined when equal, else a report of the first divergence with context.
 */
export function firstDivergence(
  ours: readonly Delivery[],
  theirs: readonly Delivery[],
): string | undefined {
  const length = Math.max(ours.length, theirs.length);
  let index = 0;
  while (
    index < length && index < ours.length && index < theirs.length &&
    describeRecord(ours[index]) === describeRecord(theirs[index])
  ) index++;
  if (index === length) return undefined;
  const lines = [
    `${ours.length} events on our side, ${theirs.length} on pyenet's; first difference at #${index}:`,
  ];
  for (let i = Math.max(0, index - 3); i < Math.min(length, index + 4); i++) {
    const o = ours[i];
    const t = theirs[i];
    const from = o?.datagram === undefined ? "" : ` (datagram ${o.datagram})`;
    lines.push(`  #${i}${i === index ? " >" : "  "} ours:   ${o ? describeRecord(o) : "-"}${from}`);
    lines.push(`  #${i}${i === index ? " >" : "  "} pyenet: ${t ? describeRecord(t) : "-"}`);
  }
  return lines.join("\n");
}
