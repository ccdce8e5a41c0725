/**
 * Encoding and decoding of ENet 1.3 protocol commands.
 *
 * Every command starts with ENet's 4-byte command header (command byte = command number
 * | flags, channel id, big-endian reliable sequence number), followed by the command's
 * fixed fields, all big-endian, with exactly the sizes of C ENet's packed structs
 * (`COMMAND_SIZES`). SEND commands are followed by `dataLength` payload bytes.
 *
 * Decoding never trusts a length: an unknown command number, a fixed part or a payload
 * running past the end stops the reader with `malformed` set, and the commands decoded
 * before it stand, as in C ENet's `enet_protocol_handle_incoming_commands`.
 *
 * @module
 */

import type { Command, ConnectCommand, VerifyConnectCommand } from "./command.ts";
import { COMMAND_HEADER_SIZE, COMMAND_SIZES, ProtocolCommand } from "./constants.ts";

const COMMAND_NUMBER_MASK = ProtocolCommand.MASK;
/** The command byte's bits above the command number: flags, kept as received. */
const COMMAND_FLAGS_MASK = 0xf0;
const MAXIMUM_DATA_LENGTH = 0xffff;
/** The payload of commands without one: never read, shared. */
const EMPTY = new Uint8Array(0);

/**
 * Where each command's 16-bit `dataLength` sits, from the command's start, indexed by
 * command number; 0 for the commands without a payload. The payload follows the fixed
 * part (`COMMAND_SIZES`).
 */
const DATA_LENGTH_OFFSETS: readonly number[] = [0, 0, 0, 0, 0, 0, 4, 6, 6, 6, 0, 0, 6];

function fixedSize(cmd: Command, verb: string): number {
  const n = cmd.command;
  if (!(n >= ProtocolCommand.ACKNOWLEDGE && n < ProtocolCommand.COUNT)) {
    throw new TypeError(`Cannot ${verb} command: unknown command number ${n}`);
  }
  return COMMAND_SIZES[n];
}

/**
 * The number of bytes `cmd` takes on the wire: its fixed part plus its payload.
 *
 * @param cmd The command.
 * @returns Its encoded size in bytes.
 * @throws {TypeError} If `cmd.command` is not a command number (1 to 12).
 *
 * @example Size of a reliable send
 * ```ts
 * import assert from "node:assert/strict";
 * import { commandSize } from "./codec.ts";
 * import { ProtocolCommand } from "./constants.ts";
 *
 * const size = commandSize({
 *   command: ProtocolCommand.SEND_RELIABLE, flags: 0x80, channelID: 0,
 *   reliableSequenceNumber: 1, data: new Uint8Array(10),
 * });
 * assert.equal(size, 16);
 * ```
 */
export function commandSize(cmd: Command): number {
  const size = fixedSize(cmd, "size");
  return DATA_LENGTH_OFFSETS[cmd.command] === 0
    ? size
    : size + (cmd as { data: Uint8Array }).data.length;
}

function put16(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 8;
  buf[at + 1] = value;
}

function put32(buf: Uint8Array, at: number, value: number): void {
  buf[at] = value >>> 24;
  buf[at + 1] = value >>> 16;
  buf[at + 2] = value >>> 8;
  buf[at + 3] = value;
}

function get16(buf: Uint8Array, at: number): number {
  return (buf[at] << 8) | buf[at + 1];
}

function get32(buf: Uint8Array, at: number): number {
  return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}

/**
 * Writes `cmd` into `buf` at `offset`: the command header, the fixed fields and, for
 * SEND commands, `dataLength` = `data.length` followed by the payload bytes.
 *
 * Integer fields are written modulo their wire width (8, 16 or 32 bits).
 *
 * @param buf The output buffer.
 * @param offset Where the command starts.
 * @param cmd The command to encode.
 * @returns The offset just past the command.
 * @throws {RangeError} If the command does not fit in `buf` from `offset`, or a payload
 * is longer than 65535 bytes.
 * @throws {TypeError} If `cmd.command` is not a command number (1 to 12).
 *
 * @example Encode a PING
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeCommand } from "./codec.ts";
 * import { CommandFlag, ProtocolCommand } from "./constants.ts";
 *
 * const buf = new Uint8Array(4);
 * const end = writeCommand(buf, 0, {
 *   command: ProtocolCommand.PING, flags: CommandFlag.ACKNOWLEDGE, channelID: 0xff,
 *   reliableSequenceNumber: 2,
 * });
 * assert.equal(end, 4);
 * assert.deepEqual([...buf], [0x85, 0xff, 0x00, 0x02]);
 * ```
 */
export function writeCommand(buf: Uint8Array, offset: number, cmd: Command): number {
  const size = fixedSize(cmd, "write");
  const dataLengthAt = DATA_LENGTH_OFFSETS[cmd.command];
  const payload = dataLengthAt === 0 ? undefined : (cmd as { data: Uint8Array }).data;
  const dataLength = payload === undefined ? 0 : payload.length;
  if (dataLength > MAXIMUM_DATA_LENGTH) {
    throw new RangeError(
      `Cannot write command: payload of ${dataLength} bytes exceeds ${MAXIMUM_DATA_LENGTH}`,
    );
  }
  const needed = size + dataLength;
  const end = offset + needed;
  if (!(offset >= 0) || end > buf.length) {
    throw new RangeError(
      `Cannot write command: ${needed} bytes at offset ${offset} overrun a buffer of ${buf.length}`,
    );
  }
  buf[offset] = (cmd.command & COMMAND_NUMBER_MASK) | (cmd.flags & COMMAND_FLAGS_MASK);
  buf[offset + 1] = cmd.channelID;
  put16(buf, offset + 2, cmd.reliableSequenceNumber);
  const at = offset + COMMAND_HEADER_SIZE;
  if (payload !== undefined) {
    put16(buf, offset + dataLengthAt, dataLength);
    buf.set(payload, offset + size);
  }
  switch (cmd.command) {
    case ProtocolCommand.ACKNOWLEDGE:
      put16(buf, at, cmd.receivedReliableSequenceNumber);
      put16(buf, at + 2, cmd.receivedSentTime);
      break;
    case ProtocolCommand.CONNECT:
    case ProtocolCommand.VERIFY_CONNECT:
      put16(buf, at, cmd.outgoingPeerID);
      buf[at + 2] = cmd.incomingSessionID;
      buf[at + 3] = cmd.outgoingSessionID;
      put32(buf, at + 4, cmd.mtu);
      put32(buf, at + 8, cmd.windowSize);
      put32(buf, at + 12, cmd.channelCount);
      put32(buf, at + 16, cmd.incomingBandwidth);
      put32(buf, at + 20, cmd.outgoingBandwidth);
      put32(buf, at + 24, cmd.packetThrottleInterval);
      put32(buf, at + 28, cmd.packetThrottleAcceleration);
      put32(buf, at + 32, cmd.packetThrottleDeceleration);
      put32(buf, at + 36, cmd.connectID);
      if (cmd.command === ProtocolCommand.CONNECT) put32(buf, at + 40, cmd.data);
      break;
    case ProtocolCommand.DISCONNECT:
      put32(buf, at, cmd.data);
      break;
    case ProtocolCommand.PING:
    case ProtocolCommand.SEND_RELIABLE:
      break;
    case ProtocolCommand.SEND_UNRELIABLE:
      put16(buf, at, cmd.unreliableSequenceNumber);
      break;
    case ProtocolCommand.SEND_UNSEQUENCED:
      put16(buf, at, cmd.unsequencedGroup);
      break;
    case ProtocolCommand.SEND_FRAGMENT:
    case ProtocolCommand.SEND_UNRELIABLE_FRAGMENT:
      put16(buf, at, cmd.startSequenceNumber);
      put32(buf, at + 4, cmd.fragmentCount);
      put32(buf, at + 8, cmd.fragmentNumber);
      put32(buf, at + 12, cmd.totalLength);
      put32(buf, at + 16, cmd.fragmentOffset);
      break;
    case ProtocolCommand.BANDWIDTH_LIMIT:
      put32(buf, at, cmd.incomingBandwidth);
      put32(buf, at + 4, cmd.outgoingBandwidth);
      break;
    case ProtocolCommand.THROTTLE_CONFIGURE:
      put32(buf, at, cmd.packetThrottleInterval);
      put32(buf, at + 4, cmd.packetThrottleAcceleration);
      put32(buf, at + 8, cmd.packetThrottleDeceleration);
      break;
  }
  return end;
}

/**
 * Reads the commands of one datagram body, one at a time, without copying.
 *
 * A reader is reusable: `reset` it for each datagram. `next()` returns a new command
 * object per call; SEND payloads are `subarray` views into the buffer, valid as long as
 * the buffer's bytes are, so callers copy what they keep. The command byte's bits above
 * the command number are returned as `flags` unchanged, so re-encoding a decoded command
 * reproduces its bytes.
 *
 * `next()` returns `null` at the end of the body, or earlier with `malformed` set when
 * the next command cannot be decoded: an unknown command number (0 or 13 to 15), a
 * command header or fixed part running past the end (trailing bytes included), or a
 * `dataLength` running past the end. Commands already returned stand.
 *
 * @example Read the commands of a datagram body
 * ```ts
 * import assert from "node:assert/strict";
 * import { CommandReader } from "./codec.ts";
 *
 * // ACKNOWLEDGE then PING, after a 4-byte header
 * const datagram = Uint8Array.of(
 *   0x80, 0x00, 0x51, 0xb3,
 *   0x01, 0xff, 0x00, 0x01, 0x00, 0x01, 0x51, 0xb2,
 *   0x85, 0xff, 0x00, 0x02,
 * );
 * const reader = new CommandReader();
 * reader.reset(datagram, 4, datagram.length);
 * assert.equal(reader.next()?.command, 1);
 * assert.equal(reader.next()?.command, 5);
 * assert.equal(reader.next(), null);
 * assert.equal(reader.malformed, false);
 * ```
 */
export class CommandReader {
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #end = 0;
  #malformed = false;

  /** True once decoding stopped on bytes that are not a whole, known command. */
  get malformed(): boolean {
    return this.#malformed;
  }

  /** Byte offset of the next command to read (where decoding stopped, once done). */
  get offset(): number {
    return this.#pos;
  }

  /**
   * Starts reading the commands in `buf` from `offset` up to `end` (exclusive).
   *
   * @param buf The datagram bytes.
   * @param offset Where the first command starts.
   * @param end Where the commands end; defaults to `buf.length`.
   * @throws {RangeError} If `offset` and `end` do not lie within `buf` in order.
   */
  reset(buf: Uint8Array, offset: number, end: number = buf.length): void {
    if (!(offset >= 0 && offset <= end && end <= buf.length)) {
      throw new RangeError(
        `Cannot read commands: range ${offset}..${end} is outside a buffer of ${buf.length}`,
      );
    }
    this.#buf = buf;
    this.#pos = offset;
    this.#end = end;
    this.#malformed = false;
  }

  /**
   * Decodes the next command.
   *
   * @returns The command, or `null` when there is none left or the rest is malformed.
   */
  next(): Command | null {
    const buf = this.#buf;
    const start = this.#pos;
    const end = this.#end;
    if (start >= end) return null;
    if (start + COMMAND_HEADER_SIZE > end) return this.#stop();
    const commandByte = buf[start];
    const command = commandByte & COMMAND_NUMBER_MASK;
    if (command === ProtocolCommand.NONE || command >= ProtocolCommand.COUNT) {
      return this.#stop();
    }
    const size = COMMAND_SIZES[command];
    if (start + size > end) return this.#stop();

    let next = start + size;
    let data: Uint8Array = EMPTY;
    const dataLengthAt = DATA_LENGTH_OFFSETS[command];
    if (dataLengthAt !== 0) {
      next += get16(buf, start + dataLengthAt);
      if (next > end) return this.#stop();
      data = buf.subarray(start + size, next);
    }

    const flags = commandByte & COMMAND_FLAGS_MASK;
    const channelID = buf[start + 1];
    const reliableSequenceNumber = get16(buf, start + 2);
    const at = start + COMMAND_HEADER_SIZE;
    let result: Command;
    switch (command) {
      case ProtocolCommand.ACKNOWLEDGE:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          receivedReliableSequenceNumber: get16(buf, at),
          receivedSentTime: get16(buf, at + 2),
        };
        break;
      case ProtocolCommand.CONNECT:
      case ProtocolCommand.VERIFY_CONNECT: {
        // CONNECT is VERIFY_CONNECT's fields followed by the user data.
        const connect = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          outgoingPeerID: get16(buf, at),
          incomingSessionID: buf[at + 2],
          outgoingSessionID: buf[at + 3],
          mtu: get32(buf, at + 4),
          windowSize: get32(buf, at + 8),
          channelCount: get32(buf, at + 12),
          incomingBandwidth: get32(buf, at + 16),
          outgoingBandwidth: get32(buf, at + 20),
          packetThrottleInterval: get32(buf, at + 24),
          packetThrottleAcceleration: get32(buf, at + 28),
          packetThrottleDeceleration: get32(buf, at + 32),
          connectID: get32(buf, at + 36),
        } as ConnectCommand | VerifyConnectCommand;
        if (connect.command === ProtocolCommand.CONNECT) connect.data = get32(buf, at + 40);
        result = connect;
        break;
      }
      case ProtocolCommand.DISCONNECT:
        result = { command, flags, channelID, reliableSequenceNumber, data: get32(buf, at) };
        break;
      case ProtocolCommand.PING:
        result = { command, flags, channelID, reliableSequenceNumber };
        break;
      case ProtocolCommand.SEND_RELIABLE:
        result = { command, flags, channelID, reliableSequenceNumber, data };
        break;
      case ProtocolCommand.SEND_UNRELIABLE:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          unreliableSequenceNumber: get16(buf, at),
          data,
        };
        break;
      case ProtocolCommand.SEND_UNSEQUENCED:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          unsequencedGroup: get16(buf, at),
          data,
        };
        break;
      case ProtocolCommand.SEND_FRAGMENT:
      case ProtocolCommand.SEND_UNRELIABLE_FRAGMENT:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          startSequenceNumber: get16(buf, at),
          fragmentCount: get32(buf, at + 4),
          fragmentNumber: get32(buf, at + 8),
          totalLength: get32(buf, at + 12),
          fragmentOffset: get32(buf, at + 16),
          data,
        };
        break;
      case ProtocolCommand.BANDWIDTH_LIMIT:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          incomingBandwidth: get32(buf, at),
          outgoingBandwidth: get32(buf, at + 4),
        };
        break;
      case ProtocolCommand.THROTTLE_CONFIGURE:
        result = {
          command,
          flags,
          channelID,
          reliableSequenceNumber,
          packetThrottleInterval: get32(buf, at),
          packetThrottleAcceleration: get32(buf, at + 4),
          packetThrottleDeceleration: get32(buf, at + 8),
        };
        break;
      default:
        return this.#stop();
    }
    this.#pos = next;
    return result;
  }

  #stop(): null {
    this.#malformed = true;
    this.#end = this.#pos;
    return null;
  }
}
