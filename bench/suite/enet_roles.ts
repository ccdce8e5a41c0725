/**
 * The TypeScript ENet peers of the suite, written against the public Godot-style API only
 * (`ENetConnection` / `ENetPacketPeer`), so they measure whatever core and driver the
 * package ships. Godot allows one outgoing connection per `ENetConnection`, so an N-peer
 * client holds N connections (N sockets), as N Godot clients would.
 *
 * @module
 */

import process from "node:process";
import { setImmediate } from "node:timers";
import { ENetConnection, type ENetEvent, ENetPacketPeer } from "../../mod.ts";
import {
  bulkWindow,
  CONNECT_BATCH,
  emit,
  Kind,
  makePayload,
  percentiles,
  PROGRESS_EVERY,
  readU32,
  STALL_MS,
  writeU32,
} from "./protocol.ts";

const RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const RECEIVE = ENetConnection.EVENT_RECEIVE;

/**
 * The echo server: counts bulk data, echoes pings reliably and ticks unreliably. Its
 * loop is the one a game server would write: `service()` waits for an event, then
 * `checkEvents()` drains every other ready one without a promise each.
 * Runs until the process is killed.
 *
 * @param maxPeers Peer slots.
 */
export async function serve(maxPeers: number): Promise<void> {
  const connection = new ENetConnection();
  await connection.createHostBound("127.0.0.1", 0, maxPeers, 2);
  emit({ event: "port", port: connection.getLocalPort() });
  let count = 0;
  let highest = 0;
  const handle = (peer: ENetPacketPeer, channel: number): void => {
    const data = peer.getPacket();
    const kind = data.length >= 5 ? data[0] : 0;
    if (kind === Kind.BULK) {
      highest = Math.max(highest, readU32(data, 1));
      if (++count % PROGRESS_EVERY === 0) {
        peer.send(1, makePayload(Kind.PROGRESS, 16, highest), RELIABLE);
      }
    } else if (kind === Kind.END) {
      peer.send(1, makePayload(Kind.DONE, 16, count), RELIABLE);
      count = highest = 0;
    } else if (kind === Kind.PING) {
      peer.send(channel, data, RELIABLE);
    } else if (kind === Kind.TICK) {
      peer.send(channel, data, 0);
    }
  };
  for (;;) {
    for (
      let event = await connection.service(1000);
      event[0] !== ENetConnection.EVENT_NONE;
      event = connection.checkEvents()
    ) {
      if (event[0] === RECEIVE) handle(event[1], event[3]);
      else if (event[0] === ENetConnection.EVENT_ERROR) throw new Error("the socket failed");
    }
  }
}

/** Peers lost after connecting (timeouts under load); only the N-peer roles tolerate them. */
const losses = { tolerated: false, count: 0 };

/** One client connection with its single peer, its events handed to `onReceive`. */
class Client {
  readonly connection = new ENetConnection();
  peer: ENetPacketPeer | null = null;
  onReceive: (data: Uint8Array, client: Client) => void = () => {};
  #outcome: ((connected: boolean) => void) | null = null;

  /** Creates the host and connects; resolves false if the attempt timed out. */
  async connect(port: number): Promise<boolean> {
    await this.connection.createHost(1, 2);
    const outcome = new Promise<boolean>((resolve) => this.#outcome = resolve);
    void this.#pump();
    this.peer = await this.connection.connectToHost("127.0.0.1", port, 2);
    return await outcome;
  }

  async #pump(): Promise<void> {
    for await (const event of this.connection) this.#handle(event);
  }

  #handle(event: ENetEvent): void {
    if (event.type === RECEIVE) this.onReceive(event.packet, this);
    else if (this.#outcome !== null) {
      this.#outcome(event.type === ENetConnection.EVENT_CONNECT);
      this.#outcome = null;
    } else if (losses.tolerated) {
      losses.count++; // a timeout under load: the role reports it
    } else {
      console.error("enet_roles: a client was disconnected");
      process.exit(3);
    }
  }
}

/**
 * Connects `count` clients, {@link CONNECT_BATCH} at a time; attempts that time out (a
 * loaded server) are retried, at most `count` times in all.
 */
async function connectClients(port: number, count: number): Promise<Client[]> {
  const clients: Client[] = [];
  let retries = 0;
  while (clients.length < count) {
    const batch: Client[] = [];
    for (let i = clients.length; i < Math.min(count, clients.length + CONNECT_BATCH); i++) {
      batch.push(new Client());
    }
    const outcomes = await Promise.all(batch.map((client) => client.connect(port)));
    for (let i = 0; i < batch.length; i++) {
      if (outcomes[i]) clients.push(batch[i]);
      else {
        await batch[i].connection.destroy();
        if (++retries > count) throw new Error("Cannot connect: too many attempts timed out");
      }
    }
  }
  if (retries > 0) console.error(`enet_roles: ${retries} connection attempts retried`);
  return clients;
}

async function finish(clients: Client[], result: Record<string, unknown>): Promise<void> {
  emit({ event: "result", ...result });
  for (const client of clients) {
    if (client.peer?.isActive()) client.peer.peerDisconnect();
    client.connection.flush();
  }
  await Promise.all(clients.map((client) => client.connection.destroy()));
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Streams `count` messages one way, at most `bulkWindow(size)` beyond the server's progress.
 *
 * @param port The server's port.
 * @param count Messages.
 * @param size Bytes each.
 * @param reliable Reliable or unreliable (sequenced).
 */
export async function bulk(port: number, count: number, size: number, reliable: boolean) {
  const [client] = await connectClients(port, 1);
  const peer = client.peer!;
  let progress = 0;
  let lastProgress = performance.now();
  let delivered = -1;
  let wake: (() => void) | null = null;
  client.onReceive = (data) => {
    if (data[0] === Kind.PROGRESS && readU32(data, 1) > progress) {
      progress = readU32(data, 1);
      lastProgress = performance.now();
    } else if (data[0] === Kind.DONE) delivered = readU32(data, 1);
    wake?.();
  };
  const flags = reliable ? RELIABLE : 0;
  const window = bulkWindow(size);
  const payload = makePayload(Kind.BULK, size, 0);
  const start = performance.now();
  let sent = 0;
  while (delivered < 0) {
    for (let batch = 0; batch < 256 && sent < count && sent - progress < window; batch++) {
      writeU32(payload, 1, ++sent);
      peer.send(0, payload, flags);
      if (sent === count) peer.send(0, makePayload(Kind.END, 16, 0), RELIABLE);
    }
    if (sent < count && performance.now() - lastProgress > STALL_MS) {
      if (sent > window / 2) progress = Math.max(progress, sent - window / 2);
      lastProgress = performance.now();
    }
    if (sent < count && sent - progress < window) {
      await turn();
    } else {
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 1);
      });
      wake = null;
    }
  }
  const ms = performance.now() - start;
  // The client's datagrams both ways (the server's mirror them): the load on each socket.
  const datagramsSent = client.connection.popStatistic(ENetConnection.HOST_TOTAL_SENT_PACKETS);
  const datagramsReceived = client.connection.popStatistic(
    ENetConnection.HOST_TOTAL_RECEIVED_PACKETS,
  );
  await finish([client], { ms, sent: count, delivered, datagramsSent, datagramsReceived });
}

/**
 * N peers, each keeping `inflight` reliable pings in flight, for `ms` milliseconds.
 *
 * @param port The server's port.
 * @param peers Peers (connections).
 * @param inflight Pings in flight per peer.
 * @param size Bytes per ping.
 * @param ms How long.
 */
export async function pingpong(
  port: number,
  peers: number,
  inflight: number,
  size: number,
  ms: number,
) {
  losses.tolerated = true;
  const clients = await connectClients(port, peers);
  const samples = new Float64Array(1 << 22);
  let roundTrips = 0;
  const payload = makePayload(Kind.PING, size, 0);
  const view = new DataView(payload.buffer);
  const ping = (client: Client) => {
    view.setFloat64(8, performance.now(), true);
    client.peer!.send(0, payload, RELIABLE);
  };
  const start = performance.now();
  const end = start + ms;
  for (const client of clients) {
    client.onReceive = (data, from) => {
      const now = performance.now();
      const sentAt = new DataView(data.buffer, data.byteOffset, data.length).getFloat64(8, true);
      if (roundTrips < samples.length) samples[roundTrips] = now - sentAt;
      roundTrips++;
      if (now < end) ping(from);
    };
    for (let k = 0; k < inflight && client.peer!.isActive(); k++) ping(client);
  }
  await new Promise((resolve) => setTimeout(resolve, ms));
  const elapsed = performance.now() - start;
  const { p50, p99 } = percentiles(samples.subarray(0, Math.min(roundTrips, samples.length)));
  await finish(clients, { ms: elapsed, roundTrips, p50, p99, lost: losses.count });
}

/**
 * N peers each sending one unreliable `size`-byte tick at `hz`, staggered: a warm-up of
 * `warmupMs`, then the measured window of `ms` (between the "ticking" and "window-end"
 * events), then a 500 ms grace period for the last echoes. Sent and echoed count the
 * window's ticks only (each carries its index).
 *
 * @param port The server's port.
 * @param peers Peers (connections).
 * @param hz Ticks per second per peer.
 * @param size Bytes per tick.
 * @param ms The measured window.
 * @param warmupMs Ticking before the window.
 */
export async function tick(
  port: number,
  peers: number,
  hz: number,
  size: number,
  ms: number,
  warmupMs: number,
) {
  losses.tolerated = true;
  const clients = await connectClients(port, peers);
  let index = 0;
  let first = Infinity;
  let echoed = 0;
  for (const client of clients) {
    client.onReceive = (data) => {
      if (data.length >= 5 && readU32(data, 1) >= first) echoed++;
    };
    if (!client.peer!.isActive()) continue;
    // No throttle deceleration (on both ends): loss measures capacity, not ENet backing off.
    client.peer!.throttleConfigure(5000, 2, 0);
  }
  const period = 1000 / hz;
  const start = performance.now();
  const measured = start + warmupMs;
  const end = measured + ms;
  const due = new Float64Array(peers);
  for (let i = 0; i < peers; i++) due[i] = start + (period * i) / peers;
  const payload = makePayload(Kind.TICK, size, 0);
  let next = 0;
  for (let now = start; now < end; now = performance.now()) {
    if (now >= measured && first === Infinity) {
      first = index;
      emit({ event: "ticking" });
    }
    while (due[next] <= now) {
      writeU32(payload, 1, index++);
      const peer = clients[next].peer!;
      if (peer.isActive()) peer.send(0, payload, 0);
      due[next] += period;
      next = (next + 1) % peers;
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  emit({ event: "window-end" });
  await new Promise((resolve) => setTimeout(resolve, 500));
  await finish(clients, { ms, sent: index - first, echoed, lost: losses.count });
}
