/**
 * The fake client's side of the handshake and of acknowledgements, shared by both
 * targets of the differential test: the CONNECT it sends, reading the receiver's
 * datagrams (VERIFY_CONNECT, and any reliable command to acknowledge), and writing
 * the acknowledgements.
 *
 * @module
 */

import { CommandReader, writeCommand } from "../../src/protocol/codec.ts";
import type {
  AcknowledgeCommand,
  Command,
  ConnectCommand,
  VerifyConnectCommand,
} from "../../src/protocol/command.ts";
import { CommandFlag, ProtocolCommand, ProtocolLimit } from "../../src/protocol/constants.ts";
import { readHeader, writeHeader } from "../../src/protocol/header.ts";
import type { TargetHeader } from "./differential_traffic.ts";

/** The header of a datagram to a host that has not given us a peer id yet. */
export const UNCONNECTED: TargetHeader = { peerID: ProtocolLimit.MAXIMUM_PEER_ID, sessionID: 0 };

/**
 * The CONNECT a fresh C ENet client would send.
 *
 * @param connectID The connection's id.
 * @param channelCount Channels asked for.
 * @param data Connect data.
 * @returns The command.
 */
export function connectCommand(
  connectID: number,
  channelCount: number,
  data: number,
): ConnectCommand {
  return {
    command: ProtocolCommand.CONNECT,
    flags: CommandFlag.ACKNOWLEDGE,
    channelID: 0xff,
    reliableSequenceNumber: 1,
    outgoingPeerID: 0,
    incomingSessionID: 0xff,
    outgoingSessionID: 0xff,
    mtu: 1392,
    windowSize: 65536,
    channelCount,
    incomingBandwidth: 0,
    outgoingBandwidth: 0,
    packetThrottleInterval: 5000,
    packetThrottleAcceleration: 2,
    packetThrottleDeceleration: 2,
    connectID: connectID >>> 0,
    data: data >>> 0,
  };
}

/**
 * A datagram of whole commands.
 *
 * @param target The receiver's peer id and session.
 * @param sentTime The header's sent time, or undefined for none.
 * @param commands The commands.
 * @returns A new array.
 */
export function datagramOf(
  target: TargetHeader,
  sentTime: number | undefined,
  commands: readonly Command[],
): Uint8Array {
  const buf = new Uint8Array(1400);
  let end = writeHeader(buf, 0, target.peerID, target.sessionID, 0, sentTime);
  for (const command of commands) end = writeCommand(buf, end, command);
  return buf.slice(0, end);
}

/** What the fake client makes of one datagram from a receiver. */
export interface Reply {
  /** Its VERIFY_CONNECT, if it carries one. */
  verify?: VerifyConnectCommand;
  /** Acknowledgements of its reliable commands (empty without a sent time). */
  acks: AcknowledgeCommand[];
  /** The acknowledgements it carries (of our commands). */
  acknowledged: AcknowledgeCommand[];
}

const reader = new CommandReader();

/**
 * Reads a receiver's datagram: finds a VERIFY_CONNECT and acknowledges every command
 * that asks for it, as a C ENet client would.
 *
 * @param datagram The bytes.
 * @returns The VERIFY_CONNECT and the acknowledgements to send back.
 */
export function readReply(datagram: Uint8Array): Reply {
  const reply: Reply = { acks: [], acknowledged: [] };
  const header = readHeader(datagram);
  if (header === null || header.compressed) return reply;
  reader.reset(datagram, header.size);
  for (let c = reader.next(); c !== null; c = reader.next()) {
    if (c.command === ProtocolCommand.VERIFY_CONNECT) reply.verify = c;
    if (c.command === ProtocolCommand.ACKNOWLEDGE) reply.acknowledged.push(c);
    if ((c.flags & CommandFlag.ACKNOWLEDGE) !== 0 && header.sentTime !== undefined) {
      reply.acks.push({
        command: ProtocolCommand.ACKNOWLEDGE,
        flags: 0,
        channelID: c.channelID,
        reliableSequenceNumber: c.reliableSequenceNumber,
        receivedReliableSequenceNumber: c.reliableSequenceNumber,
        receivedSentTime: header.sentTime,
      });
    }
  }
  return reply;
}

/**
 * Where our datagrams go once a receiver answered CONNECT.
 *
 * @param verify Its VERIFY_CONNECT.
 * @returns Its peer id and the session it expects.
 */
export function targetOf(verify: VerifyConnectCommand): TargetHeader {
  return { peerID: verify.outgoingPeerID, sessionID: verify.outgoingSessionID };
}
