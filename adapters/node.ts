/**
 * UDP transport over `node:dgram`, which Node, Deno and Bun all provide.
 *
 * @module
 */

import { createSocket, type Socket } from "node:dgram";
import { bindAddress, bindPort, isIPv4 } from "./address.ts";
import { SendQueue } from "./send_queue.ts";
import { bindError, type SocketBackend, SocketTransport } from "./socket_transport.ts";
import type { DatagramTransport, UdpTransportOptions } from "./transport.ts";

/**
 * Opens a UDP socket with `node:dgram`. The wildcard (`"*"`, `""`, `"::"`, the
 * default) binds a dual-stack `udp6` socket (`ipv6Only: false`), falling back to
 * `udp4` on `"0.0.0.0"` where IPv6 is unavailable. `node:dgram` cannot pause
 * reading, so a slow reader makes the transport drop (and count) datagrams beyond
 * `highWaterMark`. Sends copy the payload synchronously (`node:dgram` sends on a
 * later tick), so the caller may reuse it. Under Deno, whose `node:dgram` completes
 * concurrent sends out of order, sends go out one at a time through a bounded queue.
 *
 * @param options Bind address and port, queue bound.
 * @returns The bound transport.
 * @throws {TypeError} When the address is not numeric.
 * @throws {RangeError} When the port is out of range.
 * @throws {Error} "Cannot bind UDP socket: ..." when the system refuses, with `cause`.
 *
 * @example Bind any port on loopback
 * ```ts
 * const transport = await openNodeUdpTransport({ address: "127.0.0.1" });
 * console.log(transport.localAddress.port > 0);
 * await transport.close();
 * ```
 */
export async function openNodeUdpTransport(
  options: UdpTransportOptions = {},
): Promise<DatagramTransport> {
  const { address, wildcard } = bindAddress(options.address);
  const port = bindPort(options.port);
  const transport = new SocketTransport(options);
  let socket: Socket;
  try {
    socket = await bind(isIPv4(address) ? "udp4" : "udp6", address, port, transport);
  } catch (error) {
    if (!wildcard) throw bindError(address, port, error);
    try {
      socket = await bind("udp4", "0.0.0.0", port, transport);
    } catch {
      throw bindError(address, port, error);
    }
  }
  transport.attach(nodeBackend(socket, transport));
  return transport;
}

function bind(
  type: "udp4" | "udp6",
  address: string,
  port: number,
  transport: SocketTransport,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, ipv6Only: false });
    const onBindError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onBindError);
    socket.on("message", (message, remote) => {
      // A plain Uint8Array over the message's own memory; copied when it is a view into
      // a larger buffer (some runtimes receive into 64 KiB blocks), so a queued
      // datagram holds only its own bytes.
      const data = message.byteOffset === 0 && message.buffer.byteLength === message.byteLength
        ? new Uint8Array(message.buffer)
        : new Uint8Array(message);
      transport.deliver(data, remote.address, remote.port);
    });
    socket.bind(port, address, () => {
      socket.off("error", onBindError);
      growSocketBuffers(socket);
      // Every send passes a callback, so errors arrive there; this only keeps a stray
      // 'error' event from becoming an uncaught exception.
      socket.on("error", () => transport.sendFailed());
      resolve(socket);
    });
  });
}

/** C ENet's socket buffer sizes (ENET_HOST_RECEIVE_BUFFER_SIZE, ENET_HOST_SEND_BUFFER_SIZE). */
const SOCKET_BUFFER_SIZE = 256 * 1024;

/**
 * Asks for 256 KiB socket buffers, as C ENet does, so a burst of fragments is not lost in
 * the kernel. Best effort: a runtime or system that refuses keeps its defaults.
 */
function growSocketBuffers(socket: Socket): void {
  try {
    socket.setRecvBufferSize(SOCKET_BUFFER_SIZE);
    socket.setSendBufferSize(SOCKET_BUFFER_SIZE);
  } catch {
    // Not supported here (some runtimes' node:dgram): the defaults stay.
  }
}

function nodeBackend(socket: Socket, transport: SocketTransport): SocketBackend {
  const bound = socket.address();
  const onSent = (error: Error | null) => {
    if (error) transport.sendFailed();
  };
  // Deno's node:dgram completes concurrent sends in reverse order: queue them there.
  const queue = "Deno" in globalThis
    ? new SendQueue(
      (data, address, port) =>
        new Promise<void>((resolve, reject) =>
          socket.send(data, port, address, (error) => error ? reject(error) : resolve())
        ),
      () => transport.sendFailed(),
    )
    : null;
  let closed: Promise<void> | null = null;
  return {
    family: bound.family === "IPv6" ? "IPv6" : "IPv4",
    localAddress: { address: bound.address, port: bound.port },
    send(data, address, port) {
      if (queue !== null) return queue.push(data.slice(), address, port);
      socket.send(data.slice(), port, address, onSent);
      return true;
    },
    close() {
      closed ??= (async () => {
        await queue?.stop();
        await new Promise<void>((resolve) => {
          try {
            socket.close(() => resolve());
          } catch {
            resolve(); // already closed
          }
        });
      })();
      return closed;
    },
  };
}
