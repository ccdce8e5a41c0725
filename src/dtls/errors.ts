/**
 * The error a DTLS session fails with.
 *
 * @module
 */

/** Why a DTLS session failed. */
export type DtlsErrorCode =
  | "certificate" // the chain does not lead to a trusted certificate, or is out of date
  | "hostname" // the certificate is not for the expected name
  | "signature" // the server's key exchange is not signed by its certificate's key
  | "timeout" // the handshake did not complete in time
  | "alert" // the peer sent a fatal alert or closed
  | "handshake"; // any other handshake failure

/**
 * A DTLS session failure, with a {@linkcode DtlsErrorCode}.
 */
export class DtlsError extends Error {
  /** Why it failed. */
  readonly code: DtlsErrorCode;

  /**
   * Creates the error.
   *
   * @param code Why it failed.
   * @param message A human-readable explanation.
   */
  constructor(code: DtlsErrorCode, message: string) {
    super(message);
    this.name = "DtlsError";
    this.code = code;
  }
}
