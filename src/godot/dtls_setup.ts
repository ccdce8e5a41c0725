/**
 * What `ENetConnection.dtlsServerSetup` / `dtlsClientSetup` need: Godot's argument
 * checks, and the DTLS layer, loaded on first use (importing the API does not load the
 * DTLS library).
 *
 * @module
 */

import type { DatagramTransport } from "../../adapters/transport.ts";
import type { Host } from "../core/host.ts";
import type { DtlsError } from "../dtls/errors.ts";
import type { DtlsClientTransport, DtlsServerTransport } from "../dtls/mod.ts";
import { TLSOptions } from "../dtls/tls_options.ts";
import { PeerState } from "./constants.ts";
import type { ENetPacketPeer } from "./enet_packet_peer.ts";
import { ENetError } from "./errors.ts";
import type { EventHost } from "./event_host.ts";

/** Extensions of `dtlsClientSetup` beyond Godot's arguments. */
export interface DtlsClientSetupOptions {
  /**
   * How long the DTLS handshake may take before the connection fails with a
   * `"timeout"` DTLS error, in ms. Default 8000 (Godot's DTLS time limit).
   */
  handshakeTimeoutMs?: number;
}

/** The DTLS layer wrapped around a connection's transport. */
export type DtlsRole =
  | { readonly kind: "server"; readonly transport: DtlsServerTransport }
  | { readonly kind: "client"; readonly transport: DtlsClientTransport };

type DtlsModule = typeof import("../dtls/mod.ts");

let loading: Promise<DtlsModule> | null = null;

/**
 * Loads the DTLS layer (and its library) once.
 *
 * @param action What is being done, for the error message.
 * @returns The DTLS module.
 * @throws {ENetError} `ERR_UNAVAILABLE` when the DTLS library cannot be loaded.
 */
export async function loadDtls(action: string): Promise<DtlsModule> {
  loading ??= import("../dtls/mod.ts");
  try {
    return await loading;
  } catch (error) {
    loading = null;
    throw new ENetError(
      "ERR_UNAVAILABLE",
      `Cannot ${action}: the DTLS library did not load (${(error as Error).message})`,
      { cause: error },
    );
  }
}

/**
 * Checks `dtlsServerSetup`'s options (Godot: `ERR_INVALID_PARAMETER` unless server options).
 *
 * @param action What is being done, for the error message.
 * @param options What the caller passed.
 * @returns The options.
 * @throws {TypeError} Unless they come from `TLSOptions.server`.
 *
 * @example Client options are refused
 * ```ts
 * import assert from "node:assert/strict";
 * import { TLSOptions } from "../dtls/tls_options.ts";
 * import { checkServerOptions } from "./dtls_setup.ts";
 *
 * assert.throws(() => checkServerOptions("set up DTLS server", TLSOptions.clientUnsafe()), TypeError);
 * ```
 */
export function checkServerOptions(action: string, options: unknown): TLSOptions {
  if (!(options instanceof TLSOptions) || !options.isServer()) {
    throw new TypeError(`Cannot ${action}: the options must come from TLSOptions.server`);
  }
  return options;
}

/**
 * Checks `dtlsClientSetup`'s arguments (Godot: `ERR_INVALID_PARAMETER` for server
 * options), so that building the client transport afterwards cannot fail.
 *
 * @param action What is being done, for the error message.
 * @param hostname The name the server certificate must be valid for.
 * @param options What the caller passed; `null` or `undefined` for `TLSOptions.client()`.
 * @param extra The extensions.
 * @returns The options to use.
 * @throws {TypeError} For server options, a hostname that is not a string, or an empty
 *   name where the certificate is checked.
 * @throws {RangeError} For a handshake time limit that is not a positive number.
 *
 * @example The hostname is needed unless the client does not check certificates
 * ```ts
 * import assert from "node:assert/strict";
 * import { TLSOptions } from "../dtls/tls_options.ts";
 * import { checkClientArguments } from "./dtls_setup.ts";
 *
 * assert.throws(() => checkClientArguments("set up DTLS client", "", null, {}), TypeError);
 * assert.ok(checkClientArguments("set up DTLS client", "", TLSOptions.clientUnsafe(), {}));
 * ```
 */
export function checkClientArguments(
  action: string,
  hostname: unknown,
  options: unknown,
  extra: DtlsClientSetupOptions,
): TLSOptions {
  if (typeof hostname !== "string") {
    throw new TypeError(`Cannot ${action}: the hostname is not a string`);
  }
  if (options !== null && options !== undefined && !(options instanceof TLSOptions)) {
    throw new TypeError(`Cannot ${action}: the options must come from TLSOptions.client`);
  }
  const tls = options ?? TLSOptions.client();
  if (tls.isServer()) {
    throw new TypeError(`Cannot ${action}: these are server options (use TLSOptions.client)`);
  }
  if (!tls.isUnsafeClient() && (tls.getCommonNameOverride() || hostname) === "") {
    throw new TypeError(`Cannot ${action}: a hostname is needed to check the certificate`);
  }
  const limit = extra.handshakeTimeoutMs;
  if (limit !== undefined && !(typeof limit === "number" && limit > 0 && limit <= 0x7fffffff)) {
    throw new RangeError(`Cannot ${action}: handshakeTimeoutMs ${limit} is not a positive number`);
  }
  return tls;
}

/**
 * Wraps a transport in the DTLS server layer.
 *
 * @param dtls The loaded DTLS module.
 * @param inner The host's transport, detached from its driver.
 * @param options Server options.
 * @param maxSessions The host's peer count.
 * @param refuse Whether new connections are refused from the start.
 * @returns The server role.
 */
export function wrapServer(
  dtls: DtlsModule,
  inner: DatagramTransport,
  options: TLSOptions,
  maxSessions: number,
  refuse: boolean,
): DtlsRole {
  const transport = new dtls.DtlsServerTransport(inner, options, { maxSessions });
  transport.refuseNewConnections = refuse;
  return { kind: "server", transport };
}

/**
 * Wraps a transport in the DTLS client layer.
 *
 * @param dtls The loaded DTLS module.
 * @param inner The host's transport, detached from its driver.
 * @param hostname The name the server certificate must be valid for.
 * @param options Client options, checked by {@linkcode checkClientArguments}.
 * @param extra The extensions.
 * @returns The client role.
 */
export function wrapClient(
  dtls: DtlsModule,
  inner: DatagramTransport,
  hostname: string,
  options: TLSOptions,
  extra: DtlsClientSetupOptions,
): DtlsRole {
  const transport = new dtls.DtlsClientTransport(inner, hostname, options, {
    handshakeTimeoutMs: extra.handshakeTimeoutMs,
  });
  return { kind: "client", transport };
}

/**
 * A DTLS client session failed: resets the peers still connecting or connected through
 * it and queues a disconnect for each (the core reports none for reset peers).
 *
 * @param peers The connection's peers.
 * @param events Where the disconnects are queued.
 * @param error Why the session failed.
 * @returns Whether any disconnect was queued.
 */
export function failPeers(
  peers: readonly ENetPacketPeer[],
  events: EventHost,
  error: DtlsError,
): boolean {
  let reported = false;
  for (const peer of [...peers]) {
    const state = peer.getState();
    if (state === PeerState.STATE_DISCONNECTED || state === PeerState.STATE_ZOMBIE) continue;
    peer.reset();
    events.push({ type: "dtls-failure", peer, error });
    reported = true;
  }
  return reported;
}

/**
 * Tells whether a live core peer uses an address (then its DTLS session is not released).
 *
 * @param host The core host.
 * @param address Remote address.
 * @param port Remote port.
 * @returns Whether a peer that is not disconnected has that address and port.
 */
export function addressInUse(host: Host, address: string, port: number): boolean {
  return host.peers.some((peer) =>
    peer.state !== PeerState.STATE_DISCONNECTED && peer.address?.address === address &&
    peer.address.port === port
  );
}
