// The contract between our nodes and our sentinels for self-fencing, in one place: how a sentinel
// names its links, the FENCING command it sends on its command link, the INFO `fencing` fields it
// reads back, and the pub/sub channels. clusterctl's own (Redis has no FENCING): redis-sentinel
// sends none of it, so a node it monitors keeps fence-lease-ms; redis-server answers FENCING with
// "unknown command", so our sentinel requests no lease there and pings it as Redis Sentinel does.

// ---- Link names (CLIENT SETNAME) ----------------------------------------------------------------

/**
 * A sentinel names its links to an instance `sentinel-<first 8 characters of its run id>-<link>`,
 * as Redis 7.0 does (sentinelSetClientName: "sentinel-%.8s-%s", "cmd" or "pubsub"). A node learns
 * who monitors it from these names, so redis-sentinel is recognised too.
 */
export const SENTINEL_ID_LENGTH = 8;

export type SentinelLink = 'cmd' | 'pubsub';

/** Every sentinel link name starts so (a node never holds or fences these connections). */
export const SENTINEL_NAME_PREFIX = 'sentinel-';

/** The short id a node knows a sentinel by: the first 8 characters of its run id (its hellos carry all 40). */
export function sentinelShortId(runId: string): string {
  return runId.slice(0, SENTINEL_ID_LENGTH);
}

/** The name a sentinel gives its `link` to an instance. */
export function sentinelClientName(runId: string, link: SentinelLink): string {
  return `${SENTINEL_NAME_PREFIX}${sentinelShortId(runId)}-${link}`;
}

/** Run ids are 40 hex characters (Redis's CONFIG_RUN_ID_SIZE); link names carry the first 8. */
const SHORT_ID = `[0-9a-f]{${SENTINEL_ID_LENGTH}}`;

/** A short id as it appears in link names (and a node's remembered sentinels). */
export const SENTINEL_SHORT_ID = new RegExp(`^${SHORT_ID}$`);

/** A sentinel's command link; group 1 is its short id. FENCING is accepted on it only. */
export const SENTINEL_CMD_NAME = new RegExp(`^${SENTINEL_NAME_PREFIX}(${SHORT_ID})-cmd$`);

/** A sentinel's pub/sub link (subscribed to the hello channel); group 1 is its short id. */
export const SENTINEL_PUBSUB_NAME = new RegExp(`^${SENTINEL_NAME_PREFIX}(${SHORT_ID})-pubsub$`);

/** Either link; group 1 is the short id, group 2 the link. */
export const SENTINEL_LINK_NAME = new RegExp(`^${SENTINEL_NAME_PREFIX}(${SHORT_ID})-(cmd|pubsub)$`);

// ---- FENCING <subcommand> [<argument>] (sent on the command link) --------------------------------

export const FENCING_COMMAND = 'FENCING';

/**
 * The subcommands a sentinel sends:
 * - `LEASE <ms>`: sent once on a fresh command link, before its first heartbeat. Reply: an integer,
 *   the lease now in force (never longer than <ms>, until the sentinel releases it); an error when
 *   <ms> < MIN_LEASE_MS or the caller is not a sentinel command link. The sentinel is a member of
 *   the node's fencing authority from then on: only members can fence it (a sentinel that never
 *   asked, such as redis-sentinel, counts only under the node's `fence-heuristic yes`).
 * - `PING <ack>`: a heartbeat to a node that granted a lease; <ack> counts the +PONG replies to
 *   FENCING PING the sentinel has read on this connection. Reply: +PONG (it serves as PING too).
 * - `CONFIRM <round>`: the sentinel read confirmation round <round> on its pub/sub link (a message
 *   on CONFIRM_CHANNEL). Reply: +OK, which the sentinel does not wait for.
 * - `RELEASE`: the sentinel no longer times any failover of this node on its lease (it stopped
 *   monitoring it: SENTINEL REMOVE, RESET, a new address, its own shutdown). Reply: +OK; the node
 *   forgets it as a member, and a master with no member left serves writes whatever happened.
 * - `FENCE <ms>`: the leader of a forced failover (SENTINEL FAILOVER) asks the healthy old master to
 *   refuse writes for <ms> while it promotes a replica (0 lifts it: the failover was aborted).
 *   Reply: +OK once the node refuses writes. Lifted earlier when the node becomes a replica.
 * And one an operator sends (any connection):
 * - `FORGET <id>`: forget member <id> (8 characters, or `*` for all) as if it had released: for
 *   sentinels that are gone for good, which a node cannot tell from unreachable ones.
 */
export type FencingSubcommand = 'LEASE' | 'PING' | 'CONFIRM' | 'RELEASE' | 'FENCE' | 'FORGET';

/** Arity of each FENCING subcommand, as the command table counts it (name included). */
export const FENCING_ARITY: Record<FencingSubcommand, number> = { LEASE: 3, PING: 3, CONFIRM: 3, RELEASE: 2, FENCE: 3, FORGET: 3 };

/** A node refuses shorter leases: they would fence a healthy master on a scheduling hiccup. */
export const MIN_LEASE_MS = 100;

/** The request as it goes on the wire. */
export function fencingRequest(sub: FencingSubcommand, arg?: number | string): string[] {
  return arg === undefined ? [FENCING_COMMAND, sub] : [FENCING_COMMAND, sub, String(arg)];
}

// ---- INFO fencing --------------------------------------------------------------------------------

/** The INFO section with the fields below; Redis 7.0 ignores an unknown section name. */
export const FENCING_INFO_SECTION = 'fencing';

/** Field names of INFO fencing. The sentinel reads leaseMs, syncReplicas and syncAckedOffset. */
export const FENCING_INFO = {
  /** The lease in force (0: none); a sentinel waits for it to run out before promoting a replica. */
  leaseMs: 'fence_lease_ms',
  leaseConfigMs: 'fence_lease_config_ms',
  leaseRequests: 'fence_lease_requests',
  ackingSentinels: 'fence_acking_sentinels',
  active: 'fence_active',
  fenced: 'fenced',
  reason: 'fence_reason',
  knownSentinels: 'fence_known_sentinels',
  heardSentinels: 'fence_heard_sentinels',
  /** `fence-heuristic`: 1 when sentinels that hold no lease (redis-sentinel) can fence this node. */
  heuristic: 'fence_heuristic',
  /** The members (short ids) that can fence this node, comma-separated. */
  members: 'fence_members',
  /** Fenced: why, in words; what lifts it; the members it waits for (comma-separated). */
  why: 'fence_why',
  liftedBy: 'fence_lifted_by',
  waitingFor: 'fence_waiting_for',
  /** sync-replicas, and the highest offset answered OK under it: the replica to promote must hold it. */
  syncReplicas: 'sync_replicas',
  syncAckedOffset: 'sync_acked_offset',
} as const;

/** `field:` as it opens an INFO line. */
export function infoPrefix(field: string): string {
  return `${field}:`;
}

// ---- Pub/sub channels ----------------------------------------------------------------------------

/** Sentinels' hello messages (protocol doc 7.3), on masters and replicas alike. */
export const HELLO_CHANNEL = '__sentinel__:hello';

/**
 * Confirmation rounds a master holding write replies pushes to our sentinels' pub/sub links
 * (server/fencing/confirm-rounds.ts); nobody subscribes to it, so no other client sees them.
 */
export const CONFIRM_CHANNEL = '__clusterctl__:confirm';
