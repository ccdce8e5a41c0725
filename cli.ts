#!/usr/bin/env node
/**
 * The `enet` command-line tool, a netcat for ENet.
 *
 * ```sh
 * deno run -A cli.ts serve --port 7777 --echo
 * bun cli.ts connect localhost:7777
 * node build/cli.js --help        # after `npm run build`; `npx enet` once installed
 * ```
 *
 * @module
 */
import process from "node:process";
import { main } from "./src/cli/main.ts";

const status = await main(process.argv.slice(2));
// Let stdout drain (pipes may be asynchronous) before exiting.
process.stdout.write("", () => process.exit(status));
