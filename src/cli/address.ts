/**
 * `HOST:PORT` parsing and name resolution for the `enet` tool.
 *
 * @module
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { UsageError } from "./args.ts";

/** A host (name or numeric address, without brackets) and a port. */
export interface HostPort {
  /** `"localhost"`, `"127.0.0.1"` or `"::1"`. */
  readonly host: string;
  /** 1..65535. */
  readonly port: number;
}

/**
 * Parses `HOST:PORT`, where HOST is a name, an IPv4 address or a bracketed
 * IPv6 address (`[::1]:7777`).
 *
 * @param text The argument as typed.
 * @returns The host and port.
 * @throws {UsageError} When the text is not of that form or the port is out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseHostPort } from "./address.ts";
 * assert.deepEqual(parseHostPort("[::1]:7777"), { host: "::1", port: 7777 });
 * assert.deepEqual(parseHostPort("localhost:80"), { host: "localhost", port: 80 });
 * ```
 */
export function parseHostPort(text: string): HostPort {
  let host: string;
  let portText: string;
  if (text.startsWith("[")) {
    const close = text.indexOf("]");
    if (close < 0 || text[close + 1] !== ":") {
      throw new UsageError(`Cannot parse address "${text}": expected [IPv6]:PORT`);
    }
    host = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(host) !== 6) {
      throw new UsageError(`Cannot parse address "${text}": "${host}" is not an IPv6 address`);
    }
  } else {
    const colon = text.lastIndexOf(":");
    if (colon < 0) throw new UsageError(`Cannot parse address "${text}": expected HOST:PORT`);
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(":")) {
      throw new UsageError(`Cannot parse address "${text}": write IPv6 addresses as [ADDR]:PORT`);
    }
  }
  if (host === "") throw new UsageError(`Cannot parse address "${text}": missing host`);
  return { host, port: parsePort(portText, `address "${text}"`, 1) };
}

/**
 * Parses a port number.
 *
 * @param text Decimal digits.
 * @param what What is being parsed, for the error message.
 * @param min The lowest accepted port (0 lets the system pick one when binding).
 * @returns The port.
 * @throws {UsageError} When `text` is not an integer in min..65535.
 */
export function parsePort(text: string, what: string, min = 0): number {
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`Cannot parse ${what}: port "${text}" is not a number`);
  }
  const port = Number(text);
  if (port < min || port > 65535) {
    throw new UsageError(`Cannot parse ${what}: port ${text} is out of range ${min}..65535`);
  }
  return port;
}

/**
 * Resolves a host name to a numeric address. Numeric addresses are returned as
 * they are; names prefer IPv4 (a server bound to the IPv4 wildcard is the most
 * common case) and fall back to IPv6.
 *
 * @param host A name or numeric address.
 * @returns The numeric address and its family.
 * @throws {Error} When the name does not resolve.
 */
export async function resolveHost(host: string): Promise<{ address: string; family: 4 | 6 }> {
  const literal = isIP(host);
  if (literal === 4 || literal === 6) return { address: host, family: literal };
  let found: { address: string; family: number }[];
  try {
    found = await lookup(host, { all: true });
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new Error(`Cannot resolve ${host}: ${code}`);
  }
  const pick = found.find((a) => a.family === 4) ?? found[0];
  if (pick === undefined) throw new Error(`Cannot resolve ${host}: no address`);
  return { address: pick.address, family: pick.family === 6 ? 6 : 4 };
}

/**
 * Resolves `serve --bind`: `"*"` and numeric addresses as they are (IPv6 with or
 * without brackets), a host name (`localhost`) to its address as
 * {@linkcode resolveHost} does.
 *
 * @param bind The option's value.
 * @returns `"*"` or a numeric address.
 * @throws {UsageError} When the name does not resolve (a bad argument, not a
 *   network failure).
 */
export async function resolveBind(bind: string): Promise<string> {
  if (bind === "*") return bind;
  const bare = bind.startsWith("[") && bind.endsWith("]") ? bind.slice(1, -1) : bind;
  try {
    return (await resolveHost(bare)).address;
  } catch (error) {
    throw new UsageError(
      `Cannot use --bind ${bind}: ${(error as Error).message.replace(/^Cannot/, "cannot")} ` +
        `(give "*", a numeric address or a local host name)`,
    );
  }
}

/**
 * Formats an address and port the way users type them: `1.2.3.4:5` or `[::1]:5`.
 *
 * @param address A numeric address.
 * @param port A port.
 * @returns The joined form.
 */
export function formatHostPort(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}
