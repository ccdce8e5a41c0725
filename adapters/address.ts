/**
 * Numeric IP address helpers shared by the transports: validation, IPv4-mapped
 * normalisation and the mapping a socket of a given family needs to reach an address.
 *
 * @module
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;
const MAPPED_PREFIX = /^(::|(0{1,4}:){5})ffff:/i;

/**
 * Tells whether `address` is a dotted-quad IPv4 address such as `"127.0.0.1"`.
 *
 * @param address The string to test.
 * @returns `true` for a numeric IPv4 address.
 *
 * @example Test an address
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isIPv4("10.0.0.1"), true);
 * assert.equal(isIPv4("10.0.0.256"), false);
 * ```
 */
export function isIPv4(address: string): boolean {
  return IPV4.test(address);
}

/**
 * Tells whether `address` is a numeric IPv6 address (`"::1"`, `"fe80::1%eth0"`,
 * `"::ffff:127.0.0.1"`).
 *
 * @param address The string to test.
 * @returns `true` for a numeric IPv6 address, with an optional zone index.
 *
 * @example Test an address
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isIPv6("::1"), true);
 * assert.equal(isIPv6("localhost"), false);
 * ```
 */
export function isIPv6(address: string): boolean {
  const zone = address.indexOf("%");
  if (zone === 0 || zone === address.length - 1) return false;
  return ipv6Groups(zone > 0 ? address.slice(0, zone) : address) !== null;
}

/** The eight 16-bit groups of an IPv6 address without zone index, or `null`. */
function ipv6Groups(text: string): number[] | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const found: number[][] = [];
  for (let h = 0; h < halves.length; h++) {
    const groups: number[] = [];
    found.push(groups);
    if (halves[h] === "") continue;
    const parts = halves[h].split(":");
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      const last = h === halves.length - 1 && i === parts.length - 1;
      if (last && isIPv4(part)) {
        const [a, b, c, d] = part.split(".").map(Number);
        groups.push((a << 8) | b, (c << 8) | d);
      } else if (HEX_GROUP.test(part)) groups.push(parseInt(part, 16));
      else return null;
    }
  }
  const count = found.reduce((sum, groups) => sum + groups.length, 0);
  if (halves.length === 1) return count === 8 ? found[0] : null;
  if (count > 7) return null;
  return [...found[0], ...new Array<number>(8 - count).fill(0), ...found[1]];
}

/**
 * The 4 (IPv4) or 16 (IPv6) bytes of a numeric address in network order, or `null` for
 * anything else (host names, addresses with a zone index).
 *
 * @param address A dotted quad or an IPv6 address.
 * @returns Its bytes, as a socket address carries them.
 *
 * @example Encode both families
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(addressBytes("10.0.0.1"), Uint8Array.of(10, 0, 0, 1));
 * assert.equal(addressBytes("::1")?.[15], 1);
 * ```
 */
export function addressBytes(address: string): Uint8Array | null {
  if (isIPv4(address)) return Uint8Array.from(address.split(".").map(Number));
  if (address.includes("%")) return null;
  const groups = ipv6Groups(address);
  if (groups === null) return null;
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    bytes[2 * i] = groups[i] >> 8;
    bytes[2 * i + 1] = groups[i] & 0xff;
  }
  return bytes;
}

/**
 * Tells whether `address` is a numeric IP address of either family.
 *
 * @param address The string to test.
 * @returns `true` for numeric IPv4 or IPv6, `false` for host names and garbage.
 *
 * @example Reject host names
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(isNumericAddress("::1"), true);
 * assert.equal(isNumericAddress("example.com"), false);
 * ```
 */
export function isNumericAddress(address: string): boolean {
  return isIPv4(address) || isIPv6(address);
}

/**
 * Reports an address the way the transports do: IPv4-mapped IPv6 addresses
 * (`::ffff:1.2.3.4`, also in hex form `::ffff:102:304`) become plain IPv4;
 * everything else is returned unchanged.
 *
 * @param address A numeric address as a socket reported it.
 * @returns The address, with IPv4-mapped IPv6 unwrapped.
 *
 * @example Unwrap an IPv4-mapped address
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
 * assert.equal(normalizeAddress("::1"), "::1");
 * ```
 */
export function normalizeAddress(address: string): string {
  const first = address.charCodeAt(0);
  if (address.length < 9 || (first !== 58 && first !== 48)) return address; // ':' or '0'
  const prefix = MAPPED_PREFIX.exec(address);
  if (prefix === null) return address;
  const rest = address.slice(prefix[0].length);
  if (isIPv4(rest)) return rest;
  const hex = rest.split(":");
  if (hex.length !== 2 || !HEX_GROUP.test(hex[0]) || !HEX_GROUP.test(hex[1])) return address;
  const high = parseInt(hex[0], 16);
  const low = parseInt(hex[1], 16);
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * Turns a destination into the form a socket of `family` accepts: an IPv6 socket
 * (dual-stack) gets plain IPv4 as `::ffff:1.2.3.4`, an IPv4 socket gets
 * IPv4-mapped addresses unwrapped. Returns `null` for a host name or garbage, so
 * no transport ever starts a DNS lookup.
 *
 * @param address The destination, numeric.
 * @param family The family of the sending socket.
 * @returns The address to hand to the socket, or `null` when it is not numeric.
 *
 * @example Map IPv4 for a dual-stack socket
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(socketAddress("127.0.0.1", "IPv6"), "::ffff:127.0.0.1");
 * assert.equal(socketAddress("::ffff:127.0.0.1", "IPv4"), "127.0.0.1");
 * assert.equal(socketAddress("localhost", "IPv4"), null);
 * ```
 */
export function socketAddress(address: string, family: "IPv4" | "IPv6"): string | null {
  if (isIPv4(address)) return family === "IPv6" ? `::ffff:${address}` : address;
  if (!isIPv6(address)) return null;
  return family === "IPv4" ? normalizeAddress(address) : address;
}

/**
 * Resolves a bind address as Godot's `create_host_bound` takes it: `"*"`, `""` and
 * `"::"` mean every interface, dual-stack where the system allows it; otherwise a
 * numeric IPv4 or IPv6 address.
 *
 * @param address The requested bind address; `undefined` means every interface.
 * @returns The numeric address to bind and whether it is the dual-stack wildcard.
 * @throws {TypeError} When the address is not numeric.
 *
 * @example Resolve the wildcard
 * ```ts
 * import assert from "node:assert/strict";
 * assert.deepEqual(bindAddress("*"), { address: "::", wildcard: true });
 * assert.deepEqual(bindAddress("127.0.0.1"), { address: "127.0.0.1", wildcard: false });
 * ```
 */
export function bindAddress(address: string | undefined): { address: string; wildcard: boolean } {
  if (address === undefined || address === "" || address === "*" || address === "::") {
    return { address: "::", wildcard: true };
  }
  if (typeof address !== "string" || !isNumericAddress(address)) {
    throw new TypeError(`Cannot bind: "${String(address)}" is not a numeric IP address`);
  }
  return { address: normalizeAddress(address), wildcard: false };
}

/**
 * Checks a port number for binding (0 picks a free port).
 *
 * @param port The port, `undefined` for 0.
 * @returns The port as a number.
 * @throws {RangeError} When the port is not an integer from 0 to 65535.
 *
 * @example Default to any port
 * ```ts
 * import assert from "node:assert/strict";
 * assert.equal(bindPort(undefined), 0);
 * assert.throws(() => bindPort(70000), RangeError);
 * ```
 */
export function bindPort(port: number | undefined): number {
  if (port === undefined) return 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`Cannot bind: port ${port} is not an integer from 0 to 65535`);
  }
  return port;
}
