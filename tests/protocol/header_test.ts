import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type DatagramHeader,
  HEADER_SIZE_WITH_SENT_TIME,
  HEADER_SIZE_WITHOUT_SENT_TIME,
  readHeader,
  writeHeader,
} from "../../src/protocol/header.ts";
import { HeaderFlag } from "../../src/protocol/constants.ts";

describe("readHeader()", () => {
  test("decodes a CONNECT datagram's header: peer id 0xFFF with a sent time", () => {
    assert.deepEqual(readHeader(Uint8Array.of(0x8f, 0xff, 0x51, 0xac, 0x82)), {
      peerID: 0xfff,
      sessionID: 0,
      compressed: false,
      sentTime: 0x51ac,
      size: HEADER_SIZE_WITH_SENT_TIME,
    });
  });

  test("splits peer id, session and COMPRESSED bits, with no sent time", () => {
    // 0x7abc = 0 (no sent time) 1 (compressed) 11 (session 3) 1010 1011 1100 (peer 0xABC)
    assert.deepEqual(readHeader(Uint8Array.of(0x7a, 0xbc)), {
      peerID: 0xabc,
      sessionID: 3,
      compressed: true,
      sentTime: undefined,
      size: HEADER_SIZE_WITHOUT_SENT_TIME,
    });
    // 0x9001: sent time, session 1, peer 1
    assert.deepEqual(readHeader(Uint8Array.of(0x90, 0x01, 0xff, 0xfe)), {
      peerID: 1,
      sessionID: 1,
      compressed: false,
      sentTime: 0xfffe,
      size: 4,
    });
  });

  test("returns null when too short for the header its flags announce", () => {
    assert.equal(readHeader(new Uint8Array(0)), null);
    assert.equal(readHeader(Uint8Array.of(0x00)), null);
    assert.equal(readHeader(Uint8Array.of(0x80, 0x00)), null);
    assert.equal(readHeader(Uint8Array.of(0x80, 0x00, 0x01)), null);
    assert.notEqual(readHeader(Uint8Array.of(0x00, 0x00)), null);
    assert.notEqual(readHeader(Uint8Array.of(0x80, 0x00, 0x01, 0x02)), null);
  });

  test("fills and returns a given out-object, clearing a previous sent time", () => {
    const out: DatagramHeader = {
      peerID: 0,
      sessionID: 0,
      compressed: false,
      sentTime: 0,
      size: 0,
    };
    assert.equal(readHeader(Uint8Array.of(0xc0, 0x05, 0x12, 0x34), out), out);
    assert.deepEqual(out, { peerID: 5, sessionID: 0, compressed: true, sentTime: 0x1234, size: 4 });
    assert.equal(readHeader(Uint8Array.of(0x00, 0x06), out), out);
    assert.deepEqual(out, {
      peerID: 6,
      sessionID: 0,
      compressed: false,
      sentTime: undefined,
      size: 2,
    });
    assert.equal(readHeader(Uint8Array.of(0x80), out), null);
  });
});

describe("writeHeader()", () => {
  test("writes the bytes C ENet sends", () => {
    const buf = new Uint8Array(6).fill(0xee);
    assert.equal(writeHeader(buf, 1, 0xfff, 0, 0, 0x51ac), 5);
    assert.deepEqual([...buf], [0xee, 0x8f, 0xff, 0x51, 0xac, 0xee]);
    assert.equal(writeHeader(buf, 0, 0, 0, 0), 2);
    assert.deepEqual([...buf.subarray(0, 2)], [0x00, 0x00]);
    assert.equal(writeHeader(buf, 0, 0xabc, 3, HeaderFlag.COMPRESSED), 2);
    assert.deepEqual([...buf.subarray(0, 2)], [0x7a, 0xbc]);
    assert.equal(writeHeader(buf, 0, 1, 1, HeaderFlag.COMPRESSED, 0x9d3), 4);
    assert.deepEqual([...buf.subarray(0, 4)], [0xd0, 0x01, 0x09, 0xd3]);
  });

  test("round-trips through readHeader() for every session, flag and sent-time case", () => {
    const buf = new Uint8Array(4);
    for (const peerID of [0, 1, 0x123, 0xffe, 0xfff]) {
      for (let sessionID = 0; sessionID < 4; sessionID++) {
        for (const compressed of [false, true]) {
          for (const sentTime of [undefined, 0, 0x8000, 0xffff]) {
            const flags = compressed ? HeaderFlag.COMPRESSED : 0;
            const size = writeHeader(buf, 0, peerID, sessionID, flags, sentTime);
            assert.deepEqual(readHeader(buf.subarray(0, size)), {
              peerID,
              sessionID,
              compressed,
              sentTime,
              size,
            });
          }
        }
      }
    }
  });

  test("derives SENT_TIME from the sentTime argument and wraps it to 16 bits", () => {
    const buf = new Uint8Array(4);
    assert.equal(writeHeader(buf, 0, 2, 0, HeaderFlag.SENT_TIME), 2);
    assert.deepEqual([...buf.subarray(0, 2)], [0x00, 0x02]);
    writeHeader(buf, 0, 2, 0, 0, 0x12345);
    assert.deepEqual([...buf], [0x80, 0x02, 0x23, 0x45]);
  });

  test("throws RangeError on out-of-range ids or too small a buffer", () => {
    const buf = new Uint8Array(4);
    assert.throws(() => writeHeader(buf, 0, 0x1000, 0, 0), RangeError);
    assert.throws(() => writeHeader(buf, 0, -1, 0, 0), RangeError);
    assert.throws(() => writeHeader(buf, 0, 1.5, 0, 0), RangeError);
    assert.throws(() => writeHeader(buf, 0, 0, 4, 0), RangeError);
    assert.throws(() => writeHeader(buf, 0, 0, -1, 0), RangeError);
    assert.throws(() => writeHeader(buf, 1, 0, 0, 0, 0), RangeError);
    assert.throws(() => writeHeader(buf, 3, 0, 0, 0), RangeError);
    assert.throws(() => writeHeader(buf, -1, 0, 0, 0), RangeError);
    assert.deepEqual([...buf], [0, 0, 0, 0]);
  });
});
