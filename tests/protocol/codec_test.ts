import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CommandReader, commandSize, writeCommand } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { COMMAND_SIZES, ProtocolCommand } from "../../src/protocol/constants.ts";

const PAYLOAD = Uint8Array.of(0xaa, 0xbb, 0xcc);

/**
 * One sample per command, with distinct values in every byte of every field, and its
 * encoding written by hand from C ENet's packed structs (protocol.h), field by field.
 */
const SAMPLES: { name: string; cmd: Command; bytes: number[] }[] = [
  {
    name: "ACKNOWLEDGE",
    cmd: {
      command: ProtocolCommand.ACKNOWLEDGE,
      flags: 0,
      channelID: 5,
      reliableSequenceNumber: 0x1234,
      receivedReliableSequenceNumber: 0xbeef,
      receivedSentTime: 0x0102,
    },
    // command, channelID, reliableSequenceNumber, receivedReliableSequenceNumber, receivedSentTime
    bytes: [0x01, 0x05, 0x12, 0x34, 0xbe, 0xef, 0x01, 0x02],
  },
  {
    name: "CONNECT",
    cmd: {
      command: ProtocolCommand.CONNECT,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 1,
      outgoingPeerID: 0x0abc,
      incomingSessionID: 0x12,
      outgoingSessionID: 0x34,
      mtu: 0x00000578,
      windowSize: 0x00010000,
      channelCount: 0x000000ff,
      incomingBandwidth: 0x01020304,
      outgoingBandwidth: 0x05060708,
      packetThrottleInterval: 0x00001388,
      packetThrottleAcceleration: 0x0000000a,
      packetThrottleDeceleration: 0x0b0c0d0e,
      connectID: 0xdeadbeef,
      data: 0xcafebabe,
    },
    bytes: [
      ...[0x82, 0xff, 0x00, 0x01], // header: CONNECT | ACKNOWLEDGE, channel 0xFF, seq 1
      ...[0x0a, 0xbc], // outgoingPeerID
      0x12, // incomingSessionID
      0x34, // outgoingSessionID
      ...[0x00, 0x00, 0x05, 0x78], // mtu
      ...[0x00, 0x01, 0x00, 0x00], // windowSize
      ...[0x00, 0x00, 0x00, 0xff], // channelCount
      ...[0x01, 0x02, 0x03, 0x04], // incomingBandwidth
      ...[0x05, 0x06, 0x07, 0x08], // outgoingBandwidth
      ...[0x00, 0x00, 0x13, 0x88], // packetThrottleInterval
      ...[0x00, 0x00, 0x00, 0x0a], // packetThrottleAcceleration
      ...[0x0b, 0x0c, 0x0d, 0x0e], // packetThrottleDeceleration
      ...[0xde, 0xad, 0xbe, 0xef], // connectID
      ...[0xca, 0xfe, 0xba, 0xbe], // data
    ],
  },
  {
    name: "VERIFY_CONNECT",
    cmd: {
      command: ProtocolCommand.VERIFY_CONNECT,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 0x0102,
      outgoingPeerID: 0x0fff,
      incomingSessionID: 3,
      outgoingSessionID: 0xff,
      mtu: 4096,
      windowSize: 4096,
      channelCount: 1,
      incomingBandwidth: 0xffffffff,
      outgoingBandwidth: 0x80000000,
      packetThrottleInterval: 1,
      packetThrottleAcceleration: 2,
      packetThrottleDeceleration: 3,
      connectID: 0x11223344,
    },
    bytes: [
      ...[0x83, 0xff, 0x01, 0x02], // header
      ...[0x0f, 0xff], // outgoingPeerID
      0x03, // incomingSessionID
      0xff, // outgoingSessionID
      ...[0x00, 0x00, 0x10, 0x00], // mtu
      ...[0x00, 0x00, 0x10, 0x00], // windowSize
      ...[0x00, 0x00, 0x00, 0x01], // channelCount
      ...[0xff, 0xff, 0xff, 0xff], // incomingBandwidth
      ...[0x80, 0x00, 0x00, 0x00], // outgoingBandwidth
      ...[0x00, 0x00, 0x00, 0x01], // packetThrottleInterval
      ...[0x00, 0x00, 0x00, 0x02], // packetThrottleAcceleration
      ...[0x00, 0x00, 0x00, 0x03], // packetThrottleDeceleration
      ...[0x11, 0x22, 0x33, 0x44], // connectID
    ],
  },
  {
    name: "DISCONNECT",
    cmd: {
      command: ProtocolCommand.DISCONNECT,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 7,
      data: 0x89abcdef,
    },
    bytes: [0x84, 0xff, 0x00, 0x07, 0x89, 0xab, 0xcd, 0xef],
  },
  {
    name: "DISCONNECT (unsequenced, disconnectNow)",
    cmd: {
      command: ProtocolCommand.DISCONNECT,
      flags: 0x40,
      channelID: 0xff,
      reliableSequenceNumber: 0,
      data: 0,
    },
    bytes: [0x44, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00],
  },
  {
    name: "PING",
    cmd: {
      command: ProtocolCommand.PING,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 0xfffe,
    },
    bytes: [0x85, 0xff, 0xff, 0xfe],
  },
  {
    name: "SEND_RELIABLE",
    cmd: {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: 0x80,
      channelID: 1,
      reliableSequenceNumber: 0x0203,
      data: PAYLOAD,
    },
    // header, dataLength, payload
    bytes: [0x86, 0x01, 0x02, 0x03, 0x00, 0x03, 0xaa, 0xbb, 0xcc],
  },
  {
    name: "SEND_RELIABLE (empty)",
    cmd: {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: 0x80,
      channelID: 0,
      reliableSequenceNumber: 1,
      data: new Uint8Array(0),
    },
    bytes: [0x86, 0x00, 0x00, 0x01, 0x00, 0x00],
  },
  {
    name: "SEND_UNRELIABLE",
    cmd: {
      command: ProtocolCommand.SEND_UNRELIABLE,
      flags: 0,
      channelID: 2,
      reliableSequenceNumber: 0x0003,
      unreliableSequenceNumber: 0x0405,
      data: PAYLOAD,
    },
    // header, unreliableSequenceNumber, dataLength, payload
    bytes: [0x07, 0x02, 0x00, 0x03, 0x04, 0x05, 0x00, 0x03, 0xaa, 0xbb, 0xcc],
  },
  {
    name: "SEND_UNSEQUENCED",
    cmd: {
      command: ProtocolCommand.SEND_UNSEQUENCED,
      flags: 0x40,
      channelID: 3,
      reliableSequenceNumber: 0,
      unsequencedGroup: 0x0102,
      data: PAYLOAD,
    },
    // header, unsequencedGroup, dataLength, payload
    bytes: [0x49, 0x03, 0x00, 0x00, 0x01, 0x02, 0x00, 0x03, 0xaa, 0xbb, 0xcc],
  },
  {
    name: "SEND_FRAGMENT",
    cmd: {
      command: ProtocolCommand.SEND_FRAGMENT,
      flags: 0x80,
      channelID: 4,
      reliableSequenceNumber: 0x0506,
      startSequenceNumber: 0x0708,
      fragmentCount: 0x00100000,
      fragmentNumber: 0x000fffff,
      totalLength: 0x12345678,
      fragmentOffset: 0x9abcdef0,
      data: PAYLOAD,
    },
    bytes: [
      ...[0x88, 0x04, 0x05, 0x06], // header
      ...[0x07, 0x08], // startSequenceNumber
      ...[0x00, 0x03], // dataLength
      ...[0x00, 0x10, 0x00, 0x00], // fragmentCount
      ...[0x00, 0x0f, 0xff, 0xff], // fragmentNumber
      ...[0x12, 0x34, 0x56, 0x78], // totalLength
      ...[0x9a, 0xbc, 0xde, 0xf0], // fragmentOffset
      ...[0xaa, 0xbb, 0xcc], // payload
    ],
  },
  {
    name: "SEND_UNRELIABLE_FRAGMENT",
    cmd: {
      command: ProtocolCommand.SEND_UNRELIABLE_FRAGMENT,
      flags: 0,
      channelID: 6,
      reliableSequenceNumber: 9,
      startSequenceNumber: 0xfffe,
      fragmentCount: 2,
      fragmentNumber: 1,
      totalLength: 1378,
      fragmentOffset: 1368,
      data: PAYLOAD,
    },
    bytes: [
      ...[0x0c, 0x06, 0x00, 0x09], // header
      ...[0xff, 0xfe], // startSequenceNumber
      ...[0x00, 0x03], // dataLength
      ...[0x00, 0x00, 0x00, 0x02], // fragmentCount
      ...[0x00, 0x00, 0x00, 0x01], // fragmentNumber
      ...[0x00, 0x00, 0x05, 0x62], // totalLength
      ...[0x00, 0x00, 0x05, 0x58], // fragmentOffset
      ...[0xaa, 0xbb, 0xcc], // payload
    ],
  },
  {
    name: "BANDWIDTH_LIMIT",
    cmd: {
      command: ProtocolCommand.BANDWIDTH_LIMIT,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 3,
      incomingBandwidth: 100000,
      outgoingBandwidth: 0x01020304,
    },
    bytes: [0x8a, 0xff, 0x00, 0x03, 0x00, 0x01, 0x86, 0xa0, 0x01, 0x02, 0x03, 0x04],
  },
  {
    name: "THROTTLE_CONFIGURE",
    cmd: {
      command: ProtocolCommand.THROTTLE_CONFIGURE,
      flags: 0x80,
      channelID: 0xff,
      reliableSequenceNumber: 3,
      packetThrottleInterval: 3000,
      packetThrottleAcceleration: 3,
      packetThrottleDeceleration: 0xa1b2c3d4,
    },
    bytes: [
      ...[0x8b, 0xff, 0x00, 0x03], // header
      ...[0x00, 0x00, 0x0b, 0xb8], // packetThrottleInterval
      ...[0x00, 0x00, 0x00, 0x03], // packetThrottleAcceleration
      ...[0xa1, 0xb2, 0xc3, 0xd4], // packetThrottleDeceleration
    ],
  },
];

/** All samples back to back, and the offset where each one ends. */
const BODY = Uint8Array.from(SAMPLES.flatMap((s) => s.bytes));
const ENDS = SAMPLES.map((_, i) => SAMPLES.slice(0, i + 1).reduce((n, s) => n + s.bytes.length, 0));

function readAll(reader: CommandReader): Command[] {
  const commands: Command[] = [];
  for (let cmd = reader.next(); cmd !== null; cmd = reader.next()) commands.push(cmd);
  return commands;
}

function decode(bytes: Uint8Array, offset = 0, end = bytes.length) {
  const reader = new CommandReader();
  reader.reset(bytes, offset, end);
  const commands = readAll(reader);
  return { commands, malformed: reader.malformed };
}

describe("writeCommand()", () => {
  for (const { name, cmd, bytes } of SAMPLES) {
    test(`encodes ${name} with C ENet's layout`, () => {
      assert.equal(
        bytes.length,
        COMMAND_SIZES[cmd.command] +
          ("data" in cmd && typeof cmd.data !== "number" ? cmd.data.length : 0),
      );
      assert.equal(commandSize(cmd), bytes.length);
      const buf = new Uint8Array(bytes.length + 5).fill(0x5a);
      assert.equal(writeCommand(buf, 3, cmd), 3 + bytes.length);
      assert.deepEqual([...buf.subarray(3, 3 + bytes.length)], bytes);
      assert.deepEqual([...buf.subarray(0, 3)], [0x5a, 0x5a, 0x5a]);
      assert.deepEqual([...buf.subarray(3 + bytes.length)], [0x5a, 0x5a]);
    });
  }

  test("fills a buffer exactly and throws RangeError one byte short, writing nothing", () => {
    for (const { cmd, bytes } of SAMPLES) {
      assert.equal(writeCommand(new Uint8Array(bytes.length), 0, cmd), bytes.length);
      const short = new Uint8Array(bytes.length + 1).fill(7);
      assert.throws(() => writeCommand(short, 2, cmd), RangeError);
      assert.ok(short.every((b) => b === 7));
    }
  });

  test("throws RangeError on a negative offset", () => {
    assert.throws(() => writeCommand(new Uint8Array(64), -1, SAMPLES[0].cmd), RangeError);
  });

  test("throws RangeError on a payload over 65535 bytes", () => {
    const cmd: Command = {
      command: ProtocolCommand.SEND_RELIABLE,
      flags: 0x80,
      channelID: 0,
      reliableSequenceNumber: 1,
      data: new Uint8Array(0x10000),
    };
    assert.throws(() => writeCommand(new Uint8Array(0x20000), 0, cmd), RangeError);
    const max = { ...cmd, data: new Uint8Array(0xffff) };
    const buf = new Uint8Array(0x10005);
    assert.equal(writeCommand(buf, 0, max), 6 + 0xffff);
    assert.deepEqual([...buf.subarray(4, 6)], [0xff, 0xff]);
  });

  test("throws TypeError on an unknown command number", () => {
    for (const n of [0, 13, 14, 15, 16, -1]) {
      const cmd = {
        command: n,
        flags: 0,
        channelID: 0,
        reliableSequenceNumber: 0,
      } as unknown as Command;
      assert.throws(() => writeCommand(new Uint8Array(64), 0, cmd), TypeError);
      assert.throws(() => commandSize(cmd), TypeError);
    }
  });

  test("keeps the flag bits, whatever else the command number field holds", () => {
    const cmd: Command = {
      command: ProtocolCommand.PING,
      flags: 0xc0,
      channelID: 1,
      reliableSequenceNumber: 2,
    };
    const buf = new Uint8Array(4);
    writeCommand(buf, 0, cmd);
    assert.equal(buf[0], 0xc5);
    writeCommand(buf, 0, { ...cmd, flags: 0x0f });
    assert.equal(buf[0], 0x05, "flags cannot change the command number");
  });
});

describe("CommandReader", () => {
  for (const { name, cmd, bytes } of SAMPLES) {
    test(`decodes ${name} back to the same command`, () => {
      const buf = Uint8Array.from([9, 9, ...bytes, 9]);
      const { commands, malformed } = decode(buf, 2, 2 + bytes.length);
      assert.equal(malformed, false);
      assert.deepEqual(commands, [cmd]);
    });
  }

  test("decodes every command of a body, payloads as views into the buffer", () => {
    const buf = BODY.slice();
    const { commands, malformed } = decode(buf);
    assert.equal(malformed, false);
    assert.deepEqual(commands, SAMPLES.map((s) => s.cmd));
    const send = commands.find((c) => c.command === ProtocolCommand.SEND_RELIABLE);
    assert.ok(send && "data" in send && typeof send.data !== "number");
    assert.equal(send.data.buffer, buf.buffer);
    buf[buf.indexOf(0xaa)] = 0x11;
    assert.equal(send.data[0], 0x11);
  });

  test("re-encoding decoded commands reproduces the body", () => {
    const { commands } = decode(BODY);
    const out = new Uint8Array(BODY.length);
    let offset = 0;
    for (const cmd of commands) offset = writeCommand(out, offset, cmd);
    assert.equal(offset, BODY.length);
    assert.deepEqual(out, BODY);
  });

  test("stops at every truncation, keeping the whole commands before it", () => {
    for (let length = 0; length <= BODY.length; length++) {
      const whole = ENDS.filter((end) => end <= length).length;
      const atBoundary = length === 0 || ENDS.includes(length);
      for (
        const { commands, malformed } of [decode(BODY, 0, length), decode(BODY.slice(0, length))]
      ) {
        assert.deepEqual(commands, SAMPLES.slice(0, whole).map((s) => s.cmd), `length ${length}`);
        assert.equal(malformed, !atBoundary, `length ${length}`);
      }
    }
  });

  test("reports trailing bytes that are not a whole command as malformed", () => {
    for (
      const tail of [[0x85], [0x85, 0xff], [0x85, 0xff, 0x00], [0x86, 0, 0, 1, 0], [0, 0, 0, 0]]
    ) {
      const { commands, malformed } = decode(Uint8Array.from([...SAMPLES[5].bytes, ...tail]));
      assert.deepEqual(commands, [SAMPLES[5].cmd], `tail ${tail}`);
      assert.equal(malformed, true, `tail ${tail}`);
    }
  });

  test("stops at unknown command numbers (0, 13, 14, 15), with or without flags", () => {
    for (const n of [0, 13, 14, 15]) {
      for (const flags of [0, 0x40, 0x80, 0xf0]) {
        const unknown = [n | flags, 0xff, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        const alone = decode(Uint8Array.from(unknown));
        assert.deepEqual(alone, { commands: [], malformed: true });
        const after = decode(
          Uint8Array.from([...SAMPLES[0].bytes, ...unknown, ...SAMPLES[5].bytes]),
        );
        assert.deepEqual(after, { commands: [SAMPLES[0].cmd], malformed: true });
      }
    }
  });

  test("stops when a dataLength runs past the end, by one byte or by 0xFFFF", () => {
    for (const sample of SAMPLES.filter((s) => "data" in s.cmd && typeof s.cmd.data !== "number")) {
      const fixed = COMMAND_SIZES[sample.cmd.command];
      // dataLength: the last u16 of the 6- and 8-byte fixed parts, at offset 6 in fragments
      const lengthAt = fixed === 24 ? 6 : fixed - 2;
      for (const dataLength of [sample.bytes.length - fixed + 1, 0xffff]) {
        const bytes = Uint8Array.from([...SAMPLES[0].bytes, ...sample.bytes]);
        const base = SAMPLES[0].bytes.length + lengthAt;
        bytes[base] = dataLength >> 8;
        bytes[base + 1] = dataLength & 0xff;
        assert.deepEqual(
          decode(bytes),
          { commands: [SAMPLES[0].cmd], malformed: true },
          sample.name,
        );
      }
    }
  });

  test("ignores the bytes outside its range", () => {
    const buf = Uint8Array.from([...SAMPLES[6].bytes, 0xee, 0xee]);
    const { commands, malformed } = decode(buf, 0, SAMPLES[6].bytes.length);
    assert.equal(malformed, false);
    assert.deepEqual(commands, [SAMPLES[6].cmd]);
  });

  test("keeps unknown flag bits 4 and 5 so re-encoding is exact", () => {
    const bytes = Uint8Array.of(0xb5, 0xff, 0x00, 0x09);
    const { commands } = decode(bytes);
    assert.deepEqual(commands, [{
      command: 5,
      flags: 0xb0,
      channelID: 0xff,
      reliableSequenceNumber: 9,
    }]);
    const out = new Uint8Array(4);
    writeCommand(out, 0, commands[0]);
    assert.deepEqual(out, bytes);
  });

  test("can be reset and reused; returns null after the end and after malformed input", () => {
    const reader = new CommandReader();
    assert.equal(reader.next(), null);
    assert.equal(reader.malformed, false);
    reader.reset(Uint8Array.of(0x0d, 0, 0, 0), 0, 4);
    assert.equal(reader.next(), null);
    assert.equal(reader.malformed, true);
    assert.equal(reader.next(), null);
    assert.equal(reader.malformed, true);
    reader.reset(BODY, 0, BODY.length);
    assert.equal(reader.malformed, false);
    assert.equal(readAll(reader).length, SAMPLES.length);
    assert.equal(reader.offset, BODY.length);
    assert.equal(reader.next(), null);
    assert.equal(reader.malformed, false);
  });

  test("reset() throws RangeError on a range outside the buffer", () => {
    const reader = new CommandReader();
    const buf = new Uint8Array(8);
    assert.throws(() => reader.reset(buf, -1, 4), RangeError);
    assert.throws(() => reader.reset(buf, 5, 4), RangeError);
    assert.throws(() => reader.reset(buf, 0, 9), RangeError);
    reader.reset(buf, 8, 8);
    assert.equal(reader.next(), null);
    assert.equal(reader.malformed, false);
  });
});
