// Timing constants of the sentinel, named after Redis 7.0 sentinel.c's SENTINEL_* constants. Where
// ours differ from Redis it is to fail over faster without weakening any safety rule: the faster
// polls only shorten how long the sentinel takes to *notice* something, never how long it waits
// before deciding (down-after, quorum, election and the grace periods are Redis's).

/** INFO to masters and replicas in steady state (SENTINEL_INFO_PERIOD). */
export const INFO_PERIOD = 10_000;
/** INFO to replicas of a master that is ODOWN / failing over, or whose master link is down (Redis: 1000). */
export const INFO_PERIOD_FAST = 1000;
/** INFO to the replica being promoted: Redis waits for its next 1 s poll; we look every 50 ms. */
export const INFO_PERIOD_PROMOTION = 50;
/** INFO to a replica being repointed during reconf-slaves (Redis: 1000): the failover ends sooner. */
export const INFO_PERIOD_RECONF = 100;
/** Upper bound of the PING period (SENTINEL_PING_PERIOD); the real period is min(this, down-after). */
export const PING_PERIOD = 1000;
/** Hello PUBLISH period (SENTINEL_PUBLISH_PERIOD). */
export const PUBLISH_PERIOD = 2000;
/** How long a peer's is-master-down-by-addr answer stays valid (5 x SENTINEL_ASK_PERIOD in Redis). */
export const ASK_VALIDITY = 5000;
/** How often peers are asked while the master is SDOWN: Redis asks every 1000 ms, we every 100 ms. */
export const ASK_PERIOD = 100;
/** Election timeout cap (SENTINEL_ELECTION_TIMEOUT); the real one is min(this, failover-timeout). */
export const ELECTION_TIMEOUT = 10_000;
/** Random delay added to a failover start (SENTINEL_MAX_DESYNC): desynchronises retries of sentinels. */
export const MAX_DESYNC = 1000;
/**
 * Delay before a sentinel that just saw ODOWN starts its own attempt, per rank of its run id among
 * the sentinels it knows (0, 15, 30 ms with three). Redis starts at once and relies on the retry
 * cool-down; distinct slots keep sentinels that reach ODOWN in the same millisecond from splitting
 * the vote (the first one's vote request reaches the others, which then vote for it and stand
 * back), and the first slot costs nothing. A random delay of up to 60 ms cost ~30 ms on average
 * and still let two sentinels collide.
 */
export const START_SLOT = 15;
/** A replica stuck in RECONF_SENT this long is counted as done (SENTINEL_SLAVE_RECONF_TIMEOUT). */
export const SLAVE_RECONF_TIMEOUT = 10_000;
/** Clock jump (backwards or forwards) that puts the sentinel in TILT (SENTINEL_TILT_TRIGGER). */
export const TILT_TRIGGER = 2000;
/** How long TILT lasts (SENTINEL_TILT_PERIOD). */
export const TILT_PERIOD = 30_000;
/** Grace before converting an instance that reports master while recorded as replica (4 x publish). */
export const ROLE_CHANGE_GRACE = PUBLISH_PERIOD * 4;
/** Defaults of the per-master settings (sentinel.conf). */
export const DEFAULT_DOWN_AFTER = 30_000;
export const DEFAULT_FAILOVER_TIMEOUT = 180_000;
export const DEFAULT_PARALLEL_SYNCS = 1;
/** Pending commands above which nothing more is sent on a link (SENTINEL_MAX_PENDING_COMMANDS). */
export const MAX_PENDING_COMMANDS = 100;
/**
 * Added to a master's self-fencing lease before a replica may be promoted. The master measures its
 * lease from when it *read* our PING and checks it before every write; we measure from when we
 * *read* its reply, which is later. The margin covers clock-rate differences between the two
 * processes and scheduling delay; our sentinels request a lease of down-after minus this margin, so
 * waiting for the lease costs nothing beyond down-after.
 */
export const FENCE_MARGIN = 250;
/** A lease shorter than this is not requested (down-after too short): the node keeps its own. */
export const MIN_LEASE_REQUEST = 300;
/**
 * PINGs per granted lease: a master then needs several PINGs in a row lost before it fences. Also
 * the SDOWN clock starts at the first unanswered PING, so the period (47 ms with the default
 * 750 ms lease) is added, on average half of it, to down-after; and the node holds write replies
 * when no heartbeat was confirmed for 0.3 of the lease, which two periods of 93 ms plus timer
 * delays exceeded now and then even in steady state.
 */
export const PINGS_PER_LEASE = 16;
