// The multi-part AOF manifest of Redis 7.0 (aof.c): which base, history and incremental files make
// up the append-only log, their sequence numbers, and the file names Redis derives from
// `appendfilename`. Pure: text in, text out; the file I/O is in files.ts.

import { splitArgs } from '../../../shared/resp/split-args.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

export interface Manifest {
  base: AofFileInfo | undefined;
  /** Files a rewrite replaced, waiting to be deleted (type h). */
  history: AofFileInfo[];
  /** Incremental files in load order; the last one is being appended to. */
  incrs: AofFileInfo[];
  baseSeq: number;
  incrSeq: number;
}

/** A manifest Redis would refuse at start ("*** FATAL AOF MANIFEST FILE ERROR ***"). */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly lineNumber?: number,
    readonly line?: string,
  ) {
    super(message);
  }
}

/** Redis reads manifest lines with fgets into a 1024-byte buffer (MANIFEST_MAX_LINE). */
const MAX_LINE = 1024;

export function emptyManifest(): Manifest {
  return { base: undefined, history: [], incrs: [], baseSeq: 0, incrSeq: 0 };
}

export function copyManifest(m: Manifest): Manifest {
  const dup = (info: AofFileInfo): AofFileInfo => ({ ...info });
  return {
    base: m.base && dup(m.base),
    history: m.history.map(dup),
    incrs: m.incrs.map(dup),
    baseSeq: m.baseSeq,
    incrSeq: m.incrSeq,
  };
}

/** Parses a manifest as aofLoadManifestFromFile does, with its checks and messages. */
export function parseManifest(text: string): Manifest {
  const manifest = emptyManifest();
  if (text.length === 0) throw new ManifestError('Found an empty AOF manifest');
  let maxIncrSeq = 0;
  const lines = text.split(/(?<=\n)/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    if (raw.startsWith('#')) return;
    if (!raw.endsWith('\n') || raw.length > MAX_LINE) {
      throw new ManifestError('The AOF manifest file contains too long line', lineNumber, raw);
    }
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    const info = parseLine(line, lineNumber);
    if (info.type === 'b') {
      if (manifest.base) throw new ManifestError('Found duplicate base file information', lineNumber, line);
      manifest.base = info;
      manifest.baseSeq = info.seq;
    } else if (info.type === 'h') {
      manifest.history.push(info);
    } else {
      if (info.seq <= maxIncrSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNumber, line);
      manifest.incrs.push(info);
      manifest.incrSeq = maxIncrSeq = info.seq;
    }
  });
  return manifest;
}

function parseLine(line: string, lineNumber: number): AofFileInfo {
  const invalid = (): ManifestError => new ManifestError('Invalid AOF manifest file format', lineNumber, line);
  if (line.length === 0) throw invalid();
  const words = splitArgs(line);
  // Six words or more, in pairs: later Redis versions may add keys (forward compatibility).
  if (words === null || words.length < 6 || words.length % 2 !== 0) throw invalid();
  let name: string | undefined;
  let seq = 0;
  let type = '';
  for (let i = 0; i < words.length; i += 2) {
    const key = words[i]!.toLowerCase();
    const value = words[i + 1]!;
    if (key === 'file') {
      name = value;
      if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename", lineNumber, line);
    } else if (key === 'seq') {
      seq = atoll(value);
    } else if (key === 'type') {
      type = value.charAt(0);
    }
  }
  if (!name || seq === 0 || type === '') throw invalid();
  if (type !== 'b' && type !== 'h' && type !== 'i') throw new ManifestError('Unknown AOF file type', lineNumber, line);
  return { name, seq, type };
}

/** C atoll: leading blanks, an optional sign, digits; anything else ends the number (0 if none). */
function atoll(text: string): number {
  const match = /^\s*([+-]?\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** The manifest text: base first, then history, then incrementals (getAofManifestAsString). */
export function formatManifest(m: Manifest): string {
  const files = [...(m.base ? [m.base] : []), ...m.history, ...m.incrs];
  return files.map((f) => `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`).join('');
}

/** A file name with blanks, quotes or unprintable bytes is written quoted (sdsneedsrepr/sdscatrepr). */
function quoteName(name: string): string {
  if (!/[\\"\s]|[^\x21-\x7e]/.test(name)) return name;
  let out = '"';
  for (const ch of name) {
    const code = ch.charCodeAt(0);
    if (ch === '\\' || ch === '"') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code >= 0x20 && code < 0x7f) out += ch;
    else out += `\\x${code.toString(16).padStart(2, '0')}`;
  }
  return `${out}"`;
}

/** `appendonly.aof.manifest` */
export function manifestName(aofFilename: string): string {
  return `${aofFilename}.manifest`;
}

export function tempManifestName(aofFilename: string): string {
  return `temp-${aofFilename}.manifest`;
}

/** The incremental file written while AOF is being turned on, renamed when the rewrite ends. */
export function tempIncrName(aofFilename: string): string {
  return `temp-${aofFilename}.incr`;
}

/** A new base (`appendonly.aof.2.base.rdb`); the previous base becomes history (first in the list). */
export function addNewBase(m: Manifest, aofFilename: string, rdbPreamble: boolean): string {
  if (m.base) m.history.unshift({ ...m.base, type: 'h' });
  const seq = ++m.baseSeq;
  m.base = { name: `${aofFilename}.${seq}.base.${rdbPreamble ? 'rdb' : 'aof'}`, seq, type: 'b' };
  return m.base.name;
}

/** A new incremental file (`appendonly.aof.3.incr.aof`), appended to the list. */
export function addNewIncr(m: Manifest, aofFilename: string): string {
  const seq = ++m.incrSeq;
  const info: AofFileInfo = { name: `${aofFilename}.${seq}.incr.aof`, seq, type: 'i' };
  m.incrs.push(info);
  return info.name;
}

/** The incremental file to append to at start: the last listed, or a new one. */
export function lastIncrName(m: Manifest, aofFilename: string): string {
  return m.incrs.at(-1)?.name ?? addNewIncr(m, aofFilename);
}

/**
 * After a rewrite: every incremental file but the one being written (`keepLast`) is covered by the
 * new base and becomes history, newest first (markRewrittenIncrAofAsHistory).
 */
export function markRewrittenIncrsAsHistory(m: Manifest, keepLast: boolean): void {
  const covered = keepLast ? m.incrs.slice(0, -1) : m.incrs;
  m.incrs = keepLast ? m.incrs.slice(-1) : [];
  for (const info of covered.reverse()) m.history.unshift({ ...info, type: 'h' });
}
