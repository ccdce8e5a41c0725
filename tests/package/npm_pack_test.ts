/**
 * The npm package test: stage the package (scripts/build_npm.mjs), `npm pack` it,
 * install the tarball into a fresh project the way a user would, and use it by
 * name from ES modules and CommonJS under Node, Bun and Deno, from TypeScript
 * (tsc, nodenext and node16), and through the `enet` bin and the `./cli` subpath;
 * first without the optional packages (DTLS and zstd must ask for them), then with
 * them. The apps it runs are in tests/package/apps/.
 *
 * Staging runs tsc and installing runs npm, which takes a while, so this file
 * registers its tests only in the Node run of the suite; the apps themselves run
 * under all three runtimes. Under Deno and Bun it registers nothing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { repoRoot, RUNTIME } from "../cli/child.ts";

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (bounded by `ms`) and returns its status and output. */
function exec(file: string, args: string[], cwd: string, ms = 120000): Promise<Output> {
  return new Promise((resolve) => {
    execFile(file, args, { cwd, timeout: ms, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr + (error && code === -1 ? error.message : "") });
    });
  });
}

/** Runs a command that must succeed and returns its stdout. */
async function ok(file: string, args: string[], cwd: string, ms = 120000): Promise<string> {
  const out = await exec(file, args, cwd, ms);
  assert.equal(out.code, 0, `${file} ${args.join(" ")} failed:\n${out.stdout}\n${out.stderr}`);
  return out.stdout;
}

const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
/** Each runtime's command line for running a script file. */
const RUNTIMES: Record<string, (script: string, ...args: string[]) => [string, string[]]> = {
  node: (script, ...args) => ["node", [script, ...args]],
  bun: (script, ...args) => [bin("bun"), [script, ...args]],
  deno: (script, ...args) => [bin("deno"), ["run", "-A", script, ...args]],
};
const TYPES_NODE = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"))
  .devDependencies["@types/node"];
const NPM_INSTALL = ["install", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"];

/** An ES module consumer in TypeScript: the public types, and no public constructor for peers. */
const ESM_CONSUMER = `
import { ENetConnection, ENetPacketPeer, type ServiceResult } from "@x/enet";
import { createCompressor } from "@x/enet/compress";
import { MemoryNetwork } from "@x/enet/adapters";
const connection: ENetConnection = new ENetConnection();
const next: Promise<ServiceResult> = connection.service(0);
// @ts-expect-error peers come from ENetConnection only
new ENetPacketPeer();
export { createCompressor, MemoryNetwork, next };
`;

/** A CommonJS consumer in TypeScript: compiled to require() calls. */
const CJS_CONSUMER = `
import { ENetConnection } from "@x/enet";
const connection = new ENetConnection();
console.log("cjs consumer: " + typeof connection.createHost + " " + ENetConnection.EVENT_RECEIVE);
`;

function tsconfig(module: "nodenext" | "node16", files: string[], emit: boolean): string {
  return JSON.stringify({
    compilerOptions: {
      module,
      moduleResolution: module,
      target: "es2022",
      lib: ["es2022", "dom"],
      strict: true,
      noEmit: !emit,
      skipLibCheck: false,
    },
    files,
  });
}

if (RUNTIME === "node") {
  describe("npm package (Node run only; the apps run on Node, Bun and Deno)", () => {
    const work = mkdtempSync(join(tmpdir(), "enet-pack-"));
    const staged = join(work, "pkg");
    const app = join(work, "app");
    let tarball = "";
    // deno-lint-ignore no-explicit-any -- package.json fields of every shape, read by assertions
    let manifest: Record<string, any> = {};

    before(async () => {
      await ok(
        "node",
        [join(repoRoot, "scripts", "build_npm.mjs"), "--out", staged],
        repoRoot,
        300000,
      );
      manifest = JSON.parse(readFileSync(join(staged, "package.json"), "utf8"));
      await ok("npm", ["pack", "--pack-destination", work, "--silent"], staged);
      tarball = join(work, "x-enet-" + manifest.version + ".tgz");
      assert.ok(existsSync(tarball), "npm pack made no tarball");
      mkdirSync(app);
      writeFileSync(
        join(app, "package.json"),
        '{ "name": "app", "private": true, "type": "module" }\n',
      );
      cpSync(join(repoRoot, "tests", "package", "apps"), app, { recursive: true });
      await ok("npm", [...NPM_INSTALL, tarball, `@types/node@${TYPES_NODE}`], app, 240000);
    }, { timeout: 600000 });
    after(() => rmSync(work, { recursive: true, force: true }));

    test("the staged package.json is publishable and ESM, with optional peers", () => {
      assert.equal(manifest.private, undefined);
      assert.deepEqual(manifest.publishConfig, { access: "public" });
      for (const field of ["repository", "homepage", "bugs"]) assert.ok(manifest[field], field);
      assert.equal(manifest.type, "module");
      assert.deepEqual(manifest.sideEffects, ["./dist/cli.js"]);
      assert.equal(manifest.dependencies, undefined);
      assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), [
        "@bokuweb/zstd-wasm",
        "werift-dtls",
      ]);
      for (const name of Object.keys(manifest.peerDependencies)) {
        assert.deepEqual(manifest.peerDependenciesMeta[name], { optional: true }, name);
      }
      const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
      assert.equal(root.private, true, "the repository's own package.json must not be publishable");
    });

    test("the tarball holds the build, its maps and the sources, not the tests", async () => {
      const listing = (await ok("tar", ["-tzf", tarball], work)).split("\n");
      for (
        const file of [
          "package/dist/mod.js",
          "package/dist/mod.js.map",
          "package/dist/mod.d.ts",
          "package/dist/mod.d.ts.map",
          "package/dist/cli.js",
          "package/mod.ts",
          "package/src/godot/enet_connection.ts",
          "package/README.md",
          "package/LICENSE",
          "package/package.json",
        ]
      ) {
        assert.ok(listing.includes(file), file);
      }
      assert.ok(!listing.includes("package/dist/cli.d.ts"), "no types for the CLI script");
      assert.deepEqual(
        listing.filter((f) => /^package\/(dist\/)?(tests|examples|bench)\//.test(f)),
        [],
      );
    });

    test("every source map and declaration map points at a shipped source file", () => {
      const installed = join(app, "node_modules", "@x", "enet");
      for (
        const map of [
          "dist/mod.js.map",
          "dist/src/godot/enet_connection.d.ts.map",
          "dist/cli.js.map",
        ]
      ) {
        const json = JSON.parse(readFileSync(join(installed, map), "utf8"));
        for (const source of json.sources) {
          assert.ok(
            existsSync(resolve(dirname(join(installed, map)), source)),
            `${map}: ${source}`,
          );
        }
      }
    });

    test("the shipped declarations: examples import @x/enet; tsc types an ESM consumer", async () => {
      const dts = readFileSync(
        join(app, "node_modules", "@x", "enet", "dist", "src", "godot", "enet_connection.d.ts"),
        "utf8",
      );
      assert.match(dts, /^\s*\* import \{[^}]*ENetConnection[^}]*\} from "@x\/enet";$/m);
      assert.doesNotMatch(dts, /from "(\.\.\/)+mod\.ts"/);
      writeFileSync(join(app, "consumer.ts"), ESM_CONSUMER);
      writeFileSync(join(app, "tsconfig.json"), tsconfig("nodenext", ["consumer.ts"], false));
      await ok(
        "node",
        [join(repoRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
        app,
      );
    });

    test("a plain install leaves out werift-dtls and zstd-wasm, and the package works without them", async () => {
      for (const name of Object.keys(manifest.peerDependencies)) {
        assert.equal(existsSync(join(app, "node_modules", name)), false, name);
      }
      for (const [runtime, command] of Object.entries(RUNTIMES)) {
        const result = JSON.parse(await ok(...command("esm_basic.mjs"), app, 60000));
        assert.equal(result.plain, "1:hello from the package", runtime);
        assert.equal(result.rangeCoder, "1:range coded", runtime);
        assert.deepEqual(result.subpaths, ["function", "function"], runtime);
        assert.equal(result.zstd?.code, "ERR_UNAVAILABLE", runtime);
        assert.match(result.zstd.message, /npm install @bokuweb\/zstd-wasm/, runtime);
        assert.equal(result.dtls?.code, "ERR_UNAVAILABLE", runtime);
        assert.match(result.dtls.message, /npm install werift-dtls/, runtime);
      }
    });

    test("CommonJS consumers: require() works, tsc nodenext types it, tsc node16 says ESM-only", async () => {
      for (const [runtime, command] of Object.entries(RUNTIMES)) {
        const result = JSON.parse(await ok(...command("cjs_basic.cjs"), app, 60000));
        assert.deepEqual(result, { plain: "1:hello from require", compress: "function" }, runtime);
      }
      const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      writeFileSync(join(app, "consumer_cjs.cts"), CJS_CONSUMER);
      writeFileSync(join(app, "tsconfig.json"), tsconfig("nodenext", ["consumer_cjs.cts"], true));
      await ok("node", [tsc, "-p", "."], app);
      assert.match(await ok("node", ["consumer_cjs.cjs"], app, 30000), /cjs consumer: function 3/);
      // Under node16 rules (no require of ES modules) tsc must refuse, not the run time.
      writeFileSync(join(app, "tsconfig.json"), tsconfig("node16", ["consumer_cjs.cts"], false));
      const refused = await exec("node", [tsc, "-p", "."], app);
      assert.notEqual(refused.code, 0);
      assert.match(refused.stdout, /TS1479/);
    });

    test("the enet bin and the ./cli subpath run the command", async () => {
      assert.match(
        await ok(join(app, "node_modules", ".bin", "enet"), ["--help"], app, 30000),
        /enet serve --port PORT/,
      );
      for (const [runtime, command] of Object.entries(RUNTIMES)) {
        const out = await ok(...command("run_cli.mjs", "serve", "--help"), app, 30000);
        assert.match(out, /--port/, runtime);
      }
    });

    test("the README's other install paths: bun add of the tarball, npm install of the folder", async () => {
      const installs: Array<[string, string[], string]> = [
        ["bun-app", [bin("bun"), "add", tarball], "bun"],
        ["folder-app", ["npm", ...NPM_INSTALL, staged], "node"],
      ];
      for (const [name, [exe, ...args], runtime] of installs) {
        const dir = join(work, name);
        mkdirSync(dir);
        writeFileSync(
          join(dir, "package.json"),
          `{ "name": "${name}", "private": true, "type": "module" }\n`,
        );
        cpSync(join(repoRoot, "tests", "package", "apps"), dir, { recursive: true });
        await ok(exe, args, dir, 240000);
        const result = JSON.parse(await ok(...RUNTIMES[runtime]("esm_basic.mjs"), dir, 60000));
        assert.equal(result.plain, "1:hello from the package", name);
        assert.equal(result.dtls?.code, "ERR_UNAVAILABLE", name);
      }
    });

    test("with the optional packages installed, zstd and DTLS work", async () => {
      const peers = Object.entries(manifest.peerDependencies).map(([n, v]) => `${n}@${v}`);
      await ok("npm", [...NPM_INSTALL, ...peers], app, 240000);
      const fixtures = join(repoRoot, "tests", "dtls", "fixtures");
      const files = ["server_rsa.key", "server_rsa.crt", "ca_rsa.crt"].map((f) =>
        join(fixtures, f)
      );
      for (const [runtime, command] of Object.entries(RUNTIMES)) {
        const result = JSON.parse(await ok(...command("esm_optional.mjs", ...files), app, 60000));
        assert.deepEqual(result, { zstd: "1:zstd packed", dtls: "1:over DTLS" }, runtime);
      }
    });
  });
}
