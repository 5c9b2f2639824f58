// The request path, declared in one place: the checks every command passes before it runs, in the
// order of redis-server 7.0's processCommand (server.c); the reply policies that may hold the reply
// of a write; the observers of what each command propagates; the hooks that run before replies are
// written. dispatch.ts walks these lists; features register into them by name in main.ts (built-in
// checks of the request room in checks.ts). Nothing replaces a command-table entry or a closure.

import type { ErrorReply, NoReply, Reply } from '../../shared/resp/reply.js';
import type { CommandSpec } from '../base/command-spec.js';
import type { Client } from '../clients/client.js';
import type { Server } from '../server.js';

/**
 * The checks, in processCommand's order. Lookup and arity come first (dispatch resolves the
 * command before any check) and MULTI queueing last (dispatch queues what every check let pass).
 * A slot without a registered check is skipped; the empty ones are where the coming families plug in.
 */
export const CHECK_ORDER = [
  'protected', // enable-debug-command / enable-protected-configs (DEBUG checks its own setting today)
  'noauth', // NOAUTH before AUTH, unless the command is no_auth
  'multi-refused', // no_multi commands inside MULTI
  'acl', // NOPERM (ACL users)
  'cluster-redirect', // MOVED / ASK / CROSSSLOT / CLUSTERDOWN (cluster mode)
  'oom', // maxmemory: -OOM for denyoom commands
  'misconf', // stop-writes-on-bgsave-error: -MISCONF for writes
  'fencing', // our self-fencing: a master its sentinels may have replaced refuses writes
  'min-replicas', // min-replicas-to-write / -max-lag: -NOREPLICAS
  'replica-read-only', // -READONLY on a read-only replica
  'pubsub-context', // a RESP2 subscriber may only (un)subscribe, PING, QUIT, RESET
  'stale-data', // -MASTERDOWN under replica-serve-stale-data no
  'loading', // -LOADING while a snapshot loads
  'empty-restart', // ours: a master restarted empty after serving data refuses to act as one (-EMPTYRESTART)
  'busy-script', // -BUSY while a script runs past busy-reply-threshold
  'replica-keyspace', // a replica or MONITOR client may not run keyspace commands
  'client-pause', // CLIENT PAUSE: the request waits for the pause to end
] as const;

export type CheckName = (typeof CHECK_ORDER)[number];

/** The reply policies, in order: the first that claims a write's reply decides what the client gets. */
export const REPLY_POLICY_ORDER = [
  'cluster-confirm', // cluster mode: the replicas ACKed it and a majority of the masters heard us after it (cluster-confirm-writes)
  'sync-replicas', // the reply waits for N replica ACKs (sync-replicas N)
  'confirmed-replies', // the reply waits until a majority of the sentinels heard this master after it
] as const;

export type ReplyPolicyName = (typeof REPLY_POLICY_ORDER)[number];

/** What a check sees of a request: Redis's processCommand flags, with EXEC's taken from its queue. */
export interface RequestTraits {
  /** A write command, or an EXEC whose queue holds one (is_write_command). */
  readonly write: boolean;
  /** A write or may_replicate command, or an EXEC whose queue holds one (is_may_replicate_command). */
  readonly mayReplicate: boolean;
  /** Not allowed on a stale replica: the command, or a queued one, lacks `stale` (is_denystale_command). */
  readonly denyStale: boolean;
  /** Not allowed while loading: the command, or a queued one, lacks `loading` (is_denyloading_command). */
  readonly denyLoading: boolean;
}

export interface Request {
  readonly server: Server;
  readonly client: Client;
  readonly spec: CommandSpec;
  /** `config|get` style name used in errors and stats. */
  readonly fullName: string;
  readonly args: string[];
  readonly traits: RequestTraits;
}

/** A check's verdict that the request must wait (CLIENT PAUSE): the connection parks and retries it. */
export const POSTPONE: unique symbol = Symbol('postpone');
export type Postpone = typeof POSTPONE;

/** undefined: the request goes on; an error: it is refused with it; POSTPONE: it waits. */
export type RequestCheck = (request: Request) => ErrorReply | Postpone | undefined;

/** undefined: not this policy's business (the next one decides); else the reply or NO_REPLY (held). */
export type ReplyPolicy = (client: Client, reply: Reply) => Reply | NoReply | undefined;

/** Receives every command as it is propagated: the replication stream, and the observers of hellos. */
export interface PropagationObserver {
  /**
   * `commands` is one execution unit: two or more are wrapped in MULTI/EXEC by the stream. They run
   * in db `dbId`, or, when a transaction switched databases, each in `commandDbs[i]`.
   */
  propagate(dbId: number, commands: string[][], commandDbs?: number[]): void;
}

/**
 * Sees every command call() runs (MONITOR's feed, the slow log, the latency monitor), registered in
 * main.ts. `afterCall` gets the command once the handler returned, with the handler's run time in
 * microseconds (Redis call() feeds them there); arguments are positional so the hot path allocates
 * nothing. `beforeCall`, when given, runs before the handler: Redis feeds MONITOR with EVAL and
 * FCALL before their script runs, so the script's commands come after them.
 */
export interface CallObserver {
  beforeCall?(client: Client, spec: CommandSpec, args: string[]): void;
  afterCall(client: Client, spec: CommandSpec, fullName: string, args: string[], durationUs: number): void;
}

/** When a check can refuse: `writes` checks are skipped for requests that do not write (reads pay nothing for them). */
export interface CheckScope {
  writes?: boolean;
}

export class RequestPath {
  private readonly checkSlots = new Map<CheckName, { check: RequestCheck; writesOnly: boolean }>();
  private readonly policySlots = new Map<ReplyPolicyName, ReplyPolicy>();
  /** The registered checks in CHECK_ORDER, rebuilt on registration (walked per write). */
  checks: readonly RequestCheck[] = [];
  /** The same without the `writes` checks (walked per request that does not write). */
  readChecks: readonly RequestCheck[] = [];
  /** The registered reply policies in REPLY_POLICY_ORDER. */
  replyPolicies: readonly ReplyPolicy[] = [];
  /** Observers of propagated commands, in registration order (the replication stream first). */
  readonly observers: PropagationObserver[] = [];
  /** Observers of every command call() runs, in registration order. */
  readonly callObservers: CallObserver[] = [];
  /** The subset of callObservers with a beforeCall (walked before each handler). */
  readonly beforeCallObservers: CallObserver[] = [];
  /** Run before client replies are written: replicas get a write's stream bytes before its OK. */
  readonly beforeReplies: (() => void)[] = [];
  /**
   * Run once a command's reply is queued to its client (Redis afterCommand / resetClient): what must
   * follow the reply on the same connection (client-side caching's own invalidations). Walked only
   * while a client tracks keys (Server.tracking.clientCount).
   */
  readonly afterReplies: ((client: Client, args: readonly string[]) => void)[] = [];

  check(name: CheckName, check: RequestCheck, scope: CheckScope = {}): this {
    if (this.checkSlots.has(name)) throw new Error(`request check '${name}' is registered twice`);
    this.checkSlots.set(name, { check, writesOnly: scope.writes === true });
    const registered = CHECK_ORDER.flatMap((slot) => this.checkSlots.get(slot) ?? []);
    this.checks = registered.map((entry) => entry.check);
    this.readChecks = registered.filter((entry) => !entry.writesOnly).map((entry) => entry.check);
    return this;
  }

  replyPolicy(name: ReplyPolicyName, policy: ReplyPolicy): this {
    if (this.policySlots.has(name)) throw new Error(`reply policy '${name}' is registered twice`);
    this.policySlots.set(name, policy);
    this.replyPolicies = REPLY_POLICY_ORDER.flatMap((slot) => this.policySlots.get(slot) ?? []);
    return this;
  }

  observe(observer: PropagationObserver): this {
    this.observers.push(observer);
    return this;
  }

  observeCalls(observer: CallObserver): this {
    this.callObservers.push(observer);
    if (observer.beforeCall) this.beforeCallObservers.push(observer);
    return this;
  }

  beforeReply(hook: () => void): this {
    this.beforeReplies.push(hook);
    return this;
  }

  afterReply(hook: (client: Client, args: readonly string[]) => void): this {
    this.afterReplies.push(hook);
    return this;
  }

  /** The names of the registered checks, in the order they run (INFO-free introspection for tests and docs). */
  registeredChecks(): CheckName[] {
    return CHECK_ORDER.filter((slot) => this.checkSlots.has(slot));
  }
}
