/**
 * Helpers for the DTLS tests against external implementations (the mbed TLS test peer,
 * the openssl command): spawning a child that collects everything it prints, stopping
 * it, our own client or server transport with a fixture certificate, and the exchange
 * every external client goes through with our server.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { DtlsClientTransport, DtlsServerTransport, TLSOptions } from "../../src/dtls/mod.ts";
import { Collector, fixture, ROOT, udp, waitFor } from "./support.ts";

/** The fixture certificate kinds. */
export type CertificateKind = "rsa" | "ec";

/** A running child and all its output so far (stdout and stderr interleaved). */
export interface CollectingChild {
  /** The process. */
  child: ChildProcess;
  /** Everything it printed so far. */
  output: () => string;
}

/**
 * Spawns `command args`, collecting stdout and stderr into one text.
 *
 * @param command The executable.
 * @param args Its arguments.
 * @param stdin "pipe" to write to it, else "ignore".
 * @returns The child and a reader of its output.
 */
export function spawnCollecting(
  command: string,
  args: readonly string[],
  stdin: "pipe" | "ignore" = "ignore",
): CollectingChild {
  const child = spawn(command, [...args], { stdio: [stdin, "pipe", "pipe"] });
  let out = "";
  const decoder = new TextDecoder();
  child.stdout!.on("data", (b: Uint8Array) => (out += decoder.decode(b)));
  child.stderr!.on("data", (b: Uint8Array) => (out += decoder.decode(b)));
  child.on("error", () => {});
  return { child, output: () => out };
}

/**
 * Spawns the mbed TLS test peer (tests/dtls/c), building it first if needed.
 *
 * @param args Its arguments: `server CERT KEY` or `client PORT CA HOSTNAME`.
 * @returns The child and a reader of its output.
 */
export function spawnMbedtlsPeer(args: readonly string[]): CollectingChild {
  const peer = join(ROOT, "tests", "dtls", "c", "bin", "dtls_peer");
  if (!existsSync(peer)) {
    execFileSync("bash", [join(ROOT, "tests", "dtls", "c", "build.sh")], { stdio: "inherit" });
  }
  return spawnCollecting(peer, args);
}

/**
 * Spawns the openssl command with a writable stdin (what s_server and s_client send).
 *
 * @param args Its arguments.
 * @returns The child and a reader of its output.
 */
export function spawnOpenssl(args: readonly string[]): CollectingChild {
  return spawnCollecting("openssl", args, "pipe");
}

/**
 * Kills a child (SIGKILL) unless it already ended, waiting at most 2 s for it.
 *
 * @param child The process.
 */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
}

/**
 * Our DTLS client on a loopback socket, trusting the fixture CA of `kind`, and a collector
 * of what it receives.
 *
 * @param kind The certificate kind.
 * @returns The transport and its collector.
 */
export async function ourClient(
  kind: CertificateKind,
): Promise<{ client: DtlsClientTransport; fromServer: Collector }> {
  const client = new DtlsClientTransport(
    await udp(),
    "localhost",
    TLSOptions.client(fixture(`ca_${kind}.crt`)),
  );
  return { client, fromServer: new Collector(client) };
}

/**
 * Our DTLS server on a loopback socket with the fixture server certificate of `kind`, and
 * a collector of what it receives.
 *
 * @param kind The certificate kind.
 * @returns The transport and its collector.
 */
export async function ourServer(
  kind: CertificateKind,
): Promise<{ server: DtlsServerTransport; fromClient: Collector }> {
  const server = new DtlsServerTransport(
    await udp(),
    TLSOptions.server(fixture(`server_${kind}.key`), fixture(`server_${kind}.crt`)),
  );
  return { server, fromClient: new Collector(server) };
}

/**
 * Spawns an external peer with `start` and runs `body` with it; whatever happens, the
 * peer is stopped and `ours` (our transport) closed afterwards.
 *
 * @param ours Our client or server transport.
 * @param start Spawns the peer.
 * @param body The exchange.
 */
export async function withExternalPeer(
  ours: { close(): Promise<void> },
  start: () => CollectingChild,
  body: (peer: CollectingChild) => Promise<void>,
): Promise<void> {
  let spawned: CollectingChild | undefined;
  try {
    spawned = start();
    await body(spawned);
  } finally {
    if (spawned !== undefined) await stop(spawned.child);
    await ours.close();
  }
}

/** What an external client and our server say to each other. */
export interface Exchange {
  /** The client's first datagram, as text. */
  hello: string;
  /** Our answer to it. */
  reply: string;
  /** What the client prints once it has the answer. */
  printed: string;
  /** Names that line in a timeout message. */
  what: string;
}

/**
 * Our server's side of an exchange with an external client: the first datagram must be
 * `hello`, the reply goes back to its sender and the client must print it; the handshake
 * cost exactly one cookie.
 *
 * @param server Our server.
 * @param fromClient What it received.
 * @param peer The external client.
 * @param exchange The texts.
 */
export async function answerExternalClient(
  server: DtlsServerTransport,
  fromClient: Collector,
  peer: CollectingChild,
  exchange: Exchange,
): Promise<void> {
  const [got] = await fromClient.take(1);
  assert.equal(new TextDecoder().decode(got.data), exchange.hello);
  server.send({
    data: new TextEncoder().encode(exchange.reply),
    address: got.address,
    port: got.port,
  });
  await waitFor(() => peer.output().includes(exchange.printed), 10_000, exchange.what);
  assert.equal(server.stats.cookiesSent, 1);
}
