/**
 * The peer side of the suite: runs one role (see protocol.ts) in this process when the
 * command line names one. Every peer exits by itself after {@link LIFETIME_MS} and when
 * its parent closes its stdin.
 *
 * @module
 */

import process from "node:process";
import { codecs } from "./codec_role.ts";
import { bulk, pingpong, serve, tick } from "./enet_roles.ts";
import { LIFETIME_MS } from "./protocol.ts";
import { rawClient, rawEcho } from "./raw_roles.ts";

/** The roles a peer process can play, with their numeric arguments. */
const ROLES: Record<string, (n: number[]) => Promise<void>> = {
  server: (n) => serve(n[0]),
  bulk: (n) => bulk(n[0], n[1], n[2], n[3] === 1),
  pingpong: (n) => pingpong(n[0], n[1], n[2], n[3], n[4]),
  tick: (n) => tick(n[0], n[1], n[2], n[3], n[4], n[5]),
  "raw-echo": () => rawEcho(),
  "raw-client": (n) => rawClient(n[0], n[1], n[2], n[3]),
  codec: (n) => codecs(n[0]),
};

/**
 * Runs the role named by `args[0]`, if any. Servers keep running; other roles end the
 * process when done.
 *
 * @param args The command line after the script.
 * @returns False when `args[0]` names no role.
 */
export async function runPeer(args: string[]): Promise<boolean> {
  const role = ROLES[args[0]];
  if (role === undefined) return false;
  const lifetime = setTimeout(() => {
    console.error(`peer ${args[0]}: lifetime exceeded`);
    process.exit(2);
  }, LIFETIME_MS);
  process.stdin.on("end", () => process.exit(0));
  process.stdin.on("error", () => process.exit(0));
  process.stdin.resume();
  const numbers = args.slice(1).map(Number);
  if (numbers.some((n) => !Number.isFinite(n))) throw new Error(`Cannot run: bad ${args}`);
  await role(numbers);
  if (args[0] !== "server" && args[0] !== "raw-echo") {
    clearTimeout(lifetime);
    process.exit(0);
  }
  return true;
}
