// min-replicas-to-write / min-replicas-max-lag (protocol doc 5.2, Redis checkGoodReplicasStatus):
// the request path's `min-replicas` check. Only on a master, only when both are set; the master's
// own stream (a replica applying it) is never refused.

import { ERR_NOREPLICAS } from '../base/errors.js';
import type { RequestCheck } from '../request/request-path.js';
import type { Server } from '../server.js';
import type { Replication } from './replication.js';

export function minReplicasCheck(server: Server, replication: Replication): RequestCheck {
  return ({ client, traits }) => {
    if (!traits.write || client.isMaster || server.isReplica) return undefined;
    const config = server.config;
    const min = config.num('min-replicas-to-write');
    return min > 0 && config.num('min-replicas-max-lag') > 0 && replication.goodReplicas() < min ? ERR_NOREPLICAS : undefined;
  };
}
