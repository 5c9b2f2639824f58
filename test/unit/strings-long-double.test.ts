// INCRBYFLOAT arithmetic against answers recorded from redis-server 7.0.15 on x86-64 (80-bit long double).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addLongDouble, formatLongDouble, isNaNLongDouble, parseLongDouble } from '../../src/server/base/long-double.js';

function incr(current: string, by: string): string {
  const a = parseLongDouble(current);
  const b = parseLongDouble(by);
  if (!a || !b) return 'ERR float';
  const sum = addLongDouble(a, b);
  if (sum.infinite) return 'ERR nan/inf';
  return formatLongDouble(sum);
}

describe('long double emulation (INCRBYFLOAT)', () => {
  it.each([
    ['0.1', '0.2', '0.3'],
    ['0', '1e20', '100000000000000000000'],
    ['0', '0x10', '16'],
    ['0', '1e-400', '0'],
    ['0', '-0.0', '0'],
    ['0', '5.0e3', '5000'],
    ['10.5', '0.1', '10.6'],
    ['0', '0.000003814697265625', '0.00000381469726562'],
    ['3.0', '1.5', '4.5'],
    ['-1', '0.5', '-0.5'],
    ['1.5', '-1.5', '0'],
    ['0x1p-2', '0', '0.25'],
    ['9223372036854775807', '1', '9223372036854775808'],
    ['1.1', '2.2', '3.3'],
    ['0', '-1e-20', '0'],
    ['0', '123456789012345678901234567890.123456789', '123456789012345678899921813504'],
    ['0.30000000000000004', '0', '0.30000000000000004'],
    ['1', '1e-17', '1.00000000000000001'],
    ['1', '5e-18', '1'],
    ['1', '1.5e-17', '1.00000000000000001'],
    ['0', '3.7e-4951', '0'],
    ['0', '.5', '0.5'],
    ['0', '5.', '5'],
    ['0', '+3', '3'],
    ['0', '0x.8p1', '1'],
  ])('%s + %s = %s', (a, b, expected) => {
    expect(incr(a, b)).toBe(expected);
  });

  it('keeps the range and precision of long double where a double would overflow', () => {
    // Redis's replies are hundreds/thousands of digits long: compare their md5 (of reply + newline).
    const md5 = (text: string) => createHash('md5').update(`${text}\n`).digest('hex');
    expect(md5(incr('1e308', '1e308'))).toBe('e9ed3f846762c2151cb635319b3c4c02');
    expect(md5(incr('0', '1.18973149535723176e4932'))).toBe('7b4c57cc7b0b774a3eeb485c63f01c76');
  });

  it.each(['1e-5000', '1e5000', '0x1p', '1e', ' 1', '1 ', 'abc', 'nan', '', '.', '-', '1e+'])('refuses %j', (text) => {
    expect(parseLongDouble(text)).toBeNull();
  });

  it('refuses NaN and infinite results', () => {
    expect(incr('0', 'inf')).toBe('ERR nan/inf');
    expect(incr('0', '-inf')).toBe('ERR nan/inf');
    expect(isNaNLongDouble(addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!))).toBe(true);
  });
});
