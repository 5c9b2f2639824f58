// Owns turning a typed bus message into the exact bytes redis-server 7.0 would send for it: the
// header (clusterBuildMessageHdr), then the type's body laid out as clusterMsgData, with totlen,
// count and extensions derived from the body as clusterSendPing & co. compute them.

import { SLOT_BITMAP_BYTES } from '../slot-bitmap.js';
import { HEADER_SIZE, NODE_ID_LENGTH, writeHeader, writeNodeId } from './header.js';
import { extensionsSize, writeExtensions } from './extensions.js';
import { GOSSIP_ENTRY_SIZE, writeGossip } from './gossip.js';
import {
  FAIL_BODY_SIZE,
  MessageType,
  MODULE_PREFIX_SIZE,
  PUBLISH_PREFIX_SIZE,
  UPDATE_BODY_SIZE,
  type BusMessage,
  type PingMessage,
} from './messages.js';
import { MessageFlag } from './node-flags.js';

/** Encodes one message; throws RangeError on a field that cannot be represented. */
export function encodeMessage(message: BusMessage): Buffer {
  switch (message.type) {
    case MessageType.Ping:
    case MessageType.Pong:
    case MessageType.Meet:
      return encodePing(message);
    case MessageType.Fail: {
      const buf = frame(message, FAIL_BODY_SIZE);
      writeNodeId(buf, HEADER_SIZE, message.nodeId, 'FAIL node id');
      return buf;
    }
    case MessageType.Publish:
    case MessageType.PublishShard: {
      const { channel, message: payload } = message;
      const buf = frame(message, PUBLISH_PREFIX_SIZE + channel.length + payload.length);
      buf.writeUInt32BE(channel.length, HEADER_SIZE);
      buf.writeUInt32BE(payload.length, HEADER_SIZE + 4);
      channel.copy(buf, HEADER_SIZE + PUBLISH_PREFIX_SIZE);
      payload.copy(buf, HEADER_SIZE + PUBLISH_PREFIX_SIZE + channel.length);
      return buf;
    }
    case MessageType.Update: {
      if (message.slots.length !== SLOT_BITMAP_BYTES) throw new RangeError(`UPDATE slots must be ${SLOT_BITMAP_BYTES} bytes`);
      const buf = frame(message, UPDATE_BODY_SIZE);
      buf.writeBigUInt64BE(message.nodeConfigEpoch, HEADER_SIZE);
      writeNodeId(buf, HEADER_SIZE + 8, message.nodeId, 'UPDATE node id');
      buf.set(message.slots, HEADER_SIZE + 8 + NODE_ID_LENGTH);
      return buf;
    }
    case MessageType.Module: {
      if (message.moduleId.length !== 8) throw new RangeError('a module id is 8 bytes');
      const buf = frame(message, MODULE_PREFIX_SIZE + message.payload.length);
      message.moduleId.copy(buf, HEADER_SIZE);
      buf.writeUInt32BE(message.payload.length, HEADER_SIZE + 8);
      buf.writeUInt8(message.moduleType, HEADER_SIZE + 12);
      message.payload.copy(buf, HEADER_SIZE + MODULE_PREFIX_SIZE);
      return buf;
    }
    case MessageType.FailoverAuthRequest:
    case MessageType.FailoverAuthAck:
    case MessageType.MfStart:
      return frame(message, 0);
    default:
      throw new RangeError(`cannot encode message type ${(message as { type: unknown }).type}`);
  }
}

/** A zeroed buffer of header + body with the header written (count and extensions 0). */
function frame(message: BusMessage, bodySize: number): Buffer {
  const totlen = HEADER_SIZE + bodySize;
  const buf = Buffer.alloc(totlen);
  writeHeader(buf, message, { totlen, type: message.type, count: 0, extensions: 0 });
  return buf;
}

/** PING/PONG/MEET: header, gossip entries, then extensions (ExtData set iff there are any). */
function encodePing(message: PingMessage): Buffer {
  const { gossip, extensions } = message;
  if (gossip.length > 0xffff || extensions.length > 0xffff) throw new RangeError('too many gossip entries or extensions');
  const totlen = HEADER_SIZE + gossip.length * GOSSIP_ENTRY_SIZE + extensionsSize(extensions);
  const buf = Buffer.alloc(totlen);
  const mflags = extensions.length > 0 ? message.mflags | MessageFlag.ExtData : message.mflags & ~MessageFlag.ExtData;
  writeHeader(buf, { ...message, mflags }, { totlen, type: message.type, count: gossip.length, extensions: extensions.length });
  let at = HEADER_SIZE;
  for (const entry of gossip) at = writeGossip(buf, at, entry);
  writeExtensions(buf, at, extensions);
  return buf;
}
