/**
 * A real Godot 3.2 `NetworkedMultiplayerENet` client (headless `godot3-server` running
 * `godot_peer.gd`) joins a TypeScript server in every compression mode. The server
 * plays Godot's part: it accepts the client's multiplayer id from the CONNECT data,
 * announces a peer on channel 0 and echoes every packet with Godot's framing; the
 * Godot client checks each echo byte for byte and reports.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, type ENetPacketPeer, PacketFlags } from "../../mod.ts";
import {
  frame,
  packetKey,
  parsePlan,
  planChannel,
  planFlags,
  planPayload,
  SERVER_ID,
  SysChannel,
  SysMessage,
  systemMessage,
  unframe,
} from "./godot3_framing.ts";
import { GodotProcess } from "./godot_process.ts";
import { UdpRelay } from "./udp_relay.ts";
import {
  assertCompression,
  type Mode,
  MODES,
  nextEvent,
  NO_DROP_THROTTLE,
  PLAN,
  SCENARIO_MS,
  TEST_TIMEOUT_MS,
  UNFRAGMENTED_LIMIT,
} from "./harness.ts";

const ITEMS = parsePlan(PLAN);
/** A peer id the server announces, as Godot's relay does for other clients. */
const ANNOUNCED_ID = 4242;

/** What the TypeScript server saw. */
interface ServerLog {
  connectData: number[];
  channels: number[];
  received: string[];
  /** `channel:flags:length` of the packets small enough to travel unfragmented. */
  flags: string[];
  disconnectData: number[];
  problems: string[];
}

/** Serves one Godot client until it disconnects, Godot exits or the deadline passes. */
async function serve(
  server: ENetConnection,
  godot: GodotProcess,
  deadline: number,
): Promise<ServerLog> {
  const log: ServerLog = {
    connectData: [],
    channels: [],
    received: [],
    flags: [],
    disconnectData: [],
    problems: [],
  };
  let client: ENetPacketPeer | null = null;
  while (Date.now() < deadline) {
    const event = await nextEvent(server, Math.min(deadline, Date.now() + 250));
    if (event.type === ENetConnection.EVENT_NONE && godot.exitCode !== undefined) break;
    if (event.type === ENetConnection.EVENT_CONNECT && event.peer !== null) {
      client = event.peer;
      client.throttleConfigure(...NO_DROP_THROTTLE);
      log.connectData.push(event.data);
      log.channels.push(client.getChannels());
      client.send(
        SysChannel.CONFIG,
        systemMessage(SysMessage.ADD_PEER, ANNOUNCED_ID),
        PacketFlags.FLAG_RELIABLE,
      );
    } else if (
      event.type === ENetConnection.EVENT_RECEIVE && client !== null && event.peer === client
    ) {
      const framed = unframe(event.packet);
      if (framed === null || framed.source !== log.connectData[0] || framed.target !== SERVER_ID) {
        log.problems.push(
          `bad packet on channel ${event.channel}: ${event.packet.subarray(0, 8).join(",")}`,
        );
        continue;
      }
      log.received.push(packetKey(event.channel, framed.payload));
      if (framed.payload.length <= UNFRAGMENTED_LIMIT) {
        log.flags.push(`${event.channel}:${event.flags}:${framed.payload.length}`);
      }
      const flags = event.flags & (PacketFlags.FLAG_RELIABLE | PacketFlags.FLAG_UNSEQUENCED);
      client.send(event.channel, frame(SERVER_ID, framed.source, framed.payload), flags);
    } else if (event.type === ENetConnection.EVENT_DISCONNECT) {
      log.disconnectData.push(event.data);
      break;
    } else if (event.type !== ENetConnection.EVENT_NONE) {
      log.problems.push(`unexpected event ${event.type}`);
    }
  }
  return log;
}

async function scenario(mode: Mode): Promise<void> {
  const deadline = Date.now() + SCENARIO_MS;
  const server = new ENetConnection();
  let godot: GodotProcess | undefined;
  let relay: UdpRelay | undefined;
  try {
    await server.createHostBound("127.0.0.1", 0, 4, SysChannel.COUNT);
    await server.compress(mode.value);
    // Godot connects through a relay that sees whether datagrams travel compressed.
    relay = await UdpRelay.open(server.getLocalPort());
    godot = new GodotProcess({
      role: "client",
      host: "127.0.0.1",
      port: relay.port,
      mode: mode.godot,
      plan: PLAN,
      deadline: 15,
    });
    const log = await serve(server, godot, deadline);
    const id = (await godot.next("connecting", 1_000)).id!;
    const result = await godot.next("result", 5_000);
    assert.deepEqual(log.problems, []);

    // Godot's client connects with its id as data, 3 channels, and leaves with its id.
    assert.ok(id >= 2 && id <= 0x7fffffff, `client id ${id}`);
    assert.deepEqual(log.connectData, [id]);
    assert.deepEqual(log.channels, [SysChannel.COUNT]);
    assert.deepEqual(log.disconnectData, [id]);
    // It took the announced peer from channel 0.
    await godot.next("connect", 1_000, (line) => line.id === ANNOUNCED_ID);

    // The server got each packet once, unchanged, with Godot's transfer-mode flags.
    const planKeys = ITEMS.map((item, i) => packetKey(planChannel(item), planPayload(item, i)));
    assert.deepEqual([...log.received].sort(), [...planKeys].sort());
    const smallFlags = ITEMS.flatMap((item) => {
      return item.size <= UNFRAGMENTED_LIMIT
        ? [`${planChannel(item)}:${planFlags(item)}:${item.size}`]
        : [];
    });
    assert.deepEqual([...log.flags].sort(), smallFlags.sort());

    // And Godot got every echo back, byte for byte.
    assert.deepEqual(
      {
        pass: result.pass,
        sent: result.sent,
        matched: result.matched,
        unexpected: result.unexpected,
        wrong_source: result.wrong_source,
        missing: result.missing,
      },
      {
        pass: true,
        sent: ITEMS.length,
        matched: ITEMS.length,
        unexpected: 0,
        wrong_source: 0,
        missing: [],
      },
    );
    assert.equal((await godot.next("exit", 5_000)).code, 0);
    assertCompression(mode, relay);
  } catch (error) {
    const output = godot === undefined ? "(not started)" : godot.tail(30);
    throw new Error(`${(error as Error).message}\nGodot's output:\n  ${output}`, { cause: error });
  } finally {
    await server.destroy();
    await relay?.close();
    await godot?.kill();
  }
}

describe("A Godot 3.2 NetworkedMultiplayerENet client on a TypeScript server", () => {
  for (const mode of MODES) {
    const name = `compression ${mode.godot}: connect with id, system message, byte-exact echoes`;
    test(name, { timeout: TEST_TIMEOUT_MS }, () => scenario(mode));
  }
});
