/**
 * Helpers for the ENet-over-DTLS tests: DTLS servers and clients made through
 * `ENetConnection`, and bounded waits for their events.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type DtlsClientSetupOptions,
  ENetConnection,
  type ENetEvent,
  ENetPacketPeer,
  TLSOptions,
} from "../../mod.ts";
import { fixture } from "./support.ts";

/** What the client sends: size, channel, flags (reliable, fragmented, unreliable), in the cross-runtime tests. */
export const PAYLOADS: readonly { size: number; channel: number; flags: number }[] = [
  { size: 1, channel: 0, flags: ENetPacketPeer.FLAG_RELIABLE },
  { size: 1200, channel: 1, flags: ENetPacketPeer.FLAG_RELIABLE },
  { size: 5000, channel: 1, flags: ENetPacketPeer.FLAG_RELIABLE },
  { size: 70_000, channel: 2, flags: ENetPacketPeer.FLAG_RELIABLE },
  { size: 300, channel: 3, flags: 0 },
];

/** A certificate kind of the fixtures. */
export type KeyKind = "rsa" | "ec";

/**
 * @param kind Which fixture key and certificate.
 * @returns Server options for the fixture `server_<kind>`.
 */
export function serverOptions(kind: KeyKind): TLSOptions {
  return TLSOptions.server(fixture(`server_${kind}.key`), fixture(`server_${kind}.crt`));
}

/**
 * @param kind Which fixture CA to trust.
 * @returns Client options trusting `ca_<kind>.crt`.
 */
export function trusting(kind: KeyKind): TLSOptions {
  return TLSOptions.client(fixture(`ca_${kind}.crt`));
}

/**
 * A DTLS ENet server on 127.0.0.1.
 *
 * @param kind The certificate it presents.
 * @param maxPeers Its peer slots (and DTLS sessions).
 * @returns The connection.
 */
export async function dtlsServer(kind: KeyKind, maxPeers = 8): Promise<ENetConnection> {
  const server = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, maxPeers);
  try {
    await server.dtlsServerSetup(serverOptions(kind));
  } catch (error) {
    await server.destroy();
    throw error;
  }
  return server;
}

/**
 * A DTLS ENet client host on 127.0.0.1, not connected yet.
 *
 * @param hostname The name the server certificate must match.
 * @param options Client TLS options.
 * @param extra Extensions (handshake time limit).
 * @returns The connection.
 */
export async function dtlsClient(
  hostname: string,
  options: TLSOptions,
  extra: DtlsClientSetupOptions = {},
): Promise<ENetConnection> {
  const client = new ENetConnection();
  await client.createHostBound("127.0.0.1", 0, 1);
  try {
    await client.dtlsClientSetup(hostname, options, extra);
  } catch (error) {
    await client.destroy();
    throw error;
  }
  return client;
}

/**
 * Waits for the next event of `type` from a connection's iterator, skipping others.
 *
 * @param iterator The connection's event iterator.
 * @param type The wanted `EventType`.
 * @param limitMs Upper bound.
 * @returns The event.
 */
export async function nextEvent(
  iterator: AsyncIterator<ENetEvent>,
  type: number,
  limitMs = 10_000,
): Promise<ENetEvent> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`No event of type ${type} in ${limitMs} ms`)),
      limitMs,
    );
  });
  try {
    for (;;) {
      const result = await Promise.race([iterator.next(), expired]);
      assert.notEqual(result.done, true, "the connection's events ended");
      if (result.value.type === type) return result.value;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** A DTLS client connected to a server. */
export interface DtlsClientEnd {
  client: ENetConnection;
  clientEvents: AsyncIterator<ENetEvent>;
  toServer: ENetPacketPeer;
  /** Destroys the client. */
  close(): Promise<void>;
}

/** A connected DTLS client and server with each side's peer and event iterator. */
export interface DtlsPair extends DtlsClientEnd {
  server: ENetConnection;
  serverEvents: AsyncIterator<ENetEvent>;
  toClient: ENetPacketPeer;
}

/**
 * Connects a new DTLS client to a server on 127.0.0.1 and waits for its CONNECT event.
 *
 * @param port The server's port.
 * @param kind The CA to trust.
 * @param channels Channels to connect with.
 * @returns The client end.
 */
export async function connectTo(port: number, kind: KeyKind, channels = 4): Promise<DtlsClientEnd> {
  const client = await dtlsClient("localhost", trusting(kind));
  try {
    const clientEvents = client.events();
    const toServer = await client.connectToHost("127.0.0.1", port, channels);
    await nextEvent(clientEvents, ENetConnection.EVENT_CONNECT);
    return { client, clientEvents, toServer, close: () => client.destroy() };
  } catch (error) {
    await client.destroy();
    throw error;
  }
}

/**
 * Connects a new DTLS client to `server` and waits for both CONNECT events.
 *
 * @param server A DTLS server.
 * @param kind The CA to trust.
 * @param channels Channels to connect with.
 * @returns The pair; `close()` destroys the client only.
 */
export async function connectClient(
  server: ENetConnection,
  kind: KeyKind,
  channels = 4,
): Promise<DtlsPair> {
  const serverEvents = server.events();
  const end = await connectTo(server.getLocalPort(), kind, channels);
  try {
    const { peer: toClient } = await nextEvent(serverEvents, ENetConnection.EVENT_CONNECT);
    assert.equal(toClient.getRemotePort(), end.client.getLocalPort());
    return { ...end, server, serverEvents, toClient };
  } catch (error) {
    await end.close();
    throw error;
  }
}

/**
 * Receives `count` packets from an iterator.
 *
 * @param iterator Event iterator.
 * @param count How many.
 * @param limitMs Upper bound for each.
 * @returns The receive events in order.
 */
export async function receive(
  iterator: AsyncIterator<ENetEvent>,
  count: number,
  limitMs = 10_000,
): Promise<{ packet: Uint8Array; channel: number; flags: number }[]> {
  const out = [];
  while (out.length < count) {
    const event = await nextEvent(iterator, ENetConnection.EVENT_RECEIVE, limitMs);
    if (event.type === ENetConnection.EVENT_RECEIVE) out.push(event);
  }
  return out;
}
