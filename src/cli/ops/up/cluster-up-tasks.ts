// The steps of `up` for a Redis Cluster topology (mode: cluster), run by up-tasks.ts's runUpSteps:
// topology, client and bus ports free, programs found, nodes started in cluster mode, the cluster
// formed (slots, epochs, MEET, REPLICATE: sharded/form.ts), then ready (sharded/ready.ts): every
// node at cluster_state:ok with the same slot map and every replica in sync.

import type { NodeRecord } from '../../state/run-state.js';
import type { Supervisor } from '../../supervisor/supervisor.js';
import { checkBinaries, checkPorts } from '../../cluster/preflight.js';
import { describeTopology, plural } from '../../cluster/summary.js';
import { formatSlots, type ClusterAnalysis } from '../../sharded/analyze.js';
import { formCluster, type FormReport } from '../../sharded/form.js';
import { waitClusterReady } from '../../sharded/ready.js';
import { runUpSteps } from './up-tasks.js';

export interface ClusterUpPlan {
  nodes: NodeRecord[];
  deadline: number;
  json: boolean;
}

export interface ClusterUpOutcome {
  form: FormReport | null;
  analysis: ClusterAnalysis;
}

export async function runClusterUpTasks(supervisor: Supervisor, plan: ClusterUpPlan): Promise<ClusterUpOutcome> {
  const { state } = supervisor;
  const { deadline } = plan;
  const busPort = (record: NodeRecord) => state.spec.nodes.find((node) => node.name === record.name)!.cluster!.busPort;
  const outcome: Partial<ClusterUpOutcome> = { form: null };
  await runUpSteps(
    supervisor,
    [
      { title: `Topology: ${describeTopology(state.spec)}`, task: () => {} },
      {
        title: plan.nodes.length
          ? `Ports ${plan.nodes.map((r) => `${r.port}/${busPort(r)}`).join(', ')} (client/bus) are free`
          : 'Every node is already running',
        task: async () => {
          if (plan.nodes.length === 0) return;
          checkBinaries(state);
          // The bus port too: a node whose bus port is taken exits at start (Redis: "Could not bind").
          await checkPorts(plan.nodes.flatMap((record) => [record, { name: `${record.name} (cluster bus)`, port: busPort(record) }]));
        },
      },
      {
        title: `Start ${plan.nodes.map((r) => r.name).join(', ')} in cluster mode`,
        enabled: plan.nodes.length > 0,
        task: async (_ctx, task) => {
          await Promise.all(plan.nodes.map((record) => supervisor.start(record, { deadline, withReplicaof: false })));
          task.title = `Started ${plan.nodes.map((r) => `${r.name} :${r.port}`).join(', ')}`;
        },
      },
      {
        title: 'Form the cluster',
        task: async (_ctx, task) => {
          const report = await formCluster(state, deadline, changed((text) => (task.title = `Form the cluster: ${text}`)));
          supervisor.save();
          outcome.form = report;
          task.title = formedTitle(report, state.spec.cluster!.shards.length);
        },
      },
      {
        title: 'Cluster ready',
        task: async (_ctx, task) => {
          const analysis = await waitClusterReady(state, deadline, changed((text) => (task.title = `Waiting for the cluster: ${text}`)));
          supervisor.save();
          outcome.analysis = analysis;
          const shards = analysis.shards.map((s) => `${s.master} ${formatSlots(s.slots)}${s.replicas.length ? ` (${s.replicas.join(', ')})` : ''}`);
          task.title = `Cluster ready: ${plural(analysis.stateOk, 'node')} cluster_state:ok, same slot map; ${shards.join(' · ')}`;
        },
      },
    ],
    plan.json,
  );
  return outcome as ClusterUpOutcome;
}

/** Progress lines reach the renderer only when they say something new (CI logs print every title). */
function changed(show: (text: string) => void): (text: string) => void {
  let last = '';
  return (text) => {
    if (text !== last) show((last = text));
  };
}

function formedTitle(report: FormReport, shards: number): string {
  if (report.assigned.length === 0 && report.met.length === 0 && report.replicated.length === 0) return 'Cluster already formed (the nodes remembered it in nodes.conf)';
  const parts: string[] = [];
  if (report.assigned.length) parts.push(`slots to ${report.assigned.map((a) => `${a.node} ${formatSlots(a.slots)}`).join(', ')}`);
  if (report.met.length) parts.push(`${plural(report.met.length, 'node')} met`);
  if (report.replicated.length) parts.push(`replicas ${report.replicated.map((r) => `${r.node}->${r.master}`).join(', ')}`);
  return `Formed ${plural(shards, 'shard')}: ${parts.join('; ')}`;
}
