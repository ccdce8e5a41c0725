/**
 * Known-answer datagrams for the protocol tests.
 *
 * `GODOT_NONE_DATAGRAMS` are real datagrams from a session between a pyenet client (C
 * ENet 1.3.17) and a Godot server with compression off (the `godot_none` capture), each
 * with the decode that came with the capture, converted to this library's field names
 * (`data` as hex). `C_ENET_CHECKSUM_DATAGRAMS` come from two C ENet 1.3.17 hosts with
 * `enet_crc32` checksums on, exchanging a throttle configure, an unreliable and an
 * unsequenced packet, then a 1378-byte packet sent reliably and as unreliable fragments
 * (payload byte i = i & 0xFF), then a disconnect.
 *
 * @module
 */

/** Builds bytes from a hex string. */
export function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Hex string of bytes. */
export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/** A command as expected: the fields of a `Command`, with `data` as a hex string. */
export type ExpectedCommand = Record<string, number | string>;

/** A captured datagram with its expected decode. */
export interface CapturedDatagram {
  hex: string;
  header: { peerID: number; sessionID: number; compressed: boolean; sentTime: number | undefined };
  commands: ExpectedCommand[];
}

/** Representative datagrams of the `godot_none` capture (no checksum, no compression). */
export const GODOT_NONE_DATAGRAMS: readonly CapturedDatagram[] = [
  {
    hex:
      "8fff51ac82ff00010000ffff00000578000100000000000300000000000000000000138800000002000000026498ca817bb4bfde",
    header: { peerID: 4095, sessionID: 0, compressed: false, sentTime: 20908 },
    commands: [
      {
        command: 2,
        flags: 128,
        channelID: 255,
        reliableSequenceNumber: 1,
        outgoingPeerID: 0,
        incomingSessionID: 255,
        outgoingSessionID: 255,
        mtu: 1400,
        windowSize: 65536,
        channelCount: 3,
        incomingBandwidth: 0,
        outgoingBandwidth: 0,
        packetThrottleInterval: 5000,
        packetThrottleAcceleration: 2,
        packetThrottleDeceleration: 2,
        connectID: 1687734913,
        data: 2075443166,
      },
    ],
  },
  {
    hex:
      "800051b283ff00010000000000000578000100000000000300000000000000000000138800000002000000026498ca81",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 20914 },
    commands: [
      {
        command: 3,
        flags: 128,
        channelID: 255,
        reliableSequenceNumber: 1,
        outgoingPeerID: 0,
        incomingSessionID: 0,
        outgoingSessionID: 0,
        mtu: 1400,
        windowSize: 65536,
        channelCount: 3,
        incomingBandwidth: 0,
        outgoingBandwidth: 0,
        packetThrottleInterval: 5000,
        packetThrottleAcceleration: 2,
        packetThrottleDeceleration: 2,
        connectID: 1687734913,
      },
    ],
  },
  {
    hex: "800051b301ff0001000151b285ff0002",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 20915 },
    commands: [
      {
        command: 1,
        flags: 0,
        channelID: 255,
        reliableSequenceNumber: 1,
        receivedReliableSequenceNumber: 1,
        receivedSentTime: 20914,
      },
      { command: 5, flags: 128, channelID: 255, reliableSequenceNumber: 2 },
    ],
  },
  {
    hex: "000001ff0002000251b3",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: undefined },
    commands: [
      {
        command: 1,
        flags: 0,
        channelID: 255,
        reliableSequenceNumber: 2,
        receivedReliableSequenceNumber: 2,
        receivedSentTime: 20915,
      },
    ],
  },
  {
    hex: "800053b085ff0003",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21424 },
    commands: [
      { command: 5, flags: 128, channelID: 255, reliableSequenceNumber: 3 },
    ],
  },
  {
    hex: "800053b886000001000800000000b1ef9a63",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21432 },
    commands: [
      { command: 6, flags: 128, channelID: 0, reliableSequenceNumber: 1, data: "00000000b1ef9a63" },
    ],
  },
  {
    hex: "800053b801ff0002000253b286000001000800000000debfb47b",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21432 },
    commands: [
      {
        command: 1,
        flags: 0,
        channelID: 255,
        reliableSequenceNumber: 2,
        receivedReliableSequenceNumber: 2,
        receivedSentTime: 21426,
      },
      { command: 6, flags: 128, channelID: 0, reliableSequenceNumber: 1, data: "00000000debfb47b" },
    ],
  },
  {
    hex: "800053d38aff00030000000000000000",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21459 },
    commands: [
      {
        command: 10,
        flags: 128,
        channelID: 255,
        reliableSequenceNumber: 3,
        incomingBandwidth: 0,
        outgoingBandwidth: 0,
      },
    ],
  },
  {
    hex: "800054ee860100010012debfb47b01000000ca2f588abe12870846ce",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21742 },
    commands: [
      {
        command: 6,
        flags: 128,
        channelID: 1,
        reliableSequenceNumber: 1,
        data: "debfb47b01000000ca2f588abe12870846ce",
      },
    ],
  },
  {
    hex:
      "000001010021002154ee01010022002254ee01010023002354ee01010024002454ee01010025002554ee01010026002654ee01010027002754ee01010028002854ee01010029002954ee0101002a002a54ee0101002b002b54ee0101002c002c54ee0101002d002d54ee0101002e002e54ee0101002f002f54ee01010030003054ee01010031003154ee",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: undefined },
    commands: [
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 33,
        receivedReliableSequenceNumber: 33,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 34,
        receivedReliableSequenceNumber: 34,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 35,
        receivedReliableSequenceNumber: 35,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 36,
        receivedReliableSequenceNumber: 36,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 37,
        receivedReliableSequenceNumber: 37,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 38,
        receivedReliableSequenceNumber: 38,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 39,
        receivedReliableSequenceNumber: 39,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 40,
        receivedReliableSequenceNumber: 40,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 41,
        receivedReliableSequenceNumber: 41,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 42,
        receivedReliableSequenceNumber: 42,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 43,
        receivedReliableSequenceNumber: 43,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 44,
        receivedReliableSequenceNumber: 44,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 45,
        receivedReliableSequenceNumber: 45,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 46,
        receivedReliableSequenceNumber: 46,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 47,
        receivedReliableSequenceNumber: 47,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 48,
        receivedReliableSequenceNumber: 48,
        receivedSentTime: 21742,
      },
      {
        command: 1,
        flags: 0,
        channelID: 1,
        reliableSequenceNumber: 49,
        receivedReliableSequenceNumber: 49,
        receivedSentTime: 21742,
      },
    ],
  },
  {
    hex:
      "0000490200000001003adebfb47b0100000048c1cc4d8bba1e3cafbbf4d4829d7ad051b6c92f1c6afec5a7cf4fe1f6d8504f9fa4f08df34af7ad6200723bd3928bd6f400",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: undefined },
    commands: [
      {
        command: 9,
        flags: 64,
        channelID: 2,
        reliableSequenceNumber: 0,
        unsequencedGroup: 1,
        data:
          "debfb47b0100000048c1cc4d8bba1e3cafbbf4d4829d7ad051b6c92f1c6afec5a7cf4fe1f6d8504f9fa4f08df34af7ad6200723bd3928bd6f400",
      },
    ],
  },
  {
    hex:
      "80005511860100010011debfb47bb1ef9a63746f2d622d6f6e6c79860100020011debfb47b0000000062726f616463617374",
    header: { peerID: 0, sessionID: 0, compressed: false, sentTime: 21777 },
    commands: [
      {
        command: 6,
        flags: 128,
        channelID: 1,
        reliableSequenceNumber: 1,
        data: "debfb47bb1ef9a63746f2d622d6f6e6c79",
      },
      {
        command: 6,
        flags: 128,
        channelID: 1,
        reliableSequenceNumber: 2,
        data: "debfb47b0000000062726f616463617374",
      },
    ],
  },
  {
    hex: "800157d384ff000500000000",
    header: { peerID: 1, sessionID: 0, compressed: false, sentTime: 22483 },
    commands: [
      { command: 4, flags: 128, channelID: 255, reliableSequenceNumber: 5, data: 0 },
    ],
  },
  {
    hex: "900159d385ff0002860100010013010000000100000072657365727665642d6964",
    header: { peerID: 1, sessionID: 1, compressed: false, sentTime: 22995 },
    commands: [
      { command: 5, flags: 128, channelID: 255, reliableSequenceNumber: 2 },
      {
        command: 6,
        flags: 128,
        channelID: 1,
        reliableSequenceNumber: 1,
        data: "010000000100000072657365727665642d6964",
      },
    ],
  },
];

/** The connect ID of the session in `C_ENET_CHECKSUM_DATAGRAMS`. */
export const C_ENET_CHECKSUM_CONNECT_ID = 0xad9a1a50;

/** Hex of the payload bytes 0..n-1 of the fragmented packet (byte i = i & 0xFF). */
export function patternHex(n: number): string {
  let hex = "";
  for (let i = 0; i < n; i++) hex += (i & 0xff).toString(16).padStart(2, "0");
  return hex;
}

/**
 * Every datagram of the checksummed C ENet session, in order (c = client to server,
 * s = server to client). The client is the server's peer 0; it sends with peer id 0xFFF
 * until it is connected.
 */
export const C_ENET_CHECKSUM_DATAGRAMS: readonly { dir: "c" | "s"; hex: string }[] = [
  {
    dir: "c",
    hex: "8fff8764764fb98e82ff00010000ffff00000578000100000000000200000000000000000000" +
      "13880000000200000002ad9a1a5000000007",
  },
  {
    dir: "s",
    hex: "800087659244e24683ff000100000000000005780001000000000002000000000000000000" +
      "0013880000000200000002ad9a1a50",
  },
  { dir: "c", hex: "800087668539cf5101ff00010001876585ff0002" },
  {
    dir: "c",
    hex: "80008767e38ded9d8bff000300000bb800000003000000040701000000010003616263" +
      "490100000001000478797a21",
  },
  { dir: "s", hex: "0000b94f32f701ff000200028766" },
  {
    dir: "c",
    hex: "8000876710f3e3e2880000010001055800000002000000000000056200000000" + patternHex(1368),
  },
  {
    dir: "c",
    hex: "8000876703f9db73880000020001000a0000000200000001000005620000055858595a5b5c5d5e5f6061",
  },
  {
    dir: "c",
    hex: "0000d9720b110c0100000002055800000002000000000000056200000000" + patternHex(1368),
  },
  {
    dir: "c",
    hex: "0000d68c033c0c0100000002000a0000000200000001000005620000055858595a5b5c5d5e5f6061",
  },
  { dir: "s", hex: "0000929ca0f901ff00030003876701000001000187670100000200028767" },
  { dir: "c", hex: "800089191671154184ff000401020304" },
  { dir: "s", hex: "00006cbbfac601ff000400048919" },
];
