// What every clusterctl command shares: --json (typed result on stdout, nothing else), -f/--file,
// --dir and --cluster; finding the topology and the cluster's state; and error output that carries
// a suggestion and an exit code (as JSON under --json).

import { existsSync } from 'node:fs';
import { Command, Flags } from '@oclif/core';
import { CliError, EXIT } from './errors.js';
import { registerAuth } from './auth.js';
import { clusterPaths, defaultRoot, listClusters, readState, type ClusterPaths, type RunState } from './state/run-state.js';
import { DEFAULT_TOPOLOGY_FILE, DEFAULT_TOPOLOGY_YAML, formatIssue, loadTopologyFile, parseTopology } from './topology/load.js';
import type { ClusterSpec } from './topology/types.js';

export interface Cluster {
  paths: ClusterPaths;
  state: RunState;
}

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    file: Flags.string({ char: 'f', summary: `Topology file (default: ./${DEFAULT_TOPOLOGY_FILE}, else the built-in default).`, helpGroup: 'GLOBAL' }),
    dir: Flags.string({ summary: 'Folder holding cluster state (default: ./.clusterctl, or $CLUSTERCTL_DIR).', helpGroup: 'GLOBAL' }),
    cluster: Flags.string({ summary: 'Cluster name (default: the topology\'s name, or the only cluster in --dir).', helpGroup: 'GLOBAL' }),
  };

  /** The topology from -f, ./clusterctl.yaml, or the built-in default; every issue listed on failure. */
  protected loadSpec(file: string | undefined): ClusterSpec {
    const path = file ?? (existsSync(DEFAULT_TOPOLOGY_FILE) ? DEFAULT_TOPOLOGY_FILE : undefined);
    const result = path ? loadTopologyFile(path) : parseTopology(DEFAULT_TOPOLOGY_YAML, 'built-in default', 'built-in default');
    if (result.spec) return result.spec;
    const count = result.issues.length;
    throw new CliError(`${path ?? 'topology'} is not valid (${count} problem${count === 1 ? '' : 's'})`, {
      exit: EXIT.USAGE,
      code: 'INVALID_TOPOLOGY',
      details: result.issues.map((issue) => `  ${formatIssue(issue)}`),
      suggestion: 'Fix the file and run the command again; nothing was started.',
      data: { issues: result.issues },
    });
  }

  /** Which cluster a command addresses (see the --cluster flag). */
  protected clusterName(flags: { file?: string; dir?: string; cluster?: string }): string {
    if (flags.cluster) return flags.cluster;
    if (flags.file || existsSync(DEFAULT_TOPOLOGY_FILE)) return this.loadSpec(flags.file).name;
    const known = listClusters(defaultRoot(flags.dir));
    return known.length === 1 ? known[0]! : 'default';
  }

  /** The cluster's paths and state; fails (exit 4) when it has never been started here. */
  protected openCluster(flags: { file?: string; dir?: string; cluster?: string }): Cluster {
    const name = this.clusterName(flags);
    const paths = clusterPaths(defaultRoot(flags.dir), name);
    const state = readState(paths);
    if (!state) {
      const known = listClusters(paths.root);
      throw new CliError(`no cluster "${name}" in ${paths.root}`, {
        exit: EXIT.NOT_RUNNING,
        code: 'NO_CLUSTER',
        suggestion: known.length ? `Known clusters: ${known.join(', ')} (use --cluster NAME).` : 'Start one with `clusterctl up`.',
      });
    }
    registerAuth(state);
    return { paths, state };
  }

  protected override toErrorJson(error: unknown): unknown {
    if (error instanceof CliError) return { error: error.toJSON() };
    const message = error instanceof Error ? error.message : String(error);
    const exit = (error as { oclif?: { exit?: number } })?.oclif?.exit ?? 1;
    return { error: { message, code: exit === 2 ? 'USAGE' : 'FAILED', exit } };
  }

  protected override async catch(error: Error & { exitCode?: number }): Promise<unknown> {
    if (error instanceof CliError) {
      process.exitCode = error.exitCode;
      if (this.jsonEnabled()) {
        this.logJson(this.toErrorJson(error));
        return undefined;
      }
      const lines = [`✖ ${error.shortMessage}`, ...error.details];
      if (error.suggestions?.length) lines.push(`  → ${error.suggestions[0]}`);
      process.stderr.write(`${lines.join('\n')}\n`);
      return undefined;
    }
    return super.catch(error);
  }
}
