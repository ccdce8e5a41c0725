/**
 * `enet serve`: host a server, print what happens, optionally echo packets.
 *
 * @module
 */
import { ENetConnection, ENetPacketPeer, type TLSOptions } from "../../mod.ts";
import type { OptionValues } from "./args.ts";
import {
  configureHost,
  describeError,
  hostOptions,
  onSignals,
  peerLabel,
  type Reporter,
} from "./session.ts";

/** Echo keeps the delivery mode of each packet. */
const ECHO_FLAGS = ENetPacketPeer.FLAG_RELIABLE | ENetPacketPeer.FLAG_UNSEQUENCED |
  ENetPacketPeer.FLAG_UNRELIABLE_FRAGMENT;

/**
 * Runs `enet serve` until SIGINT or SIGTERM.
 *
 * @param options Parsed options.
 * @param reporter Where events go.
 * @param tls Server options to serve over DTLS (from `--dtls-key`/`--dtls-cert`), or `null`.
 * @returns The exit status.
 */
export async function serve(
  options: OptionValues,
  reporter: Reporter,
  tls: TLSOptions | null = null,
): Promise<number> {
  const connection = new ENetConnection();
  const bind = (options.bind as string | undefined) ?? "*";
  try {
    await connection.createHostBound(
      bind,
      options.port as number,
      (options.peers as number | undefined) ?? 32,
      (options.channels as number | undefined) ?? 255,
      0,
      0,
      hostOptions(options, reporter.output),
    );
    if (tls !== null) await connection.dtlsServerSetup(tls);
    await configureHost(connection, options);
  } catch (error) {
    reporter.output.error(
      `cannot listen on ${bind} port ${options.port}: ${describeError(error)}`,
      1,
    );
    await connection.destroy();
    return 1;
  }
  // Signals are handled before "listening" is announced: a stop right after it is clean.
  let stopping = false;
  const removeSignals = onSignals(() => stopping = true);
  reporter.event({
    type: "listening",
    address: connection.getLocalAddress(),
    port: connection.getLocalPort(),
    ...(tls === null ? {} : { dtls: true }),
  });
  reporter.startStatus(connection);
  try {
    while (!stopping) {
      const [type, peer, data, channel] = await connection.service(100);
      if (type === ENetConnection.EVENT_CONNECT) {
        reporter.event({ type: "connect", peer: peerLabel(peer), data });
      } else if (type === ENetConnection.EVENT_DISCONNECT) {
        reporter.event({ type: "disconnect", peer: peerLabel(peer), data });
      } else if (type === ENetConnection.EVENT_RECEIVE) {
        const flags = peer.getPacketFlags();
        const packet = peer.getPacket();
        reporter.event({ type: "receive", peer: peerLabel(peer), channel, flags, data: packet });
        if (options.echo === true) {
          const result = peer.send(channel, packet, flags & ECHO_FLAGS);
          if (result !== "OK") {
            reporter.output.message(`cannot echo to ${peerLabel(peer)}: not connected (${result})`);
          }
        }
      }
    }
    await closeAll(connection);
  } finally {
    removeSignals();
    reporter.stop();
    await connection.destroy();
  }
  return 0;
}

/** Disconnects every peer and waits (bounded) for their acknowledgements. */
async function closeAll(connection: ENetConnection): Promise<void> {
  const live = () =>
    connection.getPeers().filter((p) => p.getState() !== ENetPacketPeer.STATE_DISCONNECTED);
  for (const peer of live()) peer.peerDisconnect();
  const deadline = performance.now() + 1000;
  while (live().length > 0 && performance.now() < deadline) await connection.service(50);
}
