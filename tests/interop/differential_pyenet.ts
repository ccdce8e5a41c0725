/**
 * The C ENet side of the differential test: a pyenet host in a child process
 * (tests/interop/differential_peer.py) and fake clients that reach it over loopback
 * UDP with hand-made datagrams, acknowledge its reliable commands, and pace their
 * sends by the host's datagram total so the kernel never drops one.
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { openUdpTransport } from "../../adapters/mod.ts";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import type { ConnectCommand } from "../../src/protocol/command.ts";
import { JsonLineProcess } from "../helpers/json_line_process.ts";
import { connectionRecord, type Delivery } from "./differential_record.ts";
import type { TargetHeader } from "./differential_traffic.ts";
import { datagramOf, readReply, targetOf, UNCONNECTED } from "./differential_wire.ts";
import { pyenetPython } from "./peer_process.ts";

/** One stdout line of differential_peer.py. */
export interface HostLine {
  /** listening, connect, receive, disconnect, progress, exit (or unparsed). */
  event: string;
  /** listening: the bound port. */
  port?: number;
  /** The pyenet peer's incoming peer id. */
  peer?: number;
  /** connect/disconnect data. */
  data?: number;
  /** receive: channel, flags, length, CRC-32 and first bytes of the packet. */
  channel?: number;
  /** receive: packet flags & 0xF. */
  flags?: number;
  /** receive: length. */
  length?: number;
  /** receive: CRC-32. */
  crc?: number;
  /** receive: hex of the first 8 bytes. */
  head?: string;
  /** progress: the host's total of received datagrams. */
  received?: number;
  /** exit: why. */
  reason?: string;
  /** unparsed: the text. */
  message?: string;
}

function parseLine(text: string): HostLine {
  try {
    return JSON.parse(text) as HostLine;
  } catch {
    return { event: "unparsed", message: text };
  }
}

/** differential_peer.py, next to this module or in tests/interop above a build folder. */
function scriptPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    for (
      const candidate of [
        join(dir, "differential_peer.py"),
        join(dir, "tests", "interop", "differential_peer.py"),
      ]
    ) {
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  throw new Error("Cannot find tests/interop/differential_peer.py");
}

/** The child process, which can be asked to quit. */
class HostProcess extends JsonLineProcess<HostLine> {
  /** Asks the script to exit. */
  quit(): void {
    this.child.stdin?.write("quit\n");
  }
}

/** The pyenet host process. */
export class PyenetHost {
  /** The child process. */
  readonly process: HostProcess;
  /** The host's UDP port on 127.0.0.1. */
  readonly port: number;
  /** Datagrams sent to the host by every client so far. */
  sent = 0;

  private constructor(process: HostProcess, port: number) {
    this.process = process;
    this.port = port;
  }

  /**
   * Starts the host and waits for its port.
   *
   * @param peers Peer slots.
   * @param channels Channel limit.
   * @param deadlineSeconds When the process exits by itself.
   * @returns The running host.
   * @throws {Error} When python3 with pyenet is missing or the host does not start.
   */
  static async start(
    peers: number,
    channels: number,
    deadlineSeconds: number,
  ): Promise<PyenetHost> {
    const args = ["-u", scriptPath(), String(peers), String(channels), String(deadlineSeconds)];
    const child = spawn(pyenetPython(), args, { stdio: ["pipe", "pipe", "pipe"] });
    const process = new HostProcess(child, { name: "the pyenet host", parse: parseLine });
    try {
      const line = await process.next("listening", 10_000);
      return new PyenetHost(process, line.port!);
    } catch (error) {
      await process.kill();
      throw error;
    }
  }

  /**
   * Waits until the host has read every datagram sent so far (and printed its events).
   *
   * @param timeoutMs How long to wait.
   * @throws {Error} On timeout, naming how many arrived: a datagram was lost.
   */
  async sync(timeoutMs = 10_000): Promise<void> {
    const target = this.sent;
    try {
      await this.process.next("progress", timeoutMs, (line) => line.received! >= target);
    } catch (error) {
      const seen = this.process.pending("progress").reduce((m, l) => Math.max(m, l.received!), 0);
      throw new Error(`The pyenet host read ${seen} of ${target} datagrams`, { cause: error });
    }
  }

  /**
   * The events of one pyenet peer read so far, in order.
   *
   * @param peer Its incoming peer id.
   * @returns The records.
   */
  events(peer: number): Delivery[] {
    const out: Delivery[] = [];
    for (const line of this.process.log) {
      if (!line.startsWith("{")) continue;
      const l = parseLine(line);
      if (l.peer !== peer) continue;
      if (l.event === "receive") {
        out.push({
          event: "receive",
          channel: l.channel!,
          flags: l.flags!,
          length: l.length!,
          crc: l.crc!,
          head: l.head!,
        });
      } else if (l.event === "connect" || l.event === "disconnect") {
        out.push(connectionRecord(l.event, l.data!));
      }
    }
    return out;
  }

  /**
   * Stops the host: asks it to quit, then kills it if it lingers.
   *
   * @returns Resolves once it is gone.
   */
  async close(): Promise<void> {
    if (this.process.exitCode === undefined) {
      this.process.quit();
      await this.process.waitExit(2000);
    }
    await this.process.kill();
  }
}

/** A fake ENet client on its own UDP socket, with one connection to the pyenet host. */
export class PyenetClient {
  readonly #host: PyenetHost;
  readonly #transport: DatagramTransport;
  readonly #writer: WritableStreamDefaultWriter<Datagram>;
  readonly #reading: Promise<void>;
  #header: TargetHeader = UNCONNECTED;
  #verified: (() => void) | undefined;

  private constructor(host: PyenetHost, transport: DatagramTransport) {
    this.#host = host;
    this.#transport = transport;
    this.#writer = transport.writable.getWriter();
    this.#reading = this.#read(transport.readable.getReader());
  }

  /**
   * Opens a socket on 127.0.0.1.
   *
   * @param host The pyenet host.
   * @returns The client.
   */
  static async open(host: PyenetHost): Promise<PyenetClient> {
    const transport = await openUdpTransport({ address: "127.0.0.1", port: 0 });
    return new PyenetClient(host, transport);
  }

  /** Where our datagrams go (set by `handshake`). */
  get header(): TargetHeader {
    return this.#header;
  }

  /**
   * Connects: CONNECT out, VERIFY_CONNECT in, its ACK out, then the host's connect event.
   *
   * @param connect The CONNECT command.
   * @returns The pyenet peer's incoming peer id.
   * @throws {Error} When the host does not answer in time.
   */
  async handshake(connect: ConnectCommand): Promise<number> {
    const verified = new Promise<void>((resolve) => this.#verified = resolve);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error("Cannot connect: no VERIFY_CONNECT from pyenet")),
        10_000,
      );
    });
    try {
      await this.send(datagramOf(UNCONNECTED, 1, [connect]));
      await Promise.race([verified, late]);
    } finally {
      clearTimeout(timer);
    }
    const peer = this.#header.peerID;
    await this.#host.process.next("connect", 10_000, (line) => line.peer === peer);
    return peer;
  }

  /**
   * Sends one datagram to the host.
   *
   * @param bytes The datagram.
   * @returns Resolves once the socket took it.
   */
  async send(bytes: Uint8Array): Promise<void> {
    this.#host.sent++;
    await this.#writer.write({ data: bytes, address: "127.0.0.1", port: this.#host.port });
  }

  /**
   * Closes the socket and stops reading.
   *
   * @returns Resolves once closed.
   */
  async close(): Promise<void> {
    await this.#transport.close();
    await this.#reading;
  }

  async #read(reader: ReadableStreamDefaultReader<Datagram>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const reply = readReply(value.data);
        if (reply.verify !== undefined) this.#header = targetOf(reply.verify);
        if (reply.acks.length > 0) await this.send(datagramOf(this.#header, undefined, reply.acks));
        if (reply.verify !== undefined) this.#verified?.();
      }
    } catch {
      // closed under us: nothing more to read
    }
  }
}
