/**
 * What `enet serve` and `enet connect` share: the options that configure a
 * host (compression, checksum, output), the peer label, the event reporter and
 * the live status line.
 *
 * @module
 */
import process from "node:process";
import {
  type CompressionMode,
  ENetConnection,
  ENetError,
  type ENetHostOptions,
  ENetPacketPeer,
} from "../../mod.ts";
import { createDropLogger } from "../godot/drop_statistics.ts";
import type { OptionValues } from "./args.ts";
import { COMPRESS_CHOICES } from "./commands.ts";
import { formatHostPort } from "./address.ts";
import { type CliEvent, formatHuman, formatJson, formatRate } from "./format.ts";
import { Output } from "./output.ts";

/**
 * The host extensions `--checksum` and `--verbose` ask for, for
 * createHost/createHostBound.
 *
 * @param options The parsed options.
 * @param output Where `--verbose` reports dropped datagrams (on stderr).
 * @returns The options object.
 */
export function hostOptions(options: OptionValues, output?: Output): ENetHostOptions {
  const checksum = options.checksum === "crc32";
  if (options.verbose !== true || output === undefined) return { checksum };
  return { checksum, onDrop: createDropLogger((line) => output.message(line)) };
}

/**
 * Applies `--compress` to a freshly created host.
 *
 * @param connection A host created with createHost/createHostBound.
 * @param options The parsed options.
 */
export async function configureHost(
  connection: ENetConnection,
  options: OptionValues,
): Promise<void> {
  const mode = COMPRESS_CHOICES.indexOf(
    (options.compress ?? "none") as (typeof COMPRESS_CHOICES)[number],
  );
  if (mode > 0) await connection.compress(mode as CompressionMode);
}

/**
 * The message of an error thrown by the library.
 *
 * @param error What was thrown.
 * @returns Its message (with the Godot error name for an ENetError).
 */
export function describeError(error: unknown): string {
  if (error instanceof ENetError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Names a peer by its remote address: `127.0.0.1:7777` or `[::1]:7777`.
 *
 * @param peer A peer.
 * @returns The label.
 */
export function peerLabel(peer: ENetPacketPeer): string {
  return formatHostPort(peer.getRemoteAddress(), peer.getRemotePort());
}

/**
 * Prints events in the chosen format and keeps the status line fresh.
 */
export class Reporter {
  /** The output the reporter writes to. */
  readonly output: Output;
  #json: boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #last = 0;

  /**
   * @param options The parsed options (`json`, `no-status`).
   * @param typing Whether a person types on the same terminal (interactive `connect`): the
   *   typed line and a redrawn status line would overwrite each other, so there is none.
   */
  constructor(options: OptionValues, typing = false) {
    this.#json = options.json === true;
    this.output = new Output({
      status: options["no-status"] !== true && !this.#json && !typing,
      json: this.#json,
    });
  }

  /**
   * Prints one event.
   *
   * @param event The event.
   */
  event(event: CliEvent): void {
    if (this.#json) {
      this.output.line(formatJson(event));
    } else if (event.type === "listening") {
      this.output.message(formatHuman(event)); // stdout carries only traffic
    } else {
      this.output.line(formatHuman(event));
    }
  }

  /**
   * Starts refreshing the status line twice a second (only on a terminal).
   *
   * @param connection The host whose peers and traffic are shown.
   */
  startStatus(connection: ENetConnection): void {
    if (!this.output.statusEnabled) return;
    this.#last = performance.now();
    connection.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA);
    connection.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA);
    this.#timer = setInterval(() => this.output.status(this.#statusText(connection)), 500);
  }

  /** Stops and erases the status line. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.output.clearStatus();
  }

  #statusText(connection: ENetConnection): string {
    const now = performance.now();
    const seconds = Math.max((now - this.#last) / 1000, 0.001);
    this.#last = now;
    const sent = connection.popStatistic(ENetConnection.HOST_TOTAL_SENT_DATA) / seconds;
    const received = connection.popStatistic(ENetConnection.HOST_TOTAL_RECEIVED_DATA) / seconds;
    const peers = connection.getPeers().filter((p) =>
      p.getState() === ENetPacketPeer.STATE_CONNECTED
    );
    let rtt = 0;
    let loss = 0;
    for (const peer of peers) {
      rtt += peer.getStatistic(ENetPacketPeer.PEER_ROUND_TRIP_TIME);
      loss += peer.getStatistic(ENetPacketPeer.PEER_PACKET_LOSS);
    }
    const n = Math.max(peers.length, 1);
    const lossPercent = (loss / n / ENetPacketPeer.PACKET_LOSS_SCALE) * 100;
    return `peers ${peers.length} | rtt ${Math.round(rtt / n)} ms | loss ${
      lossPercent.toFixed(1)
    }% | in ${formatRate(received)} | out ${formatRate(sent)}`;
  }
}

/**
 * Calls `onStop` once on SIGINT or SIGTERM; a second signal exits at once.
 *
 * @param onStop What to do on the first signal.
 * @returns A function that removes the handlers.
 */
export function onSignals(onStop: () => void): () => void {
  let stopping = false;
  const handler = () => {
    if (stopping) process.exit(130);
    stopping = true;
    onStop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
