// With the optional packages installed: zstd and DTLS work.
// Usage: esm_optional.mjs KEY_FILE CERT_FILE CA_FILE
import { readFileSync } from "node:fs";
import process from "node:process";
import * as enet from "@x/enet";
import { exchange } from "./_exchange.mjs";

const { ENetConnection, TLSOptions } = enet;
const [key, cert, ca] = process.argv.slice(2).map((f) => readFileSync(f, "utf8"));
const zstd = (server, client) =>
  Promise.all([server, client].map((c) => c.compress(ENetConnection.COMPRESS_ZSTD)));
const dtls = async (server, client) => {
  await server.dtlsServerSetup(TLSOptions.server(key, cert));
  await client.dtlsClientSetup("localhost", TLSOptions.client(ca));
};
console.log(JSON.stringify({
  zstd: await exchange(enet, "zstd packed", zstd),
  dtls: await exchange(enet, "over DTLS", dtls),
}));
