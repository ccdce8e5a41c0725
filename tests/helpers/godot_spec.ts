/**
 * Test helper: Godot's class reference pages vendored in tests/fixtures/spec/ (see its
 * README.md), read into the methods and constants they list.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { fixturePath } from "./fixtures.ts";

/** A class's methods (snake_case) and constants (name → value) per the reference. */
export interface Spec {
  /** Method names. */
  methods: Set<string>;
  /** Constants and enum values. */
  constants: Map<string, number>;
}

/**
 * The folder of the reference pages.
 *
 * @returns Its path.
 */
export function findSpecFolder(): string {
  const spec = fixturePath("spec");
  if (!existsSync(spec)) {
    throw new Error(`Cannot find Godot's API reference: expected the folder ${spec}`);
  }
  return spec;
}

/**
 * Reads a Sphinx reST class reference (ENetConnection.godot-*.rst).
 *
 * @param text The page.
 * @param className The class it documents.
 * @returns Its methods and constants.
 */
export function parseRst(text: string, className: string): Spec {
  const methods = new Set<string>();
  const constants = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`class_${className}_method_([a-z0-9_]+)>`, "g"))) {
    methods.add(m[1]);
  }
  for (const m of text.matchAll(/\*\*([A-Z][A-Z0-9_]+)\*\* = ``(-?\d+)``/g)) {
    constants.set(m[1], Number(m[2]));
  }
  return { methods, constants };
}

/**
 * Reads a Markdown class reference (ENetPacketPeer.md).
 *
 * @param text The page.
 * @returns Its methods and constants.
 */
export function parseMarkdown(text: string): Spec {
  const methods = new Set<string>();
  const constants = new Map<string, number>();
  const table = text.slice(text.indexOf("## Methods"), text.indexOf("## Enumerations"));
  for (const m of table.matchAll(/\|\s*([a-z][a-z0-9_]*)\(/g)) methods.add(m[1]);
  for (const m of text.matchAll(/^(?:\w+ )?([A-Z][A-Z0-9_]+) = `(-?\d+)`/gm)) {
    constants.set(m[1], Number(m[2]));
  }
  return { methods, constants };
}
