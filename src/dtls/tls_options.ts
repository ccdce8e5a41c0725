/**
 * `TLSOptions`: the counterpart of Godot's TLSOptions for the DTLS layer. Keys and
 * certificates are PEM text.
 *
 * @module
 */

import { createPrivateKey, X509Certificate } from "node:crypto";

/** The kinds of {@linkcode TLSOptions}. */
export type TLSOptionsMode = "client" | "client_unsafe" | "server";

/**
 * Splits PEM text into its `CERTIFICATE` blocks, as DER.
 *
 * @param pem PEM text holding one or more certificates.
 * @returns The DER bytes of each certificate, in order.
 */
export function pemCertificates(pem: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (let m = re.exec(pem); m !== null; m = re.exec(pem)) {
    const der = decodeBase64(m[1].replace(/\s+/g, ""));
    if (der !== null && der.length > 0) out.push(der);
  }
  return out;
}

function decodeBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function parseCertificates(pem: string, what: string): X509Certificate[] {
  if (typeof pem !== "string") throw new TypeError(`Cannot use ${what}: expected PEM text`);
  const ders = pemCertificates(pem);
  if (ders.length === 0) throw new TypeError(`Cannot use ${what}: no PEM certificate found`);
  return ders.map((der) => {
    try {
      return new X509Certificate(der);
    } catch (cause) {
      throw new TypeError(`Cannot use ${what}: ${(cause as Error).message}`);
    }
  });
}

/**
 * TLS settings for a DTLS client or server, made with {@linkcode TLSOptions.client},
 * {@linkcode TLSOptions.clientUnsafe} or {@linkcode TLSOptions.server} (Godot's
 * `TLSOptions.client`, `client_unsafe` and `server`).
 *
 * @example A server and a client that trusts its CA
 * ```ts ignore
 * const server = TLSOptions.server(keyPem, certPem);
 * const client = TLSOptions.client(caPem);
 * ```
 */
export class TLSOptions {
  /** Which kind of options these are. */
  readonly mode: TLSOptionsMode;
  readonly #trustedChain: string | null;
  readonly #trusted: readonly X509Certificate[] | null;
  readonly #commonNameOverride: string;
  readonly #key: string | null;
  readonly #certificate: string | null;
  readonly #keyType: "rsa" | "ec" | null;

  private constructor(
    mode: TLSOptionsMode,
    trustedChain: string | null,
    commonNameOverride: string,
    key: string | null,
    certificate: string | null,
  ) {
    this.mode = mode;
    this.#trustedChain = trustedChain;
    this.#trusted = trustedChain === null ? null : parseCertificates(trustedChain, "trustedChain");
    this.#commonNameOverride = commonNameOverride;
    this.#certificate = certificate;
    this.#key = null;
    this.#keyType = null;
    if (key !== null) {
      if (typeof key !== "string") throw new TypeError("Cannot use key: expected PEM text");
      let parsed;
      try {
        parsed = createPrivateKey(key);
      } catch (cause) {
        throw new TypeError(`Cannot use key: ${(cause as Error).message}`);
      }
      const type = parsed.asymmetricKeyType;
      if (type !== "rsa" && type !== "ec") {
        throw new TypeError(`Cannot use key: ${type} keys are not supported (RSA or EC P-256)`);
      }
      this.#keyType = type;
      // PKCS#8 is what the DTLS library reads; Godot writes PKCS#1 / SEC1.
      this.#key = parsed.export({ type: "pkcs8", format: "pem" }) as string;
    }
  }

  /**
   * Options for a client that validates the server certificate.
   *
   * @param trustedChain PEM certificates to trust; `null` for the runtime's root
   *   certificates.
   * @param commonNameOverride The name to check the certificate against instead of
   *   the host name given to `dtlsClientSetup`; `""` for none.
   * @returns Client options.
   */
  static client(trustedChain: string | null = null, commonNameOverride = ""): TLSOptions {
    if (typeof commonNameOverride !== "string") {
      throw new TypeError("Cannot use commonNameOverride: expected a string");
    }
    return new TLSOptions("client", trustedChain ?? null, commonNameOverride, null, null);
  }

  /**
   * Options for a client that does not validate the server certificate at all
   * (testing only: anyone on the path can read and change the traffic).
   *
   * @param trustedChain Accepted for Godot compatibility; not used for validation.
   * @returns Unsafe client options.
   */
  static clientUnsafe(trustedChain: string | null = null): TLSOptions {
    return new TLSOptions("client_unsafe", trustedChain ?? null, "", null, null);
  }

  /**
   * Options for a server.
   *
   * @param key The private key, PEM (PKCS#8, PKCS#1 RSA or SEC1 EC P-256).
   * @param certificate The certificate, PEM; only its first certificate is sent.
   * @returns Server options.
   */
  static server(key: string, certificate: string): TLSOptions {
    parseCertificates(certificate, "certificate");
    return new TLSOptions("server", null, "", key, certificate);
  }

  /**
   * Tells server options from client options.
   *
   * @returns Whether these are server options.
   */
  isServer(): boolean {
    return this.mode === "server";
  }

  /**
   * Tells whether certificate checks are off (`clientUnsafe`).
   *
   * @returns Whether these are unsafe client options.
   */
  isUnsafeClient(): boolean {
    return this.mode === "client_unsafe";
  }

  /**
   * The name the server certificate is checked against instead of the host name.
   *
   * @returns The common name override, `""` for none.
   */
  getCommonNameOverride(): string {
    return this.#commonNameOverride;
  }

  /**
   * The trusted certificate chain of client options.
   *
   * @returns The trusted chain as given (PEM), or `null`.
   */
  getTrustedCaChain(): string | null {
    return this.#trustedChain;
  }

  /**
   * The private key of server options.
   *
   * @returns The server's private key as PKCS#8 PEM, or `null`.
   */
  getPrivateKey(): string | null {
    return this.#key;
  }

  /**
   * The certificate of server options.
   *
   * @returns The server's certificate PEM, or `null`.
   */
  getOwnCertificate(): string | null {
    return this.#certificate;
  }

  /**
   * The trusted chain, parsed.
   *
   * @returns The parsed trusted certificates, or `null` for the runtime's roots.
   */
  trustedCertificates(): readonly X509Certificate[] | null {
    return this.#trusted;
  }

  /**
   * The kind of the server's key.
   *
   * @returns `"rsa"` or `"ec"` for server options, else `null`.
   */
  keyType(): "rsa" | "ec" | null {
    return this.#keyType;
  }
}
