"""pyenet host for the @x/enet differential test (tests/interop/differential_test.ts).

Binds a pyenet host on 127.0.0.1 (ephemeral port) and services it, printing one JSON
object per line on stdout:
  {"event": "listening", "port": P}
  {"event": "connect", "peer": ID, "data": D, "channels": N}
  {"event": "receive", "peer": ID, "channel": C, "flags": F, "length": N,
   "crc": CRC32, "head": HEX}            (head: the first 8 bytes)
  {"event": "disconnect", "peer": ID, "data": D}
  {"event": "progress", "received": N}  (the host's datagram total, after its events)
  {"event": "exit", "reason": WHY}
It reads "quit" on stdin, and exits by itself when stdin closes or at the deadline.

usage: differential_peer.py PEERS CHANNELS [DEADLINE_SECONDS]
"""

import json
import os
import select
import sys
import time
import zlib

import enet


def emit(**fields):
    sys.stdout.write(json.dumps(fields) + "\n")


def main():
    peers, channels = int(sys.argv[1]), int(sys.argv[2])
    deadline = time.monotonic() + (float(sys.argv[3]) if len(sys.argv) > 3 else 30.0)
    host = enet.Host(enet.Address(b"127.0.0.1", 0), peers, channels, 0, 0)
    emit(event="listening", port=host.address.port)
    sys.stdout.flush()
    received = 0
    reason = "deadline"
    while time.monotonic() < deadline:
        ready, _, _ = select.select([sys.stdin], [], [], 0)
        if ready:
            chunk = os.read(sys.stdin.fileno(), 4096)
            if not chunk or b"quit" in chunk:
                reason = "quit" if chunk else "stdin closed"
                break
        event = host.service(1)
        while event.type != enet.EVENT_TYPE_NONE:
            peer = event.peer.incomingPeerID
            if event.type == enet.EVENT_TYPE_CONNECT:
                emit(event="connect", peer=peer, data=event.data,
                     channels=event.peer.channelCount)
            elif event.type == enet.EVENT_TYPE_DISCONNECT:
                emit(event="disconnect", peer=peer, data=event.data)
            elif event.type == enet.EVENT_TYPE_RECEIVE:
                body = event.packet.data
                emit(event="receive", peer=peer, channel=event.channelID,
                     flags=event.packet.flags & 0xF, length=len(body),
                     crc=zlib.crc32(body), head=body[:8].hex())
            event = host.service(0)
        if host.totalReceivedPackets != received:
            received = host.totalReceivedPackets
            emit(event="progress", received=received)
        sys.stdout.flush()
    emit(event="exit", reason=reason)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
