/**
 * The DTLS server transport: wraps a {@linkcode DatagramTransport} and keeps one DTLS
 * 1.2 session per remote address:port, the way Godot's ENetDTLSServer does. A
 * ClientHello is answered with a stateless HelloVerifyRequest cookie; only a
 * ClientHello carrying a valid cookie creates a session, and only while there are
 * fewer sessions than `maxSessions` (the host's peer count) and new connections are
 * not refused. A handshake that does not complete in 8 seconds is forgotten. Each
 * datagram sent to a connected session is one application-data record in one UDP
 * datagram; each record received is one datagram read. Anything else is dropped
 * and counted.
 *
 * @module
 */

import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import { DEFAULT_HANDSHAKE_TIMEOUT_MS } from "./client_transport.ts";
import { CookieJar } from "./cookie.ts";
import { DatagramQueue, DEFAULT_QUEUE_LIMIT, pump, sender } from "./io.ts";
import {
  buildClientHelloRecord,
  buildHelloVerifyRequest,
  type ClientHelloInfo,
  ContentType,
  HandshakeType,
  handshakeTypeOf,
  parseClientHello,
  readRecords,
  RECORD_HEADER_SIZE,
} from "./record.ts";
import { ReplayWindow } from "./replay_window.ts";
import { createDtlsStats, type DtlsStats } from "./stats.ts";
import type { TLSOptions } from "./tls_options.ts";
import { LibrarySession, type ServerCredentials } from "./werift.ts";

/** Options of {@linkcode DtlsServerTransport}. */
export interface DtlsServerTransportOptions {
  /** Most sessions (handshaking or connected) at once; the host's peer count. Default 32. */
  maxSessions?: number;
  /** A handshake not completed after this many ms is forgotten. Default 8000. */
  handshakeTimeoutMs?: number;
  /**
   * A connected session that received no authentic record for this many ms is
   * forgotten (0: never). Default 60000; ENet pings every 500 ms by default.
   */
  idleTimeoutMs?: number;
  /** Most decrypted datagrams held for a slow reader, default 1024. */
  highWaterMark?: number;
}

interface Session {
  readonly lib: LibrarySession;
  readonly address: string;
  readonly port: number;
  connected: boolean;
  deadline: number; // handshake deadline, then idle deadline
  readonly replay: ReplayWindow;
}

/** A DTLS server over an inner datagram transport. */
export class DtlsServerTransport implements DatagramTransport {
  /** Decrypted datagrams from every connected client. */
  readonly readable: ReadableStream<Datagram>;
  /** Datagrams to encrypt and send to connected clients (others are dropped). */
  readonly writable: WritableStream<Datagram>;
  /** Counters. */
  readonly stats: DtlsStats = createDtlsStats();
  /** The most sessions at once. */
  maxSessions: number;
  /** While true, datagrams from addresses without a session are dropped. */
  refuseNewConnections = false;
  readonly #inner: DatagramTransport;
  readonly #credentials: ServerCredentials;
  readonly #sessions = new Map<string, Session>();
  readonly #cookies = new CookieJar();
  readonly #queue: DatagramQueue;
  readonly #send: (address: string, port: number, data: Uint8Array) => void;
  readonly #handshakeTimeoutMs: number;
  readonly #idleTimeoutMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #delivered = false;

  /**
   * @param inner The datagram transport to run over (owned from now on).
   * @param options Server TLS options (`TLSOptions.server(key, certificate)`).
   * @param transportOptions Limits and timeouts.
   */
  constructor(
    inner: DatagramTransport,
    options: TLSOptions,
    transportOptions: DtlsServerTransportOptions = {},
  ) {
    if (options?.isServer?.() !== true) {
      throw new TypeError("Cannot set up a DTLS server: options must come from TLSOptions.server");
    }
    const maxSessions = transportOptions.maxSessions ?? 32;
    if (!Number.isInteger(maxSessions) || maxSessions < 1) {
      throw new RangeError(
        `Cannot set up a DTLS server: maxSessions must be a positive integer, got ${maxSessions}`,
      );
    }
    this.maxSessions = maxSessions;
    this.#inner = inner;
    this.#credentials = {
      key: options.getPrivateKey()!,
      certificate: options.getOwnCertificate()!,
      keyType: options.keyType()!,
    };
    this.#handshakeTimeoutMs = transportOptions.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#idleTimeoutMs = transportOptions.idleTimeoutMs ?? 60_000;
    this.#queue = new DatagramQueue(transportOptions.highWaterMark ?? DEFAULT_QUEUE_LIMIT);
    this.readable = this.#queue.readable;
    this.writable = new WritableStream<Datagram>({
      write: (datagram) => {
        if (this.#closed) throw new TypeError("Cannot send: the transport is closed");
        this.send(datagram);
      },
    });
    this.#send = sender(inner, () => this.stats.sendErrors++);
    pump(inner, (d) => this.#receive(d), () => this.#queue.close());
  }

  /** The inner transport's bound address. */
  get localAddress(): { address: string; port: number } {
    return this.#inner.localAddress;
  }

  /** Sessions held now, handshaking or connected. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * @param address Remote address.
   * @param port Remote port.
   * @returns Whether a connected session with that address exists.
   */
  isConnected(address: string, port: number): boolean {
    return this.#sessions.get(`${address}:${port}`)?.connected === true;
  }

  /**
   * Forgets the session with a client (Godot's `disconnect_peer` hook: call it when
   * the ENet peer at that address is gone).
   *
   * @param address Remote address.
   * @param port Remote port.
   * @returns Whether there was one.
   */
  releaseSession(address: string, port: number): boolean {
    const key = `${address}:${port}`;
    const session = this.#sessions.get(key);
    if (session === undefined) return false;
    this.#drop(key, session);
    return true;
  }

  /**
   * Encrypts and sends one datagram to a connected client; dropped (and counted in
   * `stats.droppedSends`) when there is none at that address, as Godot does.
   *
   * @param datagram The datagram; its bytes are encrypted before this returns.
   * @returns `false` once closed.
   */
  send(datagram: Datagram): boolean {
    if (this.#closed) return false;
    const session = this.#sessions.get(`${datagram.address}:${datagram.port}`);
    if (session === undefined || !session.connected) {
      this.stats.droppedSends++;
      return true;
    }
    session.lib.send(datagram.data);
    this.stats.sentDatagrams++;
    this.stats.sentBytes += datagram.data.length;
    return true;
  }

  #receive(datagram: Datagram): void {
    if (this.#closed) return;
    const key = `${datagram.address}:${datagram.port}`;
    const session = this.#sessions.get(key);
    if (session === undefined && this.refuseNewConnections) {
      this.stats.droppedDatagrams++;
      return;
    }
    const hello = parseClientHello(datagram.data);
    if (hello !== null) {
      this.#clientHello(key, session, datagram, hello);
      return;
    }
    const records = session === undefined ? null : readRecords(datagram.data);
    if (records === null) {
      this.stats.droppedDatagrams++;
      return;
    }
    const data = datagram.data;
    for (const r of records) {
      if (this.#sessions.get(key) !== session) return;
      const s = session!;
      const record = data.subarray(r.offset, r.offset + RECORD_HEADER_SIZE + r.length);
      if (r.type === ContentType.ALERT) {
        const alert = r.epoch === 0
          ? (s.connected || r.length < 2
            ? null
            : { level: record[RECORD_HEADER_SIZE], description: record[RECORD_HEADER_SIZE + 1] })
          : s.lib.decryptAlert(record);
        if (alert === null) this.stats.droppedDatagrams++;
        else if (alert.level === 2 || alert.description === 0) this.#drop(key, s);
      } else if (s.connected) {
        if (
          r.type !== ContentType.APPLICATION_DATA || r.epoch === 0 ||
          !s.replay.check(r.epoch, r.sequence)
        ) {
          this.stats.droppedDatagrams++;
          continue;
        }
        this.#delivered = false;
        s.lib.receive(record);
        if (this.#delivered) {
          s.replay.accept(r.epoch, r.sequence);
          if (this.#idleTimeoutMs > 0) s.deadline = performance.now() + this.#idleTimeoutMs;
        } else {
          this.stats.droppedDatagrams++;
        }
      } else if (
        r.type === ContentType.APPLICATION_DATA ||
        (r.epoch === 0 && r.type === ContentType.HANDSHAKE &&
          handshakeTypeOf(data, r) === HandshakeType.FINISHED)
      ) {
        this.stats.droppedDatagrams++;
      } else {
        s.lib.receive(record);
      }
    }
  }

  #clientHello(
    key: string,
    session: Session | undefined,
    datagram: Datagram,
    hello: ClientHelloInfo,
  ): void {
    const now = Date.now();
    const { address, port } = datagram;
    const valid = hello.cookie.length > 0 &&
      this.#cookies.check(now, address, port, hello.bodyWithoutCookie, hello.cookie);
    if (!valid) {
      // Stateless: nothing is kept until the client echoes the cookie from its address.
      const cookie = this.#cookies.make(now, address, port, hello.bodyWithoutCookie);
      this.#send(address, port, buildHelloVerifyRequest(cookie, hello.sequence));
      this.stats.cookiesSent++;
      return;
    }
    if (session !== undefined && !session.connected) {
      session.lib.receive(datagram.data); // a retransmitted ClientHello: the library resends its flight
      return;
    }
    if (session !== undefined) this.#drop(key, session); // a new connection from the same address (RFC 6347 4.2.8)
    if (this.#sessions.size >= this.maxSessions) {
      this.stats.droppedDatagrams++;
      return;
    }
    this.#open(key, address, port, hello, datagram.data);
  }

  #open(
    key: string,
    address: string,
    port: number,
    hello: ClientHelloInfo,
    data: Uint8Array,
  ): void {
    const session: Session = {
      address,
      port,
      connected: false,
      deadline: performance.now() + this.#handshakeTimeoutMs,
      replay: new ReplayWindow(),
      lib: new LibrarySession("server", (bytes) => this.#send(address, port, bytes), {
        onConnect: () => {
          if (this.#sessions.get(key) !== session) return;
          session.connected = true;
          session.deadline = this.#idleTimeoutMs > 0
            ? performance.now() + this.#idleTimeoutMs
            : Infinity;
          this.stats.handshakesCompleted++;
        },
        onData: (bytes) => this.#deliver(session, bytes),
        onError: () => {
          if (this.#sessions.get(key) === session) this.#drop(key, session);
        },
        onClose: () => {
          if (this.#sessions.get(key) === session) this.#drop(key, session);
        },
      }, this.#credentials),
    };
    this.#sessions.set(key, session);
    this.stats.handshakesStarted++;
    // The library keeps its own cookie exchange: replay the cookie-less ClientHello to
    // it (its HelloVerifyRequest is discarded), then the real one.
    session.lib.setCookie(hello.cookie);
    session.lib.feedSilently(buildClientHelloRecord(hello.bodyWithoutCookie, hello.sequence, 0));
    session.lib.receive(data);
    this.#schedule();
  }

  #deliver(session: Session, data: Uint8Array): void {
    this.#delivered = true;
    if (this.#queue.push({ data, address: session.address, port: session.port })) {
      this.stats.receivedDatagrams++;
      this.stats.receivedBytes += data.length;
    } else {
      this.stats.droppedDatagrams++;
    }
  }

  #drop(key: string, session: Session): void {
    session.lib.close();
    if (this.#sessions.get(key) === session) this.#sessions.delete(key);
    if (!session.connected) this.stats.handshakesFailed++;
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#closed || this.#sessions.size === 0) return;
    const period = Math.max(10, Math.min(1000, this.#handshakeTimeoutMs / 4));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#sweep();
      this.#schedule();
    }, period);
  }

  #sweep(): void {
    const now = performance.now();
    for (const [key, session] of this.#sessions) {
      if (now >= session.deadline) this.#drop(key, session);
    }
  }

  /** Forgets every session and closes the inner transport. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const [key, session] of this.#sessions) this.#drop(key, session);
    this.#queue.close();
    await this.#inner.close();
  }
}
