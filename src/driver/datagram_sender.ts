/**
 * The transmit path of `HostDriver`: datagrams out to a transport.
 *
 * @module
 */

import type { Datagram, DatagramTransport } from "../../adapters/transport.ts";
import type { DriverAddress } from "./driver_host.ts";

const EMPTY = new Uint8Array(0);
const ignore = (): void => {};

/**
 * Writes datagrams to a {@linkcode DatagramTransport}: through its synchronous `send`
 * fast path when it has one (the bytes are used before it returns, so nothing is
 * copied or allocated), else through its writable stream (a copy, as the write
 * completes later). The stream's writer is taken on first use and held until
 * {@linkcode DatagramSender.release}.
 *
 * @example Send from a scratch buffer
 * ```ts
 * import { MemoryNetwork } from "../../adapters/mod.ts";
 * import { DatagramSender } from "./datagram_sender.ts";
 *
 * const network = new MemoryNetwork();
 * const sender = new DatagramSender(network.open("10.0.0.1", 1));
 * sender.sendTransient({ address: "10.0.0.2", port: 2 }, Uint8Array.of(1, 2, 3));
 * sender.release();
 * await network.close();
 * ```
 */
export class DatagramSender {
  #transport: DatagramTransport;
  #writer: WritableStreamDefaultWriter<Datagram> | null = null;
  #scratch: Datagram = { data: EMPTY, address: "", port: 0 };

  /** @param transport Where datagrams go. */
  constructor(transport: DatagramTransport) {
    this.#transport = transport;
  }

  /**
   * Sends bytes that stay valid only until this returns (a host's scratch buffer).
   * Failures are not reported: datagrams may be lost anyway, and ENet retransmits.
   *
   * @param to The destination.
   * @param data The datagram.
   */
  sendTransient(to: DriverAddress, data: Uint8Array): void {
    const transport = this.#transport;
    if (transport.send === undefined) {
      this.#getWriter().write({ data: data.slice(), address: to.address, port: to.port })
        .catch(ignore);
      return;
    }
    const scratch = this.#scratch;
    scratch.data = data;
    scratch.address = to.address;
    scratch.port = to.port;
    transport.send(scratch);
    scratch.data = EMPTY;
  }

  /**
   * Sends a datagram the caller hands over (it must not change the bytes afterwards).
   *
   * @param datagram The datagram.
   * @returns Resolves once the datagram was handed to the socket.
   * @throws {Error} When the socket refused it or the stream failed.
   */
  async sendOwned(datagram: Datagram): Promise<void> {
    const transport = this.#transport;
    if (transport.send === undefined) return await this.#getWriter().write(datagram);
    if (!transport.send(datagram)) throw new Error("Cannot send: the socket refused it");
  }

  /** Releases the stream's writer, if taken, so another owner can write. */
  release(): void {
    this.#writer?.releaseLock();
    this.#writer = null;
  }

  #getWriter(): WritableStreamDefaultWriter<Datagram> {
    this.#writer ??= this.#transport.writable.getWriter();
    return this.#writer;
  }
}
