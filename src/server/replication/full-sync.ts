// Full resynchronisation on the master (protocol doc 1.3-1.6, mission points 1-2): one point-in-time
// snapshot job serves every replica that needs a full copy while it runs. The job records the
// stream offset at its start (the +FULLRESYNC offset) and keeps every stream byte written after
// that instant, so nothing written during production, transfer or loading is lost. Replicas that
// announced `capa eof` get the snapshot streamed as it is produced ($EOF:<mark> form); others get
// the `$<length>` form once it is complete. Late joiners share the job while it is running.

import { randomBytes } from 'node:crypto';
import type { ReplicaLink } from './replica-link.js';

export interface SnapshotSink {
  chunk(data: Buffer): void;
  done(): void;
  error(error: Error): void;
}

export interface SnapshotAux {
  replId: string;
  replOffset: number;
  replStreamDb: number;
}

/** Produces an RDB of the keyspace as it is at the moment start() is called, in slices. */
export type SnapshotProducer = (aux: SnapshotAux, sink: SnapshotSink) => { abort(): void };

export class SnapshotJob {
  private readonly chunks: Buffer[] = [];
  private produced = 0;
  private finished = false;
  private failed: Error | undefined;
  /** Stream bytes written after startOffset, owed to every replica of this job. */
  private stream: Buffer[] = [];
  private streamBytes = 0;
  private readonly links = new Set<ReplicaLink>();
  private readonly eofMark = randomBytes(20).toString('hex');
  private handle: { abort(): void } | undefined;

  constructor(
    readonly replid: string,
    readonly startOffset: number,
    private readonly onFinished: (job: SnapshotJob, error?: Error) => void,
  ) {}

  get isFinished(): boolean {
    return this.finished;
  }

  /** Bytes this job holds for its replicas (counted against their output-buffer limit). */
  get bufferedStreamBytes(): number {
    return this.streamBytes;
  }

  get replicas(): ReadonlySet<ReplicaLink> {
    return this.links;
  }

  start(producer: SnapshotProducer, replStreamDb: number): void {
    this.handle = producer(
      { replId: this.replid, replOffset: this.startOffset, replStreamDb },
      {
        chunk: (data) => this.onChunk(data),
        done: () => this.onDone(),
        error: (error) => this.onError(error),
      },
    );
  }

  /** Adds a replica: +FULLRESYNC with this job's offset, then whatever payload is ready. */
  attach(link: ReplicaLink): void {
    this.links.add(link);
    if (!link.legacySync) link.writeNow(`+FULLRESYNC ${this.replid} ${this.startOffset}\r\n`);
    if (link.capaEof) {
      link.state = 'send_bulk';
      link.writeNow(`$EOF:${this.eofMark}\r\n`);
      for (const chunk of this.chunks) link.writeNow(chunk);
      if (this.finished) this.finishEof(link);
    } else if (this.finished) {
      this.finishWithLength(link);
    }
  }

  detach(link: ReplicaLink): void {
    this.links.delete(link);
  }

  /** Stream bytes produced after the snapshot instant. */
  feed(data: Buffer): void {
    if (this.links.size === 0) return;
    this.stream.push(data);
    this.streamBytes += data.length;
  }

  abort(): void {
    this.handle?.abort();
  }

  private onChunk(data: Buffer): void {
    this.chunks.push(data);
    this.produced += data.length;
    for (const link of this.links) if (link.capaEof) link.writeNow(data);
  }

  private onDone(): void {
    this.finished = true;
    for (const link of this.links) {
      if (link.capaEof) this.finishEof(link);
      else this.finishWithLength(link);
    }
    this.links.clear();
    this.chunks.length = 0;
    this.stream = [];
    this.streamBytes = 0;
    this.onFinished(this);
  }

  private onError(error: Error): void {
    this.failed = error;
    for (const link of this.links) link.close(`snapshot failed: ${error.message}`);
    this.links.clear();
    this.onFinished(this, error);
  }

  /** EOF form: the mark ends the payload; the stream waits for the replica's first ACK. */
  private finishEof(link: ReplicaLink): void {
    link.writeNow(this.eofMark);
    this.handOverStream(link);
    link.goOnline(true);
  }

  /** Length form: `$<len>\r\n<rdb>` and the stream follows at once. */
  private finishWithLength(link: ReplicaLink): void {
    link.state = 'send_bulk';
    link.writeNow(`$${this.produced}\r\n`);
    for (const chunk of this.chunks) link.writeNow(chunk);
    this.handOverStream(link);
    link.goOnline(false);
  }

  private handOverStream(link: ReplicaLink): void {
    for (const data of this.stream) link.send(data);
  }

  get error(): Error | undefined {
    return this.failed;
  }
}
