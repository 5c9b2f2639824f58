// DEBUG PROTOCOL <type> (Redis debug.c): one sample reply of each RESP type, with the RESP2
// fallbacks Redis gives, so client libraries can test their parsers against a server.

import { encodeReply } from '../../../../shared/resp/encoder.js';
import { BoolReply, DoubleReply, ErrorReply, MapReply, RawReply, SetReply, VerbatimReply, type Reply } from '../../../../shared/resp/reply.js';

export function protocolSample(proto: 2 | 3, type: string): Reply {
  switch (type.toLowerCase()) {
    case 'string':
      return 'Hello World';
    case 'integer':
      return 12345;
    case 'double':
      return new DoubleReply(3.141);
    case 'bignum': {
      const digits = '1234567999999999999999999999999999999';
      return new RawReply(proto === 3 ? `(${digits}\r\n` : encodeReply(digits, 2));
    }
    case 'null':
      return null;
    case 'array':
      return [0, 1, 2];
    case 'set':
      return new SetReply([0, 1, 2]);
    case 'map':
      return new MapReply([0, new BoolReply(false), 1, new BoolReply(true), 2, new BoolReply(false)]);
    case 'attrib': {
      const real = encodeReply('Some real reply following the attribute', proto);
      if (proto === 2) return new RawReply(real);
      return new RawReply(`|1\r\n${encodeReply('key-popularity', 3)}${encodeReply(['key:123', 90], 3)}${real}`);
    }
    case 'push':
      if (proto === 2) return new ErrorReply('ERR RESP2 is not supported by this command');
      return new RawReply(`>2\r\n${encodeReply('server-cpu-usage', 3)}:42\r\n${encodeReply('Some real reply following the push reply', 3)}`);
    case 'true':
      return new BoolReply(true);
    case 'false':
      return new BoolReply(false);
    case 'verbatim':
      return new VerbatimReply('This is a verbatim\nstring');
    default:
      return new ErrorReply(
        'ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false',
      );
  }
}
