/**
 * UDP transport over Bun's native `Bun.udpSocket`.
 *
 * @module
 */

import { bindAddress, bindPort } from "./address.ts";
import { openNodeUdpTransport } from "./node.ts";
import { growReceiveBuffer, receiveBufferRequest } from "./receive_buffer.ts";
import { SendBatch } from "./send_batch.ts";
import { bindError, type SocketBackend, SocketTransport } from "./socket_transport.ts";
import type { DatagramTransport, UdpTransportOptions } from "./transport.ts";

/** The part of Bun's UDP socket used here. */
interface BunUdpSocket {
  readonly hostname: string;
  readonly port: number;
  readonly address: { address: string; family: string; port: number };
  send(data: Uint8Array, port: number, address: string): boolean;
  sendMany?(packets: readonly (Uint8Array | number | string)[]): number;
  setBroadcast?(enabled: boolean): boolean;
  close(): void;
}

/** The part of `Bun.udpSocket`'s options used here. */
interface BunUdpOptions {
  hostname: string;
  port: number;
  binaryType: "uint8array";
  socket: {
    data(socket: BunUdpSocket, data: Uint8Array, port: number, address: string): void;
    error?(socket: BunUdpSocket, error: Error): void;
    drain?(socket: BunUdpSocket): void;
  };
}

/** The part of the `Bun` namespace used here, read from `globalThis`. */
interface BunNet {
  udpSocket?(options: BunUdpOptions): Promise<BunUdpSocket>;
}

/**
 * Tells whether this runtime offers `Bun.udpSocket`.
 *
 * @returns `true` under Bun.
 *
 * @example Check the runtime
 * ```ts
 * console.log(hasBunUdpSocket() ? "Bun.udpSocket" : "node:dgram");
 * ```
 */
export function hasBunUdpSocket(): boolean {
  const bun = (globalThis as { Bun?: BunNet }).Bun;
  return typeof bun?.udpSocket === "function";
}

/**
 * Opens a UDP socket with `Bun.udpSocket`. The wildcard (`"*"`, `""`, `"::"`, the
 * default) binds `"::"` dual-stack, falling back to `"0.0.0.0"` where IPv6 is
 * unavailable. Bun delivers datagrams as they arrive, so a slow reader makes the
 * transport drop (and count) datagrams beyond `highWaterMark`. Bun sends
 * synchronously, so the payload is not copied and the caller may reuse it at once;
 * a send the socket refuses (its buffer is full) counts in `stats.sendErrors`, as a
 * lost datagram that ENet recovers. The kernel receive buffer is grown as `node:dgram`
 * would (see `receive_buffer.ts`) on Linux. Outside Bun this opens the `node:dgram`
 * transport instead.
 *
 * @param options Bind address and port, queue bound.
 * @returns The bound transport.
 * @throws {TypeError} When the address is not numeric.
 * @throws {RangeError} When the port is out of range.
 * @throws {Error} "Cannot bind UDP socket: ..." when the system refuses, with `cause`.
 *
 * @example Bind any port on loopback
 * ```ts
 * const transport = await openBunUdpTransport({ address: "127.0.0.1" });
 * console.log(transport.localAddress.port > 0);
 * await transport.close();
 * ```
 */
export async function openBunUdpTransport(
  options: UdpTransportOptions = {},
): Promise<DatagramTransport> {
  const bun = (globalThis as { Bun?: BunNet }).Bun;
  const udpSocket = bun?.udpSocket;
  if (typeof udpSocket !== "function") return await openNodeUdpTransport(options);
  const { address, wildcard } = bindAddress(options.address);
  const port = bindPort(options.port);
  const receiveBuffer = receiveBufferRequest(options.receiveBufferSize);
  const transport = new SocketTransport(options);
  let batch: SendBatch | null = null;
  const open = (hostname: string) =>
    udpSocket.call(bun, {
      hostname,
      port,
      binaryType: "uint8array",
      socket: {
        data: (_socket, data, fromPort, fromAddress) =>
          transport.deliver(data, fromAddress, fromPort),
        error: () => transport.sendFailed(),
        drain: () => batch?.flush(),
      },
    });
  let socket: BunUdpSocket;
  try {
    socket = await open(address);
  } catch (error) {
    if (!wildcard) throw bindError(address, port, error);
    try {
      socket = await open("0.0.0.0");
    } catch {
      throw bindError(address, port, error);
    }
  }
  try {
    // As C ENet's ENET_SOCKOPT_BROADCAST: a client may connect to 255.255.255.255.
    socket.setBroadcast?.(true);
  } catch {
    // Not supported here (an IPv6-only socket): broadcast destinations fail to send.
  }
  batch = new SendBatch(socket, { onError: () => transport.sendFailed() });
  const granted = growReceiveBuffer(socket.address.port, receiveBuffer);
  transport.attach(bunBackend(socket, batch, granted));
  return transport;
}

function bunBackend(
  socket: BunUdpSocket,
  batch: SendBatch,
  receiveBufferSize: number | undefined,
): SocketBackend {
  const bound = socket.address;
  return {
    family: bound.family === "IPv6" ? "IPv6" : "IPv4",
    localAddress: { address: bound.address, port: bound.port },
    receiveBufferSize,
    // Gathered and sent with sendMany after this turn's I/O; what a full socket
    // refuses is held and sent on drain.
    send: (data, address, port) => batch.send(data, port, address),
    close() {
      batch.flush(); // what this turn sent (a disconnect) still leaves
      batch.clear();
      socket.close();
      return Promise.resolve();
    },
  };
}
