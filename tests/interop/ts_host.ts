/**
 * The TypeScript side of the interop tests: a core `Host` driven by `HostDriver` over
 * the runtime's UDP transport, bound to 127.0.0.1 on an ephemeral port, with helpers
 * to wait for events and send seeded payloads.
 *
 * @module
 */

import { openUdpTransport } from "../../adapters/mod.ts";
import { Host, type HostOptions } from "../../src/core/host.ts";
import type { Peer } from "../../src/core/peer.ts";
import type { HostEvent } from "../../src/core/types.ts";
import { HostDriver } from "../../src/driver/host_driver.ts";
import { payload } from "./payload.ts";

/** The event types of a core host. */
export type EventType = HostEvent["type"];

/** A receive event, narrowed. */
export type ReceiveEvent = Extract<HostEvent, { type: "receive" }>;

/** A TypeScript ENet host on loopback. */
export class TsHost {
  /** The core host. */
  readonly host: Host;
  /** Its driver. */
  readonly driver: HostDriver<HostEvent, Peer>;
  /** The bound UDP port. */
  readonly port: number;
  readonly #backlog: HostEvent[] = [];

  private constructor(host: Host, driver: HostDriver<HostEvent, Peer>, port: number) {
    this.host = host;
    this.driver = driver;
    this.port = port;
  }

  /**
   * Creates a host bound to 127.0.0.1 on an ephemeral port.
   *
   * @param options Core host options.
   * @returns The running host.
   */
  static async open(options: HostOptions = {}): Promise<TsHost> {
    const transport = await openUdpTransport({ address: "127.0.0.1", port: 0 });
    const host = new Host(options);
    const driver = new HostDriver<HostEvent, Peer>(host, transport);
    return new TsHost(host, driver, transport.localAddress.port);
  }

  /**
   * Starts connecting to 127.0.0.1:`port`.
   *
   * @param port The remote port.
   * @param channelCount Channels to allocate.
   * @param data Connect data.
   * @returns The connecting peer.
   */
  connect(port: number, channelCount: number, data: number): Peer {
    return this.driver.connect("127.0.0.1", port, channelCount, data);
  }

  /**
   * Takes the first event of a type (already seen or still to come) that satisfies
   * `match`; other events stay in a backlog for later calls.
   *
   * @param type Event type.
   * @param timeoutMs How long to wait.
   * @param match Extra condition.
   * @returns The event.
   * @throws {Error} On timeout.
   */
  async next<T extends EventType>(
    type: T,
    timeoutMs: number,
    match: (event: Extract<HostEvent, { type: T }>) => boolean = () => true,
  ): Promise<Extract<HostEvent, { type: T }>> {
    const test = (e: HostEvent): e is Extract<HostEvent, { type: T }> =>
      e.type === type && match(e as Extract<HostEvent, { type: T }>);
    const index = this.#backlog.findIndex(test);
    if (index >= 0) return this.#backlog.splice(index, 1)[0] as Extract<HostEvent, { type: T }>;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = deadline - Date.now();
      const event = left > 0 ? await this.driver.nextEvent(left) : null;
      if (event === null) {
        const seen = this.#backlog.map((e) => e.type).join(", ");
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for "${type}"; backlog: [${seen}]; ` +
            this.#diagnosis(),
        );
      }
      if (test(event)) return event;
      this.#backlog.push(event);
    }
  }

  /**
   * Takes `count` receive events, in arrival order.
   *
   * @param count How many.
   * @param timeoutMs How long to wait for all of them.
   * @returns The events.
   */
  async receives(count: number, timeoutMs: number): Promise<ReceiveEvent[]> {
    const deadline = Date.now() + timeoutMs;
    const out: ReceiveEvent[] = [];
    while (out.length < count) {
      out.push(await this.next("receive", Math.max(1, deadline - Date.now())));
    }
    return out;
  }

  /**
   * Collects every event that arrives within `ms` (for "nothing happens" checks).
   *
   * @param ms How long to listen.
   * @returns The events, backlog included.
   */
  async drain(ms: number): Promise<HostEvent[]> {
    const out = this.#backlog.splice(0);
    const deadline = Date.now() + ms;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) return out;
      const event = await this.driver.nextEvent(left);
      if (event === null) return out;
      out.push(event);
    }
  }

  /**
   * Sends `count` seeded payloads (seeds `seed`, `seed + 1`, …) and schedules a flush.
   *
   * @param peer The destination.
   * @param channel Channel ID.
   * @param flags Packet flags.
   * @param size Payload size.
   * @param seed First seed.
   * @param count How many packets.
   */
  send(peer: Peer, channel: number, flags: number, size: number, seed: number, count = 1): void {
    for (let k = 0; k < count; k++) peer.send(channel, { data: payload(size, seed + k), flags });
    this.driver.scheduleFlush();
  }

  /** What the host and its socket have seen, for a timeout's message. */
  #diagnosis(): string {
    const { droppedDatagrams, totalReceivedPackets, totalSentPackets } = this.host.stats;
    const socket = this.driver.transport.stats;
    const peers = this.host.peers.filter((p) => p.state !== 0).map((p) => p.state);
    return `host: received ${totalReceivedPackets}, sent ${totalSentPackets}, ` +
      `dropped ${droppedDatagrams}; socket: ${JSON.stringify(socket)}; ` +
      `driver closed ${this.driver.closed}; peer states [${peers.join(", ")}]`;
  }

  /**
   * Closes the driver and its socket.
   *
   * @returns Resolves once closed.
   */
  close(): Promise<void> {
    return this.driver.close();
  }
}
