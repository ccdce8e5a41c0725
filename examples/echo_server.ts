/**
 * An ENet echo server: every packet goes back to its sender on the same
 * channel with the same delivery mode. Pair it with echo_client.ts.
 *
 * Run it:
 *   deno run -A examples/echo_server.ts --port 7777
 *   bun examples/echo_server.ts --port 7777
 *   npm run build && node build/examples/echo_server.js --port 7777
 *
 * Options: --port P (default 7777, 0 picks a free port), --duration MS (stop
 * after MS milliseconds; default: run until Ctrl-C).
 *
 * @module
 */
import process from "node:process";
import { ENetConnection, ENetPacketPeer } from "../mod.ts";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const server = new ENetConnection();
await server.createHostBound("*", option("port", 7777), 32, 8);
console.log(`echo server listening on port ${server.getLocalPort()}`);

// Stop after --duration, or on Ctrl-C: destroy() ends the event loop below.
const duration = option("duration", 0);
const timer = duration > 0 ? setTimeout(() => server.destroy(), duration) : undefined;
process.on("SIGINT", () => server.destroy());

const ECHO_FLAGS = ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED |
  ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

for await (const event of server) {
  const who = `${event.peer.getRemoteAddress()}:${event.peer.getRemotePort()}`;
  switch (event.type) {
    case ENetConnection.EVENT_CONNECT:
      console.log(`${who} connected`);
      break;
    case ENetConnection.EVENT_DISCONNECT:
      console.log(`${who} disconnected`);
      break;
    case ENetConnection.EVENT_RECEIVE:
      console.log(`${who} sent ${event.packet.length} B on channel ${event.channel}`);
      event.peer.send(event.channel, event.packet, event.flags & ECHO_FLAGS);
      break;
  }
}
clearTimeout(timer);
console.log("echo server stopped");
