/**
 * Hostile datagrams for the robustness suites: a corpus of real captured datagrams, a
 * mutator, and crafted attacks (absurd fragments, lying lengths, acknowledgements for
 * data never sent, floods of CONNECT), sealed with the session's header, checksum and
 * compression so they reach the command handlers instead of dying at the header.
 *
 * @module
 */

import { writeCommand } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { HeaderFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { checksumSeed, writeChecksum } from "../../src/protocol/crc32.ts";
import { writeHeader } from "../../src/protocol/header.ts";
import type { Compressor } from "../../src/core/compressor.ts";
import {
  FASTLZ_CAPTURES,
  RANGE_CODER_CAPTURES,
  ZLIB_CAPTURES,
  ZSTD_CAPTURES,
} from "../compress/_captures.ts";
import { C_ENET_CHECKSUM_DATAGRAMS, fromHex, GODOT_NONE_DATAGRAMS } from "../protocol/_fixtures.ts";

/** A source of numbers in [0, 1). */
export type Random = () => number;

/** An integer in 0..n-1. */
export function pick(r: Random, n: number): number {
  return Math.floor(r() * n);
}

/**
 * Real datagrams: the Godot/C ENet capture (every command type), the checksummed C ENet
 * session (fragments, unsequenced, throttle configure) and compressed bodies of the four
 * codecs behind a compressed header.
 */
export function capturedCorpus(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const d of GODOT_NONE_DATAGRAMS) out.push(fromHex(d.hex));
  for (const d of C_ENET_CHECKSUM_DATAGRAMS) out.push(fromHex(d.hex));
  for (const set of [RANGE_CODER_CAPTURES, FASTLZ_CAPTURES, ZLIB_CAPTURES, ZSTD_CAPTURES]) {
    for (const c of set) {
      const body = fromHex(c.packed);
      const datagram = new Uint8Array(4 + body.length);
      writeHeader(datagram, 0, 0, 0, HeaderFlag.COMPRESSED, 0x1234);
      datagram.set(body, 4);
      out.push(datagram);
    }
  }
  return out;
}

/** Offsets of the 16-bit and 32-bit fields worth lying in (lengths, counts, offsets). */
const LIE_VALUES = [0, 1, 0x7fff, 0x8000, 0xffff, 0xfffff, 0x100000, 0x100001, 0xffffffff];

/**
 * A mutated copy of `base`: bit flips, byte overwrites, lies in multi-byte fields,
 * truncation, extension, duplication of a slice, or a splice with `other`.
 */
export function mutate(r: Random, base: Uint8Array, other: Uint8Array): Uint8Array {
  let bytes: Uint8Array = base.slice();
  const rounds = 1 + pick(r, 4);
  for (let k = 0; k < rounds; k++) {
    const n = bytes.length;
    switch (pick(r, 8)) {
      case 0:
        if (n > 0) bytes[pick(r, n)] ^= 1 << pick(r, 8);
        break;
      case 1:
        if (n > 0) bytes[pick(r, n)] = pick(r, 256);
        break;
      case 2: {
        if (n < 4) break;
        const at = pick(r, n - 3);
        const v = LIE_VALUES[pick(r, LIE_VALUES.length)];
        if (r() < 0.5) {
          bytes[at] = v >>> 8;
          bytes[at + 1] = v;
        } else {
          bytes[at] = v >>> 24;
          bytes[at + 1] = v >>> 16;
          bytes[at + 2] = v >>> 8;
          bytes[at + 3] = v;
        }
        break;
      }
      case 3:
        bytes = bytes.subarray(0, pick(r, n + 1)).slice();
        break;
      case 4: {
        const extra = new Uint8Array(pick(r, 64));
        for (let i = 0; i < extra.length; i++) extra[i] = pick(r, 256);
        bytes = concat(bytes, extra);
        break;
      }
      case 5: {
        if (n < 2) break;
        const from = pick(r, n);
        const to = Math.min(n, from + 1 + pick(r, 48));
        bytes = concat(bytes, bytes.subarray(from, to));
        break;
      }
      case 6: {
        const cut = pick(r, n + 1);
        bytes = concat(bytes.subarray(0, cut), other.subarray(pick(r, other.length + 1)));
        break;
      }
      default:
        // Command byte of the first command (after a 4-byte header) to another command.
        if (n > 4) bytes[4] = (bytes[4] & 0xf0) | pick(r, 16);
    }
  }
  return bytes.length > 4200 ? bytes.subarray(0, 4200) : bytes;
}

/** Random bytes, 0..`max` long. */
export function randomBytes(r: Random, max: number): Uint8Array {
  const bytes = new Uint8Array(pick(r, max + 1));
  for (let i = 0; i < bytes.length; i++) bytes[i] = pick(r, 256);
  return bytes;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The header fields that make a datagram reach one peer's session. */
export interface SessionTarget {
  /** Peer id in the receiver's header (the receiver's slot for the sender). */
  peerID: number;
  /** Session id the receiver expects. */
  sessionID: number;
  /** Connect ID (the checksum seed); 0 before a connection. */
  connectID: number;
}

/** How the receiver frames datagrams. */
export interface Framing {
  /** Whether a CRC-32 slot follows the header. */
  checksum: boolean;
  /** The compressor both sides use, or `null`. */
  compressor: Compressor | null;
}

const scratch = new Uint8Array(8192);

/**
 * A datagram carrying `commands` to `target`, with a valid checksum and, when the
 * compressor makes it smaller, compressed — as a well-behaved sender would frame it.
 */
export function seal(
  target: SessionTarget,
  framing: Framing,
  commands: readonly Command[],
  sentTime: number | undefined,
): Uint8Array {
  const headerSize = sentTime === undefined ? 2 : 4;
  const bodyStart = headerSize + (framing.checksum ? 4 : 0);
  let end = bodyStart;
  for (const command of commands) {
    if (
      end + 48 +
          ("data" in command && command.data instanceof Uint8Array ? command.data.length : 0) > 4096
    ) break;
    end = writeCommand(scratch, end, command);
  }
  writeHeader(
    scratch,
    0,
    target.peerID & 0xfff,
    target.sessionID & 3,
    0,
    sentTime === undefined ? undefined : sentTime & 0xffff,
  );
  if (framing.checksum) {
    writeChecksum(
      scratch.subarray(0, end),
      headerSize,
      checksumSeed(target.peerID, target.connectID),
    );
  }
  if (framing.compressor !== null) {
    const packed = framing.compressor.compress(scratch.subarray(bodyStart, end), end - bodyStart);
    if (packed !== null && packed.length > 0 && packed.length < end - bodyStart) {
      const out = new Uint8Array(bodyStart + packed.length);
      out.set(scratch.subarray(0, bodyStart));
      out.set(packed, bodyStart);
      out[0] |= HeaderFlag.COMPRESSED >> 8;
      return out;
    }
  }
  return scratch.slice(0, end);
}

function payload(r: Random, max: number): Uint8Array {
  return randomBytes(r, max);
}

/**
 * One crafted hostile command: fragments that never complete, oversized fragment counts
 * and lengths, overlapping or out-of-range fragment offsets, reliable sequence numbers
 * far outside the window, acknowledgements for data never sent, pings, bandwidth and
 * throttle lies, unknown channels, disconnects and CONNECTs in a live session.
 */
export function hostileCommand(r: Random, channels: number): Command {
  const channelID = r() < 0.85 ? pick(r, channels) : pick(r, 256);
  const reliableSequenceNumber = pick(r, 0x10000);
  const flags = r() < 0.7 ? 0x80 : (r() < 0.5 ? 0 : 0x40);
  switch (pick(r, 11)) {
    case 0:
    case 1: {
      const fragmentCount = [2, 3, 1024, 0x100000, 0x100001, 0xffffffff, 0][pick(r, 7)];
      const totalLength = [100, 5000, 0x2000000, 0x2000001, 0xffffffff, 0][pick(r, 6)];
      return {
        command: r() < 0.5
          ? ProtocolCommand.SEND_FRAGMENT
          : ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
        flags,
        channelID,
        reliableSequenceNumber,
        startSequenceNumber: pick(r, 0x10000),
        fragmentCount,
        fragmentNumber: r() < 0.5 ? pick(r, 4) : pick(r, 0x100000000),
        totalLength,
        fragmentOffset: r() < 0.5 ? pick(r, 6000) : pick(r, 0x100000000),
        data: payload(r, 600),
      };
    }
    case 2:
      return {
        command: ProtocolCommand.ACKNOWLEDGE,
        flags: 0,
        channelID,
        reliableSequenceNumber,
        receivedReliableSequenceNumber: pick(r, 0x10000),
        receivedSentTime: pick(r, 0x10000),
      };
    case 3:
      return {
        command: ProtocolCommand.PING,
        flags: 0x80,
        channelID: 0xff,
        reliableSequenceNumber,
      };
    case 4:
      return {
        command: ProtocolCommand.SEND_RELIABLE,
        flags,
        channelID,
        reliableSequenceNumber,
        data: payload(r, 900),
      };
    case 5:
      return {
        command: ProtocolCommand.SEND_UNRELIABLE,
        flags,
        channelID,
        reliableSequenceNumber,
        unreliableSequenceNumber: pick(r, 0x10000),
        data: payload(r, 900),
      };
    case 6:
      return {
        command: ProtocolCommand.SEND_UNSEQUENCED,
        flags: flags | 0x40,
        channelID,
        reliableSequenceNumber,
        unsequencedGroup: pick(r, 0x10000),
        data: payload(r, 900),
      };
    case 7:
      return {
        command: ProtocolCommand.BANDWIDTH_LIMIT,
        flags: 0x80,
        channelID: 0xff,
        reliableSequenceNumber,
        incomingBandwidth: pick(r, 0x100000000),
        outgoingBandwidth: pick(r, 0x100000000),
      };
    case 8:
      return {
        command: ProtocolCommand.THROTTLE_CONFIGURE,
        flags: 0x80,
        channelID: 0xff,
        reliableSequenceNumber,
        packetThrottleInterval: pick(r, 0x100000000),
        packetThrottleAcceleration: pick(r, 0x100000000),
        packetThrottleDeceleration: pick(r, 0x100000000),
      };
    case 9:
      return connectCommand(r, pick(r, 0x1000));
    default:
      return {
        command: ProtocolCommand.DISCONNECT,
        flags: 0x80,
        channelID: 0xff,
        reliableSequenceNumber,
        data: pick(r, 0x100000000),
      };
  }
}

/** A well-formed CONNECT, as a botnet would send it. */
export function connectCommand(r: Random, outgoingPeerID: number): Command {
  return {
    command: ProtocolCommand.CONNECT,
    flags: 0x80,
    channelID: 0xff,
    reliableSequenceNumber: 1,
    outgoingPeerID,
    incomingSessionID: 0xff,
    outgoingSessionID: 0xff,
    mtu: 1392,
    windowSize: 65536,
    channelCount: 1 + pick(r, 255),
    incomingBandwidth: 0,
    outgoingBandwidth: 0,
    packetThrottleInterval: 5000,
    packetThrottleAcceleration: 2,
    packetThrottleDeceleration: 2,
    connectID: pick(r, 0x100000000),
    data: 0,
  };
}
