// clusterctl-sentinel CONFIG-FILE [--port N] [--<directive> value ...]: loads sentinel.conf like
// redis-sentinel (command-line directives are appended to the file's; `sentinel` statements apply
// after the whole file, sentinel-wide ones first, then the monitors, then the rest), restores the
// persisted state, starts the shell, writes the pidfile, and exits cleanly on SHUTDOWN, SIGTERM or
// SIGINT (giving its fencing leases back first).

import { randomBytes } from 'node:crypto';
import { accessSync, constants, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Logger, type LogLevel } from '../shared/log.js';
import { applyStatements } from './config/apply.js';
import { ConfigError, parseConfig } from './config/parse.js';
import { SentinelCore } from './core/sentinel-core.js';
import { hostResolver } from './io/resolve.js';
import { SentinelShell } from './shell.js';

const LEVELS = ['debug', 'verbose', 'notice', 'warning', 'nothing'];

export async function main(argv: string[]): Promise<void> {
  const { file, extra } = splitArguments(argv);
  if (!file) fatal('Sentinel needs config file on disk to save state. Exiting...');
  const configPath = resolve(file);
  let text: string;
  try {
    text = readFileSync(configPath, 'utf8');
    accessSync(configPath, constants.W_OK);
  } catch (error) {
    fatal(`Sentinel config file ${configPath} is not writable: ${(error as Error).message}. Exiting...`);
  }
  const core = new SentinelCore({ myid: '', now: Date.now(), resolve: hostResolver() });
  let config;
  try {
    config = parseConfig(`${text}\n${extra.join('\n')}\n`);
    core.settings.port = config.port;
    applyStatements(core, config.statements, { executable: isExecutable });
  } catch (error) {
    if (error instanceof ConfigError) fatal(error.message);
    throw error;
  }
  // sentinelIsRunning: a sentinel without an id picks one (and persists it at start).
  if (core.myid === '') core.myid = randomBytes(20).toString('hex');
  if (config.dir) process.chdir(config.dir);
  const logger = new Logger(config.logfile ? resolve(config.logfile) : undefined, LEVELS.includes(config.loglevel) ? (config.loglevel as LogLevel) : 'notice');
  logger.role = 'X';
  const pidfile = config.pidfile ? resolve(config.pidfile) : null;
  const exit = (code: number) => {
    if (pidfile) removeQuietly(pidfile);
    process.exit(code);
  };
  const shell = new SentinelShell(core, { configPath, bind: config.bind, requirepass: config.requirepass, logger, onExit: exit });
  logger.warning('oO0OoO0OoO0Oo clusterctl-sentinel is starting oO0OoO0OoO0Oo');
  try {
    await shell.start();
  } catch (error) {
    logger.warning(`Failed listening on port ${config.port} (tcp), aborting: ${(error as Error).message}`);
    fatal(`Could not listen on port ${config.port}: ${(error as Error).message}`);
  }
  if (pidfile) writeFileSync(pidfile, `${process.pid}\n`);
  process.on('SIGTERM', () => shell.shutdown());
  process.on('SIGINT', () => shell.shutdown());
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first bare argument is the config file; `--name value...` pairs become config lines. */
function splitArguments(argv: string[]): { file: string | undefined; extra: string[] } {
  let file: string | undefined;
  const extra: string[][] = [];
  let current: string[] | null = null;
  for (const arg of argv) {
    if (arg.startsWith('--') && arg.length > 2) {
      // `--sentinel` (redis-server --sentinel style) says nothing new: this program is always one.
      current = arg === '--sentinel' ? null : [arg.slice(2)];
      if (current) extra.push(current);
    } else if (current) {
      current.push(/\s/.test(arg) || arg === '' ? JSON.stringify(arg) : arg);
    } else if (file === undefined) {
      file = arg;
    }
  }
  return { file, extra: extra.map((parts) => parts.join(' ')) };
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function fatal(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
