/**
 * The ENet 1.3 datagram header.
 *
 * A datagram starts with a big-endian 16-bit field holding the peer id (low 12 bits),
 * the session id (bits 12-13) and the `HeaderFlag.COMPRESSED` (bit 14) and
 * `HeaderFlag.SENT_TIME` (bit 15) flags. When `SENT_TIME` is set, a big-endian 16-bit
 * sent time follows. A host with checksums enabled then has a 4-byte checksum slot (see
 * `crc32.ts`), which the header does not signal; the commands come last.
 *
 * @module
 */

import { HeaderFlag, ProtocolLimit } from "./constants.ts";

/** Size of a datagram header carrying a sent time. */
export const HEADER_SIZE_WITH_SENT_TIME = 4;
/** Size of a datagram header without a sent time. */
export const HEADER_SIZE_WITHOUT_SENT_TIME = 2;

const PEER_ID_MASK = ProtocolLimit.MAXIMUM_PEER_ID;
const SESSION_LIMIT = HeaderFlag.SESSION_MASK >> HeaderFlag.SESSION_SHIFT;

/** The decoded fields of a datagram header. */
export interface DatagramHeader {
  /** The receiving peer's id, 0 to 0xFFF; 0xFFF (`ProtocolLimit.MAXIMUM_PEER_ID`) when it has none yet. */
  peerID: number;
  /** The session id, 0 to 3. */
  sessionID: number;
  /** True when the commands after the header are compressed. */
  compressed: boolean;
  /** The 16-bit sent time, or `undefined` when the header carries none. */
  sentTime: number | undefined;
  /** The header's size in bytes: 2 or 4 (without any checksum slot). */
  size: number;
}

/**
 * Decodes the header at the start of a datagram.
 *
 * @param buf The datagram.
 * @param out An object to fill and return instead of allocating a new one.
 * @returns The header, or `null` if `buf` is too short for it (under 2 bytes, or under 4
 * with the `SENT_TIME` flag set).
 *
 * @example Read a header with a sent time
 * ```ts
 * import assert from "node:assert/strict";
 * import { readHeader } from "./header.ts";
 *
 * const header = readHeader(Uint8Array.of(0x80, 0x00, 0x51, 0xb3));
 * assert.deepEqual(header, {
 *   peerID: 0, sessionID: 0, compressed: false, sentTime: 0x51b3, size: 4,
 * });
 * ```
 */
export function readHeader(buf: Uint8Array, out?: DatagramHeader): DatagramHeader | null {
  if (buf.length < HEADER_SIZE_WITHOUT_SENT_TIME) return null;
  const field = (buf[0] << 8) | buf[1];
  const hasSentTime = (field & HeaderFlag.SENT_TIME) !== 0;
  if (hasSentTime && buf.length < HEADER_SIZE_WITH_SENT_TIME) return null;
  const header = out ?? {
    peerID: 0,
    sessionID: 0,
    compressed: false,
    sentTime: undefined,
    size: 0,
  };
  header.peerID = field & PEER_ID_MASK;
  header.sessionID = (field & HeaderFlag.SESSION_MASK) >> HeaderFlag.SESSION_SHIFT;
  header.compressed = (field & HeaderFlag.COMPRESSED) !== 0;
  if (hasSentTime) {
    header.sentTime = (buf[2] << 8) | buf[3];
    header.size = HEADER_SIZE_WITH_SENT_TIME;
  } else {
    header.sentTime = undefined;
    header.size = HEADER_SIZE_WITHOUT_SENT_TIME;
  }
  return header;
}

/**
 * Encodes a datagram header at `offset`.
 *
 * The `SENT_TIME` flag is set exactly when `sentTime` is given (any `SENT_TIME` bit in
 * `flags` is ignored); `sentTime` is written modulo 2^16. As in C ENet, the sender
 * passes session id 0 when the peer id is 0xFFF.
 *
 * @param buf The output buffer.
 * @param offset Where the header starts, normally 0.
 * @param peerID The receiving peer's id, 0 to 0xFFF.
 * @param sessionID The session id, 0 to 3.
 * @param flags `HeaderFlag.COMPRESSED` or 0.
 * @param sentTime The 16-bit sent time, or `undefined` for none.
 * @returns The offset just past the header.
 * @throws {RangeError} If `peerID` or `sessionID` is out of range, or the header does not
 * fit in `buf`.
 *
 * @example Write a header for a connecting peer
 * ```ts
 * import assert from "node:assert/strict";
 * import { writeHeader } from "./header.ts";
 *
 * const buf = new Uint8Array(4);
 * assert.equal(writeHeader(buf, 0, 0xfff, 0, 0, 0x51ac), 4);
 * assert.deepEqual([...buf], [0x8f, 0xff, 0x51, 0xac]);
 * ```
 */
export function writeHeader(
  buf: Uint8Array,
  offset: number,
  peerID: number,
  sessionID: number,
  flags: number,
  sentTime?: number,
): number {
  if (!(peerID >= 0 && peerID <= PEER_ID_MASK && Number.isInteger(peerID))) {
    throw new RangeError(`Cannot write header: peer id ${peerID} is outside 0..${PEER_ID_MASK}`);
  }
  if (!(sessionID >= 0 && sessionID <= SESSION_LIMIT && Number.isInteger(sessionID))) {
    throw new RangeError(
      `Cannot write header: session id ${sessionID} is outside 0..${SESSION_LIMIT}`,
    );
  }
  const size = sentTime === undefined ? HEADER_SIZE_WITHOUT_SENT_TIME : HEADER_SIZE_WITH_SENT_TIME;
  if (!(offset >= 0) || offset + size > buf.length) {
    throw new RangeError(
      `Cannot write header: ${size} bytes at offset ${offset} overrun a buffer of ${buf.length}`,
    );
  }
  let field = peerID | (sessionID << HeaderFlag.SESSION_SHIFT) |
    (flags & HeaderFlag.COMPRESSED);
  if (sentTime !== undefined) {
    field |= HeaderFlag.SENT_TIME;
    buf[offset + 2] = sentTime >>> 8;
    buf[offset + 3] = sentTime;
  }
  buf[offset] = field >>> 8;
  buf[offset + 1] = field;
  return offset + size;
}
