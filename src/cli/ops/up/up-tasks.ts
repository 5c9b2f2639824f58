// The steps of `up` as listr2 tasks (animated in a terminal, plain lines in CI logs, silent under
// --json): topology, port and program checks, starting nodes, replication in sync, sentinels agree.

import { resetSentinelConfig } from '../../supervisor/sentinel-config.js';
import { Listr, type ListrTask } from 'listr2';
import { CliError } from '../../errors.js';
import type { ManagedRecord, NodeRecord, SentinelRecord } from '../../state/run-state.js';
import type { Supervisor } from '../../supervisor/supervisor.js';
import { checkBinaries, checkPorts } from '../../cluster/preflight.js';
import { replicasByDepth, waitSynced, wireAll, type SyncReport } from '../../cluster/replication.js';
import { currentMaster, waitSentinelsAgree } from '../../cluster/sentinels.js';
import { describeTopology, plural } from '../../cluster/summary.js';

export interface UpPlan {
  nodes: NodeRecord[];
  sentinels: SentinelRecord[];
  deadline: number;
  json: boolean;
}

export async function runUpTasks(supervisor: Supervisor, plan: UpPlan): Promise<void> {
  const { state } = supervisor;
  const { deadline } = plan;
  const replicas = replicasByDepth(state).flat();
  const toStart: ManagedRecord[] = [...plan.nodes, ...plan.sentinels];
  await runUpSteps(
    supervisor,
    [
      { title: `Topology: ${describeTopology(state.spec)}`, task: () => {} },
      {
        title: toStart.length ? `${toStart.length === 1 ? 'Port' : 'Ports'} ${portList(toStart)} ${toStart.length === 1 ? 'is' : 'are'} free` : 'Everything is already running',
        task: async () => {
          if (toStart.length === 0) return;
          checkBinaries(state);
          await checkPorts(toStart);
        },
      },
      {
        title: `Start ${plan.nodes.map((r) => r.name).join(', ')}`,
        enabled: plan.nodes.length > 0,
        task: async (_ctx, task) => {
          await Promise.all(plan.nodes.map((record) => supervisor.start(record, { deadline, withReplicaof: false })));
          task.title = `Started ${plan.nodes.map((r) => `${r.name} :${r.port}`).join(', ')}`;
        },
      },
      {
        title: 'Replicas in sync',
        enabled: replicas.length > 0,
        task: async (_ctx, task) => {
          const reports: SyncReport[] = [];
          const onSynced = (report: SyncReport) => {
            reports.push(report);
            task.title = `Replicas in sync (${reports.map((r) => `${r.node} offset ${r.offset}/${r.upstreamOffset}`).join(', ')})`;
          };
          if (plan.nodes.length === 0) for (const record of replicas) onSynced(await waitSynced(state, record, deadline));
          else await wireAll(state, deadline, onSynced);
        },
      },
      {
        title: 'Sentinels agree',
        enabled: state.sentinels.length > 0,
        task: async (_ctx, task) => {
          const master = currentMaster(state);
          // With every sentinel down (a cluster restart), what they remember may predate failovers the
          // records have since caught up with: they start afresh from the records, under the same ids
          // (the nodes know them by id). A single sentinel coming back keeps its memory and rejoins.
          const restartAll = plan.sentinels.length === state.sentinels.length;
          const ids = new Map(plan.sentinels.map((record) => [record.name, restartAll ? resetSentinelConfig(record) : undefined]));
          await Promise.all(plan.sentinels.map((record) => supervisor.startSentinel(record, master.port, deadline, ids.get(record.name))));
          const views = await waitSentinelsAgree(state, deadline);
          const spec = state.spec.sentinels!;
          task.title =
            `Sentinels agree: master ${master.name} 127.0.0.1:${master.port}, ${plural(views[0]!.replicas ?? 0, 'replica')}, ` +
            `${plural(views.length, 'sentinel')}, quorum ${spec.quorum}`;
        },
      },
    ],
    plan.json,
  );
}

/**
 * Runs up's steps (animated in a terminal, plain lines in CI logs, silent under --json); a step that
 * fails on a node gets the tail of that node's log as its details.
 */
export async function runUpSteps(supervisor: Supervisor, steps: ListrTask[], json: boolean): Promise<void> {
  const tasks = new Listr(steps, {
    renderer: json ? 'silent' : 'default',
    fallbackRenderer: 'simple',
    exitOnError: true,
    registerSignalListeners: false,
    rendererOptions: { collapseErrors: false },
  });
  try {
    await tasks.run();
  } catch (error) {
    if (error instanceof CliError) {
      const { state } = supervisor;
      const name = error.data.node as string | undefined;
      const record = [...state.nodes, ...state.sentinels].find((r) => r.name === name);
      if (record && error.details.length === 0) error.details.push(...supervisor.logTail(record));
    }
    throw error;
  }
}

function portList(records: ManagedRecord[]): string {
  const ports = records.map((record) => record.port).sort((a, b) => a - b);
  const contiguous = ports.every((port, i) => i === 0 || port === ports[i - 1]! + 1);
  return contiguous && ports.length > 1 ? `${ports[0]}-${ports[ports.length - 1]}` : ports.join(', ');
}
