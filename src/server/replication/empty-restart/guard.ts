// The empty-restart guard: a master that comes back with an empty dataset after serving data (see
// start-decision.ts) does not act as a master until someone decides what its data is. While it
// refuses:
//   - PSYNC / SYNC are answered -EMPTYRESTART: no replica resyncs from the empty dataset (redis-server
//     would send it and the replicas would flush theirs: replication.c syncCommand);
//   - keyspace commands (reads, writes, scripts) are answered -EMPTYRESTART: it acknowledges nothing
//     that a failover would then drop, and does not answer reads from a dataset known to be wrong;
//   - PING is answered -EMPTYRESTART until a sentinel's hello names another master: sentinels count
//     only +PONG, -LOADING and -MASTERDOWN as "available" (sentinel.c sentinelPingReplyCallback), so
//     they see the node down and fail it over; once they have, PING answers again so that they find
//     it up and turn it into a replica of the new master (+convert-to-slave needs it up for a while).
// It ends when the node becomes a replica (REPLICAOF host port, from the sentinels or a user) or when
// the user accepts the empty dataset (CONFIG SET empty-restart-guard no). Meanwhile the node keeps
// the history file as it was, so a second restart is refused the same way.
// The node's history is written on every role change, once a second when it changed, and at a
// graceful shutdown (one that discards the data records no keys: see onShutdown).

import { ErrorReply } from '../../../shared/resp/reply.js';
import { clock } from '../../base/clock.js';
import { isSelfAddress } from '../../net/self-address.js';
import type { RequestCheck } from '../../request/request-path.js';
import type { Server } from '../../server.js';
import type { Replication } from '../replication.js';
import { readHistory, writeHistory, HISTORY_FILE } from './history-file.js';
import { decideStart, type RememberedHistory } from './start-decision.js';

const HISTORY_PERIOD_MS = 1000;
/** Sentinels' hellos (protocol doc 7.3) may keep coming while refused; PUBLISH is no keyspace command. */
const ALLOWED_MAY_REPLICATE = new Set(['publish', 'spublish']);

export class EmptyRestartGuard {
  /** True while the node refuses to act as a master. */
  refusing = false;
  /** A sentinel named another master: the failover happened, PING answers again. */
  failedOver = false;
  /** Why it refuses, in words (INFO fencing's empty_restart_why); '' while serving. */
  why = '';
  private error = new ErrorReply('EMPTYRESTART');
  private lastWritten: RememberedHistory | null = null;
  private lastWriteAt = 0;

  constructor(
    private readonly server: Server,
    private readonly replication: Replication,
    private readonly dir: string,
  ) {
    server.config.onChange('empty-restart-guard', (value) => {
      if (value === false || value === 'no') this.release('the empty dataset was accepted (CONFIG SET empty-restart-guard no)');
    });
  }

  /** At boot, after the data loaded and the configured role was taken (main.ts). */
  boot(): void {
    const remembered = readHistory(this.dir);
    const verdict = decideStart({
      remembered,
      loadedKeys: this.keyCount(),
      startsAsReplica: this.server.isReplica,
      guardEnabled: this.server.config.bool('empty-restart-guard'),
    });
    if (verdict.serve) {
      this.lastWritten = remembered;
      this.record(clock.now(), true);
      return;
    }
    this.refusing = true;
    this.why = verdict.why;
    this.error = new ErrorReply(
      `EMPTYRESTART This node refuses to act as a master: ${verdict.why}, and its replicas would resync from the empty dataset. ` +
        'Let the sentinels fail it over, make it a replica (REPLICAOF host port), or accept the empty dataset (CONFIG SET empty-restart-guard no)',
    );
    this.server.log.warning(`Empty restart refused: ${verdict.why}. Refusing PSYNC, keyspace commands and PING until a failover, REPLICAOF, or CONFIG SET empty-restart-guard no (history in ${HISTORY_FILE}).`);
  }

  /** The `empty-restart` check of the request path: one boolean when the guard is not refusing. */
  readonly check: RequestCheck = (request) => {
    if (!this.refusing || this.server.isReplica) return undefined;
    const { spec, traits } = request;
    const name = spec.name;
    if (name === 'psync' || name === 'sync') return this.error;
    if (name === 'ping') return this.failedOver ? undefined : this.error;
    if (traits.write || spec.flags.includes('readonly')) return this.error;
    if (traits.mayReplicate && !ALLOWED_MAY_REPLICATE.has(name)) return this.error;
    return undefined;
  };

  /** A sentinel's hello (request/hello-observer.ts): one naming another master means a failover. */
  onHello(payload: string): void {
    if (!this.refusing || this.failedOver) return;
    const fields = payload.split(',');
    if (fields.length !== 8) return;
    if (isSelfAddress(this.server, fields[5]!, Number(fields[6]))) return;
    this.failedOver = true;
    this.server.log.warning(`Empty restart: sentinels name ${fields[5]}:${fields[6]} master now; answering PING again so they can make this node its replica.`);
  }

  /** Server cron: ends the refusal once a replica; keeps the history file current otherwise. */
  cron(now: number): void {
    if (this.refusing) {
      if (this.server.isReplica) this.release('it was made a replica');
      return;
    }
    this.record(now, false);
  }

  /**
   * A graceful shutdown: when nothing will bring the data back at the next start (no save, no AOF),
   * shutting down discarded it knowingly (clusterctl down / up of a cache): the history says the
   * node holds no keys, so that start serves as redis-server's does. The guard is for crashes.
   */
  onShutdown(dataKept: boolean): void {
    if (this.refusing) return;
    if (dataKept) return this.record(clock.now(), true);
    this.record(clock.now(), true, 0);
  }

  private release(how: string): void {
    if (!this.refusing) return;
    this.refusing = false;
    this.failedOver = false;
    this.why = '';
    this.server.log.warning(`Empty restart: no longer refusing, ${how}.`);
    this.record(clock.now(), true);
  }

  private record(now: number, force: boolean, keys = this.keyCount()): void {
    const history: RememberedHistory = {
      role: this.server.isReplica ? 'replica' : 'master',
      replid: this.replication.identity.replid,
      offset: this.replication.identity.masterReplOffset,
      keys,
      at: now,
    };
    const last = this.lastWritten;
    const roleChanged = last === null || last.role !== history.role || last.replid !== history.replid;
    if (!force && !roleChanged) {
      if (now - this.lastWriteAt < HISTORY_PERIOD_MS) return;
      if (last.offset === history.offset && last.keys === history.keys) return;
    }
    try {
      writeHistory(this.dir, history);
      this.lastWritten = history;
      this.lastWriteAt = now;
    } catch (error) {
      // Tried again at the next change (not every tick: a directory that cannot be written has
      // louder symptoms than this line).
      this.lastWritten = history;
      this.lastWriteAt = now;
      this.server.log.warning(`Can't record the replication history in ${HISTORY_FILE}: ${(error as Error).message}`);
    }
  }

  private keyCount(): number {
    let keys = 0;
    for (const db of this.server.dbs) keys += db.size;
    return keys;
  }
}
