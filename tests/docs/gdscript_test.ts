/**
 * The GDScript of README.md is Godot 4's API as its class reference documents it (the
 * pages vendored in tests/fixtures/spec/: Godot 4.2 and latest): every method called on
 * an `ENetConnection` or `ENetPacketPeer` variable and every constant used exists there,
 * no Godot 3 name slips in, and each GDScript block follows the TypeScript block it
 * mirrors with the same compression mode. No Godot 4 binary is available to run it.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { findSpecFolder, parseMarkdown, parseRst, type Spec } from "../helpers/godot_spec.ts";
import { blocks, README } from "./_readme.ts";

const folder = findSpecFolder();
/** ENetConnection as both references list it (a name must be in each). */
const connections: Spec[] = readdirSync(folder)
  .filter((f) => /^ENetConnection.*\.rst$/.test(f))
  .map((f) => parseRst(readFileSync(join(folder, f), "utf8"), "ENetConnection"));
const packetPeer = parseMarkdown(readFileSync(join(folder, "ENetPacketPeer.md"), "utf8"));
/** PacketPeer's packet methods, which ENetPacketPeer inherits (PacketPeer's page is not vendored). */
const PACKET_PEER = ["get_packet", "put_packet", "get_available_packet_count", "get_packet_error"];

const ALL = blocks(README);
const GD = ALL.filter((b) => b.lang === "gdscript");

/** The names a block declares as `ENetConnection` or `ENetPacketPeer` variables. */
function variables(code: string): Map<string, "ENetConnection" | "ENetPacketPeer"> {
  const found = new Map<string, "ENetConnection" | "ENetPacketPeer">();
  for (const m of code.matchAll(/var (\w+)\s*(?::=\s*|:\s*)(ENetConnection|ENetPacketPeer)\b/g)) {
    found.set(m[1], m[2] as "ENetConnection" | "ENetPacketPeer");
  }
  return found;
}

const modes = (code: string) => [...new Set(code.match(/COMPRESS_[A-Z_]+/g) ?? [])].sort();

describe("README.md's GDScript (Godot 4)", () => {
  test("each TypeScript quick start is followed by its GDScript, in the same compression mode", () => {
    const quickStarts = ALL.filter((b) =>
      b.lang === "ts" && (b.directive?.kind === "serve" || b.directive?.kind === "client")
    );
    assert.ok(quickStarts.length >= 2);
    for (const ts of quickStarts) {
      const next = ALL[ALL.indexOf(ts) + 1];
      assert.equal(next?.lang, "gdscript", `README line ${ts.line}: no GDScript after it`);
      assert.deepEqual(modes(next.code), modes(ts.code), `README line ${next.line}`);
      assert.ok(modes(next.code).length > 0, `README line ${next.line}: no compression mode`);
    }
  });

  test("every method and constant used is in Godot 4's class reference", () => {
    assert.ok(GD.length >= 2);
    assert.equal(connections.length, 2, "the 4.2 and latest ENetConnection references");
    const problems: string[] = [];
    for (const block of GD) {
      const vars = variables(block.code);
      assert.ok(vars.size > 0, `README line ${block.line}: no ENetConnection/ENetPacketPeer`);
      for (const m of block.code.matchAll(/\b(\w+)\.([a-z_][a-z0-9_]*)\(/g)) {
        const cls = vars.get(m[1]);
        if (cls === "ENetConnection" && !connections.every((s) => s.methods.has(m[2]))) {
          problems.push(`line ${block.line}: ENetConnection.${m[2]}()`);
        }
        if (
          cls === "ENetPacketPeer" && !packetPeer.methods.has(m[2]) && !PACKET_PEER.includes(m[2])
        ) {
          problems.push(`line ${block.line}: ENetPacketPeer.${m[2]}()`);
        }
      }
      for (
        const m of block.code.matchAll(/\b(ENetConnection|ENetPacketPeer)\.([A-Z][A-Z0-9_]*)\b/g)
      ) {
        const known = m[1] === "ENetConnection"
          ? connections.every((s) => s.constants.has(m[2]))
          : packetPeer.constants.has(m[2]);
        if (!known) problems.push(`line ${block.line}: ${m[1]}.${m[2]}`);
      }
      for (
        const m of block.code.matchAll(/NetworkedMultiplayerENet|PoolByteArray|\.to_utf8\(|_var\(/g)
      ) {
        problems.push(`line ${block.line}: ${m[0]} (Godot 3, or not provided)`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
