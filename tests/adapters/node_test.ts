import { openNodeUdpTransport } from "../../adapters/node.ts";
import { udpSuite } from "./udp_suite.ts";

const g = globalThis as { Deno?: unknown; Bun?: unknown };
const runtime = g.Deno ? "Deno" : g.Bun ? "Bun" : "Node";

udpSuite(`openNodeUdpTransport() (node:dgram) under ${runtime}`, openNodeUdpTransport, false);
