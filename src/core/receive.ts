/**
 * The receive phase: one datagram's header, peer and session checks, decompression,
 * checksum and commands (`enet_protocol_handle_incoming_commands`).
 *
 * @module
 */

import type { Command } from "../protocol/command.ts";
import { CommandFlag, ProtocolCommand, ProtocolLimit } from "../protocol/constants.ts";
import { checksumSeed, verifyChecksum } from "../protocol/crc32.ts";
import { readHeader } from "../protocol/header.ts";
import { handleAcknowledge } from "./acknowledge.ts";
import type { DropReason } from "./drops.ts";
import { CHECKSUM_SLOT_SIZE, HostDefault } from "./constants.ts";
import {
  handleBandwidthLimit,
  handleDisconnect,
  handlePing,
  handleThrottleConfigure,
} from "./control.ts";
import { dispatchZombie } from "./dispatch.ts";
import { handleConnect, handleVerifyConnect } from "./handshake.ts";
import type { Host } from "./host.ts";
import { queueAcknowledgement } from "./outgoing.ts";
import type { Peer } from "./peer.ts";
import {
  handleSendFragment,
  handleSendReliable,
  handleSendUnreliable,
  handleSendUnsequenced,
} from "./receive_data.ts";
import { type PeerAddress, PeerState } from "./types.ts";

/** ENet's `ENET_HOST_BROADCAST`: a peer connecting to it adopts the responder's address. */
const BROADCAST_ADDRESS = "255.255.255.255";

/**
 * Processes one received datagram of at most 4096 bytes.
 *
 * @param host The host; `host.serviceTime` is the current time.
 * @param from The sender.
 * @param bytes The datagram; not kept after the call.
 * @returns `null` when it was handled, else why it was dropped, whole or from some
 * command on.
 */
export function handleIncomingDatagram(
  host: Host,
  from: PeerAddress,
  bytes: Uint8Array,
): DropReason | null {
  const header = readHeader(bytes, host.headerScratch);
  if (header === null) return "malformed";
  const headerSize = header.size + (host.checksum ? CHECKSUM_SLOT_SIZE : 0);
  if (bytes.length < headerSize) return host.checksum ? "checksum" : "malformed";

  let peer: Peer | null = null;
  if (header.peerID !== ProtocolLimit.MAXIMUM_PEER_ID) {
    if (header.peerID >= host.peers.length) return "unknownPeer";
    peer = host.peers[header.peerID];
    const address = peer.address;
    if (
      peer.state === PeerState.DISCONNECTED || peer.state === PeerState.ZOMBIE ||
      address === null ||
      ((address.address !== from.address || address.port !== from.port) &&
        address.address !== BROADCAST_ADDRESS) ||
      (peer.outgoingPeerID < ProtocolLimit.MAXIMUM_PEER_ID &&
        header.sessionID !== peer.incomingSessionID)
    ) {
      return "unknownPeer";
    }
  }

  let data = bytes;
  if (header.compressed) {
    const compressor = host.compressor;
    if (compressor === null) return "decompression";
    const limit = HostDefault.RECEIVE_BUFFER_SIZE - headerSize;
    let original: Uint8Array | null;
    try {
      original = compressor.decompress(bytes.subarray(headerSize), limit);
    } catch {
      return "decompression";
    }
    if (original === null || original.length === 0 || original.length > limit) {
      return "decompression";
    }
    const scratch = host.receiveScratch;
    scratch.set(bytes.subarray(0, headerSize), 0);
    scratch.set(original, headerSize);
    data = scratch.subarray(0, headerSize + original.length);
  }
  if (host.checksum) {
    const seed = checksumSeed(header.peerID, peer === null ? 0 : peer.connectID);
    if (!verifyChecksum(data, headerSize - CHECKSUM_SLOT_SIZE, seed)) return "checksum";
  }
  if (peer !== null) {
    // As enet_protocol_handle_incoming_commands: a peer we reached through the broadcast
    // address takes on the address of whoever answered.
    if (peer.address!.address === BROADCAST_ADDRESS) {
      peer.address = { address: from.address, port: from.port };
    }
  }
  // Whatever this datagram changes (acknowledgements to send, window space freed), the
  // send phase should run next, as it does right after receiving in enet_host_service.
  host.needsFlush = true;
  if (peer !== null) {
    peer.incomingDataTotal += data.length;
    host.schedule.mark(peer);
  }

  const reader = host.reader;
  reader.reset(data, headerSize, data.length);
  host.dropReason = null;
  for (;;) {
    const command = reader.next();
    if (command === null) {
      return !reader.malformed || isZeroPadding(data, reader.offset) ? null : "malformed";
    }
    if (peer === null && command.command !== ProtocolCommand.CONNECT) return "unknownPeer";
    if (command.command === ProtocolCommand.CONNECT) {
      if (peer !== null) return "rejectedCommand";
      peer = handleConnect(host, from, command);
      if (peer === null) return "rejectedCommand";
      host.schedule.mark(peer);
    } else if (!handleCommand(host, peer!, command)) {
      return host.dropReason ?? "rejectedCommand";
    }
    if (command.flags & CommandFlag.ACKNOWLEDGE) {
      if (header.sentTime === undefined) {
        // A DISCONNECT that cannot be acknowledged (no sent time) would leave the peer in
        // ACKNOWLEDGING_DISCONNECT for good, with no event and no timeout (as in C ENet):
        // a slot lost to one forged datagram. Take it as an unacknowledged DISCONNECT.
        if (
          command.command === ProtocolCommand.DISCONNECT &&
          peer!.state === PeerState.ACKNOWLEDGING_DISCONNECT && peer!.acknowledgementCount === 0
        ) {
          dispatchZombie(peer!, "remote");
        }
        return "malformed";
      }
      switch (peer!.state) {
        case PeerState.DISCONNECTING:
        case PeerState.ACKNOWLEDGING_CONNECT:
        case PeerState.DISCONNECTED:
        case PeerState.ZOMBIE:
          break;
        case PeerState.ACKNOWLEDGING_DISCONNECT:
          if (command.command === ProtocolCommand.DISCONNECT) {
            acknowledge(peer!, command, header.sentTime);
          }
          break;
        default:
          acknowledge(peer!, command, header.sentTime);
          break;
      }
    }
    // The connection ended with this command (its slot is free again): C ENet ignores
    // the rest of the datagram, as every later command is refused for a reset peer.
    if (peer!.state === PeerState.DISCONNECTED) return null;
  }
}

/**
 * True when `bytes` hold only zeros from `offset` on. Godot's FastLZ mode pads bodies
 * under 16 bytes with zeros before compressing, so they decompress with a zero tail; C
 * ENet ends the commands at command number 0 without error, and so do we: such a tail is
 * not counted as malformed.
 */
function isZeroPadding(bytes: Uint8Array, offset: number): boolean {
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}

function acknowledge(peer: Peer, command: Command, sentTime: number): void {
  queueAcknowledgement(
    peer,
    command.command,
    command.channelID,
    command.reliableSequenceNumber,
    sentTime,
  );
}

function handleCommand(host: Host, peer: Peer, command: Command): boolean {
  switch (command.command) {
    case ProtocolCommand.ACKNOWLEDGE:
      return handleAcknowledge(peer, command, host.serviceTime);
    case ProtocolCommand.VERIFY_CONNECT:
      return handleVerifyConnect(peer, command);
    case ProtocolCommand.DISCONNECT:
      return handleDisconnect(peer, command);
    case ProtocolCommand.PING:
      return handlePing(peer);
    case ProtocolCommand.SEND_RELIABLE:
      return handleSendReliable(peer, command);
    case ProtocolCommand.SEND_UNRELIABLE:
      return handleSendUnreliable(peer, command);
    case ProtocolCommand.SEND_UNSEQUENCED:
      return handleSendUnsequenced(peer, command);
    case ProtocolCommand.SEND_FRAGMENT:
    case ProtocolCommand.SEND_UNRELIABLE_FRAGMENT:
      return handleSendFragment(peer, command);
    case ProtocolCommand.BANDWIDTH_LIMIT:
      return handleBandwidthLimit(peer, command);
    case ProtocolCommand.THROTTLE_CONFIGURE:
      return handleThrottleConfigure(peer, command);
    default:
      return false;
  }
}
