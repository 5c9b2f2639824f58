// The checks the request room owns (the others come from the features that need them: fencing,
// min-replicas, and later cluster redirection, OOM, busy scripts). Each follows the step of
// redis-server 7.0's processCommand named beside it in request-path.ts. Authentication and ACL
// permissions are the request room's own: every node has users (Server.acl), as every redis-server
// does, so NOAUTH and NOPERM are checked even in a socket-less unit server.

import { ErrorReply } from '../../shared/resp/reply.js';
import { ERR_LOADING, ERR_MASTERDOWN, ERR_NOAUTH, ERR_READONLY } from '../base/errors.js';
import { pauseHolds } from './client-pause.js';
import { POSTPONE, type RequestCheck, type RequestPath } from './request-path.js';
import { aclCheck } from '../acl/request-check.js';

/** What a RESP2 client with subscriptions may still run. */
const PUBSUB_ALLOWED = new Set(['subscribe', 'unsubscribe', 'psubscribe', 'punsubscribe', 'ping', 'quit', 'reset', 'ssubscribe', 'sunsubscribe']);

const ERR_NO_MULTI = new ErrorReply('ERR Command not allowed inside a transaction');

/** NOAUTH unless the client authenticated or the default user needs no password (authRequired). */
const noauth: RequestCheck = ({ server, client, spec }) =>
  !spec.flags.includes('no_auth') && server.acl.authRequired(client) ? ERR_NOAUTH : undefined;

const multiRefused: RequestCheck = ({ client, spec }) => (client.multi !== null && spec.flags.includes('no_multi') ? ERR_NO_MULTI : undefined);

/** A read-only replica refuses writes, except from its master (Redis: obey_client). */
const replicaReadOnly: RequestCheck = ({ server, client, traits }) =>
  traits.write && server.isReplica && !client.isMaster && server.config.bool('replica-read-only') ? ERR_READONLY : undefined;

const pubsubContext: RequestCheck = ({ client, fullName }) => {
  if (!client.inPubSubContext) return undefined;
  const bar = fullName.indexOf('|');
  if (PUBSUB_ALLOWED.has(bar < 0 ? fullName : fullName.slice(0, bar))) return undefined;
  return new ErrorReply(
    `ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
  );
};

/** A replica whose master link is down answers only `stale` commands under replica-serve-stale-data no. */
const staleData: RequestCheck = ({ server, client, traits }) =>
  traits.denyStale && server.isReplica && !client.isMaster && !server.masterLinkUp && !server.config.bool('replica-serve-stale-data')
    ? ERR_MASTERDOWN
    : undefined;

const loading: RequestCheck = ({ server, traits }) => (server.loading && traits.denyLoading ? ERR_LOADING : undefined);

/** CLIENT PAUSE: the request waits (Redis blocks the client with BLOCKED_POSTPONE). */
const clientPause: RequestCheck = ({ server, client, traits }) =>
  server.clientPause !== undefined && pauseHolds(server, client, traits) ? POSTPONE : undefined;

/** Registers the request room's own checks into their slots. */
export function registerCoreChecks(path: RequestPath): void {
  path
    .check('noauth', noauth)
    .check('multi-refused', multiRefused)
    .check('acl', aclCheck)
    .check('replica-read-only', replicaReadOnly, { writes: true })
    .check('pubsub-context', pubsubContext)
    .check('stale-data', staleData)
    .check('loading', loading)
    .check('client-pause', clientPause);
}
