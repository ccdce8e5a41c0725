/**
 * DTLS 1.2 as a layer on the datagram streams, the way Godot frames ENet over DTLS:
 * each ENet datagram is one DTLS application-data record in one UDP datagram.
 *
 * Entry points for the API layer (`ENetConnection.dtlsServerSetup` /
 * `dtlsClientSetup`): wrap the host's transport with {@linkcode DtlsServerTransport}
 * or {@linkcode DtlsClientTransport} before the driver starts reading it.
 *
 * @module
 */

export { TLSOptions, type TLSOptionsMode } from "./tls_options.ts";
export { DtlsError, type DtlsErrorCode } from "./errors.ts";
export { createDtlsStats, type DtlsStats } from "./stats.ts";
export {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  type DtlsClientState,
  DtlsClientTransport,
  type DtlsClientTransportOptions,
} from "./client_transport.ts";
export { DtlsServerTransport, type DtlsServerTransportOptions } from "./server_transport.ts";
