// Interop with pyenet (Debian's python3-enet over libenet): a pyenet client and a
// TypeScript server connect, exchange reliable packets both ways and disconnect.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PacketFlag } from "../../src/core/types.ts";
import { checkCToTs, checkTsToC, type Spec } from "./pair.ts";
import { PeerProcess } from "./peer_process.ts";
import { TsHost } from "./ts_host.ts";

const specs = (seed: number): Spec[] =>
  [1, 100, 1400, 3000, 20000].map((size, i) => ({
    channel: 1 + (i % 2),
    flags: PacketFlag.RELIABLE,
    size,
    seed: seed + i,
  }));

describe("pyenet client <-> TS server", () => {
  test("connects with data, exchanges reliable packets both ways and disconnects with data", async () => {
    const ts = await TsHost.open({});
    const py = PeerProcess.pyenet(ts.port, 3, 4242, 20);
    try {
      const connect = await ts.next("connect", 10000);
      assert.equal(connect.data, 4242);
      assert.equal(connect.peer.channelCount, 3);
      const line = await py.next("connect", 10000);
      assert.equal(line.channels, 3);
      const pair = { c: py, ts, peer: connect.peer };
      await checkCToTs(pair, specs(1));
      await checkTsToC(pair, specs(100));
      py.command("disconnect 99");
      const gone = await ts.next("disconnect", 10000);
      assert.equal(gone.peer, connect.peer);
      assert.equal(gone.data, 99);
      assert.equal(gone.reason, "remote");
      await py.next("disconnect", 5000);
    } finally {
      await py.kill();
      await ts.close();
    }
  });
});
