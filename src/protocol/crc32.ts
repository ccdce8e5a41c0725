/**
 * CRC-32 and ENet's optional datagram checksum.
 *
 * `crc32` is the standard CRC-32 (IEEE 802.3, as in zlib: reflected polynomial
 * 0xEDB88320, initial value 0xFFFFFFFF, final complement), which is what C ENet's
 * `enet_crc32` computes.
 *
 * C ENet's checksum, when a host enables it (both ends must agree: nothing on the wire
 * says so), occupies a 4-byte slot right after the 2- or 4-byte datagram header, before
 * the commands. The sender fills the slot with the seed (the peer's connect ID, or 0 when
 * the header's peer id is 0xFFF, that is, for CONNECT datagrams), computes the CRC over
 * header + slot + the uncompressed commands, and stores the CRC in the slot, big-endian.
 * The header is in its final form by then, `COMPRESSED` flag included: compression
 * replaces only the commands, after the checksum was computed. The receiver decompresses
 * first, then puts the seed back in the slot (its peer's connect ID, or 0 when the header
 * names peer id 0xFFF) and compares. Connect IDs go in the slot in the byte order they
 * have in CONNECT / VERIFY_CONNECT, big-endian, as C ENet keeps them unconverted.
 *
 * @module
 */

import { ProtocolLimit } from "./constants.ts";

/** Size of the checksum slot that follows the datagram header when checksums are on. */
export const CHECKSUM_SIZE = 4;

/**
 * Eight 256-entry tables for slicing-by-8: `TABLES[0]` is the classic byte table, and
 * `TABLES[k][n]` is the register after `n` is followed by `k` zero bytes, so eight input
 * bytes are folded in with eight independent lookups.
 */
const TABLES: Uint32Array = (() => {
  const tables = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    tables[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + n];
      tables[k * 256 + n] = (previous >>> 8) ^ tables[previous & 0xff];
    }
  }
  return tables;
})();
const TABLE: Uint32Array = TABLES.subarray(0, 256);

/** Runs the raw (uncomplemented) CRC register over `bytes[start..end)`, 8 bytes a step. */
function update(state: number, bytes: Uint8Array, start: number, end: number): number {
  const t = TABLES;
  let c = state;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    const high = bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24);
    c = t[1792 + (low & 0xff)] ^ t[1536 + ((low >>> 8) & 0xff)] ^
      t[1280 + ((low >>> 16) & 0xff)] ^ t[1024 + (low >>> 24)] ^
      t[768 + (high & 0xff)] ^ t[512 + ((high >>> 8) & 0xff)] ^
      t[256 + ((high >>> 16) & 0xff)] ^ t[high >>> 24];
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return c;
}

/** Runs the raw CRC register over a 32-bit value's big-endian bytes. */
function update32(state: number, value: number): number {
  let c = state;
  c = TABLE[(c ^ (value >>> 24)) & 0xff] ^ (c >>> 8);
  c = TABLE[(c ^ (value >>> 16)) & 0xff] ^ (c >>> 8);
  c = TABLE[(c ^ (value >>> 8)) & 0xff] ^ (c >>> 8);
  return TABLE[(c ^ value) & 0xff] ^ (c >>> 8);
}

/**
 * The standard CRC-32 of `bytes`, optionally continuing a previous result, so that
 * `crc32(b, crc32(a))` equals the CRC-32 of `a` followed by `b`.
 *
 * @param bytes The bytes to sum.
 * @param previous The CRC-32 of the bytes before `bytes`; 0 (the CRC of nothing) by default.
 * @returns The CRC-32 as an unsigned 32-bit number.
 *
 * @example Known answer, and chaining
 * ```ts
 * import assert from "node:assert/strict";
 * import { crc32 } from "./crc32.ts";
 *
 * const bytes = new TextEncoder().encode("123456789");
 * assert.equal(crc32(bytes), 0xcbf43926);
 * assert.equal(crc32(bytes.subarray(4), crc32(bytes.subarray(0, 4))), 0xcbf43926);
 * ```
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  return ~update(~previous, bytes, 0, bytes.length) >>> 0;
}

/**
 * The value C ENet puts in the checksum slot before summing: `connectID`, or 0 when the
 * header's peer id is 0xFFF (`ProtocolLimit.MAXIMUM_PEER_ID`).
 *
 * @param headerPeerID The peer id in the datagram header (sender: the peer's outgoing
 * peer id; receiver: the decoded header's `peerID`).
 * @param connectID The peer's connect ID.
 * @returns The seed for `writeChecksum` / `verifyChecksum`.
 *
 * @example Seeds
 * ```ts
 * import assert from "node:assert/strict";
 * import { checksumSeed } from "./crc32.ts";
 *
 * assert.equal(checksumSeed(0xfff, 1234), 0);
 * assert.equal(checksumSeed(3, 1234), 1234);
 * ```
 */
export function checksumSeed(headerPeerID: number, connectID: number): number {
  return headerPeerID === ProtocolLimit.MAXIMUM_PEER_ID ? 0 : connectID;
}

function checkRange(datagram: Uint8Array, headerSize: number, verb: string): void {
  if (!(headerSize >= 0 && headerSize + CHECKSUM_SIZE <= datagram.length)) {
    throw new RangeError(
      `Cannot ${verb} checksum: no ${CHECKSUM_SIZE}-byte slot after a ${headerSize}-byte header in ${datagram.length} bytes`,
    );
  }
}

/**
 * Computes a datagram's checksum and stores it in its slot, as C ENet's sender does.
 *
 * `datagram` must be the uncompressed datagram in its final form otherwise: the header
 * (with its final flags, `COMPRESSED` included when the body will be sent compressed),
 * the 4-byte slot at `headerSize`, then the uncompressed commands. The slot is set to
 * `seed`, summed over, then overwritten with the CRC-32, big-endian.
 *
 * @param datagram The datagram, modified in place.
 * @param headerSize The header's size, 2 or 4; the slot follows it.
 * @param seed `checksumSeed(outgoingPeerID, connectID)`.
 * @returns The CRC-32 written.
 * @throws {RangeError} If `datagram` has no room for the slot after the header.
 *
 * @example Checksum a CONNECT datagram, then verify it
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyChecksum, writeChecksum } from "./crc32.ts";
 *
 * const datagram = new Uint8Array(12);
 * datagram.set([0x8f, 0xff, 0x51, 0xac]); // peer id 0xFFF, sent time
 * writeChecksum(datagram, 4, 0);
 * assert.equal(verifyChecksum(datagram, 4, 0), true);
 * assert.equal(verifyChecksum(datagram, 4, 1), false);
 * ```
 */
export function writeChecksum(datagram: Uint8Array, headerSize: number, seed: number): number {
  checkRange(datagram, headerSize, "write");
  let state = update(0xffffffff, datagram, 0, headerSize);
  state = update32(state, seed);
  state = update(state, datagram, headerSize + CHECKSUM_SIZE, datagram.length);
  const crc = ~state >>> 0;
  datagram[headerSize] = crc >>> 24;
  datagram[headerSize + 1] = crc >>> 16;
  datagram[headerSize + 2] = crc >>> 8;
  datagram[headerSize + 3] = crc;
  return crc;
}

/**
 * Checks a received datagram's checksum, as C ENet's receiver does, without modifying it.
 *
 * `datagram` is the datagram after decompression: the header as received, the slot at
 * `headerSize`, then the uncompressed commands.
 *
 * @param datagram The datagram.
 * @param headerSize The header's size, 2 or 4; the slot follows it.
 * @param seed `checksumSeed(header.peerID, peer.connectID)`: the connect ID of the peer the
 * header names, or 0 when it names peer id 0xFFF.
 * @returns True if the slot holds the expected CRC-32; false if not, or if the datagram
 * is too short to have a slot.
 *
 * @example Reject a corrupted datagram
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifyChecksum, writeChecksum } from "./crc32.ts";
 *
 * const datagram = Uint8Array.of(0x00, 0x01, 0, 0, 0, 0, 0x85, 0xff, 0x00, 0x02);
 * writeChecksum(datagram, 2, 0x12345678);
 * assert.equal(verifyChecksum(datagram, 2, 0x12345678), true);
 * datagram[9] ^= 1;
 * assert.equal(verifyChecksum(datagram, 2, 0x12345678), false);
 * ```
 */
export function verifyChecksum(datagram: Uint8Array, headerSize: number, seed: number): boolean {
  if (!(headerSize >= 0 && headerSize + CHECKSUM_SIZE <= datagram.length)) return false;
  let state = update(0xffffffff, datagram, 0, headerSize);
  state = update32(state, seed);
  state = update(state, datagram, headerSize + CHECKSUM_SIZE, datagram.length);
  const at = headerSize;
  const stored = ((datagram[at] << 24) | (datagram[at + 1] << 16) | (datagram[at + 2] << 8) |
    datagram[at + 3]) >>> 0;
  return stored === (~state >>> 0);
}
