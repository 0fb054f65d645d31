/**
 * Loads the flow store's Lua scripts (scripts/*.lua, one atomic operation
 * each) onto an ioredis client once, as named commands.
 */
import { readFileSync } from 'node:fs';
import type { Result } from 'ioredis';
import type { RedisClient } from '../../util/redis-client.ts';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    ivrFlowSaveVersion(
      index: string, meta: string, versions: string, hashes: string,
      flowId: string, hash: string, record: string, now: number, name: string, channel: string, mode: string, clearStatus: string,
    ): Result<[number, number, number], Context>;
    ivrFlowPublish(meta: string, versions: string, flowId: string, version: string, now: number, channel: string): Result<number, Context>;
    ivrFlowDelete(
      index: string, meta: string, versions: string, hashes: string, routes: string,
      flowId: string, channel: string,
    ): Result<[number, string], Context>;
    ivrFlowSetStatus(index: string, meta: string, flowId: string, issues: string, file: string, now: number, channel: string): Result<number, Context>;
    ivrFlowSetRoute(routes: string, index: string, meta: string, did: string, flowId: string, onlyIfAbsent: string): Result<number, Context>;
  }
}

const scripts = [
  ['ivrFlowSaveVersion', 'saveVersion-4.lua', 4],
  ['ivrFlowPublish', 'publish-2.lua', 2],
  ['ivrFlowDelete', 'deleteFlow-5.lua', 5],
  ['ivrFlowSetStatus', 'setStatus-2.lua', 2],
  ['ivrFlowSetRoute', 'setRoute-3.lua', 3],
] as const;

const loaded = new WeakSet<RedisClient>();

export function defineFlowScripts(redis: RedisClient): void {
  if (loaded.has(redis)) return;
  for (const [name, file, numberOfKeys] of scripts) {
    const lua = readFileSync(new URL(`./scripts/${file}`, import.meta.url), 'utf8');
    redis.defineCommand(name, { numberOfKeys, lua });
  }
  loaded.add(redis);
}
