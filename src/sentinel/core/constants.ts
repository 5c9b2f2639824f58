// Timing constants of the sentinel that SENTINEL DEBUG does not expose (those are in timings.ts),
// named after Redis 7.0 sentinel.c's SENTINEL_* constants. Where ours differ from Redis it is to
// fail over faster without weakening any safety rule: the faster polls only shorten how long the
// sentinel takes to *notice* something, never how long it waits before deciding (down-after,
// quorum, election and the grace periods are Redis's), and none is slower than its DEBUG period.

/** INFO to replicas of a master that is ODOWN / failing over, or whose master link is down (Redis: 1000). */
export const INFO_PERIOD_FAST = 1000;
/** INFO to the replica being promoted: Redis waits for its next 1 s poll; we look every 50 ms. */
export const INFO_PERIOD_PROMOTION = 50;
/** INFO to a replica being repointed during reconf-slaves (Redis: 1000): the failover ends sooner. */
export const INFO_PERIOD_RECONF = 100;
/** How often peers are asked while the master is SDOWN: Redis every ask-period (1000), we every 100 ms. */
export const ASK_PERIOD_FAST = 100;
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
