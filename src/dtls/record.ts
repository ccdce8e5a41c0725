/**
 * Just enough of the DTLS 1.2 record layer (RFC 6347) for the transports to sort
 * datagrams before the DTLS library sees them: record headers, the ClientHello
 * cookie, and the HelloVerifyRequest the server answers with.
 *
 * @module
 */

/** DTLS record content types. */
export const ContentType = {
  CHANGE_CIPHER_SPEC: 20,
  ALERT: 21,
  HANDSHAKE: 22,
  APPLICATION_DATA: 23,
} as const;

/** Handshake message types used here. */
export const HandshakeType = {
  CLIENT_HELLO: 1,
  HELLO_VERIFY_REQUEST: 3,
  CERTIFICATE: 11,
  SERVER_KEY_EXCHANGE: 12,
  FINISHED: 20,
} as const;

/** Size of a DTLS record header. */
export const RECORD_HEADER_SIZE = 13;
/** Size of a DTLS handshake message header. */
export const HANDSHAKE_HEADER_SIZE = 12;

/** The fields of one record header. */
export interface RecordInfo {
  /** Content type. */
  type: number;
  /** Epoch (0 before ChangeCipherSpec). */
  epoch: number;
  /** 48-bit sequence number (exact as a double). */
  sequence: number;
  /** Offset of the record in the datagram. */
  offset: number;
  /** Length of the record payload. */
  length: number;
}

/**
 * Reads the records of a datagram.
 *
 * @param data The datagram.
 * @returns The records, or `null` when the datagram is not a well-formed sequence of
 *   DTLS 1.x records.
 */
export function readRecords(data: Uint8Array): RecordInfo[] | null {
  const out: RecordInfo[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data.length - offset < RECORD_HEADER_SIZE) return null;
    const type = data[offset];
    if (type < ContentType.CHANGE_CIPHER_SPEC || type > ContentType.APPLICATION_DATA) return null;
    if (data[offset + 1] !== 0xfe) return null; // DTLS 1.x major version
    const epoch = (data[offset + 3] << 8) | data[offset + 4];
    let sequence = 0;
    for (let i = 5; i < 11; i++) sequence = sequence * 256 + data[offset + i];
    const length = (data[offset + 11] << 8) | data[offset + 12];
    if (data.length - offset - RECORD_HEADER_SIZE < length) return null;
    out.push({ type, epoch, sequence, offset, length });
    offset += RECORD_HEADER_SIZE + length;
  }
  return out.length > 0 ? out : null;
}

/** A ClientHello found alone in an epoch-0 record. */
export interface ClientHelloInfo {
  /** The cookie (empty when none). */
  cookie: Uint8Array;
  /** The ClientHello body without its cookie (what the cookie is computed over). */
  bodyWithoutCookie: Uint8Array;
  /** The record's 48-bit sequence number. */
  sequence: number;
  /** The handshake message sequence number. */
  messageSeq: number;
}

function u24(b: Uint8Array, o: number): number {
  return (b[o] << 16) | (b[o + 1] << 8) | b[o + 2];
}

/**
 * Parses a datagram that is a single epoch-0 record holding one unfragmented
 * ClientHello.
 *
 * @param data The datagram.
 * @returns The ClientHello's cookie and cookie-less body, or `null`.
 */
export function parseClientHello(data: Uint8Array): ClientHelloInfo | null {
  const records = readRecords(data);
  if (records === null || records.length !== 1) return null;
  const r = records[0];
  if (r.type !== ContentType.HANDSHAKE || r.epoch !== 0) return null;
  const h = r.offset + RECORD_HEADER_SIZE;
  const end = h + r.length;
  if (r.length < HANDSHAKE_HEADER_SIZE || data[h] !== HandshakeType.CLIENT_HELLO) return null;
  const length = u24(data, h + 1);
  const messageSeq = (data[h + 4] << 8) | data[h + 5];
  if (u24(data, h + 6) !== 0 || u24(data, h + 9) !== length) return null; // fragmented
  const body = h + HANDSHAKE_HEADER_SIZE;
  if (body + length !== end) return null;
  let p = body + 2 + 32; // client_version, random
  if (p + 1 > end) return null;
  p += 1 + data[p]; // session_id
  if (p + 1 > end) return null;
  const cookieLength = data[p];
  const cookieStart = p + 1;
  const cookieEnd = cookieStart + cookieLength;
  if (cookieEnd + 2 > end) return null;
  const stripped = new Uint8Array(length - cookieLength);
  stripped.set(data.subarray(body, p), 0);
  stripped[p - body] = 0;
  stripped.set(data.subarray(cookieEnd, end), p - body + 1);
  return {
    cookie: data.slice(cookieStart, cookieEnd),
    bodyWithoutCookie: stripped,
    sequence: r.sequence,
    messageSeq,
  };
}

function writeRecordHeader(
  out: Uint8Array,
  type: number,
  version: number,
  sequence: number,
  length: number,
): void {
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = 0;
  out[4] = 0; // epoch 0
  let s = sequence;
  for (let i = 10; i >= 5; i--) {
    out[i] = s % 256;
    s = Math.floor(s / 256);
  }
  out[11] = length >> 8;
  out[12] = length & 0xff;
}

function writeHandshakeHeader(
  out: Uint8Array,
  offset: number,
  type: number,
  messageSeq: number,
  length: number,
): void {
  out[offset] = type;
  out[offset + 1] = length >> 16;
  out[offset + 2] = (length >> 8) & 0xff;
  out[offset + 3] = length & 0xff;
  out[offset + 4] = messageSeq >> 8;
  out[offset + 5] = messageSeq & 0xff;
  out[offset + 6] = out[offset + 7] = out[offset + 8] = 0; // fragment offset
  out[offset + 9] = length >> 16;
  out[offset + 10] = (length >> 8) & 0xff;
  out[offset + 11] = length & 0xff;
}

/**
 * Builds a datagram holding a ClientHello record whose body is `body` (used to hand
 * the DTLS library the cookie-less ClientHello that starts its state).
 *
 * @param body ClientHello body.
 * @param sequence Record sequence number.
 * @param messageSeq Handshake message sequence number.
 * @returns The datagram.
 */
export function buildClientHelloRecord(
  body: Uint8Array,
  sequence: number,
  messageSeq: number,
): Uint8Array {
  const length = HANDSHAKE_HEADER_SIZE + body.length;
  const out = new Uint8Array(RECORD_HEADER_SIZE + length);
  writeRecordHeader(out, ContentType.HANDSHAKE, 0xfefd, sequence, length);
  writeHandshakeHeader(
    out,
    RECORD_HEADER_SIZE,
    HandshakeType.CLIENT_HELLO,
    messageSeq,
    body.length,
  );
  out.set(body, RECORD_HEADER_SIZE + HANDSHAKE_HEADER_SIZE);
  return out;
}

/**
 * Builds the HelloVerifyRequest datagram answering a cookie-less ClientHello
 * (RFC 6347 4.2.1: version DTLS 1.0, record sequence copied from the ClientHello).
 *
 * @param cookie The cookie.
 * @param sequence The ClientHello's record sequence number.
 * @returns The datagram.
 */
export function buildHelloVerifyRequest(cookie: Uint8Array, sequence: number): Uint8Array {
  const bodyLength = 3 + cookie.length;
  const length = HANDSHAKE_HEADER_SIZE + bodyLength;
  const out = new Uint8Array(RECORD_HEADER_SIZE + length);
  writeRecordHeader(out, ContentType.HANDSHAKE, 0xfeff, sequence, length);
  writeHandshakeHeader(out, RECORD_HEADER_SIZE, HandshakeType.HELLO_VERIFY_REQUEST, 0, bodyLength);
  const b = RECORD_HEADER_SIZE + HANDSHAKE_HEADER_SIZE;
  out[b] = 0xfe;
  out[b + 1] = 0xff;
  out[b + 2] = cookie.length;
  out.set(cookie, b + 3);
  return out;
}

/**
 * The first handshake message type of an epoch-0 handshake record.
 *
 * @param data The datagram.
 * @param record One of its records.
 * @returns The message type, or -1.
 */
export function handshakeTypeOf(data: Uint8Array, record: RecordInfo): number {
  return record.length > 0 ? data[record.offset + RECORD_HEADER_SIZE] : -1;
}
