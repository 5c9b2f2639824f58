// Role changes (REPLICAOF host port / NO ONE, protocol doc 3.3-3.4): becoming a replica offers our
// own history to the new master (PSYNC <our replid> <offset+1>); being promoted starts a new
// history while keeping the old one as replid2, so our former peers continue partially with us.

import { ErrorReply } from '../../shared/resp/reply.js';
import type { Server } from '../server.js';
import { MasterLink, type SnapshotLoader } from './master-link.js';
import type { Replication } from './replication.js';

export class RoleControl {
  masterLink: MasterLink | null = null;

  constructor(
    private readonly server: Server,
    private readonly replication: Replication,
    private readonly loader: SnapshotLoader,
  ) {}

  /** Follows a master. `cachedHistory` false = PSYNC ? -1 (boot with a replicaof directive). */
  replicaOf(host: string, port: number, cachedHistory = true): void {
    const wasReplica = this.masterLink !== null;
    this.masterLink?.stop();
    const offer = wasReplica ? this.masterLink!.hasCachedHistory : cachedHistory;
    this.server.isReplica = true;
    this.server.masterLinkUp = false;
    this.server.log.role = 'S';
    this.server.log.notice(`Connecting to MASTER ${host}:${port} (REPLICAOF)`);
    this.unblockClients();
    if (!wasReplica) this.server.log.notice('Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.');
    this.server.config.set('replicaof', [host, String(port)], 'file');
    this.masterLink = new MasterLink(this.server, this.replication, host, port, this.loader, offer);
    this.masterLink.start();
  }

  /** Clients blocked on keys would wait for writes that can no longer happen here (Redis 7.0 does the same). */
  private unblockClients(): void {
    const error = new ErrorReply('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)');
    for (const client of this.server.clients.values()) {
      if (client.blocked && client.blocked.keys.length > 0) this.server.blocking.unblock(client, error);
    }
  }

  /**
   * REPLICAOF NO ONE (and a FAILOVER target asked by PSYNC FAILOVER, or a FAILOVER aborted after
   * this node turned replica): a new history starts; sub-replicas reconnect and continue via replid2.
   */
  promote(why = 'user request'): void {
    if (!this.masterLink) return;
    this.masterLink.stop();
    this.masterLink = null;
    this.server.config.set('replicaof', [''], 'file');
    this.server.isReplica = false;
    this.server.masterLinkUp = false;
    this.server.log.role = 'M';
    this.replication.ensureBacklog();
    this.replication.identity.shift();
    this.replication.selectedDb = -1;
    this.replication.disconnectReplicas('promoted to master: new replication ID');
    this.server.log.notice(`MASTER MODE enabled (${why}). New replication ID ${this.replication.identity.replid}`);
  }
}
