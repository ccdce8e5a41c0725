/**
 * Seeded random traffic for the differential test: a sender on one connection that
 * mixes reliable, unreliable, unsequenced, fragment and unreliable-fragment commands,
 * loses them, resends reliable ones left unacknowledged (the caller reports
 * acknowledgements), duplicates and reorders them, and now and then sends
 * stale or out-of-window sequence numbers, invalid fragments, unknown channels,
 * truncated datagrams, trailing garbage and wrong sessions. Each datagram is a
 * target-independent {@linkcode DatagramSpec}; {@linkcode encodeDatagram} writes it for one
 * receiver, whose header (peer id, session) differs from the other's.
 *
 * @module
 */

import { commandSize, writeCommand } from "../../src/protocol/codec.ts";
import type { Command, SendFragmentCommand } from "../../src/protocol/command.ts";
import { CommandFlag, ProtocolCommand } from "../../src/protocol/constants.ts";
import { writeHeader } from "../../src/protocol/header.ts";

/** One datagram, before its header is chosen. */
export interface DatagramSpec {
  /** The commands, in order; the same bytes go to every target. */
  commands: Command[];
  /** The header's 16-bit sent time, or undefined for none (no acknowledgements then). */
  sentTime: number | undefined;
  /** Keep only this many bytes after the header (cuts a command short). */
  truncateTo?: number;
  /** Raw bytes after the commands (an unknown command number and junk). */
  trailer?: Uint8Array;
  /** Write a session id the receiver does not expect (the datagram is dropped). */
  wrongSession?: boolean;
}

/** Where a target expects our datagrams: its peer id and session for us. */
export interface TargetHeader {
  /** The receiver's peer id (VERIFY_CONNECT's outgoingPeerID). */
  peerID: number;
  /** The receiver's session (VERIFY_CONNECT's outgoingSessionID). */
  sessionID: number;
}

/** Largest datagram the generator builds (under C ENet's 4096-byte receive buffer). */
const MAX_DATAGRAM = 1400;

/**
 * Writes a datagram for one target.
 *
 * @param spec The datagram.
 * @param target The receiver's peer id and session.
 * @returns A new array with the header and body.
 */
export function encodeDatagram(spec: DatagramSpec, target: TargetHeader): Uint8Array {
  const buf = new Uint8Array(MAX_DATAGRAM + 64);
  const session = spec.wrongSession ? (target.sessionID + 1) & 3 : target.sessionID;
  const headerEnd = writeHeader(buf, 0, target.peerID, session, 0, spec.sentTime);
  let end = headerEnd;
  for (const command of spec.commands) end = writeCommand(buf, end, command);
  if (spec.trailer !== undefined) {
    buf.set(spec.trailer, end);
    end += spec.trailer.length;
  }
  if (spec.truncateTo !== undefined) end = Math.min(end, headerEnd + spec.truncateTo);
  return buf.slice(0, end);
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface ChannelState {
  /** The next reliable sequence number to use. */
  nextReliable: number;
  /** The last unreliable sequence number used since the last reliable one. */
  lastUnreliable: number;
}

/** Datagrams after which an unacknowledged reliable command is sent again. */
const RETRANSMIT_AFTER = 16;

/** The seeded sender. */
export class TrafficGenerator {
  readonly #random: () => number;
  readonly #channelCount: number;
  readonly #channels: ChannelState[] = [];
  /** Reliable commands sent and not acknowledged, by channel and sequence number, oldest first. */
  readonly #unacked = new Map<number, { command: Command; sentAt: number }>();
  /** The sender's own reliable commands (not the stale or far ones): these are retransmitted. */
  readonly #tracked = new WeakSet<Command>();
  /** Commands to send next (the rest of a fragmented packet, duplicates). */
  readonly #burst: Command[] = [];
  /** Commands the receivers reject, ending the datagram (never retransmitted). */
  readonly #invalid = new WeakSet<Command>();
  /** Commands never lost on the way (so an invalid fragment cannot arrive first). */
  readonly #unlost = new WeakSet<Command>();
  #unsequencedGroup = 0;
  #packetID = 0;
  #clock = 0;
  #datagrams = 0;

  /**
   * @param seed The seed: the same seed gives the same datagrams.
   * @param channelCount Channels of the connection; commands on others are invalid.
   */
  constructor(seed: number, channelCount: number) {
    this.#random = mulberry32(seed);
    this.#channelCount = channelCount;
    for (let i = 0; i < channelCount; i++) {
      this.#channels.push({ nextReliable: 1, lastUnreliable: 0 });
    }
  }

  /**
   * Takes an acknowledgement from the receiver: the command is not retransmitted again.
   *
   * @param channelID Its channel.
   * @param reliableSequenceNumber Its reliable sequence number.
   */
  acknowledge(channelID: number, reliableSequenceNumber: number): void {
    this.#unacked.delete(channelID * 0x10000 + reliableSequenceNumber);
  }

  /**
   * The next datagram. Reliable commands left unacknowledged for a while are resent
   * first, as ENet does.
   *
   * @returns Its spec.
   */
  next(): DatagramSpec {
    const now = ++this.#datagrams;
    const commands: Command[] = [];
    let size = 4;
    for (const [key, entry] of this.#unacked) {
      if (commands.length === 2 || now - entry.sentAt < RETRANSMIT_AFTER) break;
      this.#unacked.delete(key); // back in at the end, as the newest
      this.#unacked.set(key, { command: entry.command, sentAt: now });
      if (this.#chance(0.1)) continue; // lost again
      commands.push(entry.command);
      size += commandSize(entry.command);
    }
    const count = 1 + Math.floor(this.#random() ** 2 * 8);
    for (let i = 0; i < count; i++) {
      const command = this.#nextCommand();
      const bytes = commandSize(command);
      if (size + bytes > MAX_DATAGRAM) {
        this.#burst.unshift(command);
        break;
      }
      commands.push(command);
      size += bytes;
    }
    const spec: DatagramSpec = {
      commands,
      sentTime: this.#chance(0.9) ? (this.#clock += 1 + this.#int(20)) & 0xffff : undefined,
    };
    if (this.#chance(0.025)) spec.truncateTo = this.#int(size - 4);
    else if (this.#chance(0.01)) spec.wrongSession = true;
    if (this.#chance(0.015)) spec.trailer = this.#trailer();
    return spec;
  }

  #int(n: number): number {
    return Math.floor(this.#random() * n);
  }

  #chance(p: number): boolean {
    return this.#random() < p;
  }

  #bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.#int(256);
    // The head names the packet, which makes a diverging event easy to trace.
    const id = ++this.#packetID;
    for (let i = 0; i < 4 && i < length; i++) out[i] = id >>> (24 - 8 * i);
    return out;
  }

  #payloadLength(): number {
    const r = this.#random();
    if (r < 0.04) return 0;
    if (r < 0.74) return 1 + this.#int(64);
    if (r < 0.95) return 65 + this.#int(336);
    return 401 + this.#int(200);
  }

  #trailer(): Uint8Array {
    const junk = new Uint8Array(1 + this.#int(6));
    for (let i = 0; i < junk.length; i++) junk[i] = this.#int(256);
    junk[0] = (junk[0] & 0xf0) | [0, 13, 14, 15][this.#int(4)]; // NONE or past the last command
    return junk;
  }

  #nextCommand(): Command {
    for (;;) {
      let command: Command;
      if (this.#burst.length > 0) {
        command = this.#burst.shift()!;
      } else {
        command = this.#fresh();
      }
      if (this.#tracked.has(command)) {
        const key = command.channelID * 0x10000 + command.reliableSequenceNumber;
        if (!this.#unacked.has(key)) this.#unacked.set(key, { command, sentAt: this.#datagrams });
      }
      if (this.#chance(0.04)) this.#burst.push(command); // a duplicate soon after
      // Lost on the way: reliable commands come again unacknowledged, unreliable ones
      // leave gaps and partial reassemblies.
      if (!this.#unlost.has(command) && this.#chance(0.08)) continue;
      return command;
    }
  }

  /** A new command, sometimes an odd one. */
  #fresh(): Command {
    const channelID = this.#int(this.#channelCount);
    const channel = this.#channels[channelID];
    const r = this.#random();
    let command: Command;
    if (r < 0.3) {
      channel.lastUnreliable = 0;
      const before = channel.nextReliable;
      command = {
        command: ProtocolCommand.SEND_RELIABLE,
        flags: CommandFlag.ACKNOWLEDGE,
        channelID,
        reliableSequenceNumber: this.#reliableNumber(channel),
        data: this.#bytes(this.#payloadLength()),
      };
      if (channel.nextReliable !== before) this.#tracked.add(command);
    } else if (r < 0.5) {
      command = {
        command: ProtocolCommand.SEND_UNRELIABLE,
        flags: 0,
        channelID,
        reliableSequenceNumber: this.#reliableTag(channel),
        unreliableSequenceNumber: this.#unreliableNumber(channel),
        data: this.#bytes(this.#payloadLength()),
      };
    } else if (r < 0.65) {
      command = {
        command: ProtocolCommand.SEND_UNSEQUENCED,
        flags: CommandFlag.UNSEQUENCED,
        channelID,
        reliableSequenceNumber: 0,
        unsequencedGroup: this.#unsequencedNumber(),
        data: this.#bytes(this.#payloadLength()),
      };
    } else {
      const fragments = this.#fragmented(channelID, channel, r < 0.85);
      command = fragments.shift()!;
      this.#burst.push(...fragments);
    }
    if (this.#chance(0.01)) {
      // The same command on a channel the connection does not have goes first.
      this.#burst.unshift(command);
      command = { ...command, channelID: this.#chance(0.5) ? 0xff : this.#channelCount };
      this.#invalid.add(command);
    }
    return command;
  }

  /** The next reliable number, or now and then a stale or far one (not consumed). */
  #reliableNumber(channel: ChannelState): number {
    const r = this.#random();
    // A stale number with new data: inside a fragmented packet's span it blocks the
    // channel for good in C ENet (and must in ours), so keep it rare.
    if (r < 0.01) return (channel.nextReliable - 1 - this.#int(40)) & 0xffff;
    if (r < 0.03) {
      return (channel.nextReliable + 4096 * (4 + this.#int(6)) + this.#int(4096)) & 0xffff;
    }
    return channel.nextReliable++ & 0xffff;
  }

  /** The reliable number an unreliable command carries: the last reliable one sent. */
  #reliableTag(channel: ChannelState): number {
    const r = this.#random();
    if (r < 0.03) return (channel.nextReliable - 2 - this.#int(5)) & 0xffff;
    if (r < 0.05) return (channel.nextReliable + this.#int(3)) & 0xffff;
    return (channel.nextReliable - 1) & 0xffff;
  }

  #unreliableNumber(channel: ChannelState): number {
    const r = this.#random();
    if (r < 0.04) return (channel.lastUnreliable - this.#int(4)) & 0xffff;
    if (r < 0.07) return (channel.lastUnreliable += 2 + this.#int(30)) & 0xffff;
    return ++channel.lastUnreliable & 0xffff;
  }

  #unsequencedNumber(): number {
    const r = this.#random();
    if (r < 0.04) return (this.#unsequencedGroup - this.#int(1500)) & 0xffff;
    if (r < 0.08) return (this.#unsequencedGroup += 500 + this.#int(40000)) & 0xffff;
    return ++this.#unsequencedGroup & 0xffff;
  }

  /** Every fragment of a new packet, shuffled now and then, one maybe made invalid. */
  #fragmented(channelID: number, channel: ChannelState, reliable: boolean): Command[] {
    const totalLength = 2 + this.#int(3000);
    const fragmentLength = Math.max(1 + Math.floor(totalLength / 16), 1 + this.#int(600));
    const fragmentCount = Math.ceil(totalLength / fragmentLength);
    const packet = this.#bytes(totalLength);
    let startSequenceNumber: number;
    let reliableSequenceNumber = 0;
    if (reliable) {
      startSequenceNumber = channel.nextReliable & 0xffff;
      channel.nextReliable += fragmentCount;
      channel.lastUnreliable = 0;
    } else {
      startSequenceNumber = this.#unreliableNumber(channel);
      reliableSequenceNumber = this.#reliableTag(channel);
    }
    const out: SendFragmentCommand[] = [];
    for (let n = 0; n < fragmentCount; n++) {
      const fragmentOffset = n * fragmentLength;
      const fragment: SendFragmentCommand = {
        command: reliable
          ? ProtocolCommand.SEND_FRAGMENT
          : ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
        flags: reliable ? CommandFlag.ACKNOWLEDGE : 0,
        channelID,
        reliableSequenceNumber: reliable
          ? (startSequenceNumber + n) & 0xffff
          : reliableSequenceNumber,
        startSequenceNumber,
        fragmentCount,
        fragmentNumber: n,
        totalLength,
        fragmentOffset,
        data: packet.subarray(
          fragmentOffset,
          Math.min(totalLength, fragmentOffset + fragmentLength),
        ),
      };
      if (reliable) this.#tracked.add(fragment);
      out.push(fragment);
    }
    if (this.#chance(0.3)) {
      for (let i = out.length - 1; i > 0; i--) {
        const j = this.#int(i + 1);
        [out[i], out[j]] = [out[j], out[i]];
      }
    }
    if (this.#chance(0.06)) {
      const i = this.#int(out.length);
      const odd = { ...out[i] };
      const r = this.#random();
      // (Not a 0-byte fragment: C ENet rejects those only since 657eaf9, after 1.3.18.)
      if (r < 0.25) odd.fragmentNumber = fragmentCount + this.#int(3);
      else if (r < 0.5) odd.fragmentOffset = totalLength - this.#int(2);
      else {
        // Rejected only when the packet's first fragment is in: make sure it is.
        if (r < 0.75) odd.totalLength = totalLength + 1 + this.#int(10);
        else odd.fragmentCount = fragmentCount + 1;
        this.#unlost.add(out[i]);
      }
      this.#invalid.add(odd);
      out.splice(i + 1, 0, odd);
    }
    return out;
  }
}
