/**
 * An ENet echo client: connects to echo_server.ts, sends a few reliable
 * messages one at a time, prints each echo with its round trip, disconnects.
 *
 * Run it (with echo_server.ts running):
 *   deno run -A examples/echo_client.ts --port 7777
 *   bun examples/echo_client.ts --port 7777
 *   npm run build && node build/examples/echo_client.js --port 7777
 *
 * Options: --host H (default 127.0.0.1), --port P (default 7777), --count N
 * (messages, default 5).
 *
 * @module
 */
import process from "node:process";
import { ENetConnection, ENetPacketPeer } from "../mod.ts";

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : process.argv[i + 1];
}

const host = option("host", "127.0.0.1");
const port = Number(option("port", "7777"));
const count = Number(option("count", "5"));

const client = new ENetConnection();
await client.createHost(1, 2);
const peer = await client.connectToHost(host, port, 2);

/** Waits for the next event of `type`, giving up after 5 seconds. */
async function next(type: number) {
  const deadline = performance.now() + 5000;
  while (performance.now() < deadline) {
    const event = await client.service(100);
    if (event[0] === type) return event;
    if (event[0] === ENetConnection.EVENT_DISCONNECT) break;
  }
  throw new Error(`Cannot reach ${host}:${port}: no answer`);
}

try {
  await next(ENetConnection.EVENT_CONNECT);
  console.log(`connected to ${host}:${port}`);
  for (let i = 1; i <= count; i++) {
    const sent = performance.now();
    peer.send(0, new TextEncoder().encode(`message ${i}`), ENetPacketPeer.FLAG_RELIABLE);
    await next(ENetConnection.EVENT_RECEIVE);
    const echo = new TextDecoder().decode(peer.getPacket());
    console.log(`echo: "${echo}" after ${(performance.now() - sent).toFixed(1)} ms`);
  }
  const rtt = peer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME);
  peer.peerDisconnect();
  await next(ENetConnection.EVENT_DISCONNECT);
  console.log(`disconnected (mean round trip ${rtt} ms)`);
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await client.destroy();
}
