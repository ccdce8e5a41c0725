/**
 * The npm package test: stage the package from build/ (scripts/build_npm.mjs),
 * `npm pack` it, install the tarball into a fresh project, and use it by name
 * from Node and from Bun, plus the `enet` bin. It needs the tsc output and
 * takes a while, so it is registered only in the Node run of the suite (which
 * runs on build/); under Deno and Bun this file registers nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { repoRoot, RUNTIME } from "../cli/child.ts";

function exec(
  file: string,
  args: string[],
  cwd: string,
  ms = 120000,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, timeout: ms, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const APP = `
import assert from "node:assert/strict";
import { ENetConnection, ENetPacketPeer } from "@x/enet";

const server = new ENetConnection();
const client = new ENetConnection();
await server.createHostBound("127.0.0.1", 0, 4, 2);
await client.createHost(1, 2);
try {
  const peer = await client.connectToHost("127.0.0.1", server.getLocalPort(), 2);
  const until = async (connection, type) => {
    for (let i = 0; i < 200; i++) {
      const event = await connection.service(20);
      if (event[0] === type) return event;
    }
    throw new Error("no event " + type);
  };
  await Promise.all([
    until(server, ENetConnection.EVENT_CONNECT),
    until(client, ENetConnection.EVENT_CONNECT),
  ]);
  peer.send(1, new TextEncoder().encode("hello from the package"), ENetPacketPeer.FLAG_RELIABLE);
  const [, from, , channel] = await until(server, ENetConnection.EVENT_RECEIVE);
  assert.equal(channel, 1);
  console.log("received: " + new TextDecoder().decode(from.getPacket()));
} finally {
  await client.destroy();
  await server.destroy();
}
`;

if (RUNTIME === "node") {
  test(
    "npm package (Node run only): pack, install offline-first, import by name from Node and Bun",
    {
      timeout: 300000,
    },
    async () => {
      const work = mkdtempSync(join(tmpdir(), "enet-pack-"));
      try {
        const staged = join(work, "pkg");
        await exec(
          process.execPath,
          [join(repoRoot, "scripts", "build_npm.mjs"), "--out", staged],
          repoRoot,
        );
        await exec("npm", ["pack", "--pack-destination", work, "--silent"], staged);
        const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
        assert.ok(tarball, "npm pack made no tarball");

        // The tarball holds the library and the CLI, not the tests or examples.
        const listing = (await exec("tar", ["-tzf", join(work, tarball)], work)).stdout;
        for (
          const file of [
            "package/mod.js",
            "package/mod.d.ts",
            "package/cli.js",
            "package/package.json",
          ]
        ) {
          assert.ok(listing.includes(file), file);
        }
        assert.doesNotMatch(listing, /package\/(tests|examples)\//);

        const app = join(work, "app");
        await exec("mkdir", ["-p", app], work);
        writeFileSync(
          join(app, "package.json"),
          '{ "name": "app", "private": true, "type": "module" }\n',
        );
        writeFileSync(join(app, "main.mjs"), APP);
        await exec(
          "npm",
          [
            "install",
            join(work, tarball),
            "--prefer-offline",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
          ],
          app,
          240000,
        );

        const node = await exec(process.execPath, ["main.mjs"], app, 30000);
        assert.match(node.stdout, /received: hello from the package/);
        const bun = await exec(
          join(repoRoot, "node_modules", ".bin", "bun"),
          ["main.mjs"],
          app,
          30000,
        );
        assert.match(bun.stdout, /received: hello from the package/);

        const help = await exec(join(app, "node_modules", ".bin", "enet"), ["--help"], app, 30000);
        assert.match(help.stdout, /enet serve --port PORT/);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  );
}
