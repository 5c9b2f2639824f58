// The table of redis.conf directives the node knows: name, aliases, value kind, default (Redis 7.0's),
// and whether CONFIG SET may change it at run time. Directives Redis has but we do not implement are
// listed as `fixed`: accepted at their default value, refused with a clear message otherwise.

import { closest } from '../../shared/closest.js';
import { checkKeyspaceEventsString, normalizeKeyspaceEventsString } from '../keyspace/keyspace-events.js';

export type DirectiveKind = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'list';

export interface Directive {
  name: string;
  kind: DirectiveKind;
  /** Default in redis.conf spelling. */
  default: string;
  aliases?: string[];
  values?: string[];
  min?: number;
  max?: number;
  /** CONFIG SET refuses it ("can't set immutable config"). */
  immutable?: boolean;
  /** Not implemented here: only the default value (or one of `values`) is accepted. */
  fixed?: boolean;
  /** A secret: CONFIG GET shows it (as Redis does) but logs never do. */
  sensitive?: boolean;
  /** A string directive's own check (Redis's isValid* callbacks): the error text, or undefined. */
  check?: (value: string) => string | undefined;
  /**
   * How CONFIG GET and CONFIG REWRITE print a string directive's value, when Redis prints it in a
   * canonical spelling of its own (the value as given stays what the node runs on).
   */
  display?: (value: string) => string;
}

const MAX_INT = 2147483647;
/** LLONG_MAX as a double (2^63); config.ts prints it in Redis's exact digits. */
export const LLONG_MAX = 2 ** 63;

function bool(name: string, def: 'yes' | 'no', extra: Partial<Directive> = {}): Directive {
  return { name, kind: 'bool', default: def, ...extra };
}
function int(name: string, def: number, min: number, max: number, extra: Partial<Directive> = {}): Directive {
  return { name, kind: 'int', default: String(def), min, max, ...extra };
}
function mem(name: string, def: string, extra: Partial<Directive> = {}): Directive {
  return { name, kind: 'memory', default: def, ...extra };
}
function str(name: string, def: string, extra: Partial<Directive> = {}): Directive {
  return { name, kind: 'string', default: def, ...extra };
}
function oneOf(name: string, def: string, values: string[], extra: Partial<Directive> = {}): Directive {
  return { name, kind: 'enum', default: def, values, ...extra };
}
/** config.c isValidAnnouncedHostname: under NET_HOST_STR_LEN (256) chars of [A-Za-z0-9.-]. */
/** Redis isValidAOFfilename / isValidAOFdirname: not empty, a bare name (no '/'). */
function checkAofName(name: string, what: 'filename' | 'dirname', value: string): string | undefined {
  if (value === '') return `${name} can't be empty`;
  if (value.includes('/')) return `${name} can't be a path, just a ${what}`;
  return undefined;
}

function checkAnnouncedHostname(value: string): string | undefined {
  if (value.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(value)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return undefined;
}

/** A Redis directive we accept only at the given values (default first). */
function fixed(name: string, def: string, kind: DirectiveKind = 'string', values: string[] = [def]): Directive {
  return { name, kind, default: def, values, fixed: true };
}

export const DIRECTIVES: readonly Directive[] = [
  // Network and process
  int('port', 6379, 0, 65535, { immutable: true }),
  { name: 'bind', kind: 'list', default: '* -::*', immutable: true },
  str('unixsocket', '', { immutable: true, fixed: true }),
  int('tcp-backlog', 511, 0, MAX_INT, { immutable: true }),
  int('timeout', 0, 0, MAX_INT),
  int('tcp-keepalive', 300, 0, MAX_INT),
  int('maxclients', 10000, 1, MAX_INT),
  bool('protected-mode', 'yes'),
  str('dir', '.'),
  str('dbfilename', 'dump.rdb'),
  str('logfile', '', { immutable: true }),
  str('pidfile', '', { immutable: true }),
  oneOf('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  int('databases', 16, 1, MAX_INT, { immutable: true }),
  int('hz', 10, 1, 500),
  // Client-side caching: keys the tracking table may hold before it invalidates some (0: no limit).
  int('tracking-table-max-keys', 1000000, 0, LLONG_MAX),
  bool('dynamic-hz', 'yes'),
  str('requirepass', '', { sensitive: true }),
  oneOf('enable-debug-command', 'local', ['yes', 'no', 'local'], { immutable: true }),
  oneOf('enable-protected-configs', 'no', ['yes', 'no', 'local'], { immutable: true }),
  oneOf('enable-module-command', 'no', ['yes', 'no', 'local'], { immutable: true }),
  str('syslog-enabled', 'no', { fixed: true }),
  bool('always-show-logo', 'no'),
  bool('set-proc-title', 'yes'),
  str('proc-title-template', '{title} {listen-addr} {server-mode}'),
  str('locale-collate', ''),
  bool('crash-log-enabled', 'yes'),
  bool('crash-memcheck-enabled', 'yes'),
  bool('disable-thp', 'yes'),
  int('shutdown-timeout', 10, 0, MAX_INT),
  str('shutdown-on-sigint', 'default'),
  str('shutdown-on-sigterm', 'default'),
  // Limits
  // Redis 7.0 config.c: both at least 1mb (LLONG_MAX at most), at startup and on CONFIG SET.
  mem('proto-max-bulk-len', '512mb', { min: 1024 * 1024, max: LLONG_MAX }),
  mem('client-query-buffer-limit', '1gb', { min: 1024 * 1024, max: LLONG_MAX }),
  {
    name: 'client-output-buffer-limit',
    kind: 'list',
    default: 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60',
  },
  mem('maxmemory', '0'),
  oneOf('maxmemory-policy', 'noeviction', [
    'noeviction',
    'allkeys-lru',
    'volatile-lru',
    'allkeys-lfu',
    'volatile-lfu',
    'allkeys-random',
    'volatile-random',
    'volatile-ttl',
  ]),
  // Client eviction (7.0) is not implemented: only its default, no limit, is accepted.
  fixed('maxmemory-clients', '0', 'memory'),
  int('maxmemory-samples', 5, 1, MAX_INT),
  int('maxmemory-eviction-tenacity', 10, 0, 100),
  int('lfu-log-factor', 10, 0, MAX_INT),
  int('lfu-decay-time', 1, 0, MAX_INT),
  // Persistence
  { name: 'save', kind: 'list', default: '3600 1 300 100 60 10000' },
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('rdbcompression', 'yes'),
  bool('rdbchecksum', 'yes'),
  bool('rdb-del-sync-files', 'no'),
  bool('sanitize-dump-payload', 'no', { values: ['no', 'yes', 'clients'] }),
  // Append-only file (persistence/aof/): the multi-part AOF of Redis 7.0.
  bool('appendonly', 'no'),
  str('appendfilename', 'appendonly.aof', { immutable: true, check: (v) => checkAofName('appendfilename', 'filename', v) }),
  str('appenddirname', 'appendonlydir', { immutable: true, check: (v) => checkAofName('appenddirname', 'dirname', v) }),
  oneOf('appendfsync', 'everysec', ['always', 'everysec', 'no']),
  bool('no-appendfsync-on-rewrite', 'no'),
  int('auto-aof-rewrite-percentage', 100, 0, MAX_INT),
  mem('auto-aof-rewrite-min-size', '64mb', { min: 0, max: LLONG_MAX }),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-rewrite-incremental-fsync', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  bool('aof-disable-auto-gc', 'no'),
  fixed('daemonize', 'no', 'bool'),
  fixed('supervised', 'no', 'enum', ['no', 'auto', 'upstart', 'systemd']),
  // Cluster mode (cluster/): Redis 7.0 config.c's cluster directives, defaults and mutability.
  bool('cluster-enabled', 'no', { immutable: true }),
  str('cluster-config-file', 'nodes.conf', { immutable: true }),
  int('cluster-node-timeout', 15000, 0, LLONG_MAX),
  int('cluster-port', 0, 0, 65535, { immutable: true }),
  str('cluster-announce-ip', ''),
  int('cluster-announce-port', 0, 0, 65535),
  int('cluster-announce-tls-port', 0, 0, 65535),
  int('cluster-announce-bus-port', 0, 0, 65535),
  str('cluster-announce-hostname', '', { check: checkAnnouncedHostname }),
  oneOf('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  bool('cluster-require-full-coverage', 'yes'),
  bool('cluster-allow-reads-when-down', 'no'),
  bool('cluster-allow-pubsubshard-when-down', 'yes'),
  bool('cluster-allow-replica-migration', 'yes'),
  int('cluster-migration-barrier', 1, 0, MAX_INT),
  bool('cluster-replica-no-failover', 'no', { aliases: ['cluster-slave-no-failover'] }),
  // Ours (cluster/core/death-evidence.ts, fast-election.ts): fail a dead master over before node-timeout.
  bool('cluster-fast-failover', 'yes'),
  int('cluster-replica-validity-factor', 10, 0, MAX_INT, { aliases: ['cluster-slave-validity-factor'] }),
  mem('cluster-link-sendbuf-limit', '0'),
  fixed('tls-cluster', 'no', 'bool'),
  // Replication (the replication issue implements them)
  // Changed by REPLICAOF, not CONFIG SET (as in Redis); CONFIG REWRITE saves the current master.
  { name: 'replicaof', kind: 'list', default: '', aliases: ['slaveof'], immutable: true },
  str('masterauth', '', { sensitive: true }),
  str('masteruser', ''),
  mem('repl-backlog-size', '1mb'),
  int('repl-backlog-ttl', 3600, 0, MAX_INT),
  int('repl-ping-replica-period', 10, 1, MAX_INT, { aliases: ['repl-ping-slave-period'] }),
  int('repl-timeout', 60, 1, MAX_INT),
  bool('repl-diskless-sync', 'yes'),
  int('repl-diskless-sync-delay', 5, 0, MAX_INT),
  int('repl-diskless-sync-max-replicas', 0, 0, MAX_INT),
  oneOf('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  bool('repl-disable-tcp-nodelay', 'no'),
  bool('replica-read-only', 'yes', { aliases: ['slave-read-only'] }),
  bool('replica-serve-stale-data', 'yes', { aliases: ['slave-serve-stale-data'] }),
  bool('replica-ignore-maxmemory', 'yes', { aliases: ['slave-ignore-maxmemory'] }),
  bool('replica-lazy-flush', 'no', { aliases: ['slave-lazy-flush'] }),
  int('replica-priority', 100, 0, MAX_INT, { aliases: ['slave-priority'] }),
  bool('replica-announced', 'yes'),
  str('replica-announce-ip', '', { aliases: ['slave-announce-ip'] }),
  int('replica-announce-port', 0, 0, 65535, { aliases: ['slave-announce-port'] }),
  int('min-replicas-to-write', 0, 0, MAX_INT, { aliases: ['min-slaves-to-write'] }),
  int('min-replicas-max-lag', 10, 0, MAX_INT, { aliases: ['min-slaves-max-lag'] }),
  // clusterctl's own: synchronous acknowledgement (the lost-write issue)
  int('sync-replicas', 0, 0, MAX_INT),
  int('sync-replicas-timeout', 1000, 1, MAX_INT),
  // Self-fencing lease (fencing/fence.ts): a master that has not heard from a majority of the
  // sentinels holding a lease on it (FENCING LEASE) for this long refuses writes (-FENCED) and drops
  // its clients, until they confirm it again; 0 turns fencing off. Trade-off: a shorter lease lets
  // sentinels promote sooner (they wait lease + margin after the master was last reachable, and
  // read this value from INFO fencing) but must stay well above the sentinels' PING period (1 s),
  // or a healthy master flaps; any lease means a master cut off from its sentinels refuses writes.
  int('fence-lease-ms', 2000, 0, MAX_INT),
  // Self-fencing under sentinels that hold no lease (redis-sentinel) and, without sentinels, under
  // min-replicas-to-write (fencing/core): no (the default) = such a node behaves as redis-server;
  // yes = it also fences when a majority of the sentinels merely seen was not heard for the lease,
  // after a stall, on a hello naming a newer master, and after a restart — at the cost of refusing
  // writes whenever those sentinels are gone (removed, stopped) without telling it.
  bool('fence-heuristic', 'no'),
  // On a master our sentinels monitor, a write's reply waits until a majority of them are known to
  // have heard the master after the write (one round trip: replication/confirm-hold.ts). no: replies
  // wait only while heartbeats are late, faster but a partition's first ~0.2 s of writes are
  // acknowledged and then lost at failover.
  bool('fence-confirm-writes', 'yes'),
  // In cluster mode, a write's reply waits until every online replica ACKed it (at least one while
  // the shard has a replica that could be elected) and a majority of the slot-owning masters
  // answered a PING sent after it; not within node-timeout/2: -UNKNOWN (cluster/confirm-writes.ts).
  // A replica then stands for election only at its shard's highest offset. no: redis-server's
  // asynchronous replies, faster, but writes acknowledged just before a failover can be lost.
  bool('cluster-confirm-writes', 'yes'),
  // A master that restarts with an empty dataset after serving data (persistence off, a lost disk)
  // refuses to act as one until a failover, REPLICAOF, or this set to no: its replicas keep their
  // data (replication/empty-restart/). no: redis-server's behaviour (the replicas resync empty).
  bool('empty-restart-guard', 'yes'),
  // Lazy freeing only changes how expirations propagate (UNLINK instead of DEL).
  bool('lazyfree-lazy-eviction', 'no'),
  bool('lazyfree-lazy-expire', 'no'),
  bool('lazyfree-lazy-server-del', 'no'),
  bool('lazyfree-lazy-user-del', 'no'),
  bool('lazyfree-lazy-user-flush', 'no'),
  // Encodings: only reported by OBJECT ENCODING and used when writing RDB.
  int('hash-max-listpack-entries', 512, 0, MAX_INT, { aliases: ['hash-max-ziplist-entries'] }),
  int('hash-max-listpack-value', 64, 0, MAX_INT, { aliases: ['hash-max-ziplist-value'] }),
  int('list-max-listpack-size', -2, -5, MAX_INT, { aliases: ['list-max-ziplist-size'] }),
  int('list-compress-depth', 0, 0, MAX_INT),
  int('set-max-intset-entries', 512, 0, MAX_INT),
  int('zset-max-listpack-entries', 128, 0, MAX_INT, { aliases: ['zset-max-ziplist-entries'] }),
  int('zset-max-listpack-value', 64, 0, MAX_INT, { aliases: ['zset-max-ziplist-value'] }),
  int('stream-node-max-bytes', 4096, 0, MAX_INT),
  int('stream-node-max-entries', 100, 0, MAX_INT),
  mem('hll-sparse-max-bytes', '3000'),
  bool('activerehashing', 'yes'),
  int('active-expire-effort', 1, 1, 10),
  // Keyspace notifications (keyspace/keyspace-events.ts): shown in Redis's canonical spelling.
  str('notify-keyspace-events', '', { check: checkKeyspaceEventsString, display: normalizeKeyspaceEventsString }),
  int('slowlog-log-slower-than', 10000, -1, MAX_INT),
  int('slowlog-max-len', 128, 0, MAX_INT),
  int('latency-monitor-threshold', 0, 0, MAX_INT),
  int('lua-time-limit', 5000, 0, MAX_INT, { aliases: ['busy-reply-threshold'] }),
  int('io-threads', 1, 1, 128, { immutable: true }),
  bool('io-threads-do-reads', 'no'),
  bool('jemalloc-bg-thread', 'yes'),
  str('rename-command', '', { fixed: true }),
  // ACL (acl/): `user` lines are not a directive but a list the loader keeps (Config.users).
  str('aclfile', '', { immutable: true }),
  int('acllog-max-len', 128, 0, Number.MAX_SAFE_INTEGER),
  oneOf('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  str('tls-port', '0', { fixed: true }),
  str('oom-score-adj', 'no'),
  str('oom-score-adj-values', '0 200 800'),
];

const byName = new Map<string, Directive>();
for (const directive of DIRECTIVES) {
  byName.set(directive.name, directive);
  for (const alias of directive.aliases ?? []) byName.set(alias, directive);
}

/** Finds a directive by name or alias, case-insensitively. */
export function findDirective(name: string): Directive | undefined {
  return byName.get(name.toLowerCase());
}

/** The closest known directive name or alias, for "did you mean" hints. */
export function closestDirective(name: string): string | undefined {
  return closest(name, byName.keys());
}
