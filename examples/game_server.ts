/**
 * A game server loop: a fixed 30 Hz tick that drains events, applies the
 * players' reliable inputs, and broadcasts an unreliable state snapshot on its
 * own channel. Simulated players (bots) connect on loopback, steer, and watch
 * the snapshots; unreliable sequenced delivery means a late snapshot is
 * dropped, never delivered after a newer one.
 *
 * Run it:
 *   deno run -A examples/game_server.ts --duration 3000 --clients 3
 *   bun examples/game_server.ts
 *   npm run build && node build/examples/game_server.js
 *
 * Options: --duration MS (default 3000), --clients N (default 3).
 *
 * @module
 */
import process from "node:process";
import { ENetConnection, ENetPacketPeer } from "../mod.ts";

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}

const TICK_RATE = 30;
const INPUT = 0; // reliable: what a player wants
const STATE = 1; // unreliable sequenced: what the world is
const duration = option("duration", 3000);
const clients = option("clients", 3);

interface Player {
  id: number;
  x: number;
  y: number;
  dx: number;
  dy: number;
  inputs: number;
}

// ------------------------------------------------------------------ server
const server = new ENetConnection();
await server.createHostBound("127.0.0.1", 0, clients, 2);
const port = server.getLocalPort();
const players = new Map<ENetPacketPeer, Player>();
let nextId = 1;
let snapshotBytes = 0;
let totalInputs = 0;

/** Tick: u32 tick number, u16 count, then per player u16 id, f32 x, f32 y. */
function snapshot(tick: number): Uint8Array {
  const bytes = new Uint8Array(6 + players.size * 10);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, tick);
  view.setUint16(4, players.size);
  let at = 6;
  for (const p of players.values()) {
    view.setUint16(at, p.id);
    view.setFloat32(at + 2, p.x);
    view.setFloat32(at + 6, p.y);
    at += 10;
  }
  return bytes;
}

async function runServer(): Promise<number> {
  const start = performance.now();
  let tick = 0;
  while (performance.now() - start < duration) {
    // 1. Drain what arrived since the last tick (service(0) never waits).
    for (;;) {
      const [type, peer, , channel] = await server.service(0);
      if (type === ENetConnection.EVENT_NONE || peer === null) break;
      if (type === ENetConnection.EVENT_CONNECT) {
        players.set(peer, { id: nextId++, x: 0, y: 0, dx: 0, dy: 0, inputs: 0 });
        console.log(`tick ${tick}: player ${players.get(peer)!.id} joined`);
      } else if (type === ENetConnection.EVENT_DISCONNECT) {
        console.log(`tick ${tick}: player ${players.get(peer)?.id} left`);
        players.delete(peer);
      } else if (type === ENetConnection.EVENT_RECEIVE && channel === INPUT) {
        const input = peer.getPacket();
        const player = players.get(peer)!;
        player.dx = (input[0] << 24 >> 24) / 10; // int8 steering
        player.dy = (input[1] << 24 >> 24) / 10;
        player.inputs++;
        totalInputs++;
      }
    }
    // 2. Simulate, 3. broadcast the state, unreliably.
    for (const p of players.values()) {
      p.x += p.dx;
      p.y += p.dy;
    }
    const state = snapshot(tick);
    snapshotBytes += state.length;
    if (players.size > 0) server.broadcast(STATE, state, 0);
    if (tick % TICK_RATE === 0 && tick > 0) {
      console.log(`tick ${tick}: ${players.size} players, snapshot ${state.length} B`);
    }
    // 4. Sleep until the next tick, on a fixed schedule (no drift).
    tick++;
    const next = start + (tick * 1000) / TICK_RATE;
    await new Promise((r) => setTimeout(r, Math.max(0, next - performance.now())));
  }
  return tick;
}

// ------------------------------------------------------------------ bots
async function bot(index: number) {
  const connection = new ENetConnection();
  await connection.createHost(1, 2);
  const peer = await connection.connectToHost("127.0.0.1", port, 2);
  let snapshots = 0, lastTick = -1, outOfOrder = 0, sent = 0, connected = false;
  let lastInput = 0;
  const stopAt = performance.now() + duration - 300;
  while (performance.now() < stopAt + 1000) {
    const [type, , , channel] = await connection.service(10);
    if (type === ENetConnection.EVENT_CONNECT) connected = true;
    if (type === ENetConnection.EVENT_DISCONNECT) break;
    if (type === ENetConnection.EVENT_RECEIVE && channel === STATE) {
      const state = peer.getPacket();
      const tick = new DataView(state.buffer, state.byteOffset).getUint32(0);
      if (tick <= lastTick) outOfOrder++;
      lastTick = tick;
      snapshots++;
    }
    const now = performance.now();
    if (connected && now >= stopAt && peer.getState() === ENetPacketPeer.STATE_CONNECTED) {
      peer.peerDisconnect();
    } else if (connected && now < stopAt && now - lastInput >= 100) {
      // Steer every 100 ms: a reliable input, as a game would send a command.
      const angle = (index + sent) * 0.7;
      const input = new Uint8Array([
        Math.round(Math.cos(angle) * 10),
        Math.round(Math.sin(angle) * 10),
      ]);
      peer.send(INPUT, input, ENetPacketPeer.FLAG_RELIABLE);
      sent++;
      lastInput = now;
    }
  }
  await connection.destroy();
  return { index, snapshots, lastTick, outOfOrder, sent };
}

console.log(
  `game server on 127.0.0.1:${port}: ${TICK_RATE} Hz for ${duration} ms, ${clients} bots`,
);
const [ticks, ...bots] = await Promise.all([
  runServer(),
  ...Array.from({ length: clients }, (_, i) => bot(i)),
]);
console.log(`\n${ticks} ticks, ${snapshotBytes} B of snapshots per player`);
for (const b of bots) {
  console.log(
    `bot ${b.index}: sent ${b.sent} inputs, received ${b.snapshots} snapshots ` +
      `(last tick ${b.lastTick}, ${b.outOfOrder} out of order)`,
  );
}
console.log(`server applied ${totalInputs} inputs; players still connected: ${players.size}`);
await server.destroy();
