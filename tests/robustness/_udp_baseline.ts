/**
 * The memory baseline of the datagram fuzzer, for `scripts/robustness.ts`: the same
 * attacker process and the same datagrams, thrown at a bare UDP transport of this runtime
 * (`openUdpTransport`, counting what arrives, no ENet). Run in a process of its own, it
 * shows how much of a server's resident growth under a flood is the runtime's own socket
 * path (its buffers and allocator) rather than the library.
 *
 * @module
 */

import { openUdpTransport } from "../../adapters/mod.ts";
import { type MemorySample, sampleMemory, spawnAttacker } from "./_udp_fuzz.ts";

/** What the baseline measured. */
export interface UdpBaseline {
  /** Datagrams the bare transport received. */
  received: number;
  /** Memory before the attack and a few seconds after it ended. */
  memory: { before: MemorySample; after: MemorySample };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Throws the fuzzer's datagrams at a bare transport and samples memory around it.
 *
 * @param total Datagrams.
 * @param rate Datagrams per second aimed at.
 * @param attacker The command line that starts the attacker (`--attack` is appended).
 * @param log Progress lines.
 * @returns The figures.
 */
export async function udpBaseline(
  total: number,
  rate: number,
  attacker: string[],
  log: (line: string) => void,
): Promise<UdpBaseline> {
  const transport = await openUdpTransport({ address: "127.0.0.1" });
  const reader = transport.readable.getReader();
  let received = 0;
  transport.setReceiver!(() => received++);
  const child = spawnAttacker(attacker, transport.localAddress.port, total, rate);
  let before: MemorySample | null = null;
  let feed: ReturnType<typeof setInterval> | undefined;
  for await (const line of child.lines) {
    if (line === "ready") {
      before = sampleMemory();
      feed = setInterval(() => child.tell(received), 20);
      child.go();
    } else if (line.startsWith("done ")) {
      break;
    } else {
      log(`baseline: ${line}; received ${received}`);
    }
  }
  clearInterval(feed);
  await child.exit;
  await sleep(5000);
  const after = sampleMemory();
  transport.setReceiver!(null);
  reader.releaseLock();
  await transport.close();
  return { received, memory: { before: before ?? after, after } };
}
