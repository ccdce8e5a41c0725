/**
 * A placeholder for Godot's `TLSOptions`, so the DTLS methods have their signatures.
 * DTLS support will replace it with the real options type.
 *
 * @module
 */

/**
 * Options of a DTLS client or server (Godot's `TLSOptions`). Not used yet: DTLS is
 * not available in this version, and the DTLS methods throw.
 *
 * @example An empty options object
 * ```ts
 * import type { TLSOptions } from "./tls_options.ts";
 *
 * const options: TLSOptions = {};
 * console.assert(typeof options === "object");
 * ```
 */
export interface TLSOptions {
  /** Options are opaque until DTLS support lands. */
  readonly [option: string]: unknown;
}
