"""pyenet client peer for the @x/enet interop tests.

Speaks the same line protocol as tests/c/enet_peer.c (a subset of it): connects to
127.0.0.1:PORT, prints one JSON object per event on stdout, and reads commands on stdin:
  send CHANNEL FLAGS SIZE SEED [COUNT]
  disconnect DATA
  quit
Payloads and hashes match tests/interop/payload.ts.

usage: pyenet_peer.py PORT CHANNELS DATA [DEADLINE_SECONDS]
"""

import json
import os
import select
import sys
import time

import enet


def payload(size, seed):
    out = bytearray(size)
    mask = 0x03 if seed & 0x80000000 else 0xFF
    x = (seed ^ 0xA5A5A5A5) & 0xFFFFFFFF
    if x == 0:
        x = 1
    for i in range(size):
        shift = i & 3
        if shift == 0:
            x ^= (x << 13) & 0xFFFFFFFF
            x ^= x >> 17
            x ^= (x << 5) & 0xFFFFFFFF
        out[i] = (x >> (8 * shift)) & mask
    return bytes(out)


def fnv1a(data):
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def main():
    port, channels, data = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    deadline = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 30.0)
    host = enet.Host(None, 1, channels, 0, 0)
    peer = host.connect(enet.Address(b"127.0.0.1", port), channels, data)
    emit(event="connecting", peer=0)
    pending = b""
    reason = "deadline"
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sys.stdin], [], [], 0.005)
        if ready:
            chunk = os.read(sys.stdin.fileno(), 4096)
            if not chunk:
                reason = "stdin closed"
                break
            pending += chunk
            quit_now = False
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                words = line.decode().split()
                if not words:
                    continue
                if words[0] == "quit":
                    quit_now = True
                    break
                args = [int(w) for w in words[1:]]
                if words[0] == "send":
                    channel, flags, size, seed = args[:4]
                    count = args[4] if len(args) > 4 else 1
                    failures = 0
                    for k in range(count):
                        packet = enet.Packet(payload(size, seed + k), flags)
                        if peer.send(channel, packet) < 0:
                            failures += 1
                    host.flush()
                    emit(event="sent", peer=0, count=count, failures=failures)
                elif words[0] == "disconnect":
                    peer.disconnect(args[0] if args else 0)
                else:
                    emit(event="error", message="unknown command")
            if quit_now:
                reason = "quit"
                break
        event = host.service(0)
        while event.type != enet.EVENT_TYPE_NONE:
            if event.type == enet.EVENT_TYPE_CONNECT:
                emit(event="connect", peer=0, data=event.data, channels=event.peer.channelCount)
            elif event.type == enet.EVENT_TYPE_DISCONNECT:
                emit(event="disconnect", peer=0, data=event.data)
            elif event.type == enet.EVENT_TYPE_RECEIVE:
                body = event.packet.data
                emit(event="receive", peer=0, channel=event.channelID,
                     flags=event.packet.flags & 0xF, length=len(body), hash=fnv1a(body))
            event = host.service(0)
    emit(event="exit", reason=reason)


if __name__ == "__main__":
    main()
