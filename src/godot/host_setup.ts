/**
 * Creating the core host and its socket for `ENetConnection.createHost` and
 * `createHostBound`: argument checks with Godot's limits, and binding.
 *
 * @module
 */

import { isNumericAddress } from "../../adapters/address.ts";
import { openUdpTransport } from "../../adapters/mod.ts";
import type { DatagramTransport } from "../../adapters/transport.ts";
import { Host } from "../core/host.ts";
import { debugDropsRequested, type ENetDropListener, watchDrops } from "./drop_statistics.ts";
import { ENetError } from "./errors.ts";
import { checkChannelCount, checkInteger, checkUint32 } from "./validate.ts";

/** Options beyond Godot's arguments, for `createHost` and `createHostBound`. */
export interface ENetHostOptions {
  /**
   * Adds C ENet's CRC32 checksum to every datagram (`host->checksum = enet_crc32`).
   * Both ends must agree; Godot never enables it. Default `false`.
   */
  checksum?: boolean;
  /**
   * Called for each datagram the host drops, with the reason and its likely cause
   * ("datagram failed decompression: does the peer use the same compression mode?").
   * For diagnostics; `getDropStatistics()` counts drops either way. Setting the
   * environment variable `ENET_DEBUG=drops` also logs them to `console.warn`.
   */
  onDrop?: ENetDropListener;
  /**
   * Runs the host over this transport instead of binding a UDP socket (a
   * `MemoryNetwork` endpoint, a DTLS wrapper, ...). Only for `createHost`; the
   * connection owns it and closes it on `destroy()`.
   */
  transport?: DatagramTransport;
}

/** Godot's `max_peers`, `max_channels`, `in_bandwidth` and `out_bandwidth`. */
export type HostArguments = [number, number, number, number];

const ACTION = "create host";

/**
 * Checks Godot's host arguments and creates the core host.
 *
 * @param args `[maxPeers (1..4095), maxChannels (0 = 255), inBandwidth, outBandwidth]`.
 * @param options The extensions.
 * @returns The core host.
 *
 * @example Create a host for 8 peers with 2 channels
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCoreHost } from "./host_setup.ts";
 *
 * const host = createCoreHost([8, 2, 0, 0], {});
 * assert.equal(host.peers.length, 8);
 * assert.equal(host.channelCountLimit, 2);
 * ```
 */
export function createCoreHost(args: HostArguments, options: ENetHostOptions): Host {
  const peerCount = checkInteger(ACTION, "maxPeers", args[0], 1, 4095);
  const channelLimit = checkChannelCount(ACTION, "maxChannels", args[1]);
  const incomingBandwidth = checkUint32(ACTION, "inBandwidth", args[2]);
  const outgoingBandwidth = checkUint32(ACTION, "outBandwidth", args[3]);
  const checksum = options.checksum === true;
  const onDrop = options.onDrop;
  if (onDrop !== undefined && typeof onDrop !== "function") {
    throw new TypeError(`Cannot ${ACTION}: onDrop is not a function`);
  }
  const host = new Host({
    peerCount,
    channelLimit,
    incomingBandwidth,
    outgoingBandwidth,
    checksum,
  });
  watchDrops(host, onDrop, debugDropsRequested());
  return host;
}

/**
 * Checks `createHostBound`'s address and port.
 *
 * @param bindAddress A numeric IP address, or `"*"` for every interface.
 * @param bindPort 0 to 65535.
 * @param options The extensions (a transport is refused here).
 * @returns What to bind.
 *
 * @example The wildcard binds dual-stack
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkBind } from "./host_setup.ts";
 *
 * assert.deepEqual(checkBind("*", 7777, {}), { address: "::", port: 7777 });
 * ```
 */
export function checkBind(
  bindAddress: unknown,
  bindPort: unknown,
  options: ENetHostOptions,
): { address: string; port: number } {
  if (typeof bindAddress !== "string") {
    throw new TypeError(`Cannot ${ACTION}: the bind address is not a string`);
  }
  if (bindAddress !== "*" && !isNumericAddress(bindAddress)) {
    throw new TypeError(`Cannot ${ACTION}: "${bindAddress}" is not a numeric IP address or "*"`);
  }
  const port = checkInteger(ACTION, "bindPort", bindPort, 0, 65535);
  if (options.transport !== undefined) {
    throw new TypeError(`Cannot ${ACTION}: pass a transport to createHost, not createHostBound`);
  }
  return { address: bindAddress === "*" ? "::" : bindAddress, port };
}

/**
 * Binds the runtime's UDP socket.
 *
 * @param bind The address and port, or `null` for any port on every interface.
 * @param signal Aborted when the host is destroyed while binding: the socket is closed
 *   again.
 * @returns The transport.
 * @throws {ENetError} `ERR_CANT_CREATE` when the system refuses (port in use, ...) or
 *   the creation was aborted.
 *
 * @example Bind any loopback port
 * ```ts
 * import { bindUdp } from "./host_setup.ts";
 *
 * const transport = await bindUdp({ address: "127.0.0.1", port: 0 });
 * await transport.close();
 * ```
 */
export async function bindUdp(
  bind: { address: string; port: number } | null,
  signal?: AbortSignal,
): Promise<DatagramTransport> {
  let transport: DatagramTransport;
  try {
    transport = await openUdpTransport(bind ?? {});
  } catch (error) {
    throw new ENetError("ERR_CANT_CREATE", `Cannot ${ACTION}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (signal?.aborted === true) {
    await transport.close();
    throw new ENetError("ERR_CANT_CREATE", `Cannot ${ACTION}: destroyed while binding`);
  }
  return transport;
}
