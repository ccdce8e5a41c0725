/**
 * Stateless HelloVerifyRequest cookies (RFC 6347 4.2.1): an HMAC of the client's
 * address and ClientHello under a secret that changes every minute, so the server
 * keeps no state for a client until it proves it receives at its source address.
 *
 * @module
 */

import { createHmac, randomBytes } from "node:crypto";

/** How long one cookie secret epoch lasts; a cookie stays valid for one or two. */
const EPOCH_MS = 60_000;
/** Cookie length in bytes (a truncated HMAC-SHA256). */
export const COOKIE_LENGTH = 20;

/** Makes and checks cookies. */
export class CookieJar {
  readonly #secret: Uint8Array = randomBytes(32);

  #compute(epoch: number, address: string, port: number, body: Uint8Array): Uint8Array {
    const mac = createHmac("sha256", this.#secret);
    mac.update(`${epoch}|${address}|${port}|`);
    mac.update(body);
    return new Uint8Array(mac.digest().subarray(0, COOKIE_LENGTH));
  }

  /**
   * @param now Current time in milliseconds.
   * @param address Client address.
   * @param port Client port.
   * @param body The ClientHello body without its cookie.
   * @returns The cookie for this client and ClientHello.
   */
  make(now: number, address: string, port: number, body: Uint8Array): Uint8Array {
    return this.#compute(Math.floor(now / EPOCH_MS), address, port, body);
  }

  /**
   * @param now Current time in milliseconds.
   * @param address Client address.
   * @param port Client port.
   * @param body The ClientHello body without its cookie.
   * @param cookie The cookie the client sent.
   * @returns Whether the cookie was made by {@linkcode make} in this or the previous epoch.
   */
  check(now: number, address: string, port: number, body: Uint8Array, cookie: Uint8Array): boolean {
    if (cookie.length !== COOKIE_LENGTH) return false;
    const epoch = Math.floor(now / EPOCH_MS);
    return equal(this.#compute(epoch, address, port, body), cookie) ||
      equal(this.#compute(epoch - 1, address, port, body), cookie);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
