/**
 * The @x/enet demo: one server and three clients on loopback exchange traffic
 * in every ENet delivery mode, then a compressed host pair shows what
 * compression saves, and the statistics are printed. Ends by itself in a few
 * seconds.
 *
 * Run it:
 *   deno run -A examples/demo.ts
 *   bun examples/demo.ts
 *   npm run build && node build/examples/demo.js
 *
 * What travels, per client (channel: mode):
 *   0: reliable        chat lines, which the server broadcasts to everybody
 *   1: unreliable      position updates, sequenced (a late one is dropped, never reordered)
 *   2: unsequenced     pings, answered with unsequenced pongs
 *   3: reliable        a 64 KiB blob, split into fragments and reassembled
 *   3: unreliable fragment  a 6 KiB blob sent with FLAG_UNRELIABLE_FRAGMENT
 *
 * @module
 */
import { ENetConnection, type ENetEvent, ENetPacketPeer, PeerStatistic } from "../mod.ts";

const NAMES = ["alice", "bob", "carol"];
const CHAT = 0, POSITION = 1, PING = 2, BULK = 3;
const CHANNELS = 4;
const START = "everybody is here: go!";
const LINES = ["hello!", "anyone up for a round?", "gg"];
const POSITIONS = 30;
const PINGS = 10;
const RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const UNSEQUENCED = ENetPacketPeer.FLAG_UNSEQUENCED;
const UNRELIABLE_FRAGMENT = ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

const started = performance.now();
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function log(who: string, text: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(3).padStart(6);
  console.log(`[${seconds}s] ${who.padEnd(6)} ${text}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A blob whose last byte checks the others, so the receiver can verify it. */
function blob(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let sum = 0;
  for (let i = 0; i < size - 1; i++) {
    bytes[i] = (i * 31 + seed) & 0xff;
    sum = (sum + bytes[i]) & 0xff;
  }
  bytes[size - 1] = sum;
  return bytes;
}

function blobIsIntact(bytes: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < bytes.length - 1; i++) sum = (sum + bytes[i]) & 0xff;
  return bytes[bytes.length - 1] === sum;
}

/**
 * Services `connection`, calling `handle` with each event (and with `null` when
 * 20 ms pass without one) until it returns true; fails after `ms`.
 */
async function drive(
  connection: ENetConnection,
  ms: number,
  handle: (event: ENetEvent | null) => boolean | void,
): Promise<void> {
  const deadline = performance.now() + ms;
  while (performance.now() < deadline) {
    const [type, peer, data, channel] = await connection.service(20);
    const event = peer === null
      ? null
      : type === ENetConnection.EVENT_RECEIVE
      ? { type, peer, data: 0, channel, flags: peer.getPacketFlags(), packet: peer.getPacket() }
      : { type, peer, data, channel: 0 };
    if (handle(event as ENetEvent | null)) return;
  }
  throw new Error(`Cannot finish the demo: no progress within ${ms} ms`);
}

// ---------------------------------------------------------------- the server
const server = new ENetConnection();
await server.createHostBound("127.0.0.1", 0, NAMES.length, CHANNELS);
const port = server.getLocalPort();
log("server", `listening on 127.0.0.1:${port}`);

const names = new Map<ENetPacketPeer, string>();
const received = { chat: 0, positions: 0, stalePositions: 0, pings: 0, blobs: 0, fragments: 0 };
const lastPosition = new Map<string, number>();
let connected = 0;
let disconnected = 0;

const serverDone = drive(server, 10000, (event) => {
  if (event === null) return false;
  if (event.type === ENetConnection.EVENT_CONNECT) {
    const name = NAMES[event.data - 1] ?? `guest${event.data}`;
    names.set(event.peer, name);
    connected++;
    log(
      "server",
      `${name} connected from ${event.peer.getRemoteAddress()}:${event.peer.getRemotePort()} (data ${event.data})`,
    );
    // Everybody is here: start, so that every client hears every chat line.
    if (connected === NAMES.length) server.broadcast(CHAT, encoder.encode(START), RELIABLE);
    return false;
  }
  const name = names.get(event.peer) ?? "?";
  if (event.type === ENetConnection.EVENT_DISCONNECT) {
    log("server", `${name} disconnected`);
    return ++disconnected === NAMES.length;
  }
  const { channel, packet, flags } = event;
  if (channel === CHAT) {
    received.chat++;
    server.broadcast(CHAT, encoder.encode(`${name}: ${decoder.decode(packet)}`), RELIABLE);
  } else if (channel === POSITION) {
    const seq = new DataView(packet.buffer, packet.byteOffset).getUint32(0);
    if (seq <= (lastPosition.get(name) ?? -1)) received.stalePositions++;
    lastPosition.set(name, seq);
    received.positions++;
  } else if (channel === PING) {
    received.pings++;
    event.peer.send(PING, encoder.encode("pong"), UNSEQUENCED);
  } else if (channel === BULK) {
    const intact = blobIsIntact(packet);
    if (flags & RELIABLE) received.blobs++;
    else received.fragments++;
    log(
      "server",
      `${name}: ${packet.length} B blob (${
        flags & RELIABLE ? "reliable" : "unreliable fragments"
      }) ${intact ? "intact" : "CORRUPT"}`,
    );
    event.peer.send(BULK, encoder.encode(`got ${packet.length} B`), RELIABLE);
  }
  return false;
});

// --------------------------------------------------------------- the clients
async function client(index: number): Promise<{ name: string; rtt: number; pongs: number }> {
  const name = NAMES[index];
  const connection = new ENetConnection();
  await connection.createHost(1, CHANNELS);
  const peer = await connection.connectToHost("127.0.0.1", port, CHANNELS, index + 1);
  let chat = 0, pongs = 0, acks = 0, finished = 0, rtt = 0;

  const play = async () => {
    for (const line of LINES) peer.send(CHAT, encoder.encode(line), RELIABLE);
    for (let seq = 0; seq < POSITIONS; seq++) {
      const update = new Uint8Array(16);
      new DataView(update.buffer).setUint32(0, seq);
      peer.send(POSITION, update, 0);
      if (seq < PINGS) peer.send(PING, encoder.encode("ping"), UNSEQUENCED);
      await sleep(10);
    }
    peer.send(BULK, blob(64 * 1024, index), RELIABLE);
    peer.send(BULK, blob(6 * 1024, index + 100), UNRELIABLE_FRAGMENT);
    finished = performance.now();
  };

  await drive(connection, 10000, (event) => {
    if (event === null) {
      // Nothing this time.
    } else if (event.type === ENetConnection.EVENT_CONNECT) {
      log(name, "connected");
    } else if (event.type === ENetConnection.EVENT_DISCONNECT) {
      log(name, "disconnected");
      return true;
    } else if (event.channel === CHAT && decoder.decode(event.packet) === START) {
      if (index === 0) log(name, `heard "${START}"`);
      void play();
    } else if (event.channel === CHAT) {
      chat++;
      if (chat <= LINES.length && index === 0) log(name, `heard "${decoder.decode(event.packet)}"`);
    } else if (event.channel === PING) {
      pongs++;
    } else if (event.channel === BULK) {
      acks++;
      log(name, `server says "${decoder.decode(event.packet)}"`);
    }
    // Done when every chat line of every client came back and both blobs were
    // acknowledged (the unreliable one may be dropped: wait a second at most).
    const blobsDone = acks === 2 || (acks === 1 && performance.now() - finished > 1000);
    if (finished && chat === LINES.length * NAMES.length && blobsDone && rtt === 0) {
      rtt = peer.getStatistic(PeerStatistic.PEER_ROUND_TRIP_TIME);
      log(name, `heard all ${chat} chat lines, ${pongs} pongs; disconnecting`);
      peer.peerDisconnect();
    }
  });
  await connection.destroy();
  return { name, rtt, pongs };
}

const results = await Promise.all(NAMES.map((_, i) => client(i)));
await serverDone;

// ---------------------------------------------- compression: same data, two pairs
async function wireBytes(mode: number): Promise<number> {
  const a = new ENetConnection();
  const b = new ENetConnection();
  await a.createHostBound("127.0.0.1", 0, 1, 1);
  await b.createHost(1, 1);
  await a.compress(mode as 0);
  await b.compress(mode as 0);
  try {
    const peer = await b.connectToHost("127.0.0.1", a.getLocalPort(), 1);
    const aDone = drive(a, 10000, (e) => e?.type === ENetConnection.EVENT_DISCONNECT);
    await drive(b, 10000, (e) => e?.type === ENetConnection.EVENT_CONNECT);
    b.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
    for (let i = 0; i < 50; i++) {
      const state = {
        tick: i,
        players: NAMES.map((n, j) => ({ name: n, x: j * 10, y: i, hp: 100 })),
      };
      peer.send(0, encoder.encode(JSON.stringify(state)), RELIABLE);
      if (i % 10 === 9) await sleep(5);
    }
    peer.peerDisconnectLater();
    await drive(b, 10000, (e) => e?.type === ENetConnection.EVENT_DISCONNECT);
    await aDone;
    return b.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
  } finally {
    await a.destroy();
    await b.destroy();
  }
}

const plain = await wireBytes(ENetConnection.COMPRESS_NONE);
log("wire", `50 JSON state packets: ${plain} B uncompressed`);
for (
  const [label, mode] of [
    ["range coder", ENetConnection.COMPRESS_RANGE_CODER],
    ["zlib", ENetConnection.COMPRESS_ZLIB],
  ] as const
) {
  try {
    const bytes = await wireBytes(mode);
    log(
      "wire",
      `50 JSON state packets: ${bytes} B with ${label} (${Math.round((100 * bytes) / plain)}%)`,
    );
  } catch (error) {
    log("wire", `${label}: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------- statistics
console.log("\nstatistics");
console.log(
  `  server received: ${received.chat} chat lines, ${received.positions}/${
    POSITIONS * NAMES.length
  } position updates ` +
    `(${received.stalePositions} out of order), ${received.pings} pings, ${received.blobs} reliable blobs, ` +
    `${received.fragments} unreliable-fragment blobs`,
);
for (const r of results) {
  console.log(`  ${r.name.padEnd(5)}: round trip ${r.rtt} ms, ${r.pongs}/${PINGS} pongs`);
}
console.log(
  `  server host: sent ${server.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS)} datagrams ` +
    `(${server.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA)} B), received ` +
    `${server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_PACKETS)} datagrams ` +
    `(${server.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA)} B)`,
);
await server.destroy();
log("demo", `done (${connected} clients came and went)`);
