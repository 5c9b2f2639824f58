// Replica side: our link to a master, as a 7.0 replica runs it (protocol doc 1.1-1.5, 2.1-2.4).
// connect -> PING alone -> AUTH / REPLCONF listening-port / [ip-address] / capa in one write ->
// read their replies -> PSYNC -> +FULLRESYNC (payload, load) or +CONTINUE -> apply the stream,
// counting offsets after whole commands (after EXEC inside MULTI), forwarding exactly the applied
// bytes to our own replicas, ACKing every second and on GETACK. Reconnects once per second.

import { connect, type Socket } from 'node:net';
import { encodeCommand } from '../../shared/resp/encoder.js';
import { RequestParser } from '../../shared/resp/request-parser.js';
import type { Client } from '../clients/client.js';
import { execute } from '../request/dispatch.js';
import type { Server } from '../server.js';
import { LineReader, PayloadReader } from './payload-reader.js';
import type { Replication } from './replication.js';
import { Backlog } from './backlog.js';
import { appendLedger, LEDGER_JSONL, parseStreamCommands } from './ledger.js';
import { faultsOf } from '../faults/faults.js';
import { clock } from '../base/clock.js';

/** REPLCONF GETACK: answered by the link itself, never run as a command. */
function isGetack(args: string[]): boolean {
  return args.length >= 2 && args[0]!.length === 8 && args[0]!.toLowerCase() === 'replconf' && args[1]!.toLowerCase() === 'getack';
}

/** ROLE's names for the link state (protocol doc 6.5). */
export type LinkState = 'connect' | 'connecting' | 'handshake' | 'sync' | 'connected';

/** Loads an RDB payload into the server (old data already flushed); returns the repl-stream-db aux. */
export type SnapshotLoader = (rdb: Buffer) => { replStreamDb: number | undefined };

export class MasterLink {
  state: LinkState = 'connect';
  private socket: Socket | undefined;
  /** The client whose commands come from the master; kept across reconnects (its db survives PSYNC). */
  readonly masterClient: Client;
  /** Whether our history can be offered to the master (false: PSYNC ? -1). */
  hasCachedHistory: boolean;
  /** Bytes read from the stream (slave_read_repl_offset). */
  readOffset = 0;
  lastIo = clock.now();
  /** ms when the link went down, 0 while up, -1 if never up. */
  downSince = -1;
  syncTotalBytes = -1;
  syncReadBytes = 0;
  private parser: RequestParser | undefined;
  private raw: Buffer[] = [];
  private uncommitted = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastAck = 0;

  constructor(
    private readonly server: Server,
    private readonly replication: Replication,
    readonly host: string,
    readonly port: number,
    private readonly loader: SnapshotLoader,
    cachedHistory: boolean,
  ) {
    this.hasCachedHistory = cachedHistory;
    this.masterClient = server.createClient(`${host}:${port}`, '', {
      push: () => {},
      close: () => this.drop('closed by command'),
      resume: () => {},
    });
    this.masterClient.isMaster = true;
    this.masterClient.authenticated = true;
    // The master's stream runs as no ACL user at all (replication.c: master->user = NULL).
    this.masterClient.user = null;
    this.masterClient.name = '';
  }

  get linkUp(): boolean {
    return this.state === 'connected';
  }

  start(): void {
    this.stopped = false;
    this.connectNow();
  }

  /** REPLICAOF NO ONE or another master: stop for good. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.destroy();
    this.socket = undefined;
    this.server.masterLinkUp = false;
    this.server.removeClient(this.masterClient);
  }

  private connectNow(): void {
    if (this.stopped) return;
    this.state = 'connecting';
    const log = this.server.log;
    log.notice(`Connecting to MASTER ${this.host}:${this.port}`);
    const socket = connect({ host: this.host, port: this.port });
    this.socket = socket;
    socket.setNoDelay(true);
    const lines = new LineReader();
    socket.on('data', (chunk: Buffer) => {
      this.lastIo = clock.now();
      if (this.parser) this.onStreamData(chunk);
      else lines.feed(chunk);
    });
    socket.once('error', (error) => log.warning(`Error condition on socket for SYNC: ${error.message}`));
    socket.once('close', () => {
      if (this.socket === socket) this.drop('connection lost');
    });
    // FAULT PARTITION master: held from the first byte when the master is cut off (faults/).
    faultsOf(this.server).onMasterSocket(socket, this.host, this.port);
    socket.once('connect', () => {
      log.notice('MASTER <-> REPLICA sync started');
      this.handshake(socket, lines).catch((error: Error) => {
        log.warning(`Replication handshake with ${this.host}:${this.port} failed: ${error.message}`);
        if (this.socket === socket) this.drop('handshake failed');
      });
    });
  }

  private async handshake(socket: Socket, lines: LineReader): Promise<void> {
    this.state = 'handshake';
    const timeout = this.server.config.num('repl-timeout') * 1000;
    socket.write(encodeCommand(['PING']));
    const pong = await lines.readLine(timeout);
    if (pong.startsWith('-') && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(pong)) {
      throw new Error(`Error reply to PING from master: '${pong}'`);
    }
    const config = this.server.config;
    const commands: string[][] = [];
    const auth = config.str('masterauth');
    if (auth !== '') commands.push(config.str('masteruser') !== '' ? ['AUTH', config.str('masteruser'), auth] : ['AUTH', auth]);
    const announcedPort = config.num('replica-announce-port') || this.server.port;
    commands.push(['REPLCONF', 'listening-port', String(announcedPort)]);
    const announcedIp = config.str('replica-announce-ip');
    if (announcedIp !== '') commands.push(['REPLCONF', 'ip-address', announcedIp]);
    commands.push(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    socket.write(commands.map(encodeCommand).join(''));
    for (const command of commands) {
      const reply = await lines.readLine(timeout);
      if (command[0] === 'AUTH' && reply.startsWith('-')) throw new Error(`Unable to AUTH to MASTER: ${reply}`);
    }
    if (this.hasCachedHistory) await this.saveDivergentWrites(lines, timeout);
    // PSYNC only after the replies above (protocol doc 1.1: never pipelined).
    const identity = this.replication.identity;
    const psync = this.hasCachedHistory
      ? ['PSYNC', identity.replid, String(identity.masterReplOffset + 1)]
      : ['PSYNC', '?', '-1'];
    // A master running FAILOVER asks its target to take over (replication.c slaveTryPartialResynchronization).
    const failover = this.replication.failover;
    if (failover.inProgress) psync.push('FAILOVER');
    this.server.log.notice(`Trying a partial resynchronization (request ${psync[1]}:${psync[2]}).`);
    socket.write(encodeCommand(psync));
    let reply = await lines.readLine(timeout);
    while (reply === '') reply = await lines.readLine(timeout);
    if (failover.inProgress) {
      // A full resync is no failure of the failover; any other answer aborts it, which makes this
      // node a master again and stops this link (syncWithMaster).
      const accepted = reply.startsWith('+FULLRESYNC') || reply.startsWith('+CONTINUE');
      failover.psyncAnswered(accepted);
      if (!accepted) return;
    }
    if (reply.startsWith('+FULLRESYNC')) {
      const [, replid, offset] = reply.split(' ');
      await this.fullSync(socket, lines, replid!, Number(offset), timeout);
    } else if (reply.startsWith('+CONTINUE')) {
      this.continueSync(reply.split(' ')[1], lines.takeRest());
    } else {
      throw new Error(`Unexpected reply to PSYNC from master: ${reply}`);
    }
  }

  /**
   * Before offering our history: ask the new master where its history left ours (INFO replication:
   * replid2 / second_repl_offset). Bytes we hold past that point were acknowledged to clients but
   * the new master never got them; the full resync about to happen would erase them silently, so
   * they go to the lost-writes ledger first.
   */
  private async saveDivergentWrites(lines: LineReader, timeout: number): Promise<void> {
    this.socket!.write(encodeCommand(['INFO', 'replication']));
    // A replication user without +info (Redis's documented masteruser has +psync +replconf +ping)
    // is refused here: the sync goes on, but nothing can be placed in the ledger, so say so.
    const text = await lines.readBulk(timeout, (error) =>
      this.server.log.warning(`Lost writes: cannot ask the new master where its history left mine (INFO replication: ${error}); grant the replication user +info`),
    );
    if (text === null) return;
    const fields = new Map(text.split('\r\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1)]));
    const identity = this.replication.identity;
    const end = identity.masterReplOffset;
    let divergedAt: number;
    if (fields.get('master_replid2') === identity.replid) divergedAt = Number(fields.get('second_repl_offset'));
    else return; // same history (nothing lost) or an unrelated one (nothing we can place)
    if (!Number.isInteger(divergedAt) || divergedAt < 0 || divergedAt > end) return;
    const backlog = this.replication.backlog;
    const available = backlog ? Math.max(divergedAt, backlog.firstByteOffset) : end + 1;
    const bytes = backlog && backlog.covers(available) ? backlog.readFrom(available) : Buffer.alloc(0);
    const record = {
      replid: identity.replid,
      newMaster: `${this.host}:${this.port}`,
      divergedAt,
      endOffset: end,
      missingBytes: available - divergedAt,
      commands: parseStreamCommands(bytes, available, this.replication.dbAt(available)),
    };
    appendLedger(process.cwd(), record);
    this.replication.ledger.events++;
    this.replication.ledger.commands += record.commands.length;
    this.replication.ledger.missingBytes += record.missingBytes;
    this.server.log.warning(
      `Lost writes: ${end - divergedAt + 1} bytes of my history (offsets ${divergedAt}..${end}) are not in the new master's; ` +
        `${record.commands.length} command(s) saved to ${LEDGER_JSONL}${record.missingBytes > 0 ? `, ${record.missingBytes} bytes no longer in the backlog` : ''}`,
    );
  }

  private async fullSync(socket: Socket, lines: LineReader, replid: string, offset: number, timeout: number): Promise<void> {
    const log = this.server.log;
    log.notice(`Full resync from master: ${replid}:${offset}`);
    this.state = 'sync';
    this.hasCachedHistory = false;
    // Our replicas followed the old history: they must resync with us afterwards.
    this.replication.disconnectReplicas('master changed history (full resync)');
    const payload = new PayloadReader();
    const keepalive = setInterval(() => socket.write('\n'), 1000);
    let rdb: Buffer;
    let rest: Buffer;
    try {
      ({ rdb, rest } = await lines.readPayload(payload, timeout, (read, total) => {
        this.syncReadBytes = read;
        this.syncTotalBytes = total;
      }));
    } finally {
      clearInterval(keepalive);
    }
    log.notice(`MASTER <-> REPLICA sync: received ${rdb.length} bytes of snapshot`);
    log.notice('MASTER <-> REPLICA sync: Flushing old data');
    this.server.loading = true;
    let streamDb: number | undefined;
    try {
      for (const db of this.server.dbs) db.clear();
      ({ replStreamDb: streamDb } = this.loader(rdb));
    } finally {
      this.server.loading = false;
    }
    log.notice('MASTER <-> REPLICA sync: Finished with success');
    this.replication.identity.adopt(replid, offset);
    this.replication.backlog = new Backlog(this.server.config.num('repl-backlog-size'), offset);
    this.masterClient.db = streamDb ?? 0;
    this.masterClient.multi = null;
    this.beginStream(rest);
    this.sendAck();
  }

  private continueSync(newReplid: string | undefined, rest: Buffer): void {
    const identity = this.replication.identity;
    if (newReplid && newReplid !== identity.replid) {
      identity.continueWith(newReplid);
      this.replication.disconnectReplicas('master replication ID changed');
    }
    this.server.log.notice('Successful partial resynchronization with master.');
    this.replication.ensureBacklog();
    this.beginStream(rest);
  }

  private beginStream(initial: Buffer): void {
    this.state = 'connected';
    this.downSince = 0;
    this.server.masterLinkUp = true;
    this.hasCachedHistory = true;
    this.readOffset = this.replication.identity.masterReplOffset;
    this.parser = new RequestParser({ maxBulkLength: Number.MAX_SAFE_INTEGER, maxMultibulkLength: Number.MAX_SAFE_INTEGER });
    this.raw = [];
    this.uncommitted = 0;
    if (initial.length > 0) this.onStreamData(initial);
  }

  /**
   * Applies whole commands; offsets move only after whole commands (after EXEC inside MULTI). The
   * applied bytes are committed once per chunk (one offset move and one forward to our replicas,
   * as Redis does per read in replicationFeedStreamFromMasterStream), and earlier where it shows:
   * before a GETACK is answered, and where the stream changed database (the ledger's db history).
   */
  private onStreamData(chunk: Buffer): void {
    const parser = this.parser!;
    this.readOffset += chunk.length;
    this.raw.push(chunk);
    parser.feed(chunk);
    for (;;) {
      let args: string[] | null;
      try {
        args = parser.next();
      } catch (error) {
        this.server.log.warning(`Protocol error from MASTER: ${(error as Error).message}`);
        this.drop('protocol error');
        return;
      }
      if (args === null) break;
      const db = this.masterClient.db;
      if (isGetack(args)) {
        // Answer with the offset before this GETACK's own bytes (protocol doc 2.3); inside MULTI
        // the offset stays where the last whole unit left it.
        if (this.masterClient.multi === null) this.commit();
        this.sendAck();
      } else {
        execute(this.server, this.masterClient, args);
        // The link was dropped by what ran: nothing more of this chunk is applied.
        if (this.parser !== parser) return;
      }
      this.uncommitted += parser.lastFrameBytes;
      if (this.masterClient.multi === null && this.masterClient.db !== db) this.commit();
    }
    if (this.masterClient.multi === null) this.commit();
  }

  /** Moves the processed offset forward and hands exactly those bytes to our own stream. */
  private commit(): void {
    let remaining = this.uncommitted;
    if (remaining === 0) return;
    this.uncommitted = 0;
    const parts: Buffer[] = [];
    while (remaining > 0) {
      const head = this.raw[0]!;
      if (head.length <= remaining) {
        parts.push(head);
        remaining -= head.length;
        this.raw.shift();
      } else {
        parts.push(head.subarray(0, remaining));
        this.raw[0] = head.subarray(remaining);
        remaining = 0;
      }
    }
    this.replication.recordDb(this.replication.identity.masterReplOffset + 1, this.masterClient.db);
    this.replication.feed(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
  }

  sendAck(): void {
    if (!this.socket || this.state !== 'connected') return;
    this.lastAck = clock.now();
    this.socket.write(encodeCommand(['REPLCONF', 'ACK', String(this.replication.identity.masterReplOffset)]));
  }

  /** Every second: ACK; drop a silent master after repl-timeout. */
  cron(now: number): void {
    if (this.state === 'connected') {
      if (now - this.lastAck >= 1000) this.sendAck();
      if (now - this.lastIo > this.server.config.num('repl-timeout') * 1000) {
        this.server.log.warning('MASTER timeout: no data nor PING received...');
        this.drop('timeout');
      }
    }
  }

  private drop(reason: string): void {
    // Whole commands already applied keep their offset (a partial transaction does not).
    if (this.parser && this.masterClient.multi === null) this.commit();
    const wasUp = this.state === 'connected';
    this.socket?.destroy();
    this.socket = undefined;
    this.parser = undefined;
    this.raw = [];
    this.uncommitted = 0;
    this.masterClient.multi = null;
    this.server.masterLinkUp = false;
    this.state = 'connect';
    if (wasUp) {
      this.downSince = clock.now();
      this.server.log.notice(`Connection with master lost (${reason}); caching the master for a partial resync.`);
    }
    if (this.stopped) return;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    // Redis's replicationCron retries the connection once per second.
    this.retryTimer = setTimeout(() => this.connectNow(), 1000);
  }
}
