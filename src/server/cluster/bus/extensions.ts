// Owns the ping extensions that may follow the gossip section of PING/PONG/MEET (7.0 cluster.c,
// "ping extensions"): each is `length u32, type u16, unused u16` (network order; length counts this
// 8-byte header) then a payload padded with zeros to a multiple of 8 bytes. 7.0 only sends the
// hostname (cluster-announce-hostname, NUL-terminated) and only when one is set.

import { PingExtensionType, type PingExtension } from './messages.js';

/** Bytes of the per-extension header (clusterMsgPingExt without its payload). */
export const EXTENSION_HEADER_SIZE = 8;

/** EIGHT_BYTE_ALIGN. */
function align8(size: number): number {
  return Math.ceil(size / 8) * 8;
}

/** Payload bytes of an extension before padding. */
function payloadOf(ext: PingExtension): Buffer {
  if (ext.kind === 'raw') return ext.data;
  if (ext.hostname.includes('\0')) throw new RangeError('a hostname extension cannot contain NUL');
  // The hostname is sent with its terminating NUL (writeHostnamePingExt reserves length + 1).
  return Buffer.from(`${ext.hostname}\0`, 'latin1');
}

/** Total bytes the extensions take on the wire. */
export function extensionsSize(extensions: readonly PingExtension[]): number {
  let size = 0;
  for (const ext of extensions) size += EXTENSION_HEADER_SIZE + align8(payloadOf(ext).length);
  return size;
}

/** Writes the extensions at `at` into a zero-filled buffer; returns the offset after them. */
export function writeExtensions(buf: Buffer, at: number, extensions: readonly PingExtension[]): number {
  for (const ext of extensions) {
    const payload = payloadOf(ext);
    const length = EXTENSION_HEADER_SIZE + align8(payload.length);
    buf.writeUInt32BE(length, at);
    buf.writeUInt16BE(ext.kind === 'raw' ? ext.type : PingExtensionType.Hostname, at + 4);
    payload.copy(buf, at + EXTENSION_HEADER_SIZE);
    at += length;
  }
  return at;
}

export type ExtensionsResult = { ok: true; extensions: PingExtension[]; end: number } | { ok: false; reason: string };

/**
 * Reads `count` extensions starting at `at` in a frame of `totlen` bytes. Fails (Redis then drops
 * the packet, keeping the link) when a length is not a multiple of 8 or runs past the frame. We
 * are stricter than 7.0 in two places it reads out of bounds: an extension header that does not fit,
 * and a length below 8 (7.0 accepts 0 and reads the same extension again).
 */
export function readExtensions(frame: Buffer, at: number, count: number, totlen: number): ExtensionsResult {
  const extensions: PingExtension[] = [];
  for (let i = 0; i < count; i++) {
    if (totlen - at < EXTENSION_HEADER_SIZE) return { ok: false, reason: `extension ${i} header runs past the message` };
    const length = frame.readUInt32BE(at);
    const type = frame.readUInt16BE(at + 4);
    if (length % 8 !== 0) return { ok: false, reason: `extension ${i} is not padded to 8 bytes (${length} bytes)` };
    if (length < EXTENSION_HEADER_SIZE) return { ok: false, reason: `extension ${i} is shorter than its header (${length} bytes)` };
    if (totlen - at < length) return { ok: false, reason: `extension ${i} (${length} bytes) exceeds the message length` };
    const payload = frame.subarray(at + EXTENSION_HEADER_SIZE, at + length);
    extensions.push(decodeOne(type, payload));
    at += length;
  }
  return { ok: true, extensions, end: at };
}

function decodeOne(type: number, payload: Buffer): PingExtension {
  if (type === PingExtensionType.Hostname) {
    // A C string: everything up to the first NUL (the rest is padding).
    const nul = payload.indexOf(0);
    return { kind: 'hostname', hostname: payload.toString('latin1', 0, nul === -1 ? payload.length : nul) };
  }
  return { kind: 'raw', type, data: Buffer.from(payload) };
}
