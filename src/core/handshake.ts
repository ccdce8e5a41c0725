/**
 * The connection handshake: CONNECT from the connecting side, VERIFY_CONNECT from the
 * accepting side (`enet_host_connect`, `enet_protocol_handle_connect`,
 * `enet_protocol_handle_verify_connect`).
 *
 * @module
 */

import type {
  CommandHeader,
  ConnectCommand,
  ConnectFields,
  VerifyConnectCommand,
} from "../protocol/command.ts";
import { CommandFlag, HeaderFlag, ProtocolCommand, ProtocolLimit } from "../protocol/constants.ts";
import { CHANNEL_NONE, PeerDefault } from "./constants.ts";
import { setupChannels } from "./connection.ts";
import { dispatchZombie, notifyConnect } from "./dispatch.ts";
import type { Host } from "./host.ts";
import { queueOutgoingCommand } from "./outgoing.ts";
import { removeSentReliableCommand } from "./acknowledge.ts";
import type { Peer } from "./peer.ts";
import { type PeerAddress, PeerState } from "./types.ts";

const SESSION_LIMIT = HeaderFlag.SESSION_MASK >> HeaderFlag.SESSION_SHIFT;

/**
 * Clamps a window size to the protocol's 4096..65536.
 *
 * @param size A window size.
 * @returns The clamped size.
 */
export function clampWindowSize(size: number): number {
  return Math.min(
    Math.max(size, ProtocolLimit.MINIMUM_WINDOW_SIZE),
    ProtocolLimit.MAXIMUM_WINDOW_SIZE,
  );
}

/**
 * The window size for a bandwidth in bytes/s: 4096 per 64 KiB/s, clamped; the largest
 * window for 0 (unlimited).
 *
 * @param bandwidth Bytes per second, 0 = unlimited.
 * @returns The window size.
 */
export function windowSizeForBandwidth(bandwidth: number): number {
  if (bandwidth === 0) return ProtocolLimit.MAXIMUM_WINDOW_SIZE;
  return clampWindowSize(
    Math.floor(bandwidth / PeerDefault.WINDOW_SIZE_SCALE) * ProtocolLimit.MINIMUM_WINDOW_SIZE,
  );
}

/**
 * The window size of a connection from our outgoing and its incoming bandwidth: that of
 * the lower one, or of the limited one when the other is unlimited.
 *
 * @param hostOutgoing Our outgoing bandwidth (0 = unlimited).
 * @param peerIncoming The remote side's incoming bandwidth (0 = unlimited).
 * @returns The window size.
 */
export function connectionWindowSize(hostOutgoing: number, peerIncoming: number): number {
  return windowSizeForBandwidth(
    hostOutgoing === 0 || peerIncoming === 0
      ? Math.max(hostOutgoing, peerIncoming)
      : Math.min(hostOutgoing, peerIncoming),
  );
}

/** Lowers the peer's MTU to the one the remote side announced, clamped to 576..4096. */
function adoptMtu(peer: Peer, announced: number): void {
  const mtu = Math.min(Math.max(announced, ProtocolLimit.MINIMUM_MTU), ProtocolLimit.MAXIMUM_MTU);
  if (mtu < peer.mtu) peer.mtu = mtu;
}

/**
 * The fields CONNECT and VERIFY_CONNECT share, as this side announces them: our peer id,
 * the given session ids, window size and channel count, the peer's MTU, connect id and
 * throttle parameters, and our bandwidth. Built once per connection.
 */
function handshakeFields(
  peer: Peer,
  incomingSessionID: number,
  outgoingSessionID: number,
  windowSize: number,
  channelCount: number,
): CommandHeader & ConnectFields {
  return {
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: CHANNEL_NONE,
    reliableSequenceNumber: 0,
    outgoingPeerID: peer.incomingPeerID,
    incomingSessionID,
    outgoingSessionID,
    mtu: peer.mtu,
    windowSize,
    channelCount,
    incomingBandwidth: peer.host.incomingBandwidth,
    outgoingBandwidth: peer.host.outgoingBandwidth,
    packetThrottleInterval: peer.packetThrottleInterval,
    packetThrottleAcceleration: peer.packetThrottleAcceleration,
    packetThrottleDeceleration: peer.packetThrottleDeceleration,
    connectID: peer.connectID,
  };
}

/**
 * Starts connecting a free slot to `address` (`enet_host_connect`).
 *
 * @param host The host.
 * @param address Where to connect.
 * @param channelCount Channels wanted, clamped to 1..255.
 * @param data 32-bit data for the remote side's connect event.
 * @returns The peer, or `null` when every slot is in use.
 */
export function connectPeer(
  host: Host,
  address: PeerAddress,
  channelCount: number,
  data: number,
): Peer | null {
  channelCount = Math.min(
    Math.max(channelCount, ProtocolLimit.MINIMUM_CHANNEL_COUNT),
    ProtocolLimit.MAXIMUM_CHANNEL_COUNT,
  );
  const peer = host.peers.find((p) => p.state === PeerState.DISCONNECTED);
  if (peer === undefined) return null;
  setupChannels(peer, channelCount);
  peer.state = PeerState.CONNECTING;
  peer.address = { address: address.address, port: address.port };
  peer.connectID = host.random();
  peer.mtu = host.mtu;
  peer.windowSize = windowSizeForBandwidth(host.outgoingBandwidth);
  queueOutgoingCommand(peer, {
    command: ProtocolCommand.CONNECT,
    ...handshakeFields(
      peer,
      peer.incomingSessionID,
      peer.outgoingSessionID,
      peer.windowSize,
      channelCount,
    ),
    data: data >>> 0,
  });
  return peer;
}

/** The next session id after `id`, skipping `avoid`, as both sides compute it. */
function nextSessionID(id: number, avoid: number): number {
  let next = (id + 1) & SESSION_LIMIT;
  if (next === avoid) next = (next + 1) & SESSION_LIMIT;
  return next;
}

/**
 * Accepts a CONNECT into a free slot and queues VERIFY_CONNECT (`enet_protocol_handle_connect`).
 *
 * @param host The host.
 * @param from The sender.
 * @param command The CONNECT.
 * @returns The new peer, or `null` to ignore the command (bad channel count, no free
 * slot, too many connections from that address, or a repeat of an existing connection).
 */
export function handleConnect(host: Host, from: PeerAddress, command: ConnectCommand): Peer | null {
  let channelCount = command.channelCount;
  if (
    channelCount < ProtocolLimit.MINIMUM_CHANNEL_COUNT ||
    channelCount > ProtocolLimit.MAXIMUM_CHANNEL_COUNT
  ) {
    return null;
  }
  let peer: Peer | null = null;
  let duplicatePeers = 0;
  for (const current of host.peers) {
    if (current.state === PeerState.DISCONNECTED) {
      if (peer === null) peer = current;
    } else if (
      current.state !== PeerState.CONNECTING && current.address?.address === from.address
    ) {
      if (current.address.port === from.port && current.connectID === command.connectID) {
        return null;
      }
      duplicatePeers++;
    }
  }
  if (peer === null || duplicatePeers >= host.duplicatePeers) return null;
  if (channelCount > host.channelCountLimit) channelCount = host.channelCountLimit;
  setupChannels(peer, channelCount);
  peer.state = PeerState.ACKNOWLEDGING_CONNECT;
  peer.connectID = command.connectID;
  peer.address = { address: from.address, port: from.port };
  peer.mtu = host.mtu;
  peer.outgoingPeerID = command.outgoingPeerID;
  peer.incomingBandwidth = command.incomingBandwidth;
  peer.outgoingBandwidth = command.outgoingBandwidth;
  peer.packetThrottleInterval = command.packetThrottleInterval;
  peer.packetThrottleAcceleration = command.packetThrottleAcceleration;
  peer.packetThrottleDeceleration = command.packetThrottleDeceleration;
  peer.data = command.data;

  const incomingSessionID = nextSessionID(
    command.incomingSessionID === 0xff ? peer.outgoingSessionID : command.incomingSessionID,
    peer.outgoingSessionID,
  );
  peer.outgoingSessionID = incomingSessionID;
  const outgoingSessionID = nextSessionID(
    command.outgoingSessionID === 0xff ? peer.incomingSessionID : command.outgoingSessionID,
    peer.incomingSessionID,
  );
  peer.incomingSessionID = outgoingSessionID;

  adoptMtu(peer, command.mtu);
  peer.windowSize = connectionWindowSize(host.outgoingBandwidth, peer.incomingBandwidth);
  const windowSize = Math.min(
    windowSizeForBandwidth(host.incomingBandwidth),
    clampWindowSize(command.windowSize),
  );
  const verify: VerifyConnectCommand = {
    command: ProtocolCommand.VERIFY_CONNECT,
    ...handshakeFields(peer, incomingSessionID, outgoingSessionID, windowSize, channelCount),
  };
  queueOutgoingCommand(peer, verify);
  return peer;
}

/**
 * Completes a connection we started (`enet_protocol_handle_verify_connect`).
 *
 * @param peer The peer named by the datagram.
 * @param command The VERIFY_CONNECT.
 * @returns False when the answer does not match our CONNECT (the peer then disconnects).
 */
export function handleVerifyConnect(peer: Peer, command: VerifyConnectCommand): boolean {
  if (peer.state !== PeerState.CONNECTING) return true;
  const channelCount = command.channelCount;
  if (
    channelCount < ProtocolLimit.MINIMUM_CHANNEL_COUNT ||
    channelCount > ProtocolLimit.MAXIMUM_CHANNEL_COUNT ||
    command.packetThrottleInterval !== peer.packetThrottleInterval ||
    command.packetThrottleAcceleration !== peer.packetThrottleAcceleration ||
    command.packetThrottleDeceleration !== peer.packetThrottleDeceleration ||
    command.connectID !== peer.connectID
  ) {
    peer.data = 0;
    dispatchZombie(peer, "remote");
    return false;
  }
  removeSentReliableCommand(peer, 1, CHANNEL_NONE);
  if (channelCount < peer.channelCount) {
    peer.channelCount = channelCount;
    peer.channels.length = channelCount;
  }
  peer.outgoingPeerID = command.outgoingPeerID;
  peer.incomingSessionID = command.incomingSessionID;
  peer.outgoingSessionID = command.outgoingSessionID;
  adoptMtu(peer, command.mtu);
  const windowSize = clampWindowSize(command.windowSize);
  if (windowSize < peer.windowSize) peer.windowSize = windowSize;
  peer.incomingBandwidth = command.incomingBandwidth;
  peer.outgoingBandwidth = command.outgoingBandwidth;
  notifyConnect(peer);
  return true;
}
