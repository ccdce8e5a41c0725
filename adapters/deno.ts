/**
 * UDP transport over Deno's `Deno.listenDatagram` (unstable `net` API, enabled by the
 * project's `deno.json` or `--unstable-net`). Falls back to `node:dgram` when the API
 * is missing.
 *
 * @module
 */

import { bindAddress, bindPort } from "./address.ts";
import { openNodeUdpTransport } from "./node.ts";
import { findUdpSocket, openLibc } from "./libc.ts";
import { NativeUdpSocket, type UnsentListener } from "./native_socket.ts";
import { receiveBufferRequest, setReceiveBuffer } from "./receive_buffer.ts";
import { SendQueue } from "./send_queue.ts";
import {
  bindError,
  type RawDatagram,
  type SocketBackend,
  SocketTransport,
} from "./socket_transport.ts";
import type { DatagramTransport, UdpTransportOptions } from "./transport.ts";

/** The part of a Deno network address used here. */
interface DenoNetAddr {
  hostname: string;
  port: number;
}

/** The part of `Deno.DatagramConn` used here. */
interface DenoDatagramConn {
  readonly addr: DenoNetAddr;
  receive(buffer?: Uint8Array): Promise<[Uint8Array, DenoNetAddr]>;
  send(data: Uint8Array, to: { transport: "udp"; hostname: string; port: number }): Promise<number>;
  close(): void;
}

/** The part of the `Deno` namespace used here, read from `globalThis`. */
interface DenoNet {
  listenDatagram?(
    options: { transport: "udp"; hostname: string; port: number },
  ): DenoDatagramConn;
}

/** Room for the largest UDP payload. */
const RECEIVE_BUFFER_SIZE = 65536;

/**
 * Tells whether this runtime offers `Deno.listenDatagram`.
 *
 * @returns `true` under Deno with the unstable `net` API enabled.
 *
 * @example Check the runtime
 * ```ts
 * const native = hasDenoDatagram();
 * console.log(native ? "Deno.listenDatagram" : "node:dgram");
 * ```
 */
export function hasDenoDatagram(): boolean {
  const deno = (globalThis as { Deno?: DenoNet }).Deno;
  return typeof deno?.listenDatagram === "function";
}

/**
 * Opens a UDP socket with `Deno.listenDatagram`, reading it only as fast as the
 * queue drains: once `highWaterMark` datagrams wait for the reader, the socket is not
 * read and the kernel buffer absorbs (and eventually drops) the rest. Sends copy the
 * payload synchronously and go out one at a time, in order (Deno sends
 * asynchronously, and completes concurrent sends in reverse order); more than 4096
 * waiting sends fail and are counted. Deno enables broadcast (`SO_BROADCAST`) on every
 * UDP socket, as C ENet does on its host sockets. The kernel receive buffer is grown
 * as `node:dgram` would (see `receive_buffer.ts`) where FFI and `/proc` may be used.
 * Without `Deno.listenDatagram` (Deno without unstable `net`, or another runtime)
 * this opens the `node:dgram` transport instead.
 *
 * @param options Bind address and port, queue bound.
 * @returns The bound transport.
 * @throws {TypeError} When the address is not numeric.
 * @throws {RangeError} When the port is out of range.
 * @throws {Error} "Cannot bind UDP socket: ..." when the system refuses, with `cause`.
 *
 * @example Echo one datagram on loopback
 * ```ts
 * const transport = await openDenoUdpTransport({ address: "127.0.0.1" });
 * console.log(transport.localAddress.port > 0);
 * await transport.close();
 * ```
 */
export async function openDenoUdpTransport(
  options: UdpTransportOptions = {},
): Promise<DatagramTransport> {
  const deno = (globalThis as { Deno?: DenoNet }).Deno;
  const listen = deno?.listenDatagram;
  if (typeof listen !== "function") return await openNodeUdpTransport(options);
  const { address, wildcard } = bindAddress(options.address);
  const port = bindPort(options.port);
  const receiveBuffer = receiveBufferRequest(options.receiveBufferSize);
  const transport = new SocketTransport(options);
  let conn: DenoDatagramConn;
  try {
    conn = listen.call(deno, { transport: "udp", hostname: address, port });
  } catch (error) {
    if (!wildcard) throw bindError(address, port, error);
    try {
      conn = listen.call(deno, { transport: "udp", hostname: "0.0.0.0", port });
    } catch {
      throw bindError(address, port, error);
    }
  }
  transport.attach(denoBackend(conn, transport, receiveBuffer));
  return transport;
}

/**
 * The C library on the socket, where FFI may be used: the receive buffer grown, and
 * direct sends and reads (see `native_socket.ts`).
 */
function nativeSide(port: number, family: "IPv4" | "IPv6", receiveBuffer: number) {
  const calls = openLibc();
  if (calls === undefined) return undefined;
  try {
    const fd = findUdpSocket(calls, port);
    if (fd !== undefined) {
      const receiveBufferSize = setReceiveBuffer(calls, fd, receiveBuffer);
      return { socket: new NativeUdpSocket(calls, fd, family), receiveBufferSize, calls };
    }
  } catch {
    // the runtime's own path
  }
  calls.close();
  return undefined;
}

// The end of the current task, shared by every socket: one microtask per task however
// many sockets send in it (a client may hold thousands).
let taskNumber = 0;
let taskEnding = false;
const taskEndCalls: (() => void)[] = [];

function endTask(): void {
  taskEnding = false;
  taskNumber++;
  for (let i = 0; i < taskEndCalls.length; i++) taskEndCalls[i]();
  taskEndCalls.length = 0;
}

/** The number of the current task; it changes once the task's microtasks run. */
function currentTask(): number {
  if (!taskEnding) {
    taskEnding = true;
    queueMicrotask(endTask);
  }
  return taskNumber;
}

/** Runs `call` when the current task ends (after the sends it made). */
function atTaskEnd(call: () => void): void {
  currentTask();
  taskEndCalls.push(call);
}

function denoBackend(
  conn: DenoDatagramConn,
  transport: SocketTransport,
  receiveBuffer: number,
): SocketBackend {
  const scratch = new Uint8Array(RECEIVE_BUFFER_SIZE);
  const localAddress = { address: conn.addr.hostname, port: conn.addr.port };
  const family = localAddress.address.includes(":") ? "IPv6" : "IPv4";
  const native = nativeSide(localAddress.port, family, receiveBuffer);
  let receiving: Promise<unknown> = Promise.resolve();
  let closed: Promise<void> | null = null;
  // Once the socket refused a datagram (its buffer full), Deno's own send waits for it;
  // what queued behind then goes out directly again while the socket takes it.
  const sends = new SendQueue(
    (data, hostname, port) => conn.send(data, { transport: "udp", hostname, port }),
    () => transport.sendFailed(),
    undefined,
    native === undefined
      ? undefined
      : (data, hostname, port) => closed === null && native.socket.send(data, hostname, port),
  );
  // What a direct send cannot take goes to the queue, behind everything before it.
  const queueUnsent: UnsentListener = (data, hostname, port) => {
    if (!sends.push(data, hostname, port)) transport.sendFailed();
  };
  // The first datagram of a task leaves at once; the others the same task sends (the
  // replies to a drained burst, a send phase) gather, and leave together with one
  // sendmmsg at its end or whenever 32 wait. A socket that sends one at a time never
  // allocates a batch.
  let sentInTask = -1;
  let flushQueued = false;
  const flushGathered = () => {
    flushQueued = false;
    if (closed === null) native?.socket.flush(queueUnsent);
  };
  const sendDirect = (
    socket: NativeUdpSocket,
    data: Uint8Array,
    hostname: string,
    port: number,
  ) => {
    const task = currentTask();
    if (sentInTask !== task) {
      sentInTask = task;
      return socket.send(data, hostname, port);
    }
    if (!flushQueued) {
      flushQueued = true;
      atTaskEnd(flushGathered);
    }
    if (socket.queue(data, hostname, port)) return true;
    socket.flush(queueUnsent); // full: what gathered goes first
    return !sends.busy && socket.queue(data, hostname, port);
  };
  // A read of the C library's; the datagrams it had to drop (truncated) are counted.
  const readNative = (socket: NativeUdpSocket) => {
    const dropped = socket.dropped;
    const datagram = socket.receive();
    transport.stats.droppedDatagrams += socket.dropped - dropped;
    return datagram;
  };
  return {
    family,
    localAddress,
    receiveBufferSize: native?.receiveBufferSize,
    // Directly while nothing waits in the queue (which keeps the order), else queued.
    // Never once closing: the library is unloaded and the descriptor may be reused.
    send: (data, hostname, port) =>
      (closed === null && !sends.busy && native !== undefined &&
        sendDirect(native.socket, data, hostname, port)) ||
      sends.push(data.slice(), hostname, port),
    tryReceive: native === undefined
      ? undefined
      : () => closed === null ? readNative(native.socket) : null,
    async receive(): Promise<RawDatagram> {
      // Datagrams already read in a batch come before anything the socket still holds.
      const held = closed === null && native?.socket.holding ? readNative(native.socket) : null;
      if (held !== null) return held;
      const received = conn.receive(scratch);
      receiving = received;
      const [view, from] = await received;
      // Lent: the transport copies it only if it must queue it, since the next
      // receive reuses the scratch buffer.
      return { data: view, address: from.hostname, port: from.port, lent: true };
    },
    close() {
      closed ??= (async () => {
        native?.socket.flush(queueUnsent); // what this turn sent (a disconnect) still leaves
        const sent = sends.stop();
        try {
          conn.close();
        } catch {
          // already closed
        }
        // Deno releases the port once the cancelled operations have settled.
        await Promise.allSettled([sent, receiving]);
        native?.calls.close();
        await new Promise((resolve) => setTimeout(resolve, 0));
      })();
      return closed;
    },
  };
}
