/**
 * Checks that every method, enum value and constant of Godot's API reference (the pages
 * vendored in `tests/fixtures/spec/`) has its counterpart:
 * a camelCase method on the class prototype and a static member with the same value.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ENetConnection, ENetPacketPeer } from "../../mod.ts";
import { findSpecFolder, parseMarkdown, parseRst, type Spec } from "../helpers/godot_spec.ts";

function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function checkClass(spec: Spec, cls: object, label: string): void {
  const prototype = (cls as { prototype: Record<string, unknown> }).prototype;
  const missingMethods = [...spec.methods]
    .filter((name) => typeof prototype[camelCase(name)] !== "function")
    .map((name) => `${label}.prototype.${camelCase(name)} (${name})`);
  const wrongConstants = [...spec.constants]
    .filter(([name, value]) => (cls as Record<string, unknown>)[name] !== value)
    .map(([name, value]) => `${label}.${name} = ${value}`);
  assert.deepEqual([...missingMethods, ...wrongConstants], [], "missing or wrong counterparts");
}

describe("Godot API coverage", () => {
  const folder = findSpecFolder();
  const files = readdirSync(folder);

  test("finds the reference files", () => {
    assert.ok(files.some((f) => /^ENetConnection.*\.rst$/.test(f)), "no ENetConnection*.rst");
    assert.ok(files.includes("ENetPacketPeer.md"), "no ENetPacketPeer.md");
  });

  for (const file of files.filter((f) => /^ENetConnection.*\.rst$/.test(f))) {
    test(`ENetConnection covers ${file}`, () => {
      const spec = parseRst(readFileSync(join(folder, file), "utf8"), "ENetConnection");
      assert.ok(spec.methods.size >= 18, `only ${spec.methods.size} methods parsed`);
      assert.ok(spec.constants.size >= 14, `only ${spec.constants.size} constants parsed`);
      checkClass(spec, ENetConnection, "ENetConnection");
    });
  }

  test("ENetPacketPeer covers ENetPacketPeer.md", () => {
    const spec = parseMarkdown(readFileSync(join(folder, "ENetPacketPeer.md"), "utf8"));
    assert.ok(spec.methods.size >= 16, `only ${spec.methods.size} methods parsed`);
    assert.ok(spec.constants.size >= 29, `only ${spec.constants.size} constants parsed`);
    checkClass(spec, ENetPacketPeer, "ENetPacketPeer");
  });

  test("ENetPacketPeer has PacketPeer's methods", () => {
    for (const name of ["getPacket", "putPacket", "getAvailablePacketCount", "getMaxPacketSize"]) {
      assert.equal(
        typeof (ENetPacketPeer.prototype as unknown as Record<string, unknown>)[name],
        "function",
        name,
      );
    }
  });
});
