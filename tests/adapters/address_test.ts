import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  bindAddress,
  bindPort,
  isIPv4,
  isIPv6,
  isNumericAddress,
  normalizeAddress,
  socketAddress,
} from "../../adapters/address.ts";

describe("address helpers", () => {
  test("isIPv4() accepts dotted quads only", () => {
    for (const good of ["0.0.0.0", "127.0.0.1", "255.255.255.255", "10.1.20.199"]) {
      assert.equal(isIPv4(good), true, good);
    }
    for (const bad of ["256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "a.b.c.d", "", " 1.2.3.4"]) {
      assert.equal(isIPv4(bad), false, bad);
    }
  });

  test("isIPv6() accepts the numeric forms and rejects host names", () => {
    for (
      const good of [
        "::",
        "::1",
        "fe80::1%eth0",
        "2001:db8::8a2e:370:7334",
        "1:2:3:4:5:6:7:8",
        "::ffff:127.0.0.1",
        "0:0:0:0:0:ffff:7f00:1",
        "1::",
      ]
    ) assert.equal(isIPv6(good), true, good);
    for (
      const bad of ["", ":", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "localhost", "::1%"]
    ) assert.equal(isIPv6(bad), false, bad);
    assert.equal(isNumericAddress("example.com"), false);
  });

  test("normalizeAddress() unwraps IPv4-mapped addresses only", () => {
    assert.equal(normalizeAddress("::ffff:127.0.0.1"), "127.0.0.1");
    assert.equal(normalizeAddress("::FFFF:10.0.0.2"), "10.0.0.2");
    assert.equal(normalizeAddress("::ffff:7f00:1"), "127.0.0.1");
    assert.equal(normalizeAddress("0:0:0:0:0:ffff:c0a8:101"), "192.168.1.1");
    assert.equal(normalizeAddress("::1"), "::1");
    assert.equal(normalizeAddress("::ffff"), "::ffff");
    assert.equal(normalizeAddress("::ffff:1:2:3"), "::ffff:1:2:3");
    assert.equal(normalizeAddress("127.0.0.1"), "127.0.0.1");
  });

  test("socketAddress() maps for the socket's family and refuses names", () => {
    assert.equal(socketAddress("10.0.0.1", "IPv6"), "::ffff:10.0.0.1");
    assert.equal(socketAddress("10.0.0.1", "IPv4"), "10.0.0.1");
    assert.equal(socketAddress("::ffff:10.0.0.1", "IPv4"), "10.0.0.1");
    assert.equal(socketAddress("::ffff:10.0.0.1", "IPv6"), "::ffff:10.0.0.1");
    assert.equal(socketAddress("::1", "IPv6"), "::1");
    assert.equal(socketAddress("host.invalid", "IPv6"), null);
  });

  test("bindAddress() and bindPort() resolve Godot-style bind options", () => {
    for (const wildcard of [undefined, "", "*", "::"]) {
      assert.deepEqual(bindAddress(wildcard), { address: "::", wildcard: true });
    }
    assert.deepEqual(bindAddress("::ffff:127.0.0.1"), { address: "127.0.0.1", wildcard: false });
    assert.throws(() => bindAddress("localhost"), TypeError);
    assert.equal(bindPort(undefined), 0);
    assert.equal(bindPort(65535), 65535);
    assert.throws(() => bindPort(-1), RangeError);
    assert.throws(() => bindPort(1.5), RangeError);
  });
});
