// proto-max-bulk-len and client-query-buffer-limit bounds (Redis 7.0 config.c: 1mb .. LLONG_MAX,
// memory values without a sign), at startup and on CONFIG SET, with Redis's error texts.

import { describe, expect, it } from 'vitest';
import { Config } from '../../src/server/config/config.js';
import { DIRECTIVES } from '../../src/server/config/directives.js';

const RANGE = 'argument must be between 1048576 and 9223372036854775807 inclusive';

describe.each(['proto-max-bulk-len', 'client-query-buffer-limit'])('%s bounds', (name) => {
  it('refuses values under 1mb with the range Redis prints', () => {
    const config = new Config(DIRECTIVES);
    for (const value of ['0', '1', '1048575', '1000k']) {
      expect(() => config.set(name, [value], 'runtime')).toThrow(RANGE);
      expect(() => config.set(name, [value], 'file')).toThrow(RANGE);
    }
  });

  it('refuses a sign as not a memory value', () => {
    const config = new Config(DIRECTIVES);
    expect(() => config.set(name, ['-1'], 'runtime')).toThrow('argument must be a memory value');
    expect(() => config.set(name, ['-2mb'], 'runtime')).toThrow('argument must be a memory value');
  });

  it('takes 1mb and more, up to gigabytes', () => {
    const config = new Config(DIRECTIVES);
    config.set(name, ['1048576'], 'runtime');
    expect(config.num(name)).toBe(1048576);
    config.set(name, ['2gb'], 'runtime');
    expect(config.num(name)).toBe(2 * 1024 ** 3);
  });
});
