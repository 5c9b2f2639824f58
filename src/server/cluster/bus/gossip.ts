// Owns the layout of one gossip entry (cluster.h clusterMsgDataGossip, 104 bytes) in the body of
// PING/PONG/MEET: what the sender knows about another node. Network byte order, like the header.

import { IP_FIELD_LENGTH, readCString, readNodeId, writeCString, writeNodeId } from './header.js';
import type { GossipEntry } from './messages.js';

/** nodename 40 + ping_sent 4 + pong_received 4 + ip 46 + port, cport, flags, pport, notused1 (2 each). */
export const GOSSIP_ENTRY_SIZE = 104;

const At = { nodeId: 0, pingSent: 40, pongReceived: 44, ip: 48, port: 94, cport: 96, flags: 98, pport: 100 } as const;

/** Writes an entry as clusterSetGossipEntry fills it (notused1 stays zero); returns the next offset. */
export function writeGossip(buf: Buffer, at: number, entry: GossipEntry): number {
  writeNodeId(buf, at + At.nodeId, entry.nodeId, 'gossip node id');
  buf.writeUInt32BE(entry.pingSent, at + At.pingSent);
  buf.writeUInt32BE(entry.pongReceived, at + At.pongReceived);
  writeCString(buf, at + At.ip, IP_FIELD_LENGTH, entry.ip, 'gossip ip');
  buf.writeUInt16BE(entry.port, at + At.port);
  buf.writeUInt16BE(entry.cport, at + At.cport);
  buf.writeUInt16BE(entry.flags, at + At.flags);
  buf.writeUInt16BE(entry.pport, at + At.pport);
  return at + GOSSIP_ENTRY_SIZE;
}

/** Reads the entry at `at` (the caller has checked that 104 bytes are there). */
export function readGossip(buf: Buffer, at: number): GossipEntry {
  return {
    nodeId: readNodeId(buf, at + At.nodeId),
    pingSent: buf.readUInt32BE(at + At.pingSent),
    pongReceived: buf.readUInt32BE(at + At.pongReceived),
    ip: readCString(buf, at + At.ip, IP_FIELD_LENGTH),
    port: buf.readUInt16BE(at + At.port),
    cport: buf.readUInt16BE(at + At.cport),
    flags: buf.readUInt16BE(at + At.flags),
    pport: buf.readUInt16BE(at + At.pport),
  };
}
