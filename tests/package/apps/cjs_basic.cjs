// The package required by name from a CommonJS module (Node 20.19+ and 22.12+,
// Bun and Deno load an ES module through require()).
const enet = require("@x/enet");
const { createCompressor } = require("@x/enet/compress");

import("./_exchange.mjs").then(async ({ exchange }) => {
  console.log(JSON.stringify({
    plain: await exchange(enet, "hello from require"),
    compress: typeof createCompressor,
  }));
});
