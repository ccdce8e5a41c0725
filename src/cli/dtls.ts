/**
 * The DTLS options of the `enet` tool: reading the key, certificate and CA files
 * into `TLSOptions` before anything touches the network (a bad file is a usage
 * error, exit status 2), and explaining why a DTLS connection failed.
 *
 * Imports only the light `TLSOptions` module, so argument errors need no DTLS
 * library.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { type DtlsError, TLSOptions } from "../godot/tls_options.ts";
import { type OptionValues, UsageError } from "./args.ts";

/** What `enet connect --dtls` passes to `dtlsClientSetup`. */
export interface ClientTls {
  /** The name (or IP address) the server certificate is checked against. */
  readonly hostname: string;
  /** `TLSOptions.client(ca)` or `TLSOptions.clientUnsafe()`. */
  readonly options: TLSOptions;
}

/**
 * Reads a PEM file named by an option.
 *
 * @param option The option, e.g. `"dtls-key"`.
 * @param file The path given.
 * @returns The file's text.
 * @throws {UsageError} When the file cannot be read.
 */
async function readPem(option: string, file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).message;
    throw new UsageError(`Cannot use --${option} ${file}: cannot read it (${code})`);
  }
}

/** The detail of a `TLSOptions` TypeError ("Cannot use key: detail" → "detail"). */
function detail(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Cannot use [^:]*: /, "");
}

/**
 * Builds the server options of `enet serve --dtls-key FILE --dtls-cert FILE`.
 *
 * @param options The parsed options (checked by `checkServeOptions`).
 * @returns `TLSOptions.server(key, certificate)`, or `null` without DTLS.
 * @throws {UsageError} When a file cannot be read, is not PEM of the right kind,
 *   or the key does not belong to the certificate.
 */
export async function serverTls(options: OptionValues): Promise<TLSOptions | null> {
  const keyFile = options["dtls-key"] as string | undefined;
  const certFile = options["dtls-cert"] as string | undefined;
  if (keyFile === undefined || certFile === undefined) return null;
  const [keyPem, certPem] = await Promise.all([
    readPem("dtls-key", keyFile),
    readPem("dtls-cert", certFile),
  ]);
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch (error) {
    throw new UsageError(
      `Cannot use --dtls-key ${keyFile}: not a PEM private key (${detail(error)})`,
    );
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(certPem);
  } catch (error) {
    throw new UsageError(
      `Cannot use --dtls-cert ${certFile}: not a PEM certificate (${detail(error)})`,
    );
  }
  if (!createPublicKey(key).equals(certificate.publicKey)) {
    throw new UsageError(
      `Cannot use --dtls-key ${keyFile}: it is not the key of the certificate in ${certFile}`,
    );
  }
  try {
    return TLSOptions.server(keyPem, certPem);
  } catch (error) {
    // Which file is at fault: TLSOptions says "key" or "certificate".
    const option = /^Cannot use key/.test((error as Error).message) ? "dtls-key" : "dtls-cert";
    const file = option === "dtls-key" ? keyFile : certFile;
    throw new UsageError(`Cannot use --${option} ${file}: ${detail(error)}`);
  }
}

/**
 * Builds the client side of `enet connect --dtls [--dtls-ca FILE]
 * [--dtls-hostname NAME] [--dtls-insecure]`.
 *
 * @param options The parsed options (checked by `checkConnectOptions`).
 * @param host HOST from HOST:PORT: the name checked unless `--dtls-hostname` is given.
 *   An IP address is checked against the certificate's IP addresses.
 * @returns The hostname and options, or `null` without `--dtls`.
 * @throws {UsageError} When the CA file cannot be read or holds no certificate.
 */
export async function clientTls(options: OptionValues, host: string): Promise<ClientTls | null> {
  if (options.dtls !== true) return null;
  const hostname = (options["dtls-hostname"] as string | undefined) ?? host;
  if (options["dtls-insecure"] === true) {
    return { hostname, options: TLSOptions.clientUnsafe() };
  }
  const caFile = options["dtls-ca"] as string | undefined;
  if (caFile === undefined) return { hostname, options: TLSOptions.client() };
  const caPem = await readPem("dtls-ca", caFile);
  try {
    return { hostname, options: TLSOptions.client(caPem) };
  } catch (error) {
    throw new UsageError(`Cannot use --dtls-ca ${caFile}: ${detail(error)}`);
  }
}

/**
 * Explains a failed DTLS connection for `enet connect`: what failed, the DTLS
 * layer's reason, and what to try.
 *
 * @param error The error from `ENetConnection.getDtlsError()`.
 * @param options The parsed options (for the hints).
 * @param hostname The name that was checked.
 * @returns One line, e.g. "DTLS certificate check failed: The server certificate
 *   is not trusted (…)".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DtlsError } from "../godot/tls_options.ts";
 * import { explainDtlsError } from "./dtls.ts";
 * const error = new DtlsError("hostname", "The server certificate is not valid for a.example");
 * assert.match(explainDtlsError(error, {}, "a.example"), /^DTLS name check failed: /);
 * ```
 */
export function explainDtlsError(
  error: DtlsError,
  options: OptionValues,
  hostname: string,
): string {
  switch (error.code) {
    case "certificate": {
      const hint = options["dtls-ca"] === undefined
        ? "pass --dtls-ca FILE with the CA that signed it"
        : `is it signed by a CA in ${options["dtls-ca"]}?`;
      return `DTLS certificate check failed: ${error.message} (${hint})`;
    }
    case "hostname": {
      const ip = /^[0-9.]+$/.test(hostname) || hostname.includes(":");
      const hint = options["dtls-hostname"] !== undefined
        ? "the name given with --dtls-hostname"
        : ip
        ? `${hostname} is an IP address: the certificate must list it, or pass --dtls-hostname NAME`
        : "pass --dtls-hostname NAME with the name the certificate was made for";
      return `DTLS name check failed: ${error.message} (${hint})`;
    }
    case "signature":
      return `DTLS handshake failed: ${error.message} (the server does not hold its certificate's key)`;
    case "timeout":
      return `DTLS handshake failed: ${error.message} (is the server running with DTLS?)`;
    case "alert":
      return `DTLS session ended: ${error.message}`;
    default:
      return `DTLS handshake failed: ${error.message}`;
  }
}
