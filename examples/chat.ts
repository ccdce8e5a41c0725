/**
 * A chat lobby over ENet. Each client's first reliable message is its name;
 * the server announces joins and leaves and relays every line to everybody.
 *
 * Three ways to run it:
 *   deno run -A examples/chat.ts                      # bounded demo: a server and 3 bots in one process
 *   deno run -A examples/chat.ts --serve 7777         # a lobby server (Ctrl-C stops it)
 *   deno run -A examples/chat.ts --join 127.0.0.1:7777 --name ada   # type lines; Ctrl-D leaves
 * The same with `bun examples/chat.ts …`, or `node build/examples/chat.js …` after `npm run build`.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { ENetConnection, ENetPacketPeer } from "../mod.ts";

const RELIABLE = ENetPacketPeer.FLAG_RELIABLE;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/** Runs a lobby on `server` until `stop()` resolves. */
async function lobby(server: ENetConnection, stop: Promise<void>): Promise<void> {
  const names = new Map<ENetPacketPeer, string>();
  let stopped = false;
  void stop.then(() => stopped = true);
  const say = (text: string) => {
    console.log(`[lobby] ${text}`);
    server.broadcast(0, encoder.encode(text), RELIABLE);
  };
  while (!stopped) {
    const [type, peer] = await server.service(50);
    if (peer === null) continue;
    if (type === ENetConnection.EVENT_DISCONNECT) {
      const name = names.get(peer);
      names.delete(peer);
      if (name !== undefined) say(`* ${name} left (${names.size} online)`);
    } else if (type === ENetConnection.EVENT_RECEIVE) {
      const text = decoder.decode(peer.getPacket());
      const name = names.get(peer);
      if (name === undefined) {
        names.set(peer, text);
        say(`* ${text} joined (${names.size} online)`);
      } else if (text === "/who") {
        peer.send(0, encoder.encode(`online: ${[...names.values()].join(", ")}`), RELIABLE);
      } else {
        say(`${name}: ${text}`);
      }
    }
  }
}

/** A chat client: joins as `name`, sends `lines()` output, returns what it heard. */
async function member(
  port: number,
  host: string,
  name: string,
  lines: (send: (line: string) => void, leave: () => void) => void,
  print: (text: string) => void,
): Promise<void> {
  const connection = new ENetConnection();
  await connection.createHost(1, 1);
  const peer = await connection.connectToHost(host, port, 1);
  try {
    const deadline = performance.now() + 5000;
    for (;;) {
      if (performance.now() > deadline) throw new Error(`Cannot join ${host}:${port}: no answer`);
      const [type] = await connection.service(50);
      if (type === ENetConnection.EVENT_CONNECT) break;
      if (type === ENetConnection.EVENT_DISCONNECT) throw new Error(`Cannot join ${host}:${port}`);
    }
    peer.send(0, encoder.encode(name), RELIABLE);
    lines((line) => peer.send(0, encoder.encode(line), RELIABLE), () => peer.peerDisconnectLater());
    for (;;) {
      const [type, from] = await connection.service(50);
      if (type === ENetConnection.EVENT_DISCONNECT) break;
      if (type === ENetConnection.EVENT_RECEIVE) print(decoder.decode(from!.getPacket()));
    }
  } finally {
    await connection.destroy();
  }
}

const serve = option("serve");
const join = option("join");
if (serve !== undefined) {
  const server = new ENetConnection();
  await server.createHostBound("*", Number(serve), 32, 1);
  console.log(`chat lobby on port ${server.getLocalPort()}`);
  await lobby(server, new Promise((resolve) => process.once("SIGINT", () => resolve())));
  await server.destroy();
} else if (join !== undefined) {
  const colon = join.lastIndexOf(":");
  const host = join.slice(0, colon).replace(/^\[|\]$/g, "");
  const name = option("name") ?? "guest";
  await member(Number(join.slice(colon + 1)), host, name, (send, leave) => {
    const input = createInterface({ input: process.stdin, terminal: false });
    input.on("line", send);
    input.on("close", leave);
  }, (text) => console.log(text));
  process.exit(0); // stdin may still hold the event loop
} else {
  // The bounded demo: ada and grace chat, linus drops by.
  const server = new ENetConnection();
  await server.createHostBound("127.0.0.1", 0, 8, 1);
  const port = server.getLocalPort();
  let done!: () => void;
  const finished = new Promise<void>((resolve) => done = resolve);
  const running = lobby(server, finished);
  const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const heard: Record<string, string[]> = { ada: [], grace: [], linus: [] };
  const script = (name: string, steps: [number, string][]) =>
    member(port, "127.0.0.1", name, async (send, leave) => {
      for (const [delay, line] of steps) {
        await wait(delay);
        send(line);
      }
      await wait(300);
      leave();
    }, (text) => heard[name].push(text));
  await Promise.all([
    script("ada", [[100, "hello, everyone"], [200, "/who"], [300, "see you"]]),
    script("grace", [[150, "hi ada!"], [300, "bye"]]),
    script("linus", [[200, "just passing through"]]),
  ]);
  await wait(100);
  done();
  await running;
  await server.destroy();
  for (const [name, lines] of Object.entries(heard)) {
    console.log(`\n${name} heard ${lines.length} lines:\n  ${lines.join("\n  ")}`);
  }
}
