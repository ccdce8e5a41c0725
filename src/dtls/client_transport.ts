/**
 * The DTLS client transport: wraps a {@linkcode DatagramTransport} and talks DTLS 1.2
 * to one server, the way Godot's ENetDTLSClient does: the first datagram sent starts
 * the handshake with its destination; each datagram sent afterwards is one
 * application-data record in one UDP datagram; each record received is one datagram
 * read. The server certificate is checked against the trusted certificates and the
 * host name before anything is sent.
 *
 * @module
 */

import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import { DtlsError } from "./errors.ts";
import { DatagramQueue, DEFAULT_QUEUE_LIMIT, pump, sender } from "./io.ts";
import {
  ContentType,
  HandshakeType,
  handshakeTypeOf,
  readRecords,
  RECORD_HEADER_SIZE,
} from "./record.ts";
import { ReplayWindow } from "./replay_window.ts";
import { createDtlsStats, type DtlsStats } from "./stats.ts";
import { TLSOptions } from "./tls_options.ts";
import { verifyChain, verifyName, verifyServerKeyExchange } from "./verify.ts";
import { LibrarySession } from "./werift.ts";

/** The handshake time limit by default, as Godot's DTLS server. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 8000;
/** Datagrams held while the handshake runs; older ones are dropped. */
const PENDING_LIMIT = 16;

/** Options of {@linkcode DtlsClientTransport}. */
export interface DtlsClientTransportOptions {
  /** Handshake time limit in ms, default 8000. */
  handshakeTimeoutMs?: number;
  /** Most decrypted datagrams held for a slow reader, default 1024. */
  highWaterMark?: number;
}

/** Where a {@linkcode DtlsClientTransport} is. */
export type DtlsClientState = "idle" | "handshaking" | "connected" | "failed" | "closed";

/** A DTLS client over an inner datagram transport. */
export class DtlsClientTransport implements DatagramTransport {
  /** Decrypted datagrams from the server. */
  readonly readable: ReadableStream<Datagram>;
  /** Datagrams to encrypt and send. */
  readonly writable: WritableStream<Datagram>;
  /** Counters. */
  readonly stats: DtlsStats = createDtlsStats();
  readonly #inner: DatagramTransport;
  readonly #hostname: string;
  readonly #options: TLSOptions;
  readonly #timeoutMs: number;
  readonly #queue: DatagramQueue;
  readonly #send: (address: string, port: number, data: Uint8Array) => void;
  readonly #listeners = new Set<(error: DtlsError) => void>();
  #state: DtlsClientState = "idle";
  #error: DtlsError | null = null;
  #session: LibrarySession | null = null;
  #server: { address: string; port: number } | null = null;
  #pending: Uint8Array[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #replay = new ReplayWindow();
  #delivered = false;

  /**
   * @param inner The datagram transport to run over (owned from now on).
   * @param hostname The name the server certificate must be valid for.
   * @param options Client TLS options; default `TLSOptions.client()` (runtime roots).
   * @param transportOptions Time limit and queue size.
   */
  constructor(
    inner: DatagramTransport,
    hostname: string,
    options: TLSOptions | null = null,
    transportOptions: DtlsClientTransportOptions = {},
  ) {
    if (typeof hostname !== "string") {
      throw new TypeError("Cannot set up DTLS: hostname must be a string");
    }
    const tls = options ?? TLSOptions.client();
    if (tls.isServer()) {
      throw new TypeError("Cannot set up a DTLS client: these are server options");
    }
    this.#inner = inner;
    this.#hostname = tls.getCommonNameOverride() || hostname;
    if (!tls.isUnsafeClient() && this.#hostname === "") {
      throw new TypeError(
        "Cannot set up a DTLS client: a hostname is needed to check the certificate",
      );
    }
    this.#options = tls;
    this.#timeoutMs = transportOptions.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    this.#queue = new DatagramQueue(transportOptions.highWaterMark ?? DEFAULT_QUEUE_LIMIT);
    this.readable = this.#queue.readable;
    this.writable = new WritableStream<Datagram>({
      write: (datagram) => {
        if (this.#state === "closed") throw new TypeError("Cannot send: the transport is closed");
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

  /** Where the session is. */
  get state(): DtlsClientState {
    return this.#state;
  }

  /** Why the last session failed, or `null`. */
  get error(): DtlsError | null {
    return this.#error;
  }

  /**
   * Calls `listener` whenever a session fails (bad certificate, name mismatch,
   * handshake time-out, alert from the server).
   *
   * @param listener Called with the reason.
   * @returns A function that removes the listener.
   */
  onError(listener: (error: DtlsError) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Encrypts and sends one datagram; the first one (or one to another destination,
   * or one after a failure) starts a handshake with its destination, and datagrams
   * sent during the handshake are held (at most 16) until it completes.
   *
   * @param datagram The datagram; its bytes are copied or encrypted before this returns.
   * @returns `false` once closed.
   */
  send(datagram: Datagram): boolean {
    if (this.#state === "closed") return false;
    const server = this.#server;
    if (
      server === null || this.#state === "failed" || server.address !== datagram.address ||
      server.port !== datagram.port
    ) {
      this.#start(datagram.address, datagram.port);
    }
    if (this.#state === "connected") {
      this.#session!.send(datagram.data);
      this.stats.sentDatagrams++;
      this.stats.sentBytes += datagram.data.length;
    } else {
      if (this.#pending.length >= PENDING_LIMIT) {
        this.#pending.shift();
        this.stats.droppedSends++;
      }
      this.#pending.push(datagram.data.slice());
    }
    return true;
  }

  #start(address: string, port: number): void {
    this.#session?.close();
    this.#pending = [];
    this.#replay = new ReplayWindow();
    this.#server = { address, port };
    this.#state = "handshaking";
    this.stats.handshakesStarted++;
    const session: LibrarySession = new LibrarySession(
      "client",
      (bytes) => this.#send(address, port, bytes),
      {
        onConnect: () => this.#connected(session),
        onData: (data) => this.#deliver(data),
        onError: (error) =>
          this.#fail(new DtlsError("handshake", `DTLS handshake failed: ${describe(error)}`)),
        onClose: () => this.#fail(new DtlsError("alert", "The server closed the DTLS session")),
      },
    );
    this.#session = session;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      if (this.#session === session && this.#state === "handshaking") {
        this.#fail(
          new DtlsError("timeout", `DTLS handshake did not complete in ${this.#timeoutMs} ms`),
        );
      }
    }, this.#timeoutMs);
    session.start();
  }

  #connected(session: LibrarySession): void {
    if (session !== this.#session || this.#state !== "handshaking") return;
    if (!this.#options.isUnsafeClient()) {
      try {
        const leaf = verifyChain(
          session.certificateChain(),
          this.#options.trustedCertificates(),
          Date.now(),
        );
        verifyName(leaf, this.#hostname);
        const ske = session.serverKeyExchange();
        if (ske === undefined) throw new DtlsError("signature", "The server sent no key exchange");
        const { client, server } = session.randoms();
        verifyServerKeyExchange(leaf, ske, client, server);
      } catch (error) {
        this.#fail(
          error instanceof DtlsError ? error : new DtlsError("handshake", describe(error)),
        );
        return;
      }
    }
    clearTimeout(this.#timer);
    this.#state = "connected";
    this.stats.handshakesCompleted++;
    const pending = this.#pending;
    this.#pending = [];
    for (const data of pending) {
      session.send(data);
      this.stats.sentDatagrams++;
      this.stats.sentBytes += data.length;
    }
  }

  #fail(error: DtlsError): void {
    if (this.#state !== "handshaking" && this.#state !== "connected") return;
    if (this.#state === "handshaking") this.stats.handshakesFailed++;
    clearTimeout(this.#timer);
    this.#session?.close();
    this.#session = null;
    this.stats.droppedSends += this.#pending.length;
    this.#pending = [];
    this.#state = "failed";
    this.#error = error;
    for (const listener of [...this.#listeners]) {
      try {
        listener(error);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  #deliver(data: Uint8Array): void {
    this.#delivered = true;
    const server = this.#server!;
    if (this.#queue.push({ data, address: server.address, port: server.port })) {
      this.stats.receivedDatagrams++;
      this.stats.receivedBytes += data.length;
    } else {
      this.stats.droppedDatagrams++;
    }
  }

  #receive(datagram: Datagram): void {
    const server = this.#server;
    const session = this.#session;
    const records = session === null || server === null || datagram.address !== server.address ||
        datagram.port !== server.port
      ? null
      : readRecords(datagram.data);
    if (records === null) {
      this.stats.droppedDatagrams++;
      return;
    }
    const data = datagram.data;
    for (const r of records) {
      if (this.#session !== session) return;
      const record = data.subarray(r.offset, r.offset + RECORD_HEADER_SIZE + r.length);
      if (r.type === ContentType.ALERT) {
        this.#alert(session!, record, r.epoch);
      } else if (this.#state === "connected") {
        if (
          r.type !== ContentType.APPLICATION_DATA || r.epoch === 0 ||
          !this.#replay.check(r.epoch, r.sequence)
        ) {
          this.stats.droppedDatagrams++;
          continue;
        }
        this.#delivered = false;
        session!.receive(record);
        if (this.#delivered) this.#replay.accept(r.epoch, r.sequence);
        else this.stats.droppedDatagrams++;
      } else if (
        r.type === ContentType.APPLICATION_DATA ||
        (r.epoch === 0 && r.type === ContentType.HANDSHAKE &&
          handshakeTypeOf(data, r) === HandshakeType.FINISHED)
      ) {
        this.stats.droppedDatagrams++; // nothing but the handshake before it completes; Finished is never plaintext
      } else {
        session!.receive(record);
      }
    }
  }

  #alert(session: LibrarySession, record: Uint8Array, epoch: number): void {
    let alert: { level: number; description: number } | null;
    if (epoch === 0) {
      // Plaintext alerts only count during the handshake (as fatal ones end it).
      alert = this.#state === "handshaking" && record.length >= RECORD_HEADER_SIZE + 2
        ? { level: record[RECORD_HEADER_SIZE], description: record[RECORD_HEADER_SIZE + 1] }
        : null;
    } else {
      alert = session.decryptAlert(record);
    }
    if (alert === null) {
      this.stats.droppedDatagrams++;
    } else if (alert.level === 2 || alert.description === 0) {
      this.#fail(new DtlsError("alert", `The server sent DTLS alert ${alert.description}`));
    }
  }

  /** Closes the session and the inner transport. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#state === "closed") return;
    clearTimeout(this.#timer);
    this.#session?.close();
    this.#session = null;
    this.#state = "closed";
    this.#queue.close();
    await this.#inner.close();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
