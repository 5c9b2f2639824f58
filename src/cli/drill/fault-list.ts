// The drill's fault grammar: `--faults "kill:master@2s,start:old-master@8s"`. Pure: parses and
// validates a list of steps and reports every problem at once, each naming the step it is about.
//
//   LIST   = STEP ("," STEP)*
//   STEP   = ACTION ":" TARGET "@" TIME
//   ACTION = kill | stop | start | restart | pause | resume | partition | heal | crash | restart-empty
//          | cut | drop-sync | delay | throttle | fill
//   TARGET = master | replica | replica:N | old-master | old-replica | all | NODE-NAME
//   TIME   = a duration from the start of the workload: 2s, 1500ms, 0.5s (a bare number is seconds)
//
// `master` / `replica[:N]` are resolved live when the step runs (who is the master *then*);
// `old-master` / `old-replica` name the node an earlier step resolved `master` / `replica` to (to
// start, resume or heal it later). `all` (restart only) restarts every node one after another,
// replicas first, so the data is never held by a single process that is down.
//
// `crash` is SIGKILL and an immediate start, from whatever the node's persistence kept; `crash:all`
// kills every node and every sentinel at the same moment (a machine or a site losing power), then
// starts the nodes and the sentinels again (crash.ts). `restart-empty` is SIGKILL, the node's data
// files set aside, and an immediate start: a master with persistence off brought back by its
// supervisor before the sentinels noticed (the hazard of Redis's replication documentation).
//
// Replication links (link-faults.ts, engine builtin but `fill`): `cut` partitions a node from its
// master only and resets that link, so it reconnects (and resyncs) once healed; `drop-sync` resets
// its master link in the middle of a full sync; `delay` (200 ms each way) and `throttle` (1 MB/s)
// slow its replication links down; `heal` ends all three. `fill` writes 4 MB to the master, enough
// to overwrite a 1 MB replication backlog.

import { closest } from '../../shared/closest.js';
import { parseDuration } from '../util/duration.js';

export const FAULT_ACTIONS = ['kill', 'stop', 'start', 'restart', 'pause', 'resume', 'partition', 'heal', 'crash', 'restart-empty', 'cut', 'drop-sync', 'delay', 'throttle', 'fill'] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

export interface FaultStep {
  action: FaultAction;
  /** As written: master, replica, replica:2, old-master, old-replica, all, or a node name. */
  target: string;
  /** Milliseconds after the workload starts. */
  atMs: number;
  /** The step as the user wrote it (trimmed), for messages and the report. */
  text: string;
}

export interface ParseOptions {
  /** Actions this build and engine can run (partition/heal only when the partition module exists). */
  available: readonly FaultAction[];
  /** Why an action outside `available` cannot run, for the error message. */
  unavailableReason?: (action: FaultAction) => string;
  /** Node names of the cluster, when known (else any name is accepted here and checked at run time). */
  nodeNames?: readonly string[];
}

export interface ParseResult {
  steps: FaultStep[];
  errors: string[];
}

export const FAULTS_GRAMMAR = 'ACTION:TARGET@TIME[,...], e.g. "kill:master@2s,start:old-master@8s"';

const TARGET_RE = /^(master|replica(?::[1-9]\d*)?|old-master|old-replica|all|[A-Za-z][\w.-]*)$/;
/** Actions that bring a node back: they make sense on `old-*` and on a named node. */
const NAME_REFS = new Set(['old-master', 'old-replica']);

export function parseFaultList(text: string, options: ParseOptions): ParseResult {
  const errors: string[] = [];
  const steps: FaultStep[] = [];
  const parts = text.split(',').map((part) => part.trim());
  if (parts.length === 1 && parts[0] === '') return { steps, errors: [`empty fault list: write ${FAULTS_GRAMMAR}`] };
  parts.forEach((part, index) => {
    const label = `step ${index + 1} "${part}"`;
    if (part === '') {
      errors.push(`step ${index + 1} is empty (two commas in a row, or a trailing comma)`);
      return;
    }
    const match = /^([^:@]+):([^@]+)@(.+)$/.exec(part);
    if (!match) {
      errors.push(`${label}: not ACTION:TARGET@TIME (e.g. kill:master@2s)`);
      return;
    }
    const action = match[1]!.trim().toLowerCase();
    const target = match[2]!.trim();
    const time = match[3]!.trim();
    let ok = true;
    if (!(FAULT_ACTIONS as readonly string[]).includes(action)) {
      const guess = closest(action, FAULT_ACTIONS);
      errors.push(`${label}: unknown action "${action}"${guess ? ` (did you mean "${guess}"?)` : ''}; actions: ${FAULT_ACTIONS.join(', ')}`);
      ok = false;
    } else if (!options.available.includes(action as FaultAction)) {
      errors.push(`${label}: ${options.unavailableReason?.(action as FaultAction) ?? `"${action}" is not available here`}`);
      ok = false;
    }
    if (!TARGET_RE.test(target)) {
      errors.push(`${label}: bad target "${target}": use master, replica, replica:N, old-master, old-replica, all or a node name`);
      ok = false;
    } else if (options.nodeNames && !isRole(target) && !options.nodeNames.includes(target)) {
      const guess = closest(target, [...options.nodeNames, 'master', 'replica', 'old-master', 'old-replica']);
      errors.push(`${label}: no node named "${target}" (nodes: ${options.nodeNames.join(', ')})${guess ? `; did you mean "${guess}"?` : ''}`);
      ok = false;
    }
    if (target === 'all' && action !== 'restart' && action !== 'crash') {
      errors.push(`${label}: "all" works with restart and crash only (restart:all@T restarts every node, one after another; crash:all@T kills every node and sentinel at once and starts them again)`);
      ok = false;
    }
    const atMs = parseDuration(time);
    if (atMs === undefined) {
      errors.push(`${label}: bad time "${time}": write a duration from the start, e.g. 2s, 1500ms`);
      ok = false;
    }
    if (ok) steps.push({ action: action as FaultAction, target, atMs: atMs!, text: part });
  });
  const ordered = [...steps].sort((a, b) => a.atMs - b.atMs);
  errors.push(...checkReferences(ordered));
  return { steps: errors.length ? [] : ordered, errors };
}

function isRole(target: string): boolean {
  return /^(master|replica(?::\d+)?|old-master|old-replica|all)$/.test(target);
}

/** `old-master` needs an earlier step on `master` (in time order); likewise `old-replica`. */
function checkReferences(ordered: FaultStep[]): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  for (const step of ordered) {
    if (NAME_REFS.has(step.target)) {
      const role = step.target.slice('old-'.length);
      if (!seen.has(role)) errors.push(`step "${step.text}": ${step.target} names the node an earlier step resolved "${role}" to, and no step before ${step.atMs} ms targets "${role}"`);
    }
    if (step.target === 'master') seen.add('master');
    if (step.target.startsWith('replica')) seen.add('replica');
  }
  return errors;
}

/** The list back as text (scenarios are shown this way in the report). */
export function formatFaultList(steps: readonly FaultStep[]): string {
  return steps.map((step) => `${step.action}:${step.target}@${formatTime(step.atMs)}`).join(',');
}

function formatTime(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Steps that break something (the "fault" times the report measures recovery from). */
export function isDisruptive(step: FaultStep): boolean {
  return DISRUPTIVE.has(step.action);
}

const DISRUPTIVE: ReadonlySet<string> = new Set(['kill', 'stop', 'pause', 'partition', 'restart', 'crash', 'restart-empty', 'cut', 'drop-sync', 'delay', 'throttle']);

/** Actions that need the builtin node's FAULT command (partition support). */
export const NEEDS_FAULT_COMMAND: ReadonlySet<FaultAction> = new Set(['partition', 'heal', 'cut', 'drop-sync', 'delay', 'throttle']);
