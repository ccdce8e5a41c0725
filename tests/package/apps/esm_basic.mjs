// The package imported by name from an ES module, without its optional packages:
// a plain and a range-coded exchange work; DTLS and zstd fail with a clear error.
import * as enet from "@x/enet";
import { createCompressor } from "@x/enet/compress";
import { MemoryNetwork } from "@x/enet/adapters";
import { exchange, failure } from "./_exchange.mjs";

const { ENetConnection, TLSOptions } = enet;
const ranged = (server, client) =>
  Promise.all([server, client].map((c) => c.compress(ENetConnection.COMPRESS_RANGE_CODER)));
const host = async (action) => {
  const connection = new ENetConnection();
  await connection.createHostBound("127.0.0.1", 0);
  try {
    return await failure(() => action(connection));
  } finally {
    await connection.destroy();
  }
};
console.log(JSON.stringify({
  plain: await exchange(enet, "hello from the package"),
  rangeCoder: await exchange(enet, "range coded", ranged),
  subpaths: [typeof createCompressor, typeof MemoryNetwork],
  zstd: await host((c) => c.compress(ENetConnection.COMPRESS_ZSTD)),
  dtls: await host((c) => c.dtlsClientSetup("localhost", TLSOptions.clientUnsafe())),
}));
