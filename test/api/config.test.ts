import { describe, expect, it } from 'vitest';
import { ConfigError, loadApiConfig, parseTokenList } from '../../src/config/api.ts';
import { loadConfig, loadRedisConfig } from '../../src/config/index.ts';
import { redisOptions } from '../../src/main.ts';

const TOKEN = 'a-long-enough-token-123';

describe('API configuration', () => {
  it('parses name:role:token[:agentId]; an agent token binds its name unless an id is given', () => {
    expect(parseTokenList(`ops:admin:${TOKEN}, sup:supervisor:${TOKEN}x\nann:agent:${TOKEN}y, bob:agent:${TOKEN}z:1002`)).toEqual([
      { name: 'ops', role: 'admin', token: TOKEN },
      { name: 'sup', role: 'supervisor', token: `${TOKEN}x` },
      { name: 'ann', role: 'agent', token: `${TOKEN}y`, agentId: 'ann' },
      { name: 'bob', role: 'agent', token: `${TOKEN}z`, agentId: '1002' },
    ]);
  });

  it('refuses bad tokens naming the variable, never echoing the secret', () => {
    const cases = [`ops:root:${TOKEN}`, 'ops:admin:short', `ops:admin:${TOKEN},ops:supervisor:${TOKEN}x`, `a:admin:${TOKEN},b:admin:${TOKEN}`, 'justone'];
    for (const raw of cases) {
      let err: unknown;
      try {
        loadApiConfig({ API_TOKENS: raw });
      } catch (e) {
        err = e;
      }
      expect(err, raw).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).variable).toBe('API_TOKENS');
      expect((err as Error).message).not.toContain(TOKEN);
      expect((err as Error).message).not.toContain('short');
    }
  });

  it('has safe defaults and checks numbers', () => {
    const c = loadApiConfig({});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, tokens: [], bodyLimitBytes: 1048576, docsPublic: false });
    expect(() => loadApiConfig({ API_PORT: 'eighty' })).toThrow(/API_PORT/);
    expect(() => loadApiConfig({ API_PORT: '70000' })).toThrow(ConfigError);
    expect(() => loadApiConfig({ API_DOCS_PUBLIC: 'maybe' })).toThrow(/API_DOCS_PUBLIC/);
  });
});

describe('service configuration', () => {
  it('runs with the simulated driver and local Redis by default', () => {
    const c = loadConfig({}, '/srv/ivr');
    expect(c.service.telephonyDriver).toBe('sim');
    expect(c.telephony).toBeUndefined();
    expect(c.redis).toEqual({ url: 'redis://127.0.0.1:6379', sentinels: [], clusterNodes: [], sentinelName: 'mymaster' });
    expect(c.flows).toMatchObject({ dir: '/srv/ivr/ivr-flows', routesFile: '/srv/ivr/ivr-flows/routes.json', watch: true, keyPrefix: 'ivr:{flows}:' });
  });

  it('names the variable at fault', () => {
    expect(() => loadConfig({ TELEPHONY_DRIVER: 'asterisk' })).toThrow(/TELEPHONY_DRIVER/);
    expect(() => loadConfig({ REDIS_SENTINELS: 'host-without-port' })).toThrow(/REDIS_SENTINELS/);
    expect(() => loadConfig({ FLOWS_WATCH: 'sometimes' })).toThrow(/FLOWS_WATCH/);
    // The drachtio driver needs its own section (its secret first of all).
    expect(() => loadConfig({ TELEPHONY_DRIVER: 'drachtio' })).toThrow(/DRACHTIO_SECRET/);
  });

  it('connects through Sentinel when sentinels are given', () => {
    const r = loadRedisConfig({ REDIS_URL: 'redis://:pw%40x@ignored:1/2', REDIS_SENTINELS: 's1:26379, s2:26380', REDIS_SENTINEL_NAME: 'ivr' });
    expect(redisOptions(r)).toMatchObject({ sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26380 }], name: 'ivr', password: 'pw@x', db: 2 });
    expect(redisOptions(loadRedisConfig({ REDIS_URL: 'redis://cache:6380' }))).toMatchObject({ host: 'cache', port: 6380 });
  });
});
