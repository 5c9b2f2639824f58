// The sandbox every script runs in, as Lua source run once per Lua state after the libraries are
// registered. Redis 7.0 patches its Lua so tables can be made read-only (lua_enablereadonlytable)
// and locks the globals and every library table; stock 5.1 cannot, so we get the same answers with
// proxies: scripts see an empty environment table whose lookups fall through to the globals, and
// library tables are replaced by read-only views. What the texts must read like (checked against
// redis-server 7.0.15):
//   x = 1 / string.len = nil      -> "user_script:1: Attempt to modify a readonly table"
//   rawset(_G, 'y', 1)            -> "Attempt to modify a readonly table" (no position: a C error)
//   return undefined_name         -> "user_script:1: Script attempted to access nonexistent global variable 'undefined_name'"
// Globals redis-server 7.0.15 does not expose are removed (setfenv/getfenv, print, io, os,
// debug, package, require, module, loadfile, dofile, newproxy); gcinfo stays.
// The chunk returns the environment proxy and its metatable: the FUNCTION engine points that
// metatable's __index at the library API while a library loads (Redis function_lua.c).

export const SANDBOX_PRELUDE = `
local G = _G
local rawget, rawset, setmetatable, getmetatable, error, type, tostring = rawget, rawset, setmetatable, getmetatable, error, type, tostring
local raw_next, raw_ipairs = next, ipairs

for _, name in raw_ipairs({'setfenv', 'getfenv', 'print', 'dofile', 'loadfile', 'require', 'module', 'newproxy', 'io', 'os', 'package'}) do
  rawset(G, name, nil)
end

local real, protected = {}, {}
local function readonly_error() error('Attempt to modify a readonly table', 2) end
local function view(t)
  local p = setmetatable({}, {__index = t, __newindex = readonly_error})
  real[p] = t
  protected[p] = true
  protected[t] = true
  return p
end
for _, lib in raw_ipairs({'string', 'math', 'table', 'coroutine', 'redis', 'cjson', 'bit', 'struct', 'cmsgpack'}) do
  local t = rawget(G, lib)
  if t ~= nil then rawset(G, lib, view(t)) end
end

-- Raw access through a view reaches the table behind it, as raw access to Redis's read-only tables does.
local function unwrap(t) return real[t] or t end
rawset(G, 'rawget', function(t, k) return rawget(unwrap(t), k) end)
rawset(G, 'next', function(t, k) return raw_next(unwrap(t), k) end)
rawset(G, 'pairs', function(t) return raw_next, unwrap(t), nil end)
rawset(G, 'ipairs', function(t) return raw_ipairs(unwrap(t)) end)
rawset(G, 'getmetatable', function(t) if real[t] then return getmetatable(real[t]) end return getmetatable(t) end)
rawset(G, 'rawset', function(t, k, v)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return rawset(t, k, v)
end)
rawset(G, 'setmetatable', function(t, mt)
  if protected[t] then error('Attempt to modify a readonly table', 0) end
  return setmetatable(t, mt)
end)

local env_mt = {__index = G, __newindex = readonly_error}
local env = setmetatable({}, env_mt)
real[env] = G
protected[env] = true
protected[G] = true
rawset(G, '_G', env)
setmetatable(G, {__index = function(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end})
protected[getmetatable(G)] = true
return env, env_mt
`;

/**
 * The library API a FUNCTION LOAD body sees instead of the globals (Redis luaEngineInitEngine):
 * only redis.register_function, redis.log and its levels, and the version. The chunk gets the
 * real redis table's functions and returns the read-only API environment.
 */
export const LIBRARY_API_PRELUDE = `
local api_redis = ...
-- Captured now: while a library loads, global lookups reach only the API table.
local error, tostring, setmetatable = error, tostring, setmetatable
local function missing(_, name)
  error("Script attempted to access nonexistent global variable '" .. tostring(name) .. "'", 2)
end
local function readonly_error() error('Attempt to modify a readonly table', 2) end
local r = setmetatable({}, {__index = setmetatable(api_redis, {__index = missing}), __newindex = readonly_error})
return setmetatable({}, {__index = setmetatable({redis = r}, {__index = missing}), __newindex = readonly_error})
`;
