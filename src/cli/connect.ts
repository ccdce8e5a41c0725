/**
 * `enet connect`: connect to a server, send each line of standard input as a
 * packet, print what arrives, and disconnect cleanly at end of input.
 *
 * @module
 */
import process from "node:process";
import { createInterface } from "node:readline";
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
import type { OptionValues } from "./args.ts";
import { formatHostPort, type HostPort, resolveHost } from "./address.ts";
import { type ClientTls, explainDtlsError } from "./dtls.ts";
import {
  configureHost,
  describeError,
  hostOptions,
  onSignals,
  peerLabel,
  type Reporter,
} from "./session.ts";

/**
 * Runs `enet connect`.
 *
 * @param target The server address.
 * @param options Parsed options.
 * @param reporter Where events go.
 * @param tls The DTLS client setup (from `--dtls`), or `null` for plain UDP.
 * @returns The exit status.
 */
export async function connect(
  target: HostPort,
  options: OptionValues,
  reporter: Reporter,
  tls: ClientTls | null = null,
): Promise<number> {
  const out = reporter.output;
  const label = formatHostPort(target.host, target.port);
  let resolved: { address: string; family: 4 | 6 };
  try {
    resolved = await resolveHost(target.host);
  } catch (error) {
    out.error((error as Error).message, 1);
    return 1;
  }
  const channels = (options.channels as number | undefined) ?? 8;
  const channel = (options.channel as number | undefined) ?? 0;
  const timeout = (options.timeout as number | undefined) ?? 5000;
  const flags = options.unsequenced === true
    ? ENetPacketPeer.FLAG_UNSEQUENCED
    : options.unreliable === true
    ? 0
    : ENetPacketPeer.FLAG_RELIABLE;

  const connection = new ENetConnection();
  let peer: ENetPacketPeer;
  try {
    await connection.createHost(1, channels, 0, 0, hostOptions(options, reporter.output));
    await configureHost(connection, options);
    if (tls !== null) {
      // The handshake gets the whole connect time; --timeout bounds both anyway.
      await connection.dtlsClientSetup(tls.hostname, tls.options, { handshakeTimeoutMs: timeout });
    }
    peer = await connection.connectToHost(
      resolved.address,
      target.port,
      channels,
      (options.data as number | undefined) ?? 0,
    );
  } catch (error) {
    out.error(`cannot connect to ${label}: ${describeError(error)}`, 1);
    await connection.destroy();
    return 1;
  }
  let interrupted = false;
  const removeSignals = onSignals(() => interrupted = true);
  // Lines are read from the start; those arriving before the connection are kept.
  const input = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  const encoder = new TextEncoder();
  const early: string[] = [];
  let connected = false;
  let ended = false;
  let endedAt = 0;
  const send = (line: string) => {
    if (peer.getState() === ENetPacketPeer.STATE_CONNECTED) {
      peer.send(channel, encoder.encode(line), flags);
    }
  };
  input.on("line", (line) => connected ? send(line) : early.push(line));
  input.on("close", () => {
    ended = true;
    endedAt = performance.now();
  });
  try {
    // Connecting, bounded by --timeout.
    const connectDeadline = performance.now() + timeout;
    for (;;) {
      const left = connectDeadline - performance.now();
      if (left <= 0 || interrupted) {
        peer.peerDisconnectNow();
        out.error(
          `cannot connect to ${label}: ${
            interrupted ? "interrupted" : `timed out after ${timeout} ms`
          }`,
          1,
        );
        return 1;
      }
      const [type] = await connection.service(Math.min(Math.ceil(left), 100));
      if (type === ENetConnection.EVENT_CONNECT) break;
      if (type === ENetConnection.EVENT_DISCONNECT) {
        const dtlsError = connection.getDtlsError();
        out.error(
          `cannot connect to ${label}: ${
            dtlsError !== null && tls !== null
              ? explainDtlsError(dtlsError, options, tls.hostname)
              : "refused or timed out"
          }`,
          1,
        );
        return 1;
      }
    }
    const remote = peerLabel(peer);
    reporter.event({ type: "connect", peer: remote, data: 0 });
    reporter.startStatus(connection);

    // Connected: send lines (those read while connecting first), print packets.
    connected = true;
    for (const line of early.splice(0)) send(line);
    const linger = (options.linger as number | undefined) ?? 0;
    let disconnectDeadline = Infinity;
    for (;;) {
      if (interrupted && disconnectDeadline === Infinity) {
        ended = true;
        endedAt = -Infinity;
      }
      if (ended && disconnectDeadline === Infinity && performance.now() - endedAt >= linger) {
        peer.peerDisconnectLater();
        disconnectDeadline = performance.now() + timeout;
      }
      if (performance.now() > disconnectDeadline) {
        peer.peerDisconnectNow();
        out.error(`disconnect from ${label} not acknowledged within ${timeout} ms`, 1);
        return 1;
      }
      const [type, from, data, ch] = await connection.service(50);
      if (type === ENetConnection.EVENT_RECEIVE) {
        const packetFlags = from.getPacketFlags();
        const packet = from.getPacket();
        reporter.event({
          type: "receive",
          peer: remote,
          channel: ch,
          flags: packetFlags,
          data: packet,
        });
      } else if (type === ENetConnection.EVENT_DISCONNECT) {
        reporter.event({ type: "disconnect", peer: remote, data });
        // A DTLS session that fails after connecting (an alert, the server's
        // session gone) ends the connection without ENet's goodbye.
        const dtlsError = connection.getDtlsError();
        if (dtlsError === null || tls === null) return 0;
        out.error(
          `connection to ${label} lost: ${explainDtlsError(dtlsError, options, tls.hostname)}`,
          1,
        );
        return 1;
      }
    }
  } finally {
    removeSignals();
    reporter.stop();
    input.close();
    process.stdin.destroy();
    await connection.destroy();
  }
}
