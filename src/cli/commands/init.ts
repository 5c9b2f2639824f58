// clusterctl init: write a ready-made topology (templates/<name>.yaml) into the current folder.

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base.js';
import { CliError, EXIT } from '../errors.js';
import { closest } from '../../shared/closest.js';
import { DEFAULT_TOPOLOGY_FILE, formatIssue, parseTopology } from '../topology/load.js';
import { describeTopology } from '../cluster/summary.js';

export const TEMPLATES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'templates');

export interface InitResult {
  template: string;
  file: string;
  cluster: string;
  engine: string;
  templates: string[];
}

export function templateNames(): string[] {
  try {
    return readdirSync(TEMPLATES_DIR).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -5)).sort();
  } catch {
    return [];
  }
}

export default class Init extends BaseCommand {
  static override summary = 'Write a ready-made topology to ./clusterctl.yaml.';
  static override description = 'Templates: default (1 master, 2 replicas, 3 sentinels), durable (the same with appendonly yes + appendfsync always), single, chain, fan-out, cluster (Redis Cluster: 3 shards x 1 replica), and redis-* (the same on engine redis). --list shows them.';
  static override examples = ['<%= config.bin %> init', '<%= config.bin %> init --template redis-chain --name demo', '<%= config.bin %> init --list'];
  static override flags = {
    template: Flags.string({ char: 't', summary: 'Template name.', default: 'default' }),
    name: Flags.string({ summary: 'Cluster name to write into the file.' }),
    force: Flags.boolean({ summary: 'Overwrite an existing file.' }),
    list: Flags.boolean({ summary: 'List the templates and write nothing.' }),
  };

  async run(): Promise<InitResult> {
    const { flags } = await this.parse(Init);
    const templates = templateNames();
    const target = flags.file ?? DEFAULT_TOPOLOGY_FILE;
    if (flags.list) {
      for (const name of templates) this.log(`${name.padEnd(16)} ${firstComment(name)}`);
      return { template: '', file: '', cluster: '', engine: '', templates };
    }
    if (!templates.includes(flags.template)) {
      const guess = closest(flags.template, templates);
      throw new CliError(`no template named "${flags.template}"`, {
        exit: EXIT.USAGE,
        code: 'NO_TEMPLATE',
        suggestion: guess ? `Did you mean "${guess}"? (templates: ${templates.join(', ')})` : `Templates: ${templates.join(', ')}.`,
      });
    }
    if (existsSync(target) && !flags.force) {
      throw new CliError(`${target} already exists`, { exit: EXIT.USAGE, code: 'EXISTS', suggestion: 'Pass --force to overwrite it.' });
    }
    let text = readFileSync(join(TEMPLATES_DIR, `${flags.template}.yaml`), 'utf8');
    if (flags.name) text = text.replace(/^name:.*$/m, `name: ${flags.name}`);
    const parsed = parseTopology(text, target);
    if (!parsed.spec) {
      throw new CliError(`template ${flags.template} does not validate`, { exit: EXIT.USAGE, details: parsed.issues.map((i) => `  ${formatIssue(i)}`) });
    }
    writeFileSync(target, text);
    this.log(`Wrote ${target}: ${describeTopology(parsed.spec)}.`);
    this.log(`  next: clusterctl up${flags.file ? ` -f ${target}` : ''}`);
    return { template: flags.template, file: resolve(target), cluster: parsed.spec.name, engine: parsed.spec.engine, templates };
  }
}

function firstComment(template: string): string {
  const line = readFileSync(join(TEMPLATES_DIR, `${template}.yaml`), 'utf8').split('\n')[0] ?? '';
  return line.replace(/^#\s*/, '');
}
