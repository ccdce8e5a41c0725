/**
 * Resolving the addresses `connectToHost` and `socketSend` take: numeric IPs as they
 * are, host names through the system resolver (`getaddrinfo`, so `/etc/hosts` and
 * `localhost` work), in every runtime through `node:dns`.
 *
 * @module
 */

import { isIPv4, isNumericAddress, normalizeAddress } from "../../adapters/address.ts";
import { ENetError } from "./errors.ts";

/** Which address families a socket bound at `localAddress` can reach. */
export type Reach = "ipv4" | "ipv6" | "both";

/**
 * Tells which families a socket bound to `address` reaches: the wildcard `"::"` is
 * dual-stack, an IPv4 address reaches IPv4 only, any other IPv6 address IPv6 only.
 *
 * @param address The socket's bound address.
 * @returns The families it can send to.
 *
 * @example A dual-stack socket
 * ```ts
 * import assert from "node:assert/strict";
 * import { reachOf } from "./resolve.ts";
 *
 * assert.equal(reachOf("::"), "both");
 * assert.equal(reachOf("127.0.0.1"), "ipv4");
 * ```
 */
export function reachOf(address: string): Reach {
  if (address === "::" || address === "" || address === "*") return "both";
  return isIPv4(normalizeAddress(address)) ? "ipv4" : "ipv6";
}

/**
 * Resolves a numeric address or a host name to one numeric address the socket can
 * reach. A host name resolves to its first IPv4 address when the socket reaches IPv4,
 * else its first IPv6 address.
 *
 * @param action What was being done, for the error message.
 * @param address A numeric IP address or a host name.
 * @param reach The families the socket reaches.
 * @returns The numeric address (IPv4-mapped IPv6 unwrapped).
 * @throws {ENetError} `ERR_CANT_RESOLVE` when the name does not resolve to a usable address.
 *
 * @example Numeric addresses need no lookup
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveAddress } from "./resolve.ts";
 *
 * assert.equal(await resolveAddress("connect to host", "::ffff:127.0.0.1", "both"), "127.0.0.1");
 * ```
 */
export async function resolveAddress(
  action: string,
  address: string,
  reach: Reach,
): Promise<string> {
  if (isNumericAddress(address)) return normalizeAddress(address);
  if (address.length === 0 || address.length > 253) {
    throw new ENetError("ERR_CANT_RESOLVE", `Cannot ${action}: "${address}" is not a host name`);
  }
  let found: { address: string; family: number }[];
  try {
    const dns = await import("node:dns");
    found = await dns.promises.lookup(address, { all: true });
  } catch (error) {
    throw new ENetError(
      "ERR_CANT_RESOLVE",
      `Cannot ${action}: "${address}" did not resolve (${(error as Error).message})`,
      { cause: error },
    );
  }
  const v4 = found.find((entry) => entry.family === 4);
  const v6 = found.find((entry) => entry.family === 6);
  const pick = reach === "ipv6" ? v6 : reach === "ipv4" ? v4 : v4 ?? v6;
  if (pick === undefined) {
    throw new ENetError(
      "ERR_CANT_RESOLVE",
      `Cannot ${action}: "${address}" has no ${reach === "ipv6" ? "IPv6" : "IPv4"} address ` +
        `this host's socket can reach`,
    );
  }
  return normalizeAddress(pick.address);
}
