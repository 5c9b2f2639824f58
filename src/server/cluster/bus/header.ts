// Owns the byte layout of the 2256-byte cluster bus header (cluster.h clusterMsg up to `data`,
// offsets fixed by its static asserts) and reading/writing its fields. Every multi-byte field is
// network order (htons/htonl/htonu64 in clusterBuildMessageHdr); names and IPs are NUL-padded.

import { SLOT_BITMAP_BYTES, emptySlotBitmap } from '../slot-bitmap.js';
import { ClusterStateByte } from './node-flags.js';
import type { BusHeader } from './messages.js';

/** "RCmb": Redis Cluster message bus. */
export const SIGNATURE = Buffer.from('RCmb', 'latin1');
/** CLUSTER_PROTO_VER. */
export const PROTOCOL_VERSION = 1;
/** sizeof(clusterMsg) - sizeof(union clusterMsgData): CLUSTERMSG_MIN_LEN, the smallest message. */
export const HEADER_SIZE = 2256;
/** CLUSTER_NAMELEN: a node id is 40 hex chars. */
export const NODE_ID_LENGTH = 40;
/** NET_IP_STR_LEN: IP text fields are 46 bytes, NUL-terminated. */
export const IP_FIELD_LENGTH = 46;
/** The bus listens on the client port + 10000 unless cluster-port says otherwise. */
export const CLUSTER_PORT_INCR = 10000;

/** Field offsets (cluster.h static asserts). */
export const Offset = {
  sig: 0,
  totlen: 4,
  ver: 8,
  port: 10,
  type: 12,
  count: 14,
  currentEpoch: 16,
  configEpoch: 24,
  offset: 32,
  sender: 40,
  myslots: 80,
  slaveof: 2128,
  myip: 2168,
  extensions: 2214,
  reserved: 2216,
  pport: 2246,
  cport: 2248,
  flags: 2250,
  state: 2252,
  mflags: 2253,
  data: 2256,
} as const;

/** Header fields with Redis's defaults for a sender that only knows its id. */
export function makeHeader(fields: Partial<BusHeader> & { sender: string }): BusHeader {
  return {
    ver: PROTOCOL_VERSION,
    port: 0,
    pport: 0,
    cport: 0,
    currentEpoch: 0n,
    configEpoch: 0n,
    offset: 0n,
    myslots: emptySlotBitmap(),
    slaveof: null,
    myip: '',
    flags: 0,
    state: ClusterStateByte.Ok,
    mflags: 0,
    ...fields,
  };
}

/** What the fixed header says about the frame besides the BusHeader fields. */
export interface FrameInfo {
  totlen: number;
  type: number;
  /** Gossip entries (PING/PONG/MEET); 0 in what 7.0 sends otherwise. */
  count: number;
  /** Number of ping extensions. */
  extensions: number;
}

/** Reads the header of a frame at least HEADER_SIZE long. */
export function readHeader(frame: Buffer): { header: BusHeader; info: FrameInfo } {
  const header: BusHeader = {
    ver: frame.readUInt16BE(Offset.ver),
    port: frame.readUInt16BE(Offset.port),
    pport: frame.readUInt16BE(Offset.pport),
    cport: frame.readUInt16BE(Offset.cport),
    currentEpoch: frame.readBigUInt64BE(Offset.currentEpoch),
    configEpoch: frame.readBigUInt64BE(Offset.configEpoch),
    offset: frame.readBigUInt64BE(Offset.offset),
    sender: readNodeId(frame, Offset.sender),
    myslots: new Uint8Array(frame.subarray(Offset.myslots, Offset.myslots + SLOT_BITMAP_BYTES)),
    slaveof: isAllZero(frame, Offset.slaveof, NODE_ID_LENGTH) ? null : readNodeId(frame, Offset.slaveof),
    myip: readCString(frame, Offset.myip, IP_FIELD_LENGTH),
    flags: frame.readUInt16BE(Offset.flags),
    state: frame[Offset.state]!,
    mflags: frame[Offset.mflags]!,
  };
  const info: FrameInfo = {
    totlen: frame.readUInt32BE(Offset.totlen),
    type: frame.readUInt16BE(Offset.type),
    count: frame.readUInt16BE(Offset.count),
    extensions: frame.readUInt16BE(Offset.extensions),
  };
  return { header, info };
}

/** Writes the header into a zero-filled buffer of `info.totlen` bytes (at least HEADER_SIZE). */
export function writeHeader(buf: Buffer, header: BusHeader, info: FrameInfo): void {
  SIGNATURE.copy(buf, Offset.sig);
  buf.writeUInt32BE(info.totlen, Offset.totlen);
  buf.writeUInt16BE(header.ver, Offset.ver);
  buf.writeUInt16BE(header.port, Offset.port);
  buf.writeUInt16BE(info.type, Offset.type);
  buf.writeUInt16BE(info.count, Offset.count);
  buf.writeBigUInt64BE(header.currentEpoch, Offset.currentEpoch);
  buf.writeBigUInt64BE(header.configEpoch, Offset.configEpoch);
  buf.writeBigUInt64BE(header.offset, Offset.offset);
  writeNodeId(buf, Offset.sender, header.sender, 'sender');
  if (header.myslots.length !== SLOT_BITMAP_BYTES) {
    throw new RangeError(`myslots must be ${SLOT_BITMAP_BYTES} bytes, got ${header.myslots.length}`);
  }
  buf.set(header.myslots, Offset.myslots);
  if (header.slaveof !== null) writeNodeId(buf, Offset.slaveof, header.slaveof, 'slaveof');
  writeCString(buf, Offset.myip, IP_FIELD_LENGTH, header.myip, 'myip');
  buf.writeUInt16BE(info.extensions, Offset.extensions);
  buf.writeUInt16BE(header.pport, Offset.pport);
  buf.writeUInt16BE(header.cport, Offset.cport);
  buf.writeUInt16BE(header.flags, Offset.flags);
  buf.writeUInt8(header.state, Offset.state);
  buf.writeUInt8(header.mflags, Offset.mflags);
}

/** A node id field: 40 bytes taken as latin1 (Redis compares them with memcmp, not as C strings). */
export function readNodeId(buf: Buffer, at: number): string {
  return buf.toString('latin1', at, at + NODE_ID_LENGTH);
}

export function writeNodeId(buf: Buffer, at: number, id: string, what: string): void {
  if (id.length !== NODE_ID_LENGTH || !isBytes(id)) {
    throw new RangeError(`${what} must be a ${NODE_ID_LENGTH}-byte node id, got ${JSON.stringify(id)}`);
  }
  buf.write(id, at, NODE_ID_LENGTH, 'latin1');
}

/** A NUL-terminated text field: the bytes before the first NUL (all of them when there is none). */
export function readCString(buf: Buffer, at: number, size: number): string {
  const nul = buf.subarray(at, at + size).indexOf(0);
  return buf.toString('latin1', at, nul === -1 ? at + size : at + nul);
}

/** Writes text into a zeroed field of `size` bytes, leaving room for the terminating NUL. */
export function writeCString(buf: Buffer, at: number, size: number, text: string, what: string): void {
  if (text.length > size - 1 || !isBytes(text) || text.includes('\0')) {
    throw new RangeError(`${what} must be at most ${size - 1} bytes without NUL, got ${JSON.stringify(text)}`);
  }
  buf.write(text, at, size, 'latin1');
}

function isBytes(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}

function isAllZero(buf: Buffer, at: number, size: number): boolean {
  for (let i = at; i < at + size; i++) if (buf[i] !== 0) return false;
  return true;
}
