import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CommandReader, commandSize, writeCommand } from "../../src/protocol/codec.ts";
import type { Command } from "../../src/protocol/command.ts";
import { COMMAND_SIZES, ProtocolCommand } from "../../src/protocol/constants.ts";
import {
  CHECKSUM_SIZE,
  checksumSeed,
  verifyChecksum,
  writeChecksum,
} from "../../src/protocol/crc32.ts";
import { readHeader, writeHeader } from "../../src/protocol/header.ts";
import { fixturePath } from "../helpers/fixtures.ts";
import {
  C_ENET_CHECKSUM_CONNECT_ID,
  C_ENET_CHECKSUM_DATAGRAMS,
  type ExpectedCommand,
  fromHex,
  GODOT_NONE_DATAGRAMS,
  patternHex,
  toHex,
} from "./_fixtures.ts";

/** A decoded command with its payload as hex, comparable with an `ExpectedCommand`. */
function plain(cmd: Command): ExpectedCommand {
  const out: ExpectedCommand = {};
  for (const [key, value] of Object.entries(cmd)) {
    out[key] = value instanceof Uint8Array ? toHex(value) : value;
  }
  return out;
}

function decodeAll(bytes: Uint8Array, offset: number) {
  const reader = new CommandReader();
  reader.reset(bytes, offset, bytes.length);
  const commands: Command[] = [];
  for (let cmd = reader.next(); cmd !== null; cmd = reader.next()) commands.push(cmd);
  return { commands, malformed: reader.malformed };
}

/** Encodes a whole datagram from its decoded parts. */
function encodeDatagram(
  header: NonNullable<ReturnType<typeof readHeader>>,
  commands: Command[],
  checksumSeedValue?: number,
): Uint8Array {
  const slot = checksumSeedValue === undefined ? 0 : CHECKSUM_SIZE;
  const size = header.size + slot + commands.reduce((n, c) => n + commandSize(c), 0);
  const out = new Uint8Array(size);
  let offset = writeHeader(
    out,
    0,
    header.peerID,
    header.sessionID,
    header.compressed ? 0x4000 : 0,
    header.sentTime,
  );
  offset += slot;
  for (const cmd of commands) offset = writeCommand(out, offset, cmd);
  assert.equal(offset, size);
  if (checksumSeedValue !== undefined) writeChecksum(out, header.size, checksumSeedValue);
  return out;
}

describe("godot_none datagrams (pyenet client, Godot server, no compression)", () => {
  for (const [i, captured] of GODOT_NONE_DATAGRAMS.entries()) {
    const kinds = captured.commands.map((c) => c.command).join(",");
    test(`datagram ${i} (commands ${kinds}) decodes as captured and re-encodes byte for byte`, () => {
      const bytes = fromHex(captured.hex);
      const header = readHeader(bytes);
      assert.ok(header);
      assert.deepEqual(
        {
          peerID: header.peerID,
          sessionID: header.sessionID,
          compressed: header.compressed,
          sentTime: header.sentTime,
        },
        captured.header,
      );
      const { commands, malformed } = decodeAll(bytes, header.size);
      assert.equal(malformed, false);
      assert.deepEqual(commands.map(plain), captured.commands);
      assert.equal(toHex(encodeDatagram(header, commands)), captured.hex);
    });
  }

  test("a datagram cut inside a SEND_FRAGMENT payload keeps its fixed part and stops malformed", () => {
    // The first 48 of 1400 bytes of a captured reliable fragment (dataLength 1372).
    const prefix =
      "800054ee880100030003055c0000004900000000000186a800000000debfb47b0100000054b387b86997295654f2c1d6";
    const bytes = fromHex(prefix);
    const header = readHeader(bytes);
    assert.deepEqual(header, {
      peerID: 0,
      sessionID: 0,
      compressed: false,
      sentTime: 21742,
      size: 4,
    });
    assert.deepEqual(decodeAll(bytes, 4), { commands: [], malformed: true });
    const whole = fromHex(prefix + "00".repeat(1400 - 48));
    const { commands, malformed } = decodeAll(whole, 4);
    assert.equal(malformed, false);
    assert.deepEqual({ ...plain(commands[0]), data: "" }, {
      command: ProtocolCommand.SEND_FRAGMENT,
      flags: 0x80,
      channelID: 1,
      reliableSequenceNumber: 3,
      startSequenceNumber: 3,
      fragmentCount: 73,
      fragmentNumber: 0,
      totalLength: 100008,
      fragmentOffset: 0,
      data: "",
    });
    assert.equal(toHex(encodeDatagram(header!, commands).subarray(0, 48)), prefix);
  });
});

/** What the C ENet session sent, written from the test program's calls and the sequence numbers. */
const C_ENET_EXPECTED: ExpectedCommand[][] = (() => {
  const id = C_ENET_CHECKSUM_CONNECT_ID;
  const link = {
    outgoingPeerID: 0,
    mtu: 1400,
    windowSize: 65536,
    channelCount: 2,
    incomingBandwidth: 0,
    outgoingBandwidth: 0,
    packetThrottleInterval: 5000,
    packetThrottleAcceleration: 2,
    packetThrottleDeceleration: 2,
    connectID: id,
  };
  const head = (
    command: number,
    flags: number,
    channelID: number,
    reliableSequenceNumber: number,
  ) => ({
    command,
    flags,
    channelID,
    reliableSequenceNumber,
  });
  const ack = (channelID: number, seq: number, sentTime: number) => ({
    ...head(1, 0, channelID, seq),
    receivedReliableSequenceNumber: seq,
    receivedSentTime: sentTime,
  });
  const fragment = (
    command: number,
    flags: number,
    channelID: number,
    seq: number,
    start: number,
    n: number,
  ) => ({
    ...head(command, flags, channelID, seq),
    startSequenceNumber: start,
    fragmentCount: 2,
    fragmentNumber: n,
    totalLength: 1378,
    fragmentOffset: n * 1368,
    data: n === 0 ? patternHex(1368) : "58595a5b5c5d5e5f6061",
  });
  return [
    [{
      ...head(2, 0x80, 0xff, 1),
      ...link,
      incomingSessionID: 0xff,
      outgoingSessionID: 0xff,
      data: 7,
    }],
    [{ ...head(3, 0x80, 0xff, 1), ...link, incomingSessionID: 0, outgoingSessionID: 0 }],
    [ack(0xff, 1, 0x8765), head(5, 0x80, 0xff, 2)],
    [
      {
        ...head(11, 0x80, 0xff, 3),
        packetThrottleInterval: 3000,
        packetThrottleAcceleration: 3,
        packetThrottleDeceleration: 4,
      },
      { ...head(7, 0, 1, 0), unreliableSequenceNumber: 1, data: "616263" },
      { ...head(9, 0x40, 1, 0), unsequencedGroup: 1, data: "78797a21" },
    ],
    [ack(0xff, 2, 0x8766)],
    [fragment(8, 0x80, 0, 1, 1, 0)],
    [fragment(8, 0x80, 0, 2, 1, 1)],
    [fragment(12, 0, 1, 0, 2, 0)],
    [fragment(12, 0, 1, 0, 2, 1)],
    [ack(0xff, 3, 0x8767), ack(0, 1, 0x8767), ack(0, 2, 0x8767)],
    [{ ...head(4, 0x80, 0xff, 4), data: 0x01020304 }],
    [ack(0xff, 4, 0x8919)],
  ];
})();

describe("C ENet 1.3.17 datagrams with checksums", () => {
  test("decode to the commands the C program sent, and re-encode with the same checksum", () => {
    assert.equal(C_ENET_CHECKSUM_DATAGRAMS.length, C_ENET_EXPECTED.length);
    for (const [i, { hex }] of C_ENET_CHECKSUM_DATAGRAMS.entries()) {
      const bytes = fromHex(hex);
      const header = readHeader(bytes);
      assert.ok(header);
      const seed = checksumSeed(header.peerID, C_ENET_CHECKSUM_CONNECT_ID);
      assert.equal(verifyChecksum(bytes, header.size, seed), true, `datagram ${i}`);
      const { commands, malformed } = decodeAll(bytes, header.size + CHECKSUM_SIZE);
      assert.equal(malformed, false, `datagram ${i}`);
      assert.deepEqual(commands.map(plain), C_ENET_EXPECTED[i], `datagram ${i}`);
      assert.equal(toHex(encodeDatagram(header, commands, seed)), hex, `datagram ${i}`);
    }
  });
});

/** Converts a capture's own decode of a command to an `ExpectedCommand` and its size. */
function fromCaptureDecode(
  c: Record<string, unknown>,
): { expected: ExpectedCommand; size: number } {
  const command = ProtocolCommand[c.cmd as keyof typeof ProtocolCommand];
  assert.ok(
    command >= ProtocolCommand.ACKNOWLEDGE && command < ProtocolCommand.COUNT,
    `unknown command ${c.cmd}`,
  );
  const expected: ExpectedCommand = {
    command,
    flags: (c.ackRequested ? 0x80 : 0) | (c.unsequencedFlag ? 0x40 : 0),
    channelID: c.channel as number,
    reliableSequenceNumber: c.reliableSeq as number,
  };
  const skip = [
    "cmd",
    "channel",
    "reliableSeq",
    "ackRequested",
    "unsequencedFlag",
    "dataLength",
    "payload",
  ];
  for (const [key, value] of Object.entries(c)) {
    if (!skip.includes(key)) expected[key] = value as number;
  }
  const dataLength = (c.dataLength as number | undefined) ?? 0;
  if (c.payload !== undefined) expected.data = c.payload as string;
  return { expected, size: COMMAND_SIZES[command] + dataLength };
}

/**
 * Checks a captured command area: every command that lies wholly within the captured
 * bytes decodes as the capture says and re-encodes to the same bytes; the reader stops
 * malformed exactly when the capture cut a command short.
 */
function checkCommands(
  bytes: Uint8Array,
  offset: number,
  decoded: Record<string, unknown>[],
  what: string,
) {
  const { commands, malformed } = decodeAll(bytes, offset);
  let end = offset;
  let whole = 0;
  for (const c of decoded) {
    const { expected, size } = fromCaptureDecode(c);
    if (end + size > bytes.length) break;
    end += size;
    const got = commands[whole++];
    assert.ok(got, `${what}: command ${whole - 1} missing`);
    assert.deepEqual(plain(got), expected, what);
  }
  assert.equal(commands.length, whole, what);
  assert.equal(malformed, end !== bytes.length, what);
  const out = new Uint8Array(end);
  let at = offset;
  for (const cmd of commands) at = writeCommand(out, at, cmd);
  assert.deepEqual(out.subarray(offset), bytes.subarray(offset, end), what);
}

describe("the capture files, every datagram", () => {
  const lines = (name: string) =>
    readFileSync(fixturePath("captures", name), "utf8").split("\n").filter((l) => l.trim() !== "")
      .map(
        (l) => JSON.parse(l),
      );

  test("godot_none: headers and every command match the capture's decode", () => {
    const records = lines("godot_none.tap.jsonl");
    assert.ok(records.length > 200);
    let commandsSeen = 0;
    for (const [i, r] of records.entries()) {
      const bytes = fromHex(r.hex);
      const header = readHeader(bytes);
      assert.ok(header, `line ${i}`);
      assert.deepEqual(
        [header.peerID, header.sessionID, header.compressed, header.sentTime],
        [r.enet.peerID, r.enet.sessionID, r.enet.compressed, r.enet.sentTime],
        `line ${i}`,
      );
      checkCommands(bytes, header.size, r.enet.commands, `godot_none line ${i}`);
      commandsSeen += r.enet.commands.length;
    }
    assert.ok(commandsSeen > 400);
  });

  for (const name of ["godot_range_coder.tap.jsonl", "godot_zlib.tap.jsonl"]) {
    test(`${name}: decompressed bodies' commands match the capture's decode`, () => {
      let bodies = 0;
      for (const [i, r] of lines(name).entries()) {
        const header = readHeader(fromHex(r.hex));
        assert.ok(header, `line ${i}`);
        assert.equal(header.compressed, r.enet.compressed, `line ${i}`);
        if (r.enet.decompressedBody === undefined) continue;
        checkCommands(fromHex(r.enet.decompressedBody), 0, r.enet.commands, `${name} line ${i}`);
        bodies++;
      }
      assert.ok(bodies > 20);
    });
  }
});
