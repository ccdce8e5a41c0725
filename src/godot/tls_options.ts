/**
 * Godot's `TLSOptions` for `ENetConnection.dtlsServerSetup` / `dtlsClientSetup`, and the
 * error a DTLS client fails with. Both come from the DTLS layer's light modules: importing
 * them does not load the DTLS library, which `ENetConnection` loads on the first DTLS setup.
 *
 * @example Options for a client that trusts one CA
 * ```ts ignore
 * import { TLSOptions } from "./tls_options.ts";
 *
 * const options = TLSOptions.client(caPem);
 * ```
 *
 * @module
 */

export { TLSOptions, type TLSOptionsMode } from "../dtls/tls_options.ts";
export { DtlsError, type DtlsErrorCode } from "../dtls/errors.ts";
