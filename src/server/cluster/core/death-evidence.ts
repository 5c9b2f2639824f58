// Owns early failure detection from positive evidence that a node's process is gone (our rule, not
// Redis's; on by `cluster-fast-failover yes`). cluster.c 7.0 (clusterCron) only knows silence: a
// node is PFAIL once node-timeout passed without a PONG, because silence cannot tell a dead process
// from a paused one or a cut network. A refused connection can: the kernel answers a SYN to a port
// nobody listens on with a RST at once, while a paused process (SIGSTOP, a long GC or fork) still
// has its listening sockets (the kernel completes the handshake into the backlog), and a cut or
// congested network drops packets (connects hang, or fail with EHOSTUNREACH / ETIMEDOUT).
//
// So a node becomes PFAIL before node-timeout only when all of these hold: it answered us on the
// bus since we last saw it refuse (it lived at that address), at least REFUSALS_FOR_DEATH
// connection attempts to its bus port in a row were refused or reset, and a probe of its client
// port made after the first of them was refused too (both listeners gone: the process, not one
// socket). A node restarting on the same ports refuses for a moment too: it is down meanwhile,
// and a PONG clears PFAIL as usual. FAIL still takes reports from a majority of the masters
// (failure-detection.ts): this only lets our masters report sooner.

import { log, type ClusterAction } from './actions.js';
import { markFailingIfNeeded } from './failure-detection.js';
import { Bit, has, type ClusterView, type NodeView } from './view.js';

/** Refused (or reset) bus connection attempts in a row that count as evidence. */
export const REFUSALS_FOR_DEATH = 2;

/** Socket error codes that say "nobody listens there", not "the network is slow or cut". */
const REFUSED_CODES = new Set(['ECONNREFUSED', 'ECONNRESET']);

interface Evidence {
  /** The node answered us on the bus since the refusals last started. */
  alive: boolean;
  refusals: number;
  /** Unix ms of the first refusal of the current run; 0 when none. */
  firstRefusalAt: number;
  /** Unix ms of the last refused client-port probe; 0 when none. */
  clientRefusedAt: number;
  probing: boolean;
}

export class DeathWatch {
  private readonly evidence = new Map<string, Evidence>();

  private of(nodeId: string): Evidence {
    let e = this.evidence.get(nodeId);
    if (!e) this.evidence.set(nodeId, (e = { alive: false, refusals: 0, firstRefusalAt: 0, clientRefusedAt: 0, probing: false }));
    return e;
  }

  /** Any message from the node: it is alive where we reach it; the evidence starts over. */
  heardFrom(nodeId: string): void {
    const e = this.of(nodeId);
    e.alive = true;
    e.refusals = 0;
    e.firstRefusalAt = 0;
    e.clientRefusedAt = 0;
  }

  /**
   * Our outbound bus connection to the node failed with `code` (before or after connecting).
   * Returns true when the node's client port should be probed now (the I/O layer then calls
   * clientProbed with the outcome).
   */
  busConnectFailed(nodeId: string, code: string | undefined, now: number): boolean {
    const e = this.of(nodeId);
    if (code === undefined || !REFUSED_CODES.has(code)) {
      // A timeout or unreachable network is no evidence of death: start over.
      e.refusals = 0;
      e.firstRefusalAt = 0;
      return false;
    }
    if (e.refusals === 0) e.firstRefusalAt = now;
    e.refusals++;
    if (!e.alive || e.probing || e.clientRefusedAt >= e.firstRefusalAt) return false;
    e.probing = true;
    return true;
  }

  /** The outcome of a client-port probe: refused, or anything else (accepted, timed out). */
  clientProbed(nodeId: string, refused: boolean, now: number): void {
    const e = this.of(nodeId);
    e.probing = false;
    if (refused && e.firstRefusalAt > 0) e.clientRefusedAt = now;
    else if (!refused) e.clientRefusedAt = 0;
  }

  /** Whether the evidence says the node's process is gone. */
  isDead(nodeId: string): boolean {
    const e = this.evidence.get(nodeId);
    return !!e && e.alive && e.refusals >= REFUSALS_FOR_DEATH && e.firstRefusalAt > 0 && e.clientRefusedAt >= e.firstRefusalAt;
  }

  /** Forgets a node (deleted from the cluster). */
  forget(nodeId: string): void {
    this.evidence.delete(nodeId);
  }

  /**
   * The cron's check for one node: PFAIL now when the evidence says its process is gone. Then, as
   * a gossip report would, FAIL when the reports we already hold make a majority (our own opinion
   * is new, so the count is worth making at once rather than at the next report), and a PONG to
   * every node so our report reaches the other masters without waiting for the gossip schedule.
   */
  check(view: ClusterView, node: NodeView, now: number, nodeTimeout: number): ClusterAction[] {
    if (has(node, Bit.Myself | Bit.NoAddr | Bit.Handshake | Bit.PFail | Bit.Fail) || !this.isDead(node.id)) return [];
    node.flags |= Bit.PFail;
    return [
      log('notice', `Node ${node.id} refuses connections on its bus and client ports: flagged as possibly failing before node-timeout.`),
      ...markFailingIfNeeded(view, node, now, nodeTimeout),
      { kind: 'broadcast-pong', to: 'all' },
    ];
  }
}
