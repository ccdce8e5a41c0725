#!/usr/bin/env node
/**
 * Stages the npm package from the tsc output: copies the library, the adapters
 * and the `enet` CLI out of build/ (leaving tests and examples behind), writes
 * a package.json with `exports` and `bin`, and adds README.md and LICENSE.
 *
 * Usage (after `npm run build`):
 *   node scripts/build_npm.mjs [--out DIR]      # default DIR: dist/npm
 *   cd dist/npm && npm pack                     # or npm publish
 *
 * @module
 */
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const build = join(root, "build");
const at = process.argv.indexOf("--out");
const out = resolve(at < 0 ? join(root, "dist", "npm") : process.argv[at + 1]);

if (!existsSync(join(build, "mod.js"))) {
  console.error("build_npm: build/mod.js is missing: run `npm run build` first");
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
for (const entry of ["mod.js", "mod.d.ts", "cli.js", "cli.d.ts", "src", "adapters"]) {
  if (existsSync(join(build, entry))) {
    cpSync(join(build, entry), join(out, entry), { recursive: true });
  }
}
chmodSync(join(out, "cli.js"), 0o755);
for (const file of ["README.md", "LICENSE"]) {
  if (existsSync(join(root, file))) cpSync(join(root, file), join(out, file));
}

const source = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const manifest = {
  name: source.name,
  version: source.version,
  description: source.description,
  license: source.license,
  type: "module",
  engines: source.engines,
  keywords: ["enet", "udp", "reliable-udp", "godot", "networking", "gamedev"],
  exports: {
    ".": { types: "./mod.d.ts", import: "./mod.js" },
    "./adapters": { types: "./adapters/mod.d.ts", import: "./adapters/mod.js" },
    "./compress": { types: "./src/compress/mod.d.ts", import: "./src/compress/mod.js" },
    "./cli": { types: "./src/cli/main.d.ts", import: "./src/cli/main.js" },
    "./package.json": "./package.json",
  },
  types: "./mod.d.ts",
  bin: { enet: "cli.js" },
  files: ["mod.js", "mod.d.ts", "cli.js", "cli.d.ts", "src/", "adapters/", "README.md", "LICENSE"],
  dependencies: source.dependencies ?? {},
};
writeFileSync(join(out, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`build_npm: staged ${manifest.name}@${manifest.version} in ${out}`);
