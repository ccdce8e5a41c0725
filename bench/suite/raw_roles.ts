/**
 * Bare UDP (no ENet) over each runtime's own adapter (`openUdpTransport`): an echo server
 * and a client keeping a window of datagrams in flight. Its round trips per second are
 * the ceiling the runtime's ENet figures are compared with.
 *
 * @module
 */

import { type DatagramTransport, openUdpTransport } from "../../mod.ts";
import { emit } from "./protocol.ts";

type Handler = (data: Uint8Array, address: string, port: number) => void;

/** Routes received datagrams to `handler`: the push fast path if any, else the stream. */
function receive(transport: DatagramTransport, handler: Handler): void {
  const reader = transport.readable.getReader();
  if (transport.setReceiver !== undefined) {
    transport.setReceiver(handler);
    void reader.read().catch(() => {});
    return;
  }
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      handler(value.data, value.address, value.port);
    }
  })();
}

/** Sends a datagram: the fast path if any, else the stream. */
function sender(transport: DatagramTransport): Handler {
  if (transport.send !== undefined) {
    const send = transport.send.bind(transport);
    return (data, address, port) => void send({ data, address, port });
  }
  const writer = transport.writable.getWriter();
  return (data, address, port) => void writer.write({ data: data.slice(), address, port });
}

/** The raw echo server; runs until the process is killed. */
export async function rawEcho(): Promise<void> {
  const transport = await openUdpTransport({ address: "127.0.0.1" });
  const send = sender(transport);
  receive(transport, send);
  emit({ event: "port", port: transport.localAddress.port });
}

/**
 * Keeps `inflight` datagrams of `size` bytes in flight to an echo server for `ms`
 * milliseconds; 50 ms without an echo means the window was lost and is sent again.
 *
 * @param port The echo server's port.
 * @param inflight Datagrams in flight.
 * @param size Bytes each.
 * @param ms How long.
 */
export async function rawClient(port: number, inflight: number, size: number, ms: number) {
  const transport = await openUdpTransport({ address: "127.0.0.1" });
  const send = sender(transport);
  const payload = new Uint8Array(size).fill(0x5a);
  let roundTrips = 0;
  let last = 0;
  const start = performance.now();
  const end = start + ms;
  receive(transport, () => {
    roundTrips++;
    if (performance.now() < end) send(payload, "127.0.0.1", port);
  });
  const fill = () => {
    for (let k = 0; k < inflight; k++) send(payload, "127.0.0.1", port);
  };
  fill();
  while (performance.now() < end) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    if (roundTrips === last) fill();
    last = roundTrips;
  }
  emit({ event: "result", ms: performance.now() - start, roundTrips });
  await transport.close();
}
