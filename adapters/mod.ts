/**
 * Datagram transports as Web Streams: UDP for Deno, Bun and Node, and an in-memory
 * network with seeded loss, duplication, reordering, latency and jitter.
 *
 * @example Open the runtime's UDP socket
 * ```ts
 * import { openUdpTransport } from "./mod.ts";
 * const transport = await openUdpTransport({ address: "127.0.0.1" });
 * console.log(transport.localAddress);
 * await transport.close();
 * ```
 *
 * @module
 */

import { hasBunUdpSocket, openBunUdpTransport } from "./bun.ts";
import { hasDenoDatagram, openDenoUdpTransport } from "./deno.ts";
import { openNodeUdpTransport } from "./node.ts";
import type { DatagramTransport, UdpTransportOptions } from "./transport.ts";

export type {
  Datagram,
  DatagramReceiver,
  DatagramTransport,
  TransportOptions,
  TransportStats,
  UdpTransportOptions,
} from "./transport.ts";
export { DEFAULT_HIGH_WATER_MARK } from "./transport.ts";
export { DEFAULT_RECEIVE_BUFFER_SIZE } from "./receive_buffer.ts";
export { isNumericAddress, normalizeAddress } from "./address.ts";
export { hasBunUdpSocket, openBunUdpTransport } from "./bun.ts";
export { hasDenoDatagram, openDenoUdpTransport } from "./deno.ts";
export { openNodeUdpTransport } from "./node.ts";
export {
  type Endpoint,
  type LinkConditions,
  MemoryNetwork,
  type MemoryNetworkOptions,
  type MemoryNetworkStats,
} from "./memory.ts";

/** Which socket API {@linkcode openUdpTransport} uses in this runtime. */
export type UdpRuntime = "deno" | "bun" | "node";

/**
 * Names the socket API {@linkcode openUdpTransport} picks here: `Deno.listenDatagram`
 * under Deno (when the unstable `net` API is on), `Bun.udpSocket` under Bun,
 * otherwise `node:dgram`.
 *
 * @returns `"deno"`, `"bun"` or `"node"`.
 *
 * @example Log the choice
 * ```ts
 * console.log(udpRuntime());
 * ```
 */
export function udpRuntime(): UdpRuntime {
  if (hasDenoDatagram()) return "deno";
  if (hasBunUdpSocket()) return "bun";
  return "node";
}

/**
 * Opens a UDP transport with this runtime's own socket API (see
 * {@linkcode udpRuntime}). By default it binds every interface dual-stack (`"::"`,
 * so IPv4 peers such as `127.0.0.1` reach it too), falling back to `"0.0.0.0"` where
 * IPv6 is unavailable; `"*"` and `""` mean the same. Received IPv4-mapped addresses
 * are reported as plain IPv4, and plain IPv4 destinations work from a dual-stack
 * socket. Datagrams beyond `highWaterMark` waiting for a slow reader are dropped and
 * counted. `send()` copies (or sends) the payload before it returns.
 *
 * @param options Bind address (default every interface) and port (default any).
 * @returns The bound transport.
 * @throws {TypeError} When the address is not numeric.
 * @throws {RangeError} When the port is out of range.
 * @throws {Error} "Cannot bind UDP socket: ..." when the system refuses, with `cause`.
 *
 * @example Two sockets on loopback
 * ```ts
 * import assert from "node:assert/strict";
 * const a = await openUdpTransport({ address: "127.0.0.1" });
 * const b = await openUdpTransport({ address: "127.0.0.1" });
 * a.send!({ data: new Uint8Array([42]), address: "127.0.0.1", port: b.localAddress.port });
 * const reader = b.readable.getReader();
 * const { value } = await reader.read();
 * assert.deepEqual(value?.data, new Uint8Array([42]));
 * await a.close();
 * await b.close();
 * ```
 */
export function openUdpTransport(options: UdpTransportOptions = {}): Promise<DatagramTransport> {
  switch (udpRuntime()) {
    case "deno":
      return openDenoUdpTransport(options);
    case "bun":
      return openBunUdpTransport(options);
    default:
      return openNodeUdpTransport(options);
  }
}
