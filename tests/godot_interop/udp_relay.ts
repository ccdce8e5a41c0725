/**
 * A loopback UDP relay placed between an ENet client and its server, forwarding every
 * datagram unchanged and counting, per direction, the datagrams whose ENet header has
 * the COMPRESSED flag: proof that a compression mode really compresses on the wire.
 *
 * @module
 */

import { openUdpTransport } from "../../adapters/mod.ts";
import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";

/** ENet's header flag for a compressed datagram body (bit 14 of the first u16, big-endian). */
const HEADER_FLAG_COMPRESSED = 1 << 14;

/** Datagrams seen in one direction. */
export interface DirectionCount {
  /** Every datagram. */
  datagrams: number;
  /** Those with the COMPRESSED header flag. */
  compressed: number;
}

function count(counter: DirectionCount, data: Uint8Array): void {
  counter.datagrams++;
  if (data.length >= 2 && ((data[0] << 8) | data[1]) & HEADER_FLAG_COMPRESSED) counter.compressed++;
}

function copy(datagram: Datagram, address: string, port: number): Datagram {
  return { data: datagram.data.slice(), address, port };
}

/**
 * Hands every datagram `transport` receives to `each` (which must copy what it keeps)
 * until the transport closes, through the synchronous receiver where the transport
 * has one (as the host driver does), else through its readable stream.
 */
async function pump(
  transport: DatagramTransport,
  each: (datagram: Datagram) => void,
): Promise<void> {
  const reader = transport.readable.getReader();
  const lent: Datagram = { data: new Uint8Array(0), address: "", port: 0 };
  transport.setReceiver?.((data, address, port) => {
    lent.data = data;
    lent.address = address;
    lent.port = port;
    each(lent);
  });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      each(value);
    }
  } catch {
    // the transport closed under the reader
  } finally {
    reader.releaseLock();
  }
}

/** A relay to one server, with one upstream socket per client address. */
export class UdpRelay {
  /** Client to server. */
  readonly up: DirectionCount = { datagrams: 0, compressed: 0 };
  /** Server to client. */
  readonly down: DirectionCount = { datagrams: 0, compressed: 0 };
  readonly #front: DatagramTransport;
  readonly #serverPort: number;
  readonly #upstreams = new Map<string, Promise<DatagramTransport>>();
  readonly #pumps: Promise<void>[] = [];

  private constructor(front: DatagramTransport, serverPort: number) {
    this.#front = front;
    this.#serverPort = serverPort;
    this.#pumps.push(pump(front, (datagram) => void this.#forwardUp(datagram)));
  }

  /**
   * Opens a relay on 127.0.0.1 to a server on 127.0.0.1.
   *
   * @param serverPort The server's port.
   * @returns The relay; clients connect to its `port`.
   */
  static async open(serverPort: number): Promise<UdpRelay> {
    return new UdpRelay(await openUdpTransport({ address: "127.0.0.1", port: 0 }), serverPort);
  }

  /** The port clients connect to. */
  get port(): number {
    return this.#front.localAddress.port;
  }

  /** Closes every socket of the relay. */
  async close(): Promise<void> {
    const upstreams = await Promise.all(this.#upstreams.values());
    await Promise.all([this.#front.close(), ...upstreams.map((t) => t.close())]);
    await Promise.all(this.#pumps);
  }

  async #forwardUp(datagram: Datagram): Promise<void> {
    const client = { address: datagram.address, port: datagram.port };
    const packet = copy(datagram, "127.0.0.1", this.#serverPort);
    count(this.up, packet.data);
    const key = `${client.address}:${client.port}`;
    let upstream = this.#upstreams.get(key);
    if (upstream === undefined) {
      upstream = openUdpTransport({ address: "127.0.0.1", port: 0 });
      this.#upstreams.set(key, upstream);
      const transport = await upstream;
      this.#pumps.push(pump(transport, (reply) => {
        const back = copy(reply, client.address, client.port);
        count(this.down, back.data);
        write(this.#front, back);
      }));
    }
    write(await upstream, packet);
  }
}

function write(transport: DatagramTransport, datagram: Datagram): void {
  // Every UDP transport of adapters/ has the synchronous fast path.
  if (transport.send === undefined) throw new Error("Cannot relay: the transport has no send()");
  transport.send(datagram);
}
