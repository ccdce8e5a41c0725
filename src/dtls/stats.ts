/**
 * Counters of the DTLS transports.
 *
 * @module
 */

import type { TransportStats } from "../../adapters/transport.ts";

/**
 * Counters kept by a DTLS transport. They only grow. The {@linkcode TransportStats}
 * fields count what passes the outer side (decrypted datagrams); see each field for
 * `droppedDatagrams`.
 */
export interface DtlsStats extends TransportStats {
  /** Handshakes started (client) or sessions created after a valid cookie (server). */
  handshakesStarted: number;
  /** Handshakes that completed (and, on a client, whose certificate was accepted). */
  handshakesCompleted: number;
  /** Handshakes that failed or expired. */
  handshakesFailed: number;
  /** HelloVerifyRequests sent (server). */
  cookiesSent: number;
  /**
   * Received datagrams dropped: not DTLS, plaintext where only encrypted records are
   * allowed, failed decryption (forged), replayed, from unknown addresses while
   * refusing new connections or at the session limit, or from an address other than
   * the server (client).
   */
  droppedDatagrams: number;
  /** Datagrams to send that were dropped: no session with that address, or not yet connected. */
  droppedSends: number;
}

/** @returns Zeroed {@linkcode DtlsStats}. */
export function createDtlsStats(): DtlsStats {
  return {
    receivedDatagrams: 0,
    receivedBytes: 0,
    sentDatagrams: 0,
    sentBytes: 0,
    sendErrors: 0,
    handshakesStarted: 0,
    handshakesCompleted: 0,
    handshakesFailed: 0,
    cookiesSent: 0,
    droppedDatagrams: 0,
    droppedSends: 0,
  };
}
