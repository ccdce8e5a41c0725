/**
 * The one place that touches the DTLS library (werift-dtls): one client or server
 * session over a callback transport. Everything the transports need from the
 * library's internals (cookie, handshake messages, randoms, alert decryption,
 * stopping its retransmission loop) goes through here, so a library update is
 * checked in one file.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { DtlsClient, DtlsServer } from "werift-dtls/lib/dtls/src/index.js";
import { DtlsPlaintext } from "werift-dtls/lib/dtls/src/record/message/plaintext.js";

/** What a session reports. */
export interface SessionEvents {
  /** The handshake completed (on a client, before any certificate check). */
  onConnect(): void;
  /** One application record, decrypted. */
  onData(data: Uint8Array): void;
  /** The library failed (handshake error, retransmissions exhausted, …). */
  onError(error: unknown): void;
  /** The peer sent a warning alert (close_notify). */
  onClose(): void;
}

/** Server credentials for {@linkcode LibrarySession}. */
export interface ServerCredentials {
  /** PKCS#8 PEM private key. */
  key: string;
  /** PEM certificate. */
  certificate: string;
  /** Key type, which picks the cipher suite (ECDHE-RSA or ECDHE-ECDSA, AES-128-GCM). */
  keyType: "rsa" | "ec";
}

type Library = DtlsClient | DtlsServer;

/** Handshake message types read back from the library's transcript. */
const CERTIFICATE = 11;
const SERVER_KEY_EXCHANGE = 12;
/** A flight number past every real one: ends the library's retransmission loops. */
const FLIGHT_DONE = 1000;

/** One DTLS session (client or server side) of the library. */
export class LibrarySession {
  readonly #lib: Library;
  readonly #socket: {
    type: string;
    address: { address: string; port: number; family: string };
    closed: boolean;
    onData: (data: Buffer, addr: unknown) => void;
    send: (data: Buffer) => Promise<void>;
    close: () => Promise<void>;
  };
  #closed = false;
  /** While true, what the library sends is discarded (see {@linkcode feedSilently}). */
  #muted = false;

  /**
   * @param role Client or server.
   * @param send Sends one datagram to the peer.
   * @param events Session events.
   * @param credentials Server credentials (server only).
   */
  constructor(
    role: "client" | "server",
    send: (datagram: Uint8Array) => void,
    events: SessionEvents,
    credentials?: ServerCredentials,
  ) {
    this.#socket = {
      type: "udp",
      address: { address: "", port: 0, family: "" },
      closed: false,
      onData: () => {},
      send: (data: Buffer) => {
        if (!this.#closed && !this.#muted) {
          send(new Uint8Array(data.buffer, data.byteOffset, data.length));
        }
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    // deno-lint-ignore no-explicit-any
    const transport = this.#socket as any;
    if (role === "client") {
      this.#lib = new DtlsClient({ transport, extendedMasterSecret: true });
    } else {
      if (credentials === undefined) throw new TypeError("Cannot create a DTLS server: no key");
      this.#lib = new DtlsServer({
        transport,
        cert: credentials.certificate,
        key: credentials.key,
        signatureHash: { hash: 4, signature: credentials.keyType === "rsa" ? 1 : 3 },
        extendedMasterSecret: true,
      });
    }
    this.#lib.onConnect.subscribe(() => {
      if (!this.#closed) events.onConnect();
    });
    this.#lib.onData.subscribe((data: Buffer) => {
      if (!this.#closed) events.onData(new Uint8Array(data.buffer, data.byteOffset, data.length));
    });
    this.#lib.onError.subscribe((error: unknown) => {
      if (!this.#closed) events.onError(error);
    });
    this.#lib.onClose.subscribe(() => {
      if (!this.#closed) events.onClose();
    });
  }

  /** Starts the handshake (client). */
  start(): void {
    if (this.#lib instanceof DtlsClient) {
      this.#lib.connect().catch((error: unknown) => {
        if (!this.#closed) this.#lib.onError.execute(error as Error);
      });
    }
  }

  /**
   * Hands the library one received datagram. Application data is delivered through
   * `onData` before this returns.
   *
   * @param datagram The datagram.
   */
  receive(datagram: Uint8Array): void {
    if (this.#closed) return;
    this.#socket.onData(
      Buffer.from(datagram.buffer, datagram.byteOffset, datagram.length),
      undefined,
    );
  }

  /**
   * Hands the library a datagram and discards whatever it sends in reply at once.
   *
   * @param datagram The datagram.
   */
  feedSilently(datagram: Uint8Array): void {
    this.#muted = true;
    try {
      this.receive(datagram);
    } finally {
      this.#muted = false;
    }
  }

  /**
   * Encrypts `data` as one application-data record and sends it.
   *
   * @param data The payload (read before this returns).
   */
  send(data: Uint8Array): void {
    if (this.#closed) return;
    this.#lib.send(Buffer.from(data.buffer, data.byteOffset, data.length)).catch(() => {});
  }

  /**
   * Sets the cookie the library's server expects in the ClientHello.
   *
   * @param cookie The cookie.
   */
  setCookie(cookie: Uint8Array): void {
    this.#lib.dtls.cookie = Buffer.from(cookie);
  }

  #handshake(type: number): Uint8Array | undefined {
    const message = this.#lib.dtls.sortedHandshakeCache.find((h) => h.msg_type === type);
    return message === undefined ? undefined : new Uint8Array(message.fragment);
  }

  /** @returns The server's ServerKeyExchange body (client, after the handshake). */
  serverKeyExchange(): Uint8Array | undefined {
    return this.#handshake(SERVER_KEY_EXCHANGE);
  }

  /** @returns The server's certificate chain as DER, leaf first (client, after the handshake). */
  certificateChain(): Uint8Array[] {
    const body = this.#handshake(CERTIFICATE);
    const out: Uint8Array[] = [];
    if (body === undefined || body.length < 3) return out;
    const end = Math.min(body.length, 3 + ((body[0] << 16) | (body[1] << 8) | body[2]));
    for (let p = 3; p + 3 <= end;) {
      const length = (body[p] << 16) | (body[p + 1] << 8) | body[p + 2];
      if (p + 3 + length > end) break;
      out.push(body.slice(p + 3, p + 3 + length));
      p += 3 + length;
    }
    return out;
  }

  /** @returns The client and server randoms of the handshake. */
  randoms(): { client: Uint8Array; server: Uint8Array } {
    const local = new Uint8Array(this.#lib.cipher.localRandom.serialize());
    const remote = new Uint8Array(this.#lib.cipher.remoteRandom.serialize());
    return this.#lib instanceof DtlsClient
      ? { client: local, server: remote }
      : { client: remote, server: local };
  }

  /**
   * Decrypts an encrypted alert record.
   *
   * @param record One whole record.
   * @returns Its level and description, or `null` when it does not authenticate.
   */
  decryptAlert(record: Uint8Array): { level: number; description: number } | null {
    try {
      const plain = DtlsPlaintext.deSerialize(Buffer.from(record));
      const body: Uint8Array = this.#lib.cipher.decryptPacket(plain);
      return body.length >= 2 ? { level: body[0], description: body[1] } : null;
    } catch {
      return null;
    }
  }

  /** Forgets the session: stops the library's retransmissions and silences it. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.closed = true;
    this.#lib.dtls.flight = FLIGHT_DONE;
  }
}
