/**
 * Helpers for the DTLS tests against external implementations (the mbed TLS test peer,
 * the openssl command): spawning a child that collects everything it prints, stopping
 * it, and our own client or server transport with a fixture certificate.
 *
 * @module
 */

import { type ChildProcess, spawn } from "node:child_process";
import { DtlsClientTransport, DtlsServerTransport, TLSOptions } from "../../src/dtls/mod.ts";
import { Collector, fixture, udp } from "./support.ts";

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
