// Owns reading cluster bus messages: from a stream of socket chunks into frames (clusterReadHandler:
// 8 bytes give the signature and totlen, then the whole frame), and from one frame into a typed
// message with the per-type length checks of clusterProcessPacket. A partial frame is a normal
// result; a bad signature or a totlen below the header size is a BusFrameError (Redis drops the
// link); a frame with a wrong length for its type, another version or an unknown type is a
// `dropped` result (Redis ignores that packet and keeps the link).

import { SLOT_BITMAP_BYTES } from '../slot-bitmap.js';
import { HEADER_SIZE, NODE_ID_LENGTH, PROTOCOL_VERSION, SIGNATURE, readHeader, readNodeId, type FrameInfo } from './header.js';
import { readExtensions } from './extensions.js';
import { GOSSIP_ENTRY_SIZE, readGossip } from './gossip.js';
import {
  FAIL_BODY_SIZE,
  MessageType,
  MODULE_PREFIX_SIZE,
  PUBLISH_PREFIX_SIZE,
  UPDATE_BODY_SIZE,
  type BusHeader,
  type BusMessage,
  type GossipEntry,
  type HeaderOnlyType,
  type PingExtension,
  type PingType,
  type PublishType,
} from './messages.js';
import { MessageFlag } from './node-flags.js';

/** Bytes needed before a frame's length is known (signature + totlen). */
const PREFIX_SIZE = 8;

/** The stream cannot be a cluster bus: the link must be closed. */
export class BusFrameError extends Error {
  constructor(
    readonly code: 'BAD_SIGNATURE' | 'BAD_LENGTH',
    message: string,
  ) {
    super(message);
    this.name = 'BusFrameError';
  }
}

/** A whole frame that Redis would ignore; `header` is set when Redis still honours it (unknown type). */
export interface DroppedFrame {
  kind: 'dropped';
  type: number;
  reason: string;
  header?: BusHeader;
}

export type FrameResult = { kind: 'message'; message: BusMessage } | DroppedFrame;

/** What BusDecoder.next() returns: a message, a dropped frame, or "need more bytes". */
export type DecodeResult = FrameResult | { kind: 'need-more'; buffered: number; needed: number };

/**
 * Checks the first 8 bytes of a frame as clusterReadHandler does once it has them; returns totlen.
 * The signature is checked only then, so 4 bad bytes alone are still "need more".
 */
export function checkFramePrefix(prefix: Buffer): number {
  if (!prefix.subarray(0, 4).equals(SIGNATURE)) {
    throw new BusFrameError('BAD_SIGNATURE', `bad cluster bus signature ${JSON.stringify(prefix.toString('latin1', 0, 4))}`);
  }
  const totlen = prefix.readUInt32BE(4);
  if (totlen < HEADER_SIZE) {
    throw new BusFrameError('BAD_LENGTH', `cluster bus message length ${totlen} is below the ${HEADER_SIZE}-byte header`);
  }
  return totlen;
}

/** Decodes one complete frame (exactly totlen bytes). */
export function decodeFrame(frame: Buffer): FrameResult {
  if (frame.length < PREFIX_SIZE) throw new BusFrameError('BAD_LENGTH', `a ${frame.length}-byte frame is too short`);
  const totlen = checkFramePrefix(frame);
  if (frame.length !== totlen) {
    throw new BusFrameError('BAD_LENGTH', `frame of ${frame.length} bytes but its totlen says ${totlen}`);
  }
  const { header, info } = readHeader(frame);
  const dropped = (reason: string, keepHeader = false): DroppedFrame => ({
    kind: 'dropped',
    type: info.type,
    reason,
    ...(keepHeader ? { header } : {}),
  });
  // clusterProcessPacket: another protocol version is ignored before anything else is read.
  if (header.ver !== PROTOCOL_VERSION) return dropped(`unsupported protocol version ${header.ver}`);
  const body = decodeBody(frame, header, info);
  if (typeof body === 'string') return dropped(body, info.type > MessageType.PublishShard);
  return { kind: 'message', message: body };
}

/** The typed message, or why its length does not match its type (the explen check). */
function decodeBody(frame: Buffer, header: BusHeader, info: FrameInfo): BusMessage | string {
  const { totlen, type } = info;
  const bodySize = totlen - HEADER_SIZE;
  const expect = (size: number): string | null =>
    bodySize === size ? null : `${typeName(type)} of ${totlen} bytes, expected ${HEADER_SIZE + size}`;
  switch (type) {
    case MessageType.Ping:
    case MessageType.Pong:
    case MessageType.Meet:
      return decodePing(frame, header, info, type);
    case MessageType.Fail:
      return expect(FAIL_BODY_SIZE) ?? { ...header, type, nodeId: readNodeId(frame, HEADER_SIZE) };
    case MessageType.Publish:
    case MessageType.PublishShard:
      return decodePublish(frame, header, totlen, type);
    case MessageType.FailoverAuthRequest:
    case MessageType.FailoverAuthAck:
    case MessageType.MfStart:
      return expect(0) ?? { ...header, type: type as HeaderOnlyType };
    case MessageType.Update:
      return expect(UPDATE_BODY_SIZE) ?? decodeUpdate(frame, header);
    case MessageType.Module:
      return decodeModule(frame, header, totlen);
    default:
      // 7.0 takes an unknown type as well formed, honours its header, then logs and ignores it.
      return `unknown message type ${type}`;
  }
}

/**
 * PING/PONG/MEET: count gossip entries, then — only when mflags has ExtData, as 7.0 validates —
 * `extensions` ping extensions; the sum must be exactly totlen.
 */
function decodePing(frame: Buffer, header: BusHeader, info: FrameInfo, type: PingType): BusMessage | string {
  const gossipEnd = HEADER_SIZE + info.count * GOSSIP_ENTRY_SIZE;
  if (gossipEnd > info.totlen) return `${typeName(type)} of ${info.totlen} bytes cannot hold ${info.count} gossip entries`;
  const gossip: GossipEntry[] = [];
  for (let at = HEADER_SIZE; at < gossipEnd; at += GOSSIP_ENTRY_SIZE) gossip.push(readGossip(frame, at));
  let end = gossipEnd;
  let extensions: PingExtension[] = [];
  if (header.mflags & MessageFlag.ExtData) {
    const read = readExtensions(frame, gossipEnd, info.extensions, info.totlen);
    if (!read.ok) return `${typeName(type)}: ${read.reason}`;
    ({ extensions, end } = read);
  }
  if (end !== info.totlen) return `${typeName(type)} of ${info.totlen} bytes, expected ${end}`;
  return { ...header, type, gossip, extensions };
}

function decodeUpdate(frame: Buffer, header: BusHeader): BusMessage {
  const at = HEADER_SIZE;
  const slotsAt = at + 8 + NODE_ID_LENGTH;
  return {
    ...header,
    type: MessageType.Update,
    nodeConfigEpoch: frame.readBigUInt64BE(at),
    nodeId: readNodeId(frame, at + 8),
    slots: new Uint8Array(frame.subarray(slotsAt, slotsAt + SLOT_BITMAP_BYTES)),
  };
}

/** MODULE: module_id (8 raw bytes), len u32, type u8, then len payload bytes. */
function decodeModule(frame: Buffer, header: BusHeader, totlen: number): BusMessage | string {
  const at = HEADER_SIZE + MODULE_PREFIX_SIZE;
  if (totlen < at) return `MODULE of ${totlen} bytes, expected at least ${at}`;
  const len = frame.readUInt32BE(HEADER_SIZE + 8);
  if (totlen !== at + len) return `MODULE of ${totlen} bytes, expected ${at + len}`;
  return {
    ...header,
    type: MessageType.Module,
    moduleId: Buffer.from(frame.subarray(HEADER_SIZE, HEADER_SIZE + 8)),
    moduleType: frame[HEADER_SIZE + 12]!,
    payload: Buffer.from(frame.subarray(at, at + len)),
  };
}

/** PUBLISH / PUBLISHSHARD: channel_len u32, message_len u32, then the channel and message bytes. */
function decodePublish(frame: Buffer, header: BusHeader, totlen: number, type: PublishType): BusMessage | string {
  const at = HEADER_SIZE + PUBLISH_PREFIX_SIZE;
  if (totlen < at) return `${typeName(type)} of ${totlen} bytes, expected at least ${at}`;
  const channelLength = frame.readUInt32BE(HEADER_SIZE);
  const messageLength = frame.readUInt32BE(HEADER_SIZE + 4);
  const expected = at + channelLength + messageLength;
  if (totlen !== expected) return `${typeName(type)} of ${totlen} bytes, expected ${expected}`;
  return {
    ...header,
    type,
    channel: Buffer.from(frame.subarray(at, at + channelLength)),
    message: Buffer.from(frame.subarray(at + channelLength, expected)),
  };
}

const TYPE_NAMES = Object.fromEntries(Object.entries(MessageType).map(([name, code]) => [code, name.toUpperCase()]));

function typeName(type: number): string {
  return TYPE_NAMES[type] ?? `type ${type}`;
}

/**
 * Reassembles frames from socket chunks. push() every chunk, then call next() until it says
 * need-more. Chunks are kept as they came and joined once per frame. After a BusFrameError the
 * decoder stays broken: every later next() throws it again, as the link is to be dropped.
 */
export class BusDecoder {
  private chunks: Buffer[] = [];
  private size = 0;
  /** totlen of the frame being assembled, once its first 8 bytes have been checked. */
  private frameLength: number | undefined;
  private failure: BusFrameError | undefined;

  /** Bytes received and not yet returned as a frame. */
  get buffered(): number {
    return this.size;
  }

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    // A Buffer from a socket is never reused by Node, so it is kept as is; other arrays are copied.
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    this.size += chunk.length;
  }

  next(): DecodeResult {
    if (this.failure) throw this.failure;
    if (this.frameLength === undefined) {
      if (this.size < PREFIX_SIZE) return { kind: 'need-more', buffered: this.size, needed: PREFIX_SIZE };
      try {
        this.frameLength = checkFramePrefix(this.peekPrefix());
      } catch (error) {
        this.failure = error as BusFrameError;
        throw error;
      }
    }
    const totlen = this.frameLength;
    if (this.size < totlen) return { kind: 'need-more', buffered: this.size, needed: totlen };
    this.frameLength = undefined;
    return decodeFrame(this.take(totlen));
  }

  /** The first 8 buffered bytes, without consuming them (they may span many small chunks). */
  private peekPrefix(): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= PREFIX_SIZE) return first;
    const prefix = Buffer.alloc(PREFIX_SIZE);
    let filled = 0;
    for (const chunk of this.chunks) {
      filled += chunk.copy(prefix, filled, 0, Math.min(chunk.length, PREFIX_SIZE - filled));
      if (filled === PREFIX_SIZE) break;
    }
    return prefix;
  }

  /** Removes and returns the first n buffered bytes as one Buffer. */
  private take(n: number): Buffer {
    let whole = 0;
    let covered = 0;
    while (covered + this.chunks[whole]!.length <= n) {
      covered += this.chunks[whole]!.length;
      whole++;
      if (covered === n) break;
    }
    const parts = this.chunks.splice(0, whole);
    if (covered < n) {
      const rest = this.chunks[0]!;
      parts.push(rest.subarray(0, n - covered));
      this.chunks[0] = rest.subarray(n - covered);
    }
    this.size -= n;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }
}
