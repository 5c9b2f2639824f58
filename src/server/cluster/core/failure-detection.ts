// Owns failure detection as cluster.c 7.0 decides it: failure reports from masters (each valid for
// 2 x node-timeout), PFAIL after node-timeout without a PONG or data, FAIL once a majority of the
// slot-owning masters agree (counting ourselves when we are a master) with a FAIL broadcast, FAIL
// learned from another node's broadcast, and FAIL undone when the node is reachable again.

import { log, saveConfig, updateState, type ClusterAction } from './actions.js';
import {
  Bit, FAIL_REPORT_VALIDITY_MULT, FAIL_UNDO_TIME_MULT, has, isFailedNode, isMasterNode, isReplicaNode,
  isTimedOutNode, quorumOf, type ClusterView, type NodeView,
} from './view.js';

/** Records (or refreshes) `reporterId`'s report that `failing` is down; true when it is new (clusterNodeAddFailureReport). */
export function addFailureReport(failing: NodeView, reporterId: string, now: number): boolean {
  const isNew = !failing.failReports.has(reporterId);
  failing.failReports.set(reporterId, now);
  return isNew;
}

/** Drops reports older than 2 x node-timeout (clusterNodeCleanupFailureReports). */
export function cleanupFailureReports(node: NodeView, now: number, nodeTimeout: number): void {
  const maxAge = nodeTimeout * FAIL_REPORT_VALIDITY_MULT;
  for (const [reporter, at] of node.failReports) if (now - at > maxAge) node.failReports.delete(reporter);
}

/** Withdraws `reporterId`'s report, then drops stale ones; true when it had one (clusterNodeDelFailureReport). */
export function deleteFailureReport(node: NodeView, reporterId: string, now: number, nodeTimeout: number): boolean {
  if (!node.failReports.delete(reporterId)) return false;
  cleanupFailureReports(node, now, nodeTimeout);
  return true;
}

/** Valid reports from other nodes (clusterNodeFailureReportsCount; CLUSTER COUNT-FAILURE-REPORTS). */
export function failureReportCount(node: NodeView, now: number, nodeTimeout: number): number {
  cleanupFailureReports(node, now, nodeTimeout);
  return node.failReports.size;
}

/**
 * markNodeAsFailingIfNeeded: a node we hold in PFAIL becomes FAIL when the valid reports, plus our
 * own opinion if we are a master, reach size/2 + 1; we then tell every node. A replica deciding
 * it only relays what the masters reported.
 */
export function markFailingIfNeeded(view: ClusterView, node: NodeView, now: number, nodeTimeout: number): ClusterAction[] {
  if (!isTimedOutNode(node) || isFailedNode(node)) return [];
  let failures = failureReportCount(node, now, nodeTimeout);
  if (isMasterNode(view.myself)) failures++;
  if (failures < quorumOf(view.size)) return [];
  node.flags = (node.flags & ~Bit.PFail) | Bit.Fail;
  node.failTime = now;
  return [
    log('notice', `Marking node ${node.id} as failing (quorum reached).`),
    { kind: 'broadcast-fail', nodeId: node.id },
    updateState(),
    saveConfig(false),
  ];
}

/**
 * clearNodeFailureIfNeeded, for a FAIL node that answered again: a replica or a master without
 * slots is cleared at once; a master still holding slots only after node-timeout x 2 since the FAIL
 * (nobody failed it over, so its slots would stay down otherwise).
 */
export function clearFailureIfNeeded(view: ClusterView, node: NodeView, now: number, nodeTimeout: number): ClusterAction[] {
  if (!isFailedNode(node)) return [];
  const slots = view.slots.countOf(node.id);
  if (isReplicaNode(node) || slots === 0) {
    node.flags &= ~Bit.Fail;
    const what = isReplicaNode(node) ? 'replica' : 'master without slots';
    return [log('notice', `Clear FAIL state for node ${node.id}: ${what} is reachable again.`), updateState(), saveConfig(false)];
  }
  if (isMasterNode(node) && now - node.failTime > nodeTimeout * FAIL_UNDO_TIME_MULT) {
    node.flags &= ~Bit.Fail;
    return [
      log('notice', `Clear FAIL state for node ${node.id}: is reachable again and nobody is serving its slots after some time.`),
      updateState(),
      saveConfig(false),
    ];
  }
  return [];
}

/**
 * A gossip entry from `sender` about `node` (clusterProcessGossipSection): only a master's opinion
 * counts; PFAIL or FAIL adds its report and may reach FAIL, anything else withdraws it.
 */
export function onGossipAbout(
  view: ClusterView, sender: NodeView, node: NodeView, gossipFlags: number, now: number, nodeTimeout: number,
): ClusterAction[] {
  if (!isMasterNode(sender) || node === view.myself) return [];
  if (gossipFlags & (Bit.Fail | Bit.PFail)) {
    const actions: ClusterAction[] = [];
    if (addFailureReport(node, sender.id, now)) {
      actions.push(log('verbose', `Node ${sender.id} reported node ${node.id} as not reachable.`));
    }
    return actions.concat(markFailingIfNeeded(view, node, now, nodeTimeout));
  }
  if (deleteFailureReport(node, sender.id, now, nodeTimeout)) {
    return [log('verbose', `Node ${sender.id} reported node ${node.id} is back online.`)];
  }
  return [];
}

/** A FAIL message from a known node about `failing` (clusterProcessPacket, CLUSTERMSG_TYPE_FAIL). */
export function onFailMessage(senderId: string, failing: NodeView | undefined, now: number): ClusterAction[] {
  if (!failing || has(failing, Bit.Fail | Bit.Myself)) return [];
  failing.flags = (failing.flags & ~Bit.PFail) | Bit.Fail;
  failing.failTime = now;
  return [log('notice', `FAIL message received from ${senderId} about ${failing.id}`), saveConfig(false), updateState()];
}

/** A PONG on our outbound link to `node`: PFAIL simply goes away; FAIL may be undone. */
export function onPongFrom(view: ClusterView, node: NodeView, now: number, nodeTimeout: number): ClusterAction[] {
  if (isTimedOutNode(node)) {
    node.flags &= ~Bit.PFail;
    return [saveConfig(false), updateState()];
  }
  return clearFailureIfNeeded(view, node, now, nodeTimeout);
}

/**
 * The cron's reachability check for one node (clusterCron): with a PING outstanding, neither its
 * PONG nor any other data for longer than node-timeout makes it PFAIL. True when it just became PFAIL.
 */
export function markPFailIfTimedOut(node: NodeView, now: number, nodeTimeout: number): boolean {
  if (has(node, Bit.Myself | Bit.NoAddr | Bit.Handshake) || node.pingSent === 0) return false;
  const delay = Math.min(now - node.pingSent, now - node.dataReceived);
  if (delay <= nodeTimeout || has(node, Bit.PFail | Bit.Fail)) return false;
  node.flags |= Bit.PFail;
  return true;
}
