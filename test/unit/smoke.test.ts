import { describe, expect, it } from 'vitest';
import { connect, makeServer } from '../helpers/unit-server.js';

describe('dispatcher', () => {
  it('runs commands and reports unknown ones with Redis wording', () => {
    const c = connect(makeServer());
    expect(c.wire('SET', 'k', 'v')).toBe('+OK\r\n');
    expect(c.wire('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(c.wire('GET')).toBe("-ERR wrong number of arguments for 'get' command\r\n");
    expect(c.wire('nope', 'a', 'b')).toBe("-ERR unknown command 'nope', with args beginning with: 'a' 'b' \r\n");
  });
});
