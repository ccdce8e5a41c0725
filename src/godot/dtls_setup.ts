/**
 * ENet over DTLS for `ENetConnection` (`dtlsServerSetup` / `dtlsClientSetup`): Godot's
 * argument checks, and the DTLS layer of a host, loaded on first use (importing the API
 * does not load the DTLS library).
 *
 * @module
 */

import type { Host } from "../core/host.ts";
import type { DtlsError } from "../dtls/errors.ts";
import type { DtlsClientTransport, DtlsServerTransport } from "../dtls/mod.ts";
import type { DtlsStats } from "../dtls/stats.ts";
import { TLSOptions } from "../dtls/tls_options.ts";
import { PeerState } from "./constants.ts";
import { ENetError } from "./errors.ts";
import type { HostSession } from "./host_session.ts";

/** Extensions of `dtlsClientSetup` beyond Godot's arguments. */
export interface DtlsClientSetupOptions {
  /**
   * How long the DTLS handshake may take before the connection fails with a
   * `"timeout"` DTLS error, in ms. Default 8000 (Godot's DTLS time limit).
   */
  handshakeTimeoutMs?: number;
}

/** The DTLS layer wrapped around a host's transport. */
type DtlsRole =
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
async function loadDtls(action: string): Promise<DtlsModule> {
  loading ??= import("../dtls/mod.ts");
  try {
    return await loading;
  } catch (error) {
    loading = null;
    throw new ENetError(
      "ERR_UNAVAILABLE",
      `Cannot ${action}: the optional package werift-dtls (DTLS) did not load, install it ` +
        `with npm install werift-dtls: ${(error as Error).message}`,
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
 * The DTLS layer of one host: none until a setup call wraps the host's socket in a DTLS
 * server or client transport (once per host), after which the host runs over it.
 *
 * - Server: the session of a peer that becomes inactive is released (Godot's
 *   `disconnect_peer` hook), unless another live peer uses the same address.
 * - Client: when the session fails, the peers connecting or connected through it are
 *   reset and a disconnect is queued for each (the core reports none for reset peers).
 *
 * @example A host without DTLS
 * ```ts
 * import assert from "node:assert/strict";
 * import { Host } from "../core/host.ts";
 * import { MemoryNetwork } from "../../adapters/mod.ts";
 * import { HostSession } from "./host_session.ts";
 *
 * const network = new MemoryNetwork();
 * const session = new HostSession(new Host(), network.open());
 * assert.equal(session.dtls.stats, null);
 * await session.close();
 * await network.close();
 * ```
 */
export class SessionDtls {
  #session: HostSession;
  #role: DtlsRole | null = null;
  #loading = false;
  #refuse = false;

  /** @param session The host this layer belongs to. */
  constructor(session: HostSession) {
    this.#session = session;
  }

  /** The DTLS layer's counters (a live view), or `null` without DTLS. */
  get stats(): Readonly<DtlsStats> | null {
    return this.#role?.transport.stats ?? null;
  }

  /**
   * Makes a DTLS server drop datagrams from addresses without a session. Kept for a
   * later server setup; without a DTLS server it has no effect.
   *
   * @param refuse Whether to refuse.
   */
  setRefuseNewConnections(refuse: boolean): void {
    this.#refuse = refuse;
    if (this.#role?.kind === "server") this.#role.transport.refuseNewConnections = refuse;
  }

  /**
   * Runs the host as a DTLS server from now on, with at most one session per peer slot.
   *
   * @param action What is being done, for error messages.
   * @param options Server options, checked by {@linkcode checkServerOptions}.
   * @throws {ENetError} `FAILED` if the host already uses DTLS, `ERR_UNAVAILABLE` if the
   *   library cannot be loaded, `ERR_UNCONFIGURED` if the host was destroyed meanwhile.
   */
  async startServer(action: string, options: TLSOptions): Promise<void> {
    const dtls = await this.#load(action);
    const session = this.#session;
    const maxSessions = session.host.peers.length;
    const transport = new dtls.DtlsServerTransport(session.driver.detach(), options, {
      maxSessions,
    });
    transport.refuseNewConnections = this.#refuse;
    this.#role = { kind: "server", transport };
    session.runOver(transport);
  }

  /**
   * Runs the host as a DTLS client from now on.
   *
   * @param action What is being done, for error messages.
   * @param hostname The name the server certificate must be valid for.
   * @param options Client options, checked by {@linkcode checkClientArguments}.
   * @param extra The extensions.
   * @param onFailure Called with the error when the session fails, before the peers'
   *   disconnects are queued.
   * @throws {ENetError} As {@linkcode SessionDtls.startServer}.
   */
  async startClient(
    action: string,
    hostname: string,
    options: TLSOptions,
    extra: DtlsClientSetupOptions,
    onFailure: (error: DtlsError) => void,
  ): Promise<void> {
    const dtls = await this.#load(action);
    const session = this.#session;
    const transport = new dtls.DtlsClientTransport(session.driver.detach(), hostname, options, {
      handshakeTimeoutMs: extra.handshakeTimeoutMs,
    });
    this.#role = { kind: "client", transport };
    session.runOver(transport);
    // Deferred: the failure can be noticed while the driver is sending.
    transport.onError((error) => queueMicrotask(() => this.#failed(error, onFailure)));
  }

  /**
   * A peer of this host became inactive: a DTLS server forgets the session with its
   * address, unless another live peer uses it.
   *
   * @param address The peer's address.
   * @param port The peer's port.
   */
  release(address: string, port: number): void {
    const role = this.#role;
    const session = this.#session;
    if (role?.kind !== "server" || session.closed) return;
    session.flushNow(); // a peerDisconnectNow leaves first
    if (!addressInUse(session.host, address, port)) role.transport.releaseSession(address, port);
  }

  async #load(action: string): Promise<DtlsModule> {
    if (this.#role !== null || this.#loading) {
      throw new ENetError("FAILED", `Cannot ${action}: the host already uses DTLS`);
    }
    this.#loading = true;
    try {
      const dtls = await loadDtls(action);
      if (this.#session.closed) {
        throw new ENetError("ERR_UNCONFIGURED", `Cannot ${action}: the host was destroyed`);
      }
      return dtls;
    } finally {
      this.#loading = false;
    }
  }

  #failed(error: DtlsError, onFailure: (error: DtlsError) => void): void {
    const session = this.#session;
    if (session.closed) return;
    onFailure(error);
    let reported = false;
    for (const peer of [...session.peers]) {
      const state = peer.getState();
      if (state === PeerState.STATE_DISCONNECTED || state === PeerState.STATE_ZOMBIE) continue;
      peer.reset();
      session.events.push({ type: "dtls-failure", peer, error });
      reported = true;
    }
    if (reported) session.flushNow(); // hands the events to waiting consumers
  }
}

/** Whether a core peer that is not disconnected has this address and port. */
function addressInUse(host: Host, address: string, port: number): boolean {
  return host.peers.some((peer) =>
    peer.state !== PeerState.STATE_DISCONNECTED && peer.address?.address === address &&
    peer.address.port === port
  );
}
