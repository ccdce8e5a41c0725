/**
 * Helpers for the Godot API tests: bounded waits for events and a connected pair, over
 * loopback UDP or an in-process MemoryNetwork.
 */
import {
  ENetConnection,
  type ENetHostOptions,
  type ENetPacketPeer,
  type EventType,
  MemoryNetwork,
  type MemoryNetworkOptions,
  type ServiceResult,
} from "../../mod.ts";

/** Services `connection` until an event of `type` arrives; throws after `timeoutMs`. */
export async function waitFor(
  connection: ENetConnection,
  type: EventType,
  timeoutMs = 5000,
): Promise<ServiceResult> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const result = await connection.service(50);
    if (result[0] === type) return result;
    if (result[0] === ENetConnection.EVENT_ERROR) throw new Error("service() returned EVENT_ERROR");
  }
  throw new Error(`No event of type ${type} within ${timeoutMs} ms`);
}

/** Collects every event `connection` produces for `ms` milliseconds. */
export async function drain(connection: ENetConnection, ms: number): Promise<ServiceResult[]> {
  const events: ServiceResult[] = [];
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const result = await connection.service(20);
    if (result[0] !== ENetConnection.EVENT_NONE) events.push(result);
  }
  return events;
}

/** A server and a client connected to it on loopback, with each side's peer. */
export interface Pair {
  server: ENetConnection;
  client: ENetConnection;
  /** The client's peer for the server. */
  toServer: ENetPacketPeer;
  /** The server's peer for the client. */
  toClient: ENetPacketPeer;
  /** Destroys both hosts. */
  close(): Promise<void>;
}

/** Options of {@linkcode connectPair}. */
export interface PairOptions {
  serverAddress?: string;
  connectAddress?: string;
  channels?: number;
  data?: number;
  serverOptions?: ENetHostOptions;
  clientOptions?: ENetHostOptions;
  before?: (server: ENetConnection, client: ENetConnection) => Promise<void> | void;
}

/** Binds a server and a client over UDP and connects them. Destroy with `close()`. */
export async function connectPair(options: PairOptions = {}): Promise<Pair> {
  const server = new ENetConnection();
  const client = new ENetConnection();
  const close = async () => {
    await client.destroy();
    await server.destroy();
  };
  try {
    if (options.serverOptions?.transport !== undefined) {
      await server.createHost(32, 0, 0, 0, options.serverOptions);
    } else {
      const address = options.serverAddress ?? "127.0.0.1";
      await server.createHostBound(address, 0, 32, 0, 0, 0, options.serverOptions);
    }
    await client.createHost(1, 0, 0, 0, options.clientOptions);
    await options.before?.(server, client);
    const toServer = await client.connectToHost(
      options.connectAddress ?? options.serverAddress ?? "127.0.0.1",
      server.getLocalPort(),
      options.channels ?? 0,
      options.data ?? 0,
    );
    const [, toClient] = await waitFor(server, ENetConnection.EVENT_CONNECT);
    await waitFor(client, ENetConnection.EVENT_CONNECT);
    return { server, client, toServer, toClient: toClient!, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Connects a new client (one channel, connect data `data`) to a new server bound on
 * 127.0.0.1 and returns the server's CONNECT event; both hosts are destroyed after.
 */
export async function serverConnectEvent(data: number): Promise<ServiceResult> {
  const server = new ENetConnection();
  const client = new ENetConnection();
  try {
    await server.createHostBound("127.0.0.1", 0);
    await client.createHost();
    await client.connectToHost("127.0.0.1", server.getLocalPort(), 1, data);
    return await waitFor(server, ENetConnection.EVENT_CONNECT);
  } finally {
    await client.destroy();
    await server.destroy();
  }
}

/** Options of {@linkcode withMemoryPair}. */
export interface MemoryPairOptions {
  /** Host options for both ends (each gets its own transport). */
  host?: Omit<ENetHostOptions, "transport">;
  /** Runs on both hosts before the client connects. */
  before?: PairOptions["before"];
}

/**
 * Connects a server at 10.0.0.1:7000 and a client at 10.0.0.2 over a new
 * {@linkcode MemoryNetwork} with the given link conditions, runs `body`, and always
 * closes the pair and the network.
 */
export async function withMemoryPair(
  conditions: MemoryNetworkOptions,
  body: (pair: Pair, network: MemoryNetwork) => Promise<void>,
  options: MemoryPairOptions = {},
): Promise<void> {
  const network = new MemoryNetwork(conditions);
  try {
    const pair = await connectPair({
      serverAddress: "10.0.0.1",
      serverOptions: { ...options.host, transport: network.open("10.0.0.1", 7000) },
      clientOptions: { ...options.host, transport: network.open("10.0.0.2", 0) },
      before: options.before,
    });
    try {
      await body(pair, network);
    } finally {
      await pair.close();
    }
  } finally {
    await network.close();
  }
}

/** Encodes text. */
export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Decodes text. */
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
