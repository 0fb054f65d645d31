/**
 * Every Lua source the service sends to Redis compiles on the Lua of an
 * official Redis build, not only on the one the test machine's Redis links.
 *
 * Redis vendors Lua 5.1 with LUA_COMPAT_LSTR = 1, under which a `[[` inside a
 * level-0 long string or long comment (`--[[ … ]]`) is a compile error
 * ("nesting of [[...]] is deprecated"). Debian's redis-server accepts it, so
 * the rest of the suite cannot see it, while the official image docker-compose
 * runs (redis:7-alpine) refuses the whole ACD function library. One such
 * comment did exactly that.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPT_NAMES, scriptSource } from '../src/acd/scripts.ts';

/** Level-0 long brackets (`[[ … ]]`, also as `--[[ … ]]`) that contain another `[[`: line numbers of the openings. */
function nestedLongBrackets(src: string): number[] {
  const out: number[] = [];
  const lineOf = (at: number): number => src.slice(0, at).split('\n').length;
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '-' && src.startsWith('--', i) && !src.startsWith('--[', i)) {
      const nl = src.indexOf('\n', i); // a line comment
      i = nl < 0 ? src.length : nl + 1;
    } else if (c === "'" || c === '"') {
      i++;
      while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (c === '[' && /^\[=*\[/.test(src.slice(i, i + 20))) {
      const open = /^\[(=*)\[/.exec(src.slice(i, i + 20))!;
      const close = `]${open[1]}]`;
      const end = src.indexOf(close, i + open[0].length);
      const body = src.slice(i + open[0].length, end < 0 ? src.length : end);
      if (open[1] === '' && body.includes('[[')) out.push(lineOf(i));
      i = end < 0 ? src.length : end + close.length;
    } else i++;
  }
  return out;
}

function luaFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return luaFiles(p);
    return name.endsWith('.lua') ? [p] : [];
  });
}

describe('Lua sources', () => {
  it('the check finds a nested [[ in a long comment or string, and nothing else', () => {
    expect(nestedLongBrackets('--[[\n  ARGV[9] JSON [[a, 1]]\n]]\nreturn 1')).toEqual([1]);
    expect(nestedLongBrackets('local s = [[x [[y]] ]]')).toEqual([1]);
    expect(nestedLongBrackets('--[==[ [[fine at level 2]] ]==]\nlocal t = a[b[1]]\n-- a [[line comment]]\nlocal q = "[["')).toEqual([]);
  });

  it('no file under src/ nests [[ in a long bracket (official Redis builds refuse it)', () => {
    const bad = luaFiles('src').flatMap((f) => nestedLongBrackets(readFileSync(f, 'utf8')).map((line) => `${f}:${line}`));
    expect(bad).toEqual([]);
  });

  it('nor does any ACD script as assembled for Redis (generated parts included)', () => {
    for (const n of SCRIPT_NAMES) expect(nestedLongBrackets(scriptSource(n)), n).toEqual([]);
  });
});
