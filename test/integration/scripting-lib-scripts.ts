// The library scripts of the scripting differential test: cjson (encode / decode, every
// configuration function, number formats, sparse arrays, depth limits, invalid JSON), cmsgpack
// (each integer, float and string width, arrays vs maps, nesting, unpack_one / unpack_limit
// offsets, damaged input) and struct (every format letter, endianness, alignment, errors). Each
// is an EVAL body run with no keys after SCRIPT FLUSH, so configuration changes do not leak.

export const CJSON_SCRIPTS: string[] = [
  "return cjson.encode({1,2,3})", "return cjson.encode({})", "return cjson.encode({a=1})", "return cjson.encode({1,{2,{3,{}}},'x'})",
  "return cjson.encode(1/3)", "return cjson.encode(2^53)", "return cjson.encode(123456789012345678)", "return cjson.encode(-0.0)", "return cjson.encode(1e300)",
  "return cjson.encode(0.1)", "return cjson.encode(100000000000000)", "return cjson.encode(1e-5)", "return cjson.encode('a\\0b\\1\\127\\255\"/\\\\\\n')",
  "return cjson.encode(1/0)", "return cjson.encode(0/0)", "return cjson.encode({[1]=1,[3]=3})", "return cjson.encode({[1]=1,[20]=3})",
  "return cjson.encode({[1.5]=1})", "return cjson.encode({[true]=1})", "return cjson.encode(print)", "return cjson.encode(function() end)",
  "return cjson.encode(cjson.null)", "return cjson.encode(nil)", "return cjson.encode()", "return cjson.encode(1, 2)", "return cjson.encode(true)",
  "local t = {} t.t = t return cjson.encode(t)", "return cjson.encode({[-1]=1})", "return cjson.encode({[0]=1})", "return cjson.encode({1,2,nil,4})",
  "return cjson.encode({{{{{}}}}})", "return {cjson.encode_max_depth(3), pcall(cjson.encode, {{{{1}}}})}", "return cjson.encode_max_depth(0)",
  "return cjson.encode_max_depth('x')", "return cjson.encode_max_depth(1, 2)", "return {cjson.encode_sparse_array()}", "return {cjson.encode_sparse_array(true, 0, 1)}",
  "cjson.encode_sparse_array(true) return cjson.encode({[1]=1,[20]=3})", "return cjson.encode_sparse_array('maybe')", "return cjson.encode_keep_buffer()",
  "return cjson.encode_keep_buffer(false)", "return cjson.encode_keep_buffer('on')", "return cjson.encode_invalid_numbers()",
  "cjson.encode_invalid_numbers(true) return cjson.encode({1/0, -1/0, 0/0})", "cjson.encode_invalid_numbers('null') return cjson.encode({1/0, 0/0})",
  "return cjson.encode_invalid_numbers('null')", "return cjson.encode_invalid_numbers('x')", "return cjson.encode_number_precision(3)",
  "cjson.encode_number_precision(3) return cjson.encode(1/3)", "return cjson.encode_number_precision(15)", "return cjson.decode_invalid_numbers()",
  "return cjson.decode_max_depth()", "return {cjson.decode_max_depth(2), pcall(cjson.decode, '[[[1]]]')}", "return cjson.decode('[[1]]')[1][1]",
  "return cjson.decode('{\"a\":[1,2,{\"b\":null}]}').a[3].b == cjson.null", "return cjson.decode('\"\\\\u00e9\\\\ud83d\\\\ude00\"')",
  "return cjson.decode('[1, 2.5, -3e2, 0x10, 1e400]')", "return cjson.decode('[')", "return cjson.decode('')", "return cjson.decode('{\"a\" 1}')",
  "return cjson.decode('{1:2}')", "return cjson.decode('[1 2]')", "return cjson.decode('[1,]')", "return cjson.decode('tru')", "return cjson.decode('\"abc')",
  "return cjson.decode('\"\\\\q\"')", "return cjson.decode('\"\\\\ud800\"')", "return cjson.decode('1 2')", "return cjson.decode('a\\0')", "return cjson.decode('{}')",
  "return tostring(cjson.decode('-0'))", "return tostring(cjson.decode('NaN'))", "return tostring(cjson.decode('Infinity'))", "return tostring(cjson.decode('-inf'))",
  "return cjson.decode('+1')", "return cjson.decode('01')", "cjson.decode_invalid_numbers(false) return cjson.decode('0x10')", "cjson.decode_invalid_numbers(false) return cjson.decode('NaN')",
  "return cjson.decode({})", "return cjson.decode()", "return cjson.decode(12)", "return cjson.decode('[1]', 2)", "return cjson.decode('[1.5]  \\n')",
  "local s = string.rep('[', 1001) .. string.rep(']', 1001) return pcall(cjson.decode, s)", "return cjson.decode('\"a\\tb\"')",
  "return type(cjson.null)", "return {cjson._NAME, cjson._VERSION}", "local c = cjson.new() c.encode_max_depth(1) return {pcall(c.encode, {{}}), cjson.encode({{}})}",
  "return cjson.encode({a={b={c={}}}, [2]='x'})", "return cjson.encode(cjson.decode('{\"k\":[1,2,3,{\"z\":\"\\\\u0000\"}]}'))",
  "return cjson.decode('[\"\\\\/\\\\b\\\\f\\\\n\\\\r\\\\t\"]')", "return cjson.decode(' 7 ')", "return cjson.decode('1.5e')", "return cjson.decode('-')",
  "return cjson.encode({[1/0]=1})", "return cjson.encode({[2^31]=1})", "return cjson.encode({{},{{}},{a={1,2,{b={}}}}})",
  "cjson.decode_max_depth(100000) local ok, e = pcall(cjson.decode, string.rep('[', 50000)) return e",
  "cjson.decode_max_depth(100000) local ok, e = pcall(cjson.decode, string.rep('{\"a\":', 50000)) return e",
  "cjson.encode_max_depth(100000) local t = {} t[1] = t local ok, e = pcall(cjson.encode, t) return e",
  "cjson.encode_max_depth(100000) local t = {} t.a = t local ok, e = pcall(cjson.encode, t) return e",
  "return cjson.encode(cjson.decode('[[1,[2,{\"a\":[3,{}]}]],{\"b\":{\"c\":[]}}]'))",
  "return cjson.decode('\\0\\0')", "return cjson.decode('\"\\0\"')", "return #cjson.encode(string.rep('x', 100000))",
];
/** A script returning cmsgpack.pack(expr) as hex. */
const P = (expr: string): string => `local s = cmsgpack.pack(${expr}) local h = {} for i = 1, #s do h[i] = string.format('%02x', s:byte(i)) end return table.concat(h)`;
export const CMSGPACK_SCRIPTS: string[] = [
  P("1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 2^53"), P("-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -2^53"),
  P("0.5, 1.1, 1/3, 1e300, -0.0, 1/0, -1/0, 0/0, 2^63, -2^63, 2^64"), P("''"), P("string.rep('x', 31)"), P("string.rep('x', 32)"), P("string.rep('x', 255)"), P("string.rep('x', 256)"),
  P("string.rep('x', 65536)"), P("'a\\0b\\255'"), P("true, false, nil"), P("{}"), P("{1,2,3}"), P("{a=1}"), P("{1,2,nil,4}"), P("{[2]=1}"), P("{[1]=1,[1.5]=2}"),
  P("{1,{2,{3,{4}}}}"), P("string.rep('y', 70000)"), P("print"), P("{f=print}"),
  P("(function() local t = {} for i = 1, 20 do t[i] = i end return t end)()"), P("(function() local t = {} for i = 1, 70000 do t[i] = i end return t end)()"),
  P("(function() local t = {} for i = 1, 20 do t['k'..i] = i end return t end)()"),
  "local t = {} t[1] = t return #cmsgpack.pack(t)", "local t = {} for i = 1, 20 do t = {t} end return #cmsgpack.pack(t)",
  "return cmsgpack.pack()", "return {cmsgpack.unpack(cmsgpack.pack(1, 'two', {3, {4}}, {a={b='c'}}, true, 1.5))}",
  "local a, b = cmsgpack.unpack(cmsgpack.pack(-1, 2^53)) return {tostring(a), tostring(b)}",
  "return tostring(cmsgpack.unpack('\\207\\255\\255\\255\\255\\255\\255\\255\\255'))", "return tostring(cmsgpack.unpack('\\211\\128\\0\\0\\0\\0\\0\\0\\0'))",
  "return tostring(cmsgpack.unpack('\\202\\63\\192\\0\\0'))", "return tostring(cmsgpack.unpack('\\203\\63\\185\\153\\153\\153\\153\\153\\154'))",
  "return cmsgpack.unpack('\\205\\1')", "return cmsgpack.unpack('\\193')", "return cmsgpack.unpack('\\196\\1a')", "return cmsgpack.unpack('\\165abc')",
  "return cmsgpack.unpack('\\147\\1\\2')", "return cmsgpack.unpack('')", "return cmsgpack.unpack()", "return cmsgpack.unpack({})", "return cmsgpack.unpack(12)",
  "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}",
  "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)}", "return {cmsgpack.unpack_one(cmsgpack.pack(1), -1)}",
  "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 2)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0)}",
  "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)}", "return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))}", "return {cmsgpack.unpack_limit('x', 'y')}",
  "return {cmsgpack.unpack_one(cmsgpack.pack(1), 'z')}", "local t = cmsgpack.unpack(cmsgpack.pack({[1]='a', [3]='c'})) return {t[1], t[3]}",
  "local t = cmsgpack.unpack('\\130\\1\\161a\\161k\\161v') return {t[1], t.k}", "return cmsgpack.unpack('\\222\\0\\1\\161a\\1').a",
  "return #cmsgpack.unpack(cmsgpack.pack(string.rep('z', 70000)))", "return {cmsgpack._NAME, cmsgpack._VERSION}",
  "local ok, e = pcall(cmsgpack.unpack, string.rep('\\145', 10000) .. '\\1') return e",
  "local ok, e = pcall(cmsgpack.unpack, string.rep('\\129\\1', 10000) .. '\\1') return e",
  "local t = cmsgpack.unpack(cmsgpack.pack({1,{2,{a={3,{}}}},{b={c={}}}})) return cjson.encode(t)",
  "return cmsgpack.unpack('\\219\\0\\0\\0\\5ab')", "return cmsgpack.unpack('\\220\\0\\2\\1')", "return tostring(cmsgpack.unpack('\\224'))",
];
/** A script returning the string expr as hex. */
const H = (expr: string): string => `local s = ${expr} local h = {} for i = 1, #s do h[i] = string.format('%02x', s:byte(i)) end return table.concat(h)`;
export const STRUCT_SCRIPTS: string[] = [
  H("struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4294967295)"), H("struct.pack('>i4<i4', 1, 1)"), H("struct.pack('>i3', -2)"), H("struct.pack('i10', -1)"),
  H("struct.pack('>I10', 2^53)"), H("struct.pack('fd', 1.5, 0.1)"), H("struct.pack('>fd', 1.5, 0.1)"), H("struct.pack('!bi', 1, 2)"), H("struct.pack('!2bi!8bd', 1, 2, 3, 4)"),
  H("struct.pack('c', 'abc')"), H("struct.pack('c2', 'abc')"), H("struct.pack('c0', 'abc')"), H("struct.pack('s', 'a\\0b')"), H("struct.pack('bxb', 1, 2)"),
  H("struct.pack('i', 3.9)"), H("struct.pack('i', -3.9)"), H("struct.pack('B', 256)"), H("struct.pack('', 1)"), H("struct.pack('b b', 1, 2)"),
  "return struct.pack('c5', 'ab')", "return struct.pack('i33', 1)", "return struct.pack('!3i', 1)", "return struct.pack('z', 1)", "return struct.pack('i')",
  "return struct.pack('i', 'x')", "return struct.pack()", "return struct.pack({})", "return struct.pack('i99999999999', 1)", "return struct.pack('c', 5)",
  "return {struct.unpack('bBhH', struct.pack('bBhH', -1, 255, -2, 65535))}", "return {struct.unpack('>i4<i4', struct.pack('>i4<i4', -7, 9))}",
  "return {struct.unpack('lL', struct.pack('lL', -2^40, 2^50))}", "local a, b = struct.unpack('fd', struct.pack('fd', 1.1, 0.1)) return {tostring(a), tostring(b)}",
  "return {struct.unpack('c2c0', 'ab' .. struct.pack('b', 3) .. 'xyz')}", "return {struct.unpack('bc0', struct.pack('b', 3) .. 'xyz')}", "return {struct.unpack('c0', 'x')}",
  "return {struct.unpack('s', 'hello\\0rest')}", "return {struct.unpack('s', 'hello')}", "return {struct.unpack('i', 'ab')}", "return {struct.unpack('b', 'abc', 2)}",
  "return {struct.unpack('b', 'abc', 0)}", "return {struct.unpack('b', 'abc', -1)}", "return {struct.unpack('b', 'abc', 4)}", "return {struct.unpack('!4bi', struct.pack('!4bi', 1, 2))}",
  "return {struct.unpack('xb', 'ab')}", "return {struct.unpack('I10', string.rep('\\255', 10))}", "return tostring(struct.unpack('i10', string.rep('\\255', 10)))",
  "return tostring(struct.unpack('>I8', string.rep('\\255', 8)))", "return tostring(struct.unpack('>i8', '\\128' .. string.rep('\\0', 7)))",
  "return {struct.unpack('z', 'a')}", "return {struct.unpack()}", "return {struct.unpack('b')}", "return {struct.unpack('b', 'a', 'x')}",
  "return struct.size('bhilfdT')", "return struct.size('!bhilfdT')", "return struct.size('!4bd')", "return struct.size('c10i3')", "return struct.size('s')",
  "return struct.size('c0')", "return struct.size('z')", "return struct.size('%')", "return struct.size('!5')", "return struct.size()", "return struct.size('>b<h')",
];

/** The libraries are part of the read-only sandbox. */
export const SANDBOX_LIB_SCRIPTS: string[] = [
  'cjson.encode = nil', 'cmsgpack.x = 1', 'struct.pack = print', 'return {type(cjson), type(cmsgpack), type(struct), type(cjson_safe), type(cmsgpack_safe)}',
  "local t = cjson.decode('[1,2]') t[3] = 3 return #t",
];
