// The multi-part AOF manifest (persistence/aof/manifest.ts) against Redis 7.0's aof.c rules: the
// text format, the checks aofLoadManifestFromFile makes (with its messages), file naming, and how a
// rewrite moves files to history (getNewBaseFileNameAndMarkPreAsHistory, markRewrittenIncrAofAsHistory).

import { describe, expect, it } from 'vitest';
import {
  addNewBase,
  addNewIncr,
  copyManifest,
  emptyManifest,
  formatManifest,
  lastIncrName,
  ManifestError,
  manifestName,
  markRewrittenIncrsAsHistory,
  parseManifest,
  tempIncrName,
  tempManifestName,
} from '../../src/server/persistence/aof/manifest.js';

const REDIS_WRITTEN = 'file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n';

function errorOf(text: string): ManifestError {
  try {
    parseManifest(text);
  } catch (error) {
    if (error instanceof ManifestError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

describe('AOF manifest', () => {
  it('parses what redis-server 7.0 writes and formats it back byte for byte', () => {
    const m = parseManifest(REDIS_WRITTEN);
    expect(m.base).toEqual({ name: 'appendonly.aof.2.base.rdb', seq: 2, type: 'b' });
    expect(m.incrs).toEqual([{ name: 'appendonly.aof.2.incr.aof', seq: 2, type: 'i' }]);
    expect(m.baseSeq).toBe(2);
    expect(m.incrSeq).toBe(2);
    expect(formatManifest(m)).toBe(REDIS_WRITTEN);
  });

  it('orders base, history, then incremental files; skips comments; keys in any order and case', () => {
    const m = parseManifest(
      '# comment\nseq 3 type i file a.3.incr.aof\nFILE a.1.base.aof SEQ 1 TYPE b\nfile a.1.incr.aof seq 1 type h\nfile a.4.incr.aof seq 4 type i future x\n',
    );
    expect(formatManifest(m)).toBe(
      'file a.1.base.aof seq 1 type b\nfile a.1.incr.aof seq 1 type h\nfile a.3.incr.aof seq 3 type i\nfile a.4.incr.aof seq 4 type i\n',
    );
  });

  it('quotes names that need it and reads them back', () => {
    const m = emptyManifest();
    m.base = { name: 'my file "x".aof', seq: 1, type: 'b' };
    const text = formatManifest(m);
    expect(text).toBe('file "my file \\"x\\".aof" seq 1 type b\n');
    expect(parseManifest(text).base!.name).toBe('my file "x".aof');
  });

  it('refuses what Redis refuses, with its messages', () => {
    expect(errorOf('').message).toBe('Found an empty AOF manifest');
    expect(errorOf('file a seq 1 type b').message).toBe('The AOF manifest file contains too long line');
    expect(errorOf(`file ${'x'.repeat(1100)} seq 1 type b\n`).message).toBe('The AOF manifest file contains too long line');
    expect(errorOf('\n').message).toBe('Invalid AOF manifest file format');
    expect(errorOf('file a seq 1\n').message).toBe('Invalid AOF manifest file format');
    expect(errorOf('file a seq 0 type b\n').message).toBe('Invalid AOF manifest file format');
    expect(errorOf('file dir/a seq 1 type b\n').message).toBe("File can't be a path, just a filename");
    expect(errorOf('file a seq 1 type x\n').message).toBe('Unknown AOF file type');
    expect(errorOf('file a seq 1 type b\nfile b seq 2 type b\n').message).toBe('Found duplicate base file information');
    const nonMonotonic = errorOf('file a seq 2 type i\nfile b seq 2 type i\n');
    expect(nonMonotonic.message).toBe('Found a non-monotonic sequence number');
    expect(nonMonotonic.lineNumber).toBe(2);
    expect(nonMonotonic.line).toBe('file b seq 2 type i');
  });

  it('names files as Redis does', () => {
    expect(manifestName('appendonly.aof')).toBe('appendonly.aof.manifest');
    expect(tempManifestName('appendonly.aof')).toBe('temp-appendonly.aof.manifest');
    expect(tempIncrName('appendonly.aof')).toBe('temp-appendonly.aof.incr');
    const m = emptyManifest();
    expect(lastIncrName(m, 'appendonly.aof')).toBe('appendonly.aof.1.incr.aof');
    expect(lastIncrName(m, 'appendonly.aof')).toBe('appendonly.aof.1.incr.aof');
    expect(addNewBase(m, 'appendonly.aof', true)).toBe('appendonly.aof.1.base.rdb');
    expect(addNewBase(m, 'appendonly.aof', false)).toBe('appendonly.aof.2.base.aof');
    expect(m.history).toEqual([{ name: 'appendonly.aof.1.base.rdb', seq: 1, type: 'h' }]);
  });

  it('a rewrite makes the old base and every incremental file but the open one history', () => {
    const m = parseManifest('file x.1.base.rdb seq 1 type b\nfile x.1.incr.aof seq 1 type i\nfile x.2.incr.aof seq 2 type i\n');
    const before = copyManifest(m);
    // The rewrite opened x.3.incr.aof at its start; at its end the new base is installed.
    addNewIncr(m, 'x');
    addNewBase(m, 'x', true);
    markRewrittenIncrsAsHistory(m, true);
    expect(formatManifest(m)).toBe(
      'file x.2.base.rdb seq 2 type b\n' +
        'file x.1.incr.aof seq 1 type h\n' +
        'file x.2.incr.aof seq 2 type h\n' +
        'file x.1.base.rdb seq 1 type h\n' +
        'file x.3.incr.aof seq 3 type i\n',
    );
    // copyManifest is deep: the copy taken before is untouched.
    expect(formatManifest(before)).toBe('file x.1.base.rdb seq 1 type b\nfile x.1.incr.aof seq 1 type i\nfile x.2.incr.aof seq 2 type i\n');
    // With the AOF off (no open file) every incremental file is covered by the new base.
    const off = parseManifest('file x.1.base.rdb seq 1 type b\nfile x.1.incr.aof seq 1 type i\n');
    addNewBase(off, 'x', true);
    markRewrittenIncrsAsHistory(off, false);
    expect(off.incrs).toEqual([]);
    expect(off.history.map((f) => f.name)).toEqual(['x.1.incr.aof', 'x.1.base.rdb']);
  });
});
