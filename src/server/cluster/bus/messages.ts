// Owns the typed shape of every cluster bus message Redis 7.0 exchanges (cluster.h clusterMsg and
// clusterMsgData): the common header fields, and one body per message type. Pure types + constants.

/** clusterMsg.type values (CLUSTERMSG_TYPE_*). */
export const MessageType = {
  Ping: 0,
  Pong: 1,
  /** A PING that makes the receiver add the sender (CLUSTER MEET). */
  Meet: 2,
  Fail: 3,
  Publish: 4,
  FailoverAuthRequest: 5,
  FailoverAuthAck: 6,
  Update: 7,
  MfStart: 8,
  Module: 9,
  PublishShard: 10,
} as const;

/** FAIL body: the failing node's id (clusterMsgDataFail). */
export const FAIL_BODY_SIZE = 40;
/** UPDATE body: configEpoch u64 + node id + slot bitmap (clusterMsgDataUpdate). */
export const UPDATE_BODY_SIZE = 8 + 40 + 2048;
/** PUBLISH body before the bytes: channel_len u32 + message_len u32 (its size minus 8 placeholder bytes). */
export const PUBLISH_PREFIX_SIZE = 8;
/** MODULE body before the payload: module_id 8 + len u32 + type u8 (its size minus 3 placeholder bytes). */
export const MODULE_PREFIX_SIZE = 13;

export type PingType = typeof MessageType.Ping | typeof MessageType.Pong | typeof MessageType.Meet;
export type PublishType = typeof MessageType.Publish | typeof MessageType.PublishShard;
/** Types whose message is the header alone. */
export type HeaderOnlyType =
  | typeof MessageType.FailoverAuthRequest
  | typeof MessageType.FailoverAuthAck
  | typeof MessageType.MfStart;

/**
 * Header fields a sender chooses. totlen, count, extensions and the signature are derived by the
 * encoder from the body; the 30 reserved bytes are always zero.
 */
export interface BusHeader {
  /** Protocol version; 1 in everything 7.0 sends, and 7.0 ignores any other. */
  ver: number;
  /** Client port the sender announces (TLS port when TLS is on). */
  port: number;
  /** Plaintext client port when `port` is the TLS one, else 0. */
  pport: number;
  /** Cluster bus port the sender announces. */
  cport: number;
  currentEpoch: bigint;
  /** The sender's configEpoch, or its master's when it is a replica. */
  configEpoch: bigint;
  /** Replication offset: master_repl_offset of a master, processed offset of a replica. */
  offset: bigint;
  /** Sender node id: 40 bytes, normally lowercase hex. */
  sender: string;
  /** 2048-byte slot bitmap the sender (or its master, for a replica) claims. */
  myslots: Uint8Array;
  /** Master's node id when the sender is a replica; null (40 zero bytes) for a master. */
  slaveof: string | null;
  /** Announced IP (cluster-announce-ip); '' (all zero) lets the receiver use the socket's peer. */
  myip: string;
  /** NodeFlag bits of the sender. */
  flags: number;
  /** ClusterStateByte: the cluster state as the sender sees it. */
  state: number;
  /** mflags[0] (MessageFlag bits). ExtData is set by the encoder when extensions are present. */
  mflags: number;
}

/** One clusterMsgDataGossip entry (104 bytes): what the sender knows about another node. */
export interface GossipEntry {
  nodeId: string;
  /** Seconds (not ms): 7.0 sends node->ping_sent / 1000. */
  pingSent: number;
  /** Seconds (not ms): 7.0 sends node->pong_received / 1000. */
  pongReceived: number;
  ip: string;
  port: number;
  cport: number;
  flags: number;
  pport: number;
}

/** Ping extension types. 7.0 defines only the hostname; 7.2 adds 1-3 (human nodename, forgotten node, shard id). */
export const PingExtensionType = { Hostname: 0 } as const;

/** An extension after the gossip section of PING/PONG/MEET. */
export type PingExtension =
  /** cluster-announce-hostname of the sender. */
  | { kind: 'hostname'; hostname: string }
  /** Any other type, kept as its padded payload so it survives a round trip. */
  | { kind: 'raw'; type: number; data: Buffer };

export interface PingMessage extends BusHeader {
  type: PingType;
  gossip: GossipEntry[];
  extensions: PingExtension[];
}

/** FAIL: the sender declares `nodeId` failed; receivers set its FAIL flag. */
export interface FailMessage extends BusHeader {
  type: typeof MessageType.Fail;
  nodeId: string;
}

export interface PublishMessage extends BusHeader {
  type: PublishType;
  channel: Buffer;
  message: Buffer;
}

export interface HeaderOnlyMessage extends BusHeader {
  type: HeaderOnlyType;
}

/** UPDATE: `nodeId` serves `slots` as of `nodeConfigEpoch` (sent to a node with a stale view). */
export interface UpdateMessage extends BusHeader {
  type: typeof MessageType.Update;
  nodeConfigEpoch: bigint;
  nodeId: string;
  slots: Uint8Array;
}

/** MODULE: an opaque payload for a module's cluster message receivers. */
export interface ModuleMessage extends BusHeader {
  type: typeof MessageType.Module;
  /** 8 bytes copied as-is: 7.0 does not byte-swap the module id (it is already "endian adjusted"). */
  moduleId: Buffer;
  moduleType: number;
  payload: Buffer;
}

export type BusMessage =
  | PingMessage
  | FailMessage
  | PublishMessage
  | HeaderOnlyMessage
  | UpdateMessage
  | ModuleMessage;
