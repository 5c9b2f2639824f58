// What the JS-written Lua libraries (cjson, cmsgpack, struct) share: argument errors as the Lua
// auxiliary library words them, C's "%.<p>g" number format, stack room checks, string access.

import { heapString, lua, pushString, raiseError, toString, typeName } from './lua-api.js';

/** luaL_argerror: "bad argument #n to 'f' (message)". */
export function argError(L: number, index: number, message: string): never {
  lua._luaL_argerror(L, index, heapString(message));
  throw new Error('unreachable');
}

/** luaL_checkstack: room for `n` more values or "stack overflow (message)". */
export function checkStack(L: number, n: number, message: string): void {
  if (lua._lua_checkstack(L, n) === 0) raiseError(L, `stack overflow (${message})`);
}

export function typeNameAt(L: number, index: number): string {
  return typeName(L, index);
}

/** The string (or number, converted in place) at `index`, as bytes in a latin1 string. */
export function stringArg(L: number, index: number): string {
  return toString(L, index) ?? '';
}

export const pushConst = pushString;

/** C printf "%.<precision>g" for a finite or infinite double ("inf", "-inf", "nan", "-nan"). */
export function formatG(value: number, precision: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0';
  const p = Math.max(precision, 1);
  // An integer with at most p digits prints as itself.
  if (Number.isInteger(value) && Math.abs(value) < 10 ** p) return String(value);
  const [mantissa, expText] = value.toExponential(p - 1).split('e') as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= p) {
    const digits = stripZeros(mantissa);
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${digits}e${sign}${abs < 10 ? '0' : ''}${abs}`;
  }
  return stripZeros(value.toFixed(p - 1 - exp));
}

function stripZeros(text: string): string {
  if (!text.includes('.')) return text;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}
