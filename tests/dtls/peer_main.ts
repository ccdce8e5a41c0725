/**
 * One end of the cross-runtime ENet-over-DTLS test, run as a child process by Deno, Bun
 * or Node (compiled):
 *
 * - `server <rsa|ec>`: a DTLS ENet server on 127.0.0.1; prints `PORT <n>`, echoes every
 *   packet back on its channel with its flags, and exits 0 once its client disconnects.
 * - `client <rsa|ec> <port>`: connects over DTLS (trusting the fixture CA), sends the
 *   `PAYLOADS` of enet_support.ts, checks the echoes byte-exact, disconnects, prints `OK`.
 *
 * Either exits 1 with a message on stderr on failure, and after 20 s in any case.
 *
 * @module
 */

import process from "node:process";
import { ENetConnection, type ENetEvent, ENetPacketPeer } from "../../mod.ts";
import {
  connectTo,
  dtlsServer,
  type KeyKind,
  nextEvent,
  PAYLOADS,
  receive,
} from "./enet_support.ts";
import { pattern } from "./support.ts";

const LIMIT_MS = 20_000;

async function serve(kind: KeyKind): Promise<void> {
  const server = await dtlsServer(kind);
  try {
    console.log(`PORT ${server.getLocalPort()}`);
    const events: AsyncIterator<ENetEvent> = server.events();
    await nextEvent(events, ENetConnection.EVENT_CONNECT, LIMIT_MS);
    for (;;) {
      const { value, done } = await events.next();
      if (done === true || value.type === ENetConnection.EVENT_DISCONNECT) break;
      if (value.type === ENetConnection.EVENT_RECEIVE) {
        const flags = value.flags & ENetPacketPeer.FLAG_RELIABLE;
        value.peer.send(value.channel, value.packet, flags);
      }
    }
  } finally {
    await server.destroy();
  }
}

async function connect(kind: KeyKind, port: number): Promise<void> {
  const pair = await connectTo(port, kind);
  try {
    for (let i = 0; i < PAYLOADS.length; i++) {
      const { size, channel, flags } = PAYLOADS[i];
      pair.toServer.send(channel, pattern(size, i), flags);
    }
    const echoes = await receive(pair.clientEvents, PAYLOADS.length);
    for (let i = 0; i < PAYLOADS.length; i++) {
      const { size, channel } = PAYLOADS[i];
      const echo = echoes.find((e) => e.packet.length === size);
      if (echo === undefined) throw new Error(`no echo of the ${size}-byte packet`);
      if (echo.channel !== channel) throw new Error(`${size} bytes came back on ${echo.channel}`);
      const want = pattern(size, i);
      if (!echo.packet.every((b, j) => b === want[j])) throw new Error(`${size} bytes differ`);
    }
    pair.toServer.peerDisconnect();
    await nextEvent(pair.clientEvents, ENetConnection.EVENT_DISCONNECT, 5000);
    console.log("OK");
  } finally {
    await pair.close();
  }
}

const [role, kind, port] = process.argv.slice(2);
const limit = setTimeout(() => {
  console.error("peer_main: out of time");
  process.exit(1);
}, LIMIT_MS);
try {
  if (kind !== "rsa" && kind !== "ec") throw new Error(`unknown key kind ${kind}`);
  if (role === "server") await serve(kind);
  else if (role === "client") await connect(kind, Number(port));
  else throw new Error(`unknown role ${role}`);
  clearTimeout(limit);
} catch (error) {
  console.error(`peer_main: ${(error as Error).stack ?? error}`);
  process.exit(1);
}
