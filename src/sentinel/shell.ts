// The I/O shell around the decision core: a timer that runs the core's step (Redis's sentinelTimer),
// an immediate extra step after every reply so decisions never wait for the next tick, and the
// execution of the core's actions: links, events (log + own pub/sub), scripts, config rewrites.

import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import type { Logger } from '../shared/log.js';
import { rewriteConfigFile } from './config/rewrite.js';
import { EV } from './core/events.js';
import type { SentinelCore } from './core/sentinel-core.js';
import type { Action, Instance } from './core/types.js';
import { LinkManager } from './io/links.js';
import { ScriptRunner } from './io/script-runner.js';
import type { ClientConn } from './server/client-conn.js';
import type { SentinelHost } from './server/host.js';
import { PubSubHub } from './server/pubsub.js';
import { SentinelServer } from './server/server.js';

/**
 * Timer period: Redis runs its sentinel timer at ~10 Hz; we tick at ~67 Hz, randomised to
 * desynchronise peers. Time-driven decisions (SDOWN after down-after, the start slot, the next
 * heartbeat) wait for a tick, so the period adds up to its length to each of them; a step costs
 * microseconds (a walk over a few records).
 */
const TICK_BASE_MS = 10;
const TICK_JITTER_MS = 10;

/** SENTINEL SIMULATE-FAILURE exits with this code, as sentinelSimFailureCrash. */
const SIM_FAILURE_EXIT_CODE = 99;

export interface ShellOptions {
  configPath: string;
  bind: string[];
  requirepass: string | null;
  logger: Logger;
  /** Called after the server closed on SHUTDOWN, a signal or a simulated crash. */
  onExit: (code: number) => void;
}

export class SentinelShell implements SentinelHost {
  readonly hub = new PubSubHub();
  readonly clients = new Map<number, ClientConn>();
  readonly runId = randomBytes(20).toString('hex');
  readonly startedAt = Date.now();
  readonly stats = { connectionsReceived: 0, commandsProcessed: 0 };
  readonly configPath: string;
  readonly requirepass: string | null;
  private readonly links: LinkManager;
  private readonly scripts: ScriptRunner;
  private readonly server: SentinelServer;
  private timer: NodeJS.Timeout | null = null;
  private scheduled = false;
  private stopped = false;
  /** The last config rewrite failed (until one succeeds). */
  private saveFailed = false;

  constructor(readonly core: SentinelCore, private readonly options: ShellOptions) {
    this.configPath = options.configPath;
    this.requirepass = options.requirepass;
    this.links = new LinkManager(core, () => Date.now(), () => this.schedule(), options.requirepass);
    this.scripts = new ScriptRunner(core, () => this.schedule());
    this.server = new SentinelServer(this);
  }

  async start(): Promise<void> {
    const port = this.core.settings.port;
    await this.server.listen(port, this.options.bind);
    const log = this.options.logger;
    log.notice(`Running mode=sentinel, port=${port}.`);
    if (this.saveConfig()) log.notice('Sentinel new configuration saved on disk');
    log.warning(`Sentinel ID is ${this.core.myid}`);
    // sentinelGenerateInitialMonitorEvents: one +monitor per configured master.
    for (const master of this.core.masters.values()) this.core.event('warning', EV.monitor, master, `quorum ${master.settings.quorum}`);
    this.runActions();
    this.armTimer();
  }

  private armTimer(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.step();
      this.armTimer();
    }, TICK_BASE_MS + Math.floor(Math.random() * TICK_JITTER_MS));
  }

  /** Run a step soon (after the current I/O callbacks), at most one queued at a time. */
  schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.step();
    });
  }

  private step(): void {
    if (this.stopped) return;
    this.links.reconcile();
    this.core.tick(Date.now());
    this.runActions();
    // Instances created during this step (new replicas, a moved master) get links at once.
    this.links.reconcile();
    this.runActions();
  }

  flush(): boolean {
    this.runActions();
    this.schedule();
    return !this.saveFailed;
  }

  dropLinks(filter: (instance: Instance) => boolean): void {
    this.links.dropLinks(filter);
  }

  executable(path: string): boolean {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  private runActions(): void {
    for (let actions = this.core.drain(); actions.length > 0 && !this.stopped; actions = this.core.drain()) {
      for (const action of actions) {
        this.perform(action);
        if (this.stopped) return;
      }
    }
  }

  private perform(action: Action): void {
    const log = this.options.logger;
    switch (action.type) {
      case 'save':
        this.saveConfig();
        break;
      case 'event':
        log[action.level](`${action.channel} ${action.message}`);
        if (action.level !== 'debug') this.hub.publish(action.channel, action.message);
        break;
      case 'log':
        log[action.level](action.message);
        break;
      case 'run-script':
        this.scripts.run(action.job, action.argv);
        break;
      case 'kill-script':
        this.scripts.kill(action.job);
        break;
      case 'crash':
        this.stopped = true;
        this.options.onExit(SIM_FAILURE_EXIT_CODE);
        break;
      default:
        this.links.perform(action);
    }
  }

  saveConfig(): boolean {
    try {
      rewriteConfigFile(this.configPath, this.core);
      this.saveFailed = false;
      return true;
    } catch (error) {
      this.saveFailed = true;
      this.options.logger.warning(`WARNING: Sentinel was not able to save the new configuration on disk!!!: ${(error as Error).message}`);
      return false;
    }
  }

  /** SHUTDOWN, SIGTERM, SIGINT: the leases go back to the nodes (we time no failover any more), then exit. */
  shutdown(): void {
    if (this.stopped) return;
    this.options.logger.warning('User requested shutdown...');
    this.saveConfig();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.server.close();
    void this.links.releaseAll().then(() => {
      this.options.logger.warning('Sentinel is now ready to exit, bye bye...');
      this.options.onExit(0);
    });
  }
}
