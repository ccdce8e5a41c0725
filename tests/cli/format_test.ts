import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  deliveryName,
  formatHuman,
  formatJson,
  formatRate,
  printableText,
  toHex,
} from "../../src/cli/format.ts";
import { Output } from "../../src/cli/output.ts";

const bytes = (...b: number[]) => new Uint8Array(b);
const text = (s: string) => new TextEncoder().encode(s);

describe("format", () => {
  test("deliveryName() names Godot's flags", () => {
    assert.equal(deliveryName(1), "reliable");
    assert.equal(deliveryName(1 | 8), "reliable");
    assert.equal(deliveryName(2), "unsequenced");
    assert.equal(deliveryName(8), "unreliable-fragment");
    assert.equal(deliveryName(0), "unreliable");
  });

  test("printableText() accepts UTF-8 text and tabs, rejects control bytes and bad UTF-8", () => {
    assert.equal(printableText(text("héllo\tworld")), "héllo\tworld");
    assert.equal(printableText(text("")), "");
    assert.equal(printableText(text("a\nb")), undefined);
    assert.equal(printableText(bytes(0, 1, 2)), undefined);
    assert.equal(printableText(bytes(0xff, 0xfe)), undefined);
  });

  test("toHex() pads each byte", () => {
    assert.equal(toHex(bytes(0, 15, 255)), "000fff");
  });

  test("formatJson() emits text or hex with the delivery mode", () => {
    const binary = JSON.parse(formatJson({
      type: "receive",
      peer: "[::1]:9",
      channel: 3,
      flags: 2,
      data: bytes(0, 1),
    }));
    assert.deepEqual(binary, {
      type: "receive",
      peer: "[::1]:9",
      channel: 3,
      flags: 2,
      delivery: "unsequenced",
      length: 2,
      hex: "0001",
    });
    assert.deepEqual(JSON.parse(formatJson({ type: "connect", peer: "a:1", data: 7 })), {
      type: "connect",
      peer: "a:1",
      data: 7,
    });
  });

  test("formatHuman() shows channel, mode, length and payload", () => {
    assert.equal(
      formatHuman({ type: "receive", peer: "127.0.0.1:5", channel: 1, flags: 1, data: text("hi") }),
      "< 127.0.0.1:5 ch 1 reliable 2 B: hi",
    );
    assert.equal(
      formatHuman({
        type: "receive",
        peer: "127.0.0.1:5",
        channel: 0,
        flags: 0,
        data: bytes(1, 2),
      }),
      "< 127.0.0.1:5 ch 0 unreliable 2 B hex 0102",
    );
    const big = formatHuman({
      type: "receive",
      peer: "p",
      channel: 0,
      flags: 1,
      data: new Uint8Array(5000).fill(65),
    });
    assert.match(big, /^< p ch 0 reliable 5000 B: A{256} …$/);
    assert.equal(formatHuman({ type: "listening", address: "::", port: 7 }), "listening on [::]:7");
    assert.equal(
      formatHuman({ type: "disconnect", peer: "a:1", data: 0 }),
      "- a:1 disconnected (data 0)",
    );
  });

  test("formatRate() picks a unit", () => {
    assert.equal(formatRate(100), "100 B/s");
    assert.equal(formatRate(2048), "2.0 KiB/s");
    assert.equal(formatRate(3 * 1024 * 1024), "3.0 MiB/s");
  });
});

describe("Output", () => {
  function capture(isTTY: boolean) {
    const out: string[] = [];
    const err: string[] = [];
    const streams = {
      stdout: { write: (s: string) => out.push(s), isTTY, columns: 40 },
      stderr: { write: (s: string) => err.push(s) },
    };
    return { out, err, streams };
  }

  test("draws no status line when stdout is not a terminal", () => {
    const { out, err, streams } = capture(false);
    const output = new Output({ streams });
    assert.equal(output.statusEnabled, false);
    output.status("peers 1");
    output.line("event");
    output.message("oops");
    assert.deepEqual(out, ["event\n"]);
    assert.deepEqual(err, ["enet: oops\n"]);
  });

  test("keeps the status line below event lines on a terminal", () => {
    const { out, streams } = capture(true);
    const output = new Output({ streams });
    output.status("peers 1");
    output.line("event");
    output.clearStatus();
    output.status("ignored after clear");
    assert.deepEqual(out, ["\r\x1b[2Kpeers 1", "\r\x1b[2Kevent\npeers 1", "\r\x1b[2K"]);
  });

  test("truncates the status line to the terminal width", () => {
    const { out, streams } = capture(true);
    new Output({ streams }).status("x".repeat(100));
    assert.equal(out[0], "\r\x1b[2K" + "x".repeat(39));
  });
});
