/**
 * Child of deno_fallback_test.ts, run by Deno without `--allow-ffi`: sends 300 numbered
 * datagrams, 50 a turn (the default kernel buffer holds about 250), between two Deno
 * transports and prints what arrived as JSON.
 */
import { openDenoUdpTransport } from "../../adapters/deno.ts";

const receiver = await openDenoUdpTransport({ address: "127.0.0.1", highWaterMark: 1024 });
const sender = await openDenoUdpTransport({ address: "127.0.0.1" });
const got: number[] = [];
receiver.setReceiver!((data) => got.push(data[0] | (data[1] << 8)));
for (let i = 0; i < 300; i++) {
  if (i % 50 === 0) await new Promise((r) => setTimeout(r, 10));
  sender.send!({
    data: Uint8Array.of(i & 0xff, i >> 8),
    address: "127.0.0.1",
    port: receiver.localAddress.port,
  });
}
for (let i = 0; i < 100 && got.length < 300; i++) await new Promise((r) => setTimeout(r, 20));
console.log(JSON.stringify({
  got,
  receiveBufferSize: receiver.receiveBufferSize ?? null,
  sendErrors: sender.stats!.sendErrors,
}));
await sender.close();
await receiver.close();
