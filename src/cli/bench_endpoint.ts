/**
 * The hosts of `enet bench`: a server or a client `ENetConnection` whose events a loop
 * hands to callbacks, the way a game would drive it (`service()` waits for an event,
 * `checkEvents()` drains the others that are ready). Godot allows one outgoing
 * connection per `ENetConnection`, so N clients are N connections.
 *
 * @module
 */
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
import type { OptionValues } from "./args.ts";
import type { Output } from "./output.ts";
import { configureHost, describeError, hostOptions } from "./session.ts";

/** `ENetPacketPeer.FLAG_RELIABLE`. */
export const RELIABLE: number = ENetPacketPeer.FLAG_RELIABLE;
/** Channels of every bench host: 0 for data, 1 for the bulk server's reports. */
const CHANNELS = 2;
/** At most this many connections are being set up at once. */
const CONNECT_BATCH = 64;
/** A connection not made within this long counts as failed. */
const CONNECT_MS = 5000;

/** What a bench host does with a received packet. */
export type ReceiveHandler = (peer: ENetPacketPeer, data: Uint8Array, channel: number) => void;

/** A host and the loop that hands its events to callbacks until {@linkcode close}. */
export class BenchEndpoint {
  /** The host. */
  readonly connection: ENetConnection = new ENetConnection();
  /** Called for every received packet. */
  onReceive: ReceiveHandler = () => {};
  /** Whether the socket failed (`EVENT_ERROR`); the loop has stopped. */
  failed = false;
  readonly #stop = new AbortController();
  #loop: Promise<void> | null = null;

  /**
   * Creates a server host on `bind`, a free port, and starts its loop.
   *
   * @param bind A numeric loopback address.
   * @param maxPeers Peer slots.
   * @param options The parsed options (`--compress`, `--checksum`, `--verbose`).
   * @param output Where `--verbose` reports drops.
   * @returns The running server.
   * @throws {Error} When the host cannot be created.
   */
  static async listen(
    bind: string,
    maxPeers: number,
    options: OptionValues,
    output: Output,
  ): Promise<BenchEndpoint> {
    const server = new BenchEndpoint();
    try {
      await server.connection.createHostBound(
        bind,
        0,
        maxPeers,
        CHANNELS,
        0,
        0,
        hostOptions(options, output),
      );
      await configureHost(server.connection, options);
    } catch (error) {
      await server.connection.destroy();
      throw new Error(`cannot listen on ${bind}: ${describeError(error)}`);
    }
    server.start();
    return server;
  }

  /** Starts the event loop. */
  protected start(): void {
    this.#loop = this.#run();
  }

  /**
   * Called for connect and disconnect events.
   *
   * @param _type `EVENT_CONNECT` or `EVENT_DISCONNECT`.
   */
  protected onChange(_type: number): void {}

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    const connection = this.connection;
    while (!signal.aborted) {
      for (
        let event = await connection.service(1000, { signal });
        event[0] !== ENetConnection.EVENT_NONE;
        event = connection.checkEvents()
      ) {
        if (event[0] === ENetConnection.EVENT_RECEIVE) {
          this.onReceive(event[1], event[1].getPacket(), event[3]);
        } else if (event[0] === ENetConnection.EVENT_ERROR) {
          this.failed = true;
          return;
        } else {
          this.onChange(event[0]);
        }
      }
    }
  }

  /** Stops the loop and destroys the host (remote peers are not told). */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    await this.connection.destroy();
  }
}

/** A client host with its single peer. */
export class BenchClient extends BenchEndpoint {
  /** The peer, once connecting. */
  peer: ENetPacketPeer | null = null;
  /** When the ping in flight was sent (`performance.now()`). */
  sentAt = 0;
  /** Whether the peer disconnected after connecting (a timeout under load). */
  lost = false;
  #outcome: ((connected: boolean) => void) | null = null;

  /**
   * Creates the host, connects, and waits for the outcome.
   *
   * @param bind The server's address.
   * @param port The server's port.
   * @param options The parsed options (`--compress`, `--checksum`, `--verbose`).
   * @param output Where `--verbose` reports drops.
   * @returns Whether the connection was made within {@link CONNECT_MS}.
   */
  async connect(
    bind: string,
    port: number,
    options: OptionValues,
    output: Output,
  ): Promise<boolean> {
    await this.connection.createHost(1, CHANNELS, 0, 0, hostOptions(options, output));
    await configureHost(this.connection, options);
    const outcome = new Promise<boolean>((resolve) => this.#outcome = resolve);
    this.peer = await this.connection.connectToHost(bind, port, CHANNELS);
    this.start();
    const timer = setTimeout(() => this.#settle(false), CONNECT_MS);
    try {
      return await outcome;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Settles the connection attempt, or notes that the connected peer was lost.
   *
   * @param type `EVENT_CONNECT` or `EVENT_DISCONNECT`.
   */
  protected override onChange(type: number): void {
    if (this.#outcome !== null) this.#settle(type === ENetConnection.EVENT_CONNECT);
    else if (type === ENetConnection.EVENT_DISCONNECT) this.lost = true;
  }

  #settle(connected: boolean): void {
    this.#outcome?.(connected);
    this.#outcome = null;
  }
}

/**
 * Connects `count` clients to a server, {@link CONNECT_BATCH} at a time.
 *
 * @param count Clients.
 * @param bind The server's address.
 * @param port The server's port.
 * @param options The parsed options.
 * @param output Where `--verbose` reports drops.
 * @param created Every client created is added here, connected or not, to be closed.
 * @returns The clients that connected.
 */
export async function connectClients(
  count: number,
  bind: string,
  port: number,
  options: OptionValues,
  output: Output,
  created: BenchClient[],
): Promise<BenchClient[]> {
  const connected: BenchClient[] = [];
  for (let first = 0; first < count; first += CONNECT_BATCH) {
    const batch: BenchClient[] = [];
    for (let i = first; i < Math.min(count, first + CONNECT_BATCH); i++) {
      batch.push(new BenchClient());
    }
    created.push(...batch);
    const outcomes = await Promise.all(
      batch.map((client) => client.connect(bind, port, options, output)),
    );
    for (let i = 0; i < batch.length; i++) if (outcomes[i]) connected.push(batch[i]);
  }
  return connected;
}
