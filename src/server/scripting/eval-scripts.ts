// The EVAL script cache of one server (Redis eval.c lctx): its own Lua state, sha1 -> compiled
// script and its shebang flags. SCRIPT FLUSH throws the state away and starts a new one, which also
// gives the wasm heap's memory back to the allocator of the module.

import { createHash } from 'node:crypto';
import { ErrorReply } from '../../shared/resp/reply.js';
import type { Server } from '../server.js';
import { loadBuffer, lua, LUA_REGISTRYINDEX, toString } from './lua-api.js';
import { closeVm, createVm, type LuaVm } from './lua-vm.js';
import { evalShebang, type EvalShebang } from './shebang.js';

export interface CachedScript {
  readonly sha: string;
  readonly body: string;
  readonly shebang: EvalShebang;
  /** Registry ref of the compiled chunk in the EVAL state. */
  readonly ref: number;
}

interface EvalState {
  vm: LuaVm | undefined;
  readonly scripts: Map<string, CachedScript>;
}

const states = new WeakMap<Server, EvalState>();

function stateOf(server: Server): EvalState {
  let state = states.get(server);
  if (!state) states.set(server, (state = { vm: undefined, scripts: new Map() }));
  return state;
}

export function evalVm(server: Server): LuaVm {
  const state = stateOf(server);
  return (state.vm ??= createVm('eval'));
}

export function sha1hex(body: string): string {
  return createHash('sha1').update(Buffer.from(body, 'latin1')).digest('hex');
}

/** A cached script by sha (any case, as Redis compares case-insensitively). */
export function cachedScript(server: Server, sha: string): CachedScript | undefined {
  // Clients send the sha as SCRIPT LOAD returned it (lowercase): try it as is before lowering it.
  const scripts = stateOf(server).scripts;
  return scripts.get(sha) ?? (sha.length === 40 ? scripts.get(sha.toLowerCase()) : undefined);
}

/** Compiles and caches `body` (Redis luaCreateFunction); an error reply when it does not compile. */
export function loadScript(server: Server, body: string): CachedScript | ErrorReply {
  const sha = sha1hex(body);
  const state = stateOf(server);
  const found = state.scripts.get(sha);
  if (found) return found;
  const shebang = evalShebang(body);
  if (typeof shebang === 'string') return new ErrorReply(`ERR ${shebang}`);
  const vm = evalVm(server);
  // The shebang line is skipped but its newline kept, so line numbers stay the user's.
  if (loadBuffer(vm.L, body.slice(shebang.length), '@user_script') !== 0) {
    const message = toString(vm.L, -1);
    lua._lua_settop(vm.L, 0);
    return new ErrorReply(`ERR Error compiling script (new function): ${message}`);
  }
  const script = { sha, body, shebang, ref: lua._luaL_ref(vm.L, LUA_REGISTRYINDEX) };
  state.scripts.set(sha, script);
  return script;
}

/** SCRIPT FLUSH: forget every script and start a new Lua state. */
export function flushScripts(server: Server): void {
  const state = stateOf(server);
  if (state.vm) closeVm(state.vm);
  state.vm = undefined;
  state.scripts.clear();
}

export function scriptCount(server: Server): number {
  return stateOf(server).scripts.size;
}

/** Bytes of the cached bodies (INFO used_memory_scripts_eval, roughly as Redis counts them). */
export function scriptsMemory(server: Server): number {
  let bytes = 0;
  for (const script of stateOf(server).scripts.values()) bytes += script.body.length + 40 + 64;
  return bytes;
}

export function evalVmIfStarted(server: Server): LuaVm | undefined {
  return stateOf(server).vm;
}
