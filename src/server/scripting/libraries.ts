// The extra libraries Redis loads into every script state (script_lua.c luaLoadLibraries): cjson,
// struct, cmsgpack and bit, each a global table of C functions written in JS.

import { cname, lua, LUA_GLOBALSINDEX } from './lua-api.js';
import { pushBitLibrary } from './lib-bit.js';
import { pushCjsonLibrary } from './lib-cjson.js';
import { pushCmsgpackLibrary } from './lib-cmsgpack.js';
import { pushStructLibrary } from './lib-struct.js';

const LIBRARIES: [string, (L: number) => void][] = [
  ['cjson', pushCjsonLibrary],
  ['struct', pushStructLibrary],
  ['cmsgpack', pushCmsgpackLibrary],
  ['bit', pushBitLibrary],
];

export function installLibraries(L: number): void {
  for (const [name, push] of LIBRARIES) {
    push(L);
    lua._lua_setfield(L, LUA_GLOBALSINDEX, cname(name));
  }
}
