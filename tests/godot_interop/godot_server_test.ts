/**
 * TypeScript clients join a real Godot 3.2 `NetworkedMultiplayerENet` server (headless
 * `godot3-server` running `godot_peer.gd`) in every compression mode, exchange
 * Godot-framed packets with it and check every byte that comes back.
 */

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ENetConnection, type ENetPacketPeer, PacketFlags } from "../../mod.ts";
import {
  frame,
  packetKey,
  parsePlan,
  parseSystemMessage,
  planChannel,
  planFlags,
  planPayload,
  SERVER_ID,
  SysChannel,
  SysMessage,
  unframe,
} from "./godot3_framing.ts";
import { GodotProcess } from "./godot_process.ts";
import { UdpRelay } from "./udp_relay.ts";
import {
  assertCompression,
  type Event,
  freeUdpPort,
  type Mode,
  MODES,
  NO_DROP_THROTTLE,
  PLAN,
  SCENARIO_MS,
  TEST_TIMEOUT_MS,
  UNFRAGMENTED_LIMIT,
  waitFor,
} from "./harness.ts";

const ITEMS = parsePlan(PLAN);

/** A TypeScript client with the system messages it has been sent. */
interface Client {
  connection: ENetConnection;
  peer: ENetPacketPeer;
  id: number;
  system: { type: number; id: number }[];
}

async function join(
  connection: ENetConnection,
  mode: Mode,
  port: number,
  id: number,
  deadline: number,
) {
  await connection.createHost(1, SysChannel.COUNT);
  await connection.compress(mode.value);
  const peer = await connection.connectToHost("127.0.0.1", port, SysChannel.COUNT, id);
  const client: Client = { connection, peer, id, system: [] };
  await waitFor(
    connection,
    deadline,
    `client ${id} to connect`,
    (e) => e.type === ENetConnection.EVENT_CONNECT,
    (e) => assert.fail(`client ${id} got event ${e.type} instead of a connection`),
  );
  peer.throttleConfigure(...NO_DROP_THROTTLE);
  return client;
}

/** Files channel 0 traffic as system messages; anything else is a failure. */
function systemOnly(client: Client): (event: Event) => void {
  return (event) => {
    if (event.type === ENetConnection.EVENT_RECEIVE && event.channel === SysChannel.CONFIG) {
      const message = parseSystemMessage(event.packet);
      assert.ok(message !== null, `system message of ${event.packet.length} bytes`);
      client.system.push(message);
      return;
    }
    assert.fail(`client ${client.id}: unexpected event ${event.type} on channel ${event.channel}`);
  };
}

function waitSystem(client: Client, type: number, id: number, deadline: number): Promise<unknown> {
  const seen = () => client.system.some((m) => m.type === type && m.id === id);
  if (seen()) return Promise.resolve();
  return waitFor(client.connection, deadline, `system message ${type} about ${id}`, (event) => {
    if (event.type === ENetConnection.EVENT_NONE) return false;
    systemOnly(client)(event);
    return seen();
  });
}

/** Disconnects `client` from the server and waits for its own DISCONNECT event. */
async function leave(client: Client, name: string, deadline: number): Promise<void> {
  client.peer.peerDisconnect();
  const disconnected = (event: Event) => event.type === ENetConnection.EVENT_DISCONNECT;
  await waitFor(client.connection, deadline, `${name}'s disconnect`, disconnected);
}

async function scenario(mode: Mode, index: number): Promise<void> {
  const deadline = Date.now() + SCENARIO_MS;
  const idA = 0x10203040 + index;
  const idB = 0x50607080 + index;
  const port = await freeUdpPort();
  const godot = new GodotProcess({
    role: "server",
    port,
    mode: mode.godot,
    deadline: 25,
    quit_after: 2,
  });
  const connectionA = new ENetConnection();
  const connectionB = new ENetConnection();
  let relay: UdpRelay | undefined;
  try {
    await godot.next("listening", 10_000);
    // A goes through a relay that sees whether datagrams travel compressed.
    relay = await UdpRelay.open(port);
    const a = await join(connectionA, mode, relay.port, idA, deadline);
    assert.equal((await godot.next("connect", 5_000, (l) => l.id === idA)).id, idA);
    const b = await join(connectionB, mode, port, idB, deadline);
    assert.equal((await godot.next("connect", 5_000, (l) => l.id === idB)).id, idB);
    // With relaying on (its default), Godot introduces the clients to each other.
    await waitSystem(a, SysMessage.ADD_PEER, idB, deadline);
    await waitSystem(b, SysMessage.ADD_PEER, idA, deadline);

    // A sends the plan to the server, a packet relayed to B, and one with a forged
    // source that Godot must drop. Reliable channel 1 is ordered both ways, so the
    // forged packet's echo would come back before the later reliable items.
    const expected = new Map<string, number>();
    const planKeys: string[] = [];
    const forged = new TextEncoder().encode("forged source");
    const relayed = new TextEncoder().encode("relayed to B");
    ITEMS.forEach((item, i) => {
      const body = planPayload(item, i);
      const key = packetKey(planChannel(item), body);
      expected.set(key, (expected.get(key) ?? 0) + 1);
      planKeys.push(key);
      a.peer.send(planChannel(item), frame(idA, SERVER_ID, body), planFlags(item));
      if (i === 7) {
        a.peer.send(
          SysChannel.RELIABLE,
          frame(idA + 1, SERVER_ID, forged),
          PacketFlags.FLAG_RELIABLE,
        );
        a.peer.send(SysChannel.RELIABLE, frame(idA, idB, relayed), PacketFlags.FLAG_RELIABLE);
      }
    });

    // Every echo comes back once, byte-exact, from the server to A.
    let pending = ITEMS.length;
    const flagsSeen: string[] = [];
    const missing = () => {
      const keys = [...expected].filter(([, left]) => left > 0).map(([key]) => key);
      const traffic = `relay: ${JSON.stringify(relay!.up)} up, ${JSON.stringify(relay!.down)} down`;
      return `${pending} echoes (${keys.join(" ")}; ${traffic})`;
    };
    await waitFor(connectionA, deadline, missing, (event) => {
      if (event.type === ENetConnection.EVENT_NONE) return false;
      if (event.type !== ENetConnection.EVENT_RECEIVE || event.channel === SysChannel.CONFIG) {
        systemOnly(a)(event);
        return false;
      }
      const framed = unframe(event.packet);
      assert.ok(framed !== null, `echo of ${event.packet.length} bytes`);
      assert.deepEqual([framed.source, framed.target], [SERVER_ID, idA], "echo header");
      const key = packetKey(event.channel, framed.payload);
      const left = expected.get(key) ?? 0;
      assert.ok(
        left > 0,
        `unexpected echo ${key} (${new TextDecoder().decode(framed.payload.slice(0, 20))})`,
      );
      expected.set(key, left - 1);
      if (framed.payload.length <= UNFRAGMENTED_LIMIT) {
        flagsSeen.push(`${event.channel}:${event.flags}`);
      }
      return --pending === 0;
    });
    // Godot echoes channel 2 as unsequenced, channel 1 as reliable.
    const small = ITEMS.filter((item) => item.size <= UNFRAGMENTED_LIMIT).length;
    assert.equal(flagsSeen.length, small);
    for (const seen of flagsSeen) {
      assert.ok(
        seen === `1:${PacketFlags.FLAG_RELIABLE}` || seen === `2:${PacketFlags.FLAG_UNSEQUENCED}`,
        `echo flags ${seen}`,
      );
    }
    assertCompression(mode, relay);

    // Godot saw each packet once, from A, and not the forged one.
    const godotKeys: string[] = [];
    for (let i = 0; i < ITEMS.length; i++) {
      const line = await godot.next("receive", 5_000);
      assert.equal(line.from, idA);
      godotKeys.push(`${line.channel}:${line.length}:${line.hash}`);
    }
    assert.deepEqual(godot.pending("receive"), [], "Godot received more than the plan");
    assert.deepEqual(godotKeys.sort(), planKeys.sort());

    // B got the relayed packet with A's header intact.
    const forwarded = await waitFor(connectionB, deadline, "the relayed packet", (e) => {
      return e.type === ENetConnection.EVENT_RECEIVE && e.channel === SysChannel.RELIABLE;
    }, systemOnly(b));
    assert.deepEqual(forwarded.packet, frame(idA, idB, relayed));

    // B leaves: A hears of it on channel 0, Godot reports it.
    await leave(b, "B", deadline);
    await waitSystem(a, SysMessage.REMOVE_PEER, idB, deadline);
    await godot.next("disconnect", 5_000, (l) => l.id === idB);
    await leave(a, "A", deadline);
    await godot.next("disconnect", 5_000, (l) => l.id === idA);
    assert.equal((await godot.next("exit", 5_000)).code, 0);
  } catch (error) {
    throw new Error(`${(error as Error).message}\nGodot's output:\n  ${godot.tail(30)}`, {
      cause: error,
    });
  } finally {
    await connectionA.destroy();
    await connectionB.destroy();
    await relay?.close();
    await godot.kill();
  }
}

describe("TypeScript clients on a Godot 3.2 NetworkedMultiplayerENet server", () => {
  MODES.forEach((mode, index) => {
    const name =
      `compression ${mode.godot}: join, echo every packet byte-exact, relay, system messages`;
    test(name, { timeout: TEST_TIMEOUT_MS }, () => scenario(mode, index));
  });
});
