/**
 * ENet over DTLS between runtimes on one machine: this process against a child process
 * running tests/dtls/peer_main.ts under another runtime, each side as client and as
 * server. To keep the cost down each pair registers under one runtime only: under
 * Node, Node↔Deno, Node↔Bun and Node↔Node (the compiled peer next to this file); under
 * Deno, Deno↔Bun; under Bun, Bun↔Node when the compiled peer exists in build/.
 */

import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
import { connectTo, dtlsServer, nextEvent, PAYLOADS, receive } from "./enet_support.ts";
import { pattern, ROOT } from "./support.ts";

type Runtime = "deno" | "bun" | "node";

const self: Runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : "node";
const compiledPeer = fileURLToPath(new URL("./peer_main.js", import.meta.url));
const buildPeer = join(ROOT, "build", "tests", "dtls", "peer_main.js");

function command(runtime: Runtime): string[] | null {
  const source = join(ROOT, "tests", "dtls", "peer_main.ts");
  switch (runtime) {
    case "deno":
      return [join(ROOT, "node_modules", ".bin", "deno"), "run", "-A", "--no-check", source];
    case "bun":
      return [join(ROOT, "node_modules", ".bin", "bun"), source];
    case "node":
      if (self === "node") return ["node", compiledPeer];
      return existsSync(buildPeer) ? ["node", buildPeer] : null;
  }
}

const partners: Runtime[] = { node: ["deno", "bun", "node"], deno: ["bun"], bun: ["node"] }[self]
  .filter((runtime) => command(runtime as Runtime) !== null) as Runtime[];

/** A child peer, its output, and a way to wait for it. */
class Child {
  readonly process: ChildProcess;
  stdout = "";
  stderr = "";
  readonly exited: Promise<number | null>;

  constructor(runtime: Runtime, args: string[]) {
    const [file, ...rest] = command(runtime)!;
    this.process = spawn(file, [...rest, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.process.stdout!.setEncoding("utf8").on("data", (d: string) => this.stdout += d);
    this.process.stderr!.setEncoding("utf8").on("data", (d: string) => this.stderr += d);
    this.exited = new Promise((resolve) => this.process.on("exit", (code) => resolve(code)));
  }

  /** Waits for `PORT <n>` on its output. */
  async port(limitMs: number): Promise<number> {
    const end = Date.now() + limitMs;
    for (;;) {
      const match = /PORT (\d+)/.exec(this.stdout);
      if (match !== null) return Number(match[1]);
      if (this.process.exitCode !== null || Date.now() > end) {
        throw new Error(`the child printed no port: ${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Waits for the exit code, at most `limitMs`. */
  async exit(limitMs: number): Promise<number | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), limitMs));
    const code = await Promise.race([this.exited, late]).finally(() => clearTimeout(timer));
    if (code === "late") throw new Error(`the child did not exit: ${this.stderr}`);
    return code;
  }

  kill(): void {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill();
  }
}

describe(`ENet over DTLS across runtimes (this process: ${self})`, () => {
  for (const other of partners) {
    test(`${self} client -> ${other} server (EC certificate), byte-exact echoes`, async () => {
      const child = new Child(other, ["server", "ec"]);
      try {
        const port = await child.port(15_000);
        const end = await connectTo(port, "ec");
        try {
          for (let i = 0; i < PAYLOADS.length; i++) {
            const { size, channel, flags } = PAYLOADS[i];
            end.toServer.send(channel, pattern(size, i), flags);
          }
          const echoes = await receive(end.clientEvents, PAYLOADS.length);
          for (let i = 0; i < PAYLOADS.length; i++) {
            const { size, channel } = PAYLOADS[i];
            const echo = echoes.find((e) => e.packet.length === size);
            assert.deepEqual(echo?.packet, pattern(size, i));
            assert.equal(echo?.channel, channel);
          }
          end.toServer.peerDisconnect();
          await nextEvent(end.clientEvents, ENetConnection.EVENT_DISCONNECT, 5000);
        } finally {
          await end.close();
        }
        assert.equal(await child.exit(5000), 0, child.stderr);
      } finally {
        child.kill();
      }
    });

    test(`${other} client -> ${self} server (RSA certificate), byte-exact echoes`, async () => {
      const server = await dtlsServer("rsa");
      const child = new Child(other, ["client", "rsa", String(server.getLocalPort())]);
      try {
        const events = server.events();
        const exited = child.exited.then(() => null);
        const served = (async () => {
          await nextEvent(events, ENetConnection.EVENT_CONNECT, 15_000);
          let echoed = 0;
          for (;;) {
            const { value: event, done } = await events.next();
            if (done === true || event.type === ENetConnection.EVENT_DISCONNECT) return echoed;
            if (event.type === ENetConnection.EVENT_RECEIVE) {
              event.peer.send(
                event.channel,
                event.packet,
                event.flags & ENetPacketPeer.FLAG_RELIABLE,
              );
              echoed++;
            }
          }
        })();
        // The child may exit before this side has read its DISCONNECT event: once it has,
        // the event is queued here, so `served` still ends, within a bound.
        served.catch(() => {}); // observed below; keeps an early failure from going unhandled
        await Promise.race([served, exited]);
        assert.equal(await child.exit(15_000), 0, child.stderr);
        assert.match(child.stdout, /OK/);
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("the server saw no disconnect")), 5000);
        });
        const echoed = await Promise.race([served, late]).finally(() => clearTimeout(timer));
        assert.equal(echoed, PAYLOADS.length);
      } finally {
        child.kill();
        await server.destroy();
      }
    });
  }
});
