/**
 * UDP transport over `node:dgram`, which Node, Deno and Bun all provide.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createSocket, type Socket } from "node:dgram";
import { bindAddress, bindPort, isIPv4 } from "./address.ts";
import { receiveBufferRequest } from "./receive_buffer.ts";
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
  const receiveBuffer = receiveBufferRequest(options.receiveBufferSize);
  const transport = new SocketTransport(options);
  let socket: Socket;
  try {
    socket = await bind(isIPv4(address) ? "udp4" : "udp6", address, port, receiveBuffer, transport);
  } catch (error) {
    if (!wildcard) throw bindError(address, port, error);
    try {
      socket = await bind("udp4", "0.0.0.0", port, receiveBuffer, transport);
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
  receiveBuffer: number,
  transport: SocketTransport,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, ipv6Only: false, lookup: numericLookupFor() });
    const onBindError = (error: Error) => {
      socket.close();
      reject(error);
    };
    socket.once("error", onBindError);
    socket.on("message", (message, remote) => {
      // A plain Uint8Array over the message's memory (not a Buffer, whose slice()
      // shares memory). When it is a view into a larger block (some runtimes receive
      // into 64 KiB blocks) it is lent, so a queued datagram gets only its own bytes.
      const buffer = message.buffer;
      const data = new Uint8Array(buffer, message.byteOffset, message.byteLength);
      transport.deliver(data, remote.address, remote.port, buffer.byteLength !== data.byteLength);
    });
    socket.bind(port, address, () => {
      socket.off("error", onBindError);
      growSocketBuffers(socket, receiveBuffer);
      allowBroadcast(socket);
      // Every send passes a callback, so errors arrive there; this only keeps a stray
      // 'error' event from becoming an uncaught exception.
      socket.on("error", () => transport.sendFailed());
      resolve(socket);
    });
  });
}

type LookupCallback = (error: null, address: string, family: number) => void;

/**
 * The socket's name lookup. Destinations reach the socket already numeric and in its
 * family (the transport never sends to a host name), so this answers at once: the
 * send then goes out synchronously instead of a tick later through `dns.lookup`.
 */
function numericLookup(address: string, options: unknown, callback: LookupCallback): void {
  const asked = typeof options === "number" ? options : (options as { family?: unknown })?.family;
  const family = asked === 4 || asked === 6 ? asked : address.includes(":") ? 6 : 4;
  callback(null, address, family);
}

/**
 * {@linkcode numericLookup} where it helps: not under Deno, whose `node:dgram` then
 * never finishes closing (it queues sends one at a time anyway, see `SendQueue`).
 */
function numericLookupFor(): typeof numericLookup | undefined {
  return "Deno" in globalThis ? undefined : numericLookup;
}

/**
 * Lets the socket send to broadcast addresses, as C ENet's `ENET_SOCKOPT_BROADCAST` does
 * for every host socket (a client may connect to 255.255.255.255 to find a LAN server).
 * Best effort: IPv6 has no broadcast, and a runtime that refuses keeps the default.
 */
function allowBroadcast(socket: Socket): void {
  try {
    socket.setBroadcast(true);
  } catch {
    // Not supported here: broadcast destinations fail to send, as before.
  }
}

/** C ENet's send buffer size (ENET_HOST_SEND_BUFFER_SIZE). */
const SEND_BUFFER_SIZE = 256 * 1024;

/**
 * Asks for large socket buffers (see `DEFAULT_RECEIVE_BUFFER_SIZE`), so a burst is not
 * lost in the kernel. Best effort: a runtime or system that refuses keeps its defaults.
 */
function growSocketBuffers(socket: Socket, receiveBuffer: number): void {
  try {
    socket.setRecvBufferSize(receiveBuffer);
    socket.setSendBufferSize(SEND_BUFFER_SIZE);
  } catch {
    // Not supported here (some runtimes' node:dgram): the defaults stay.
  }
}

function receiveBufferSize(socket: Socket): number | undefined {
  try {
    return socket.getRecvBufferSize();
  } catch {
    return undefined;
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
    receiveBufferSize: receiveBufferSize(socket),
    send(data, address, port) {
      // A copy, as the socket may send after this returns; Buffer.from copies small
      // datagrams into a shared pool instead of allocating memory for each.
      const copy = Buffer.from(data);
      if (queue !== null) return queue.push(copy, address, port);
      socket.send(copy, port, address, onSent);
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
