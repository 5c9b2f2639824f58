// Validation of redis.conf directives written in a topology (under `defaults:`, a node's `config:`,
// or inline in a node): known to the engine, not one clusterctl manages itself, has a value.

import { closest } from '../../shared/closest.js';
import { BUILTIN_ONLY_DIRECTIVE_NAMES, directiveNames, isKnownDirective } from '../../shared/directive-names.js';
import type { Entry, Reader } from './reader.js';
import type { DirectiveLine, Engine } from './types.js';

/** Directives clusterctl writes itself for every node, and where the user says the same thing instead. */
const MANAGED: Record<string, string> = {
  port: 'Set nodes.<node>.port or ports.base instead',
  bind: 'Nodes listen on 127.0.0.1 only',
  dir: 'Each node runs in its own directory, .clusterctl/<cluster>/<node>/',
  logfile: 'Each node logs to node.log in its directory (clusterctl logs <node>)',
  daemonize: 'clusterctl runs and supervises the process itself',
  supervised: 'clusterctl runs and supervises the process itself',
  replicaof: 'Write nodes.<node>.replicaof: <node name> instead',
  slaveof: 'Write nodes.<node>.replicaof: <node name> instead',
  include: 'Write the directives under defaults: or in the node instead',
  'cluster-enabled': 'Write mode: cluster at the top of the topology instead',
  'cluster-config-file': 'Each cluster node keeps its nodes.conf in its own directory',
  'cluster-port': 'Set ports.bus or the node\'s bus-port instead (mode: cluster)',
  'cluster-node-timeout': 'Write cluster: { node-timeout: MS } instead (mode: cluster)',
};

/** Checks one directive entry; returns its lines, or undefined after reporting the problem. */
export function readDirective(reader: Reader, entry: Entry, engine: Engine): DirectiveLine[] | undefined {
  const name = entry.key.toLowerCase();
  const managed = MANAGED[name];
  if (managed) {
    reader.report(entry.keyNode, entry.path, `"${entry.key}" is managed by clusterctl`, `${managed}.`);
    return undefined;
  }
  if (!isKnownDirective(name, engine)) {
    if (engine === 'redis' && BUILTIN_ONLY_DIRECTIVE_NAMES.has(name)) {
      reader.report(entry.keyNode, entry.path, `"${entry.key}" is a clusterctl-node directive; redis-server does not know it`, 'Use engine: builtin, or remove it.');
      return undefined;
    }
    const guess = closest(name, directiveNames(engine));
    reader.report(
      entry.keyNode,
      entry.path,
      `unknown redis.conf directive "${entry.key}"`,
      guess ? `Did you mean "${guess}"?` : 'See redis.conf for the directive names.',
    );
    return undefined;
  }
  const values = reader.directiveValues(entry);
  return values?.map((value) => ({ name, value }));
}

/** Reads a mapping of directives (defaults:, config:). */
export function readDirectiveMap(reader: Reader, entries: Entry[], engine: Engine): DirectiveLine[] {
  return entries.flatMap((entry) => readDirective(reader, entry, engine) ?? []);
}

export function isManagedDirective(name: string): boolean {
  return name.toLowerCase() in MANAGED;
}
