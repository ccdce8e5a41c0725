/**
 * Building outgoing datagrams in a reusable arena, and the queue `Host.pollTransmit`
 * drains.
 *
 * Each datagram is written in place: commands first (after room for the header and
 * checksum slot), then the header in front of them, then the checksum over the
 * uncompressed datagram, then, if the compressor made the commands smaller, the
 * compressed commands over the originals. Nothing is allocated per datagram once the
 * arena and the transmit pool have grown to the traffic.
 *
 * @module
 */

import type { Command } from "../protocol/command.ts";
import { writeCommand } from "../protocol/codec.ts";
import { HeaderFlag, ProtocolLimit } from "../protocol/constants.ts";
import { checksumSeed, writeChecksum } from "../protocol/crc32.ts";
import { writeHeader } from "../protocol/header.ts";
import type { Compressor } from "./compressor.ts";
import { BUFFER_MAXIMUM, CHECKSUM_SLOT_SIZE, PROTOCOL_HEADER_SIZE } from "./constants.ts";
import type { PeerAddress, Transmit } from "./types.ts";

/** Room kept in front of the commands for the 4-byte header and the checksum slot. */
const RESERVE = PROTOCOL_HEADER_SIZE + CHECKSUM_SLOT_SIZE;
/** Most bytes one datagram can take in the arena. */
const DATAGRAM_ROOM = RESERVE + ProtocolLimit.MAXIMUM_MTU + 64;
const INITIAL_ARENA = 64 * 1024;

/** Everything that shapes a datagram besides its commands. */
export interface DatagramTarget {
  /** The remote side's peer id (0xFFF before it is known). */
  outgoingPeerID: number;
  /** Session id for the header. */
  outgoingSessionID: number;
  /** Connect ID, the checksum seed. */
  connectID: number;
}

/** The datagram being built, and the finished ones waiting for `poll`. */
export class DatagramOutput {
  /** Header flags collected for the datagram being built (`SENT_TIME`). */
  headerFlags = 0;
  /** Commands in the datagram being built. */
  commandCount = 0;
  /** Buffers C ENet would gather for it (header, commands, payloads). */
  bufferCount = 0;
  /** Its size as C ENet counts it: a 4-byte header plus the commands. */
  packetSize = 0;

  #arena = new Uint8Array(INITIAL_ARENA);
  #used = 0;
  #start = 0;
  #position = 0;
  #pool: Transmit[] = [];
  #count = 0;
  #head = 0;

  /** Starts a new datagram. */
  begin(): void {
    if (this.#used + DATAGRAM_ROOM > this.#arena.length) {
      // Datagrams already queued keep the old arena alive through their views.
      this.#arena = new Uint8Array(Math.max(this.#arena.length * 2, DATAGRAM_ROOM));
      this.#used = 0;
    }
    this.#start = this.#used;
    this.#position = this.#start + RESERVE;
    this.headerFlags = 0;
    this.commandCount = 0;
    this.bufferCount = 1;
    this.packetSize = PROTOCOL_HEADER_SIZE;
  }

  /**
   * Appends a command (and its payload) to the datagram being built. The caller has
   * checked that it fits the MTU and updates the counters.
   *
   * @param command The command.
   */
  write(command: Command): void {
    this.#position = writeCommand(this.#arena, this.#position, command);
  }

  /**
   * Completes the datagram and queues it for `poll`.
   *
   * @param address Destination.
   * @param target Header fields.
   * @param sentTime The 16-bit sent time, used when `headerFlags` has `SENT_TIME`.
   * @param checksum Whether to add the CRC-32 slot.
   * @param compressor The compressor, or `null`.
   * @returns The datagram's length in bytes.
   */
  finish(
    address: PeerAddress,
    target: DatagramTarget,
    sentTime: number,
    checksum: boolean,
    compressor: Compressor | null,
  ): number {
    const arena = this.#arena;
    const bodyStart = this.#start + RESERVE;
    const bodyEnd = this.#position;
    const hasSentTime = (this.headerFlags & HeaderFlag.SENT_TIME) !== 0;
    const headerSize = hasSentTime ? 4 : 2;
    let flags = 0;
    let compressed: Uint8Array | null = null;
    if (compressor !== null) {
      const body = arena.subarray(bodyStart, bodyEnd);
      const result = compressor.compress(body, body.length);
      if (result !== null && result.length > 0 && result.length < body.length) {
        compressed = result;
        flags |= HeaderFlag.COMPRESSED;
      }
    }
    const peerID = target.outgoingPeerID & ProtocolLimit.MAXIMUM_PEER_ID;
    const sessionID = target.outgoingPeerID < ProtocolLimit.MAXIMUM_PEER_ID
      ? target.outgoingSessionID & 3
      : 0;
    const headerStart = bodyStart - (checksum ? CHECKSUM_SLOT_SIZE : 0) - headerSize;
    writeHeader(
      arena,
      headerStart,
      peerID,
      sessionID,
      flags,
      hasSentTime ? sentTime & 0xffff : undefined,
    );
    if (checksum) {
      writeChecksum(
        arena.subarray(headerStart, bodyEnd),
        headerSize,
        checksumSeed(target.outgoingPeerID, target.connectID),
      );
    }
    let end = bodyEnd;
    if (compressed !== null) {
      arena.set(compressed, bodyStart);
      end = bodyStart + compressed.length;
    }
    this.#used = end;
    this.#push(address, arena.subarray(headerStart, end));
    return end - headerStart;
  }

  #push(address: PeerAddress, data: Uint8Array): void {
    let transmit = this.#pool[this.#count];
    if (transmit === undefined) {
      transmit = { address, data };
      this.#pool.push(transmit);
    } else {
      transmit.address = address;
      transmit.data = data;
    }
    this.#count++;
  }

  /**
   * The next finished datagram.
   *
   * @returns It, or `undefined` when all were taken.
   */
  poll(): Transmit | undefined {
    if (this.#head >= this.#count) return undefined;
    return this.#pool[this.#head++];
  }

  /** Reuses the arena and transmit pool once every datagram was taken. */
  recycle(): void {
    if (this.#head < this.#count) return;
    this.#head = 0;
    this.#count = 0;
    this.#used = 0;
  }

  /**
   * True when the datagram being built has no room for another command of `size` bytes
   * (or two buffers) under the MTU and the command limits.
   *
   * @param mtu The peer's MTU.
   * @param size Bytes the command needs.
   * @param buffers Buffers it needs (1, or 2 with a payload).
   * @returns Whether it does not fit.
   */
  isFull(mtu: number, size: number, buffers: number): boolean {
    return this.commandCount >= ProtocolLimit.MAXIMUM_PACKET_COMMANDS ||
      this.bufferCount + buffers - 1 >= BUFFER_MAXIMUM || mtu - this.packetSize < size;
  }
}
