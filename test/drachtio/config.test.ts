import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadTelephonyConfig } from '../../src/config/telephony.ts';
import { dtmfFromInfo, parseSpeechResult, promptApp } from '../../src/telephony/drachtio/media.ts';
import { settings } from './support/harness.ts';

describe('loadTelephonyConfig', () => {
  it('builds a complete section from a few variables, with documented defaults', () => {
    const c = loadTelephonyConfig({
      DRACHTIO_SECRET: 'cymru',
      SIP_TRUNK_ALLOW: '203.0.113.0/24, 198.51.100.7',
      SIP_AGENT_CREDENTIALS: 'anna:1001:anna-secret-1,1002:piotr-secret',
      TTS_VOICES: 'pl=pl,en=en-gb',
    });
    expect(c.drachtio).toEqual({ host: '127.0.0.1', port: 9022, secret: 'cymru' });
    expect(c.freeswitch).toMatchObject({ address: '127.0.0.1', port: 8021, secret: 'ClueCon', listenAddress: '127.0.0.1', listenPort: 0 });
    expect(c.admission.trunkAllowList).toEqual(['203.0.113.0/24', '198.51.100.7']);
    expect(c.admission.scannerUserAgents).toContain('friendly-scanner');
    expect(c.registrar.agents).toEqual([
      { agentId: 'anna', username: '1001', password: 'anna-secret-1' },
      { agentId: '1002', username: '1002', password: 'piotr-secret' },
    ]);
    expect(c.media).toMatchObject({ ttsEngine: 'tts_commandline', ttsVoices: { pl: 'pl', en: 'en-gb' }, asrEngine: '', mohSource: 'local_stream://moh' });
  });

  it('reads agent credentials from a JSON file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tel-'));
    const file = join(dir, 'agents.json');
    writeFileSync(file, JSON.stringify([{ agentId: 'ewa', username: '1003', password: 'ewa-secret-3' }]));
    expect(loadTelephonyConfig({ DRACHTIO_SECRET: 'x', SIP_TRUNK_ALLOW: '203.0.113.1', SIP_AGENT_CREDENTIALS_FILE: file }).registrar.agents).toEqual([
      { agentId: 'ewa', username: '1003', password: 'ewa-secret-3' },
    ]);
  });

  it.each([
    [{}, 'DRACHTIO_SECRET'],
    [{ DRACHTIO_SECRET: 'x', SIP_TRUNK_ALLOW: '10.0.0.0/33' }, 'SIP_TRUNK_ALLOW'],
    [{ DRACHTIO_SECRET: 'x', SIP_RATE_LIMIT_ACTION: 'ban' }, 'SIP_RATE_LIMIT_ACTION'],
    [{ DRACHTIO_SECRET: 'x', SIP_AGENT_CREDENTIALS: 'a:b:c:d' }, 'SIP_AGENT_CREDENTIALS'],
    [{ DRACHTIO_SECRET: 'x', SIP_TRUNK_ALLOW: '203.0.113.1', OUTBOUND_TRUNK_USERNAME: 'u' }, 'OUTBOUND_TRUNK_USERNAME/OUTBOUND_TRUNK_PASSWORD'],
    // SIP only from allowed sources by default: an empty allow-list is refused
    [{ DRACHTIO_SECRET: 'x' }, 'SIP_TRUNK_ALLOW'],
    [{ DRACHTIO_SECRET: 'x', SIP_ALLOW_ANY_TRUNK: 'false' }, 'SIP_TRUNK_ALLOW'],
    [{ DRACHTIO_SECRET: 'x', DRACHTIO_PORT: 'abc' }, 'DRACHTIO_PORT'],
  ])('names the variable at fault: %o', (env, variable) => {
    expect(() => loadTelephonyConfig(env)).toThrow(ConfigError);
    try {
      loadTelephonyConfig(env);
    } catch (err) {
      expect((err as ConfigError).variable).toBe(variable);
    }
  });

  it('opens SIP to every address only when asked to (a lab)', () => {
    expect(loadTelephonyConfig({ DRACHTIO_SECRET: 'x', SIP_ALLOW_ANY_TRUNK: 'true' }).admission.trunkAllowList).toEqual([]);
    expect(() => loadTelephonyConfig({ DRACHTIO_SECRET: 'x' })).toThrow(/SIP_TRUNK_ALLOW.*is empty: list the addresses/);
  });

  it('never echoes a password in its errors', () => {
    try {
      loadTelephonyConfig({ DRACHTIO_SECRET: 'x', SIP_TRUNK_ALLOW: '203.0.113.1', SIP_AGENT_CREDENTIALS: '1001:short' });
      expect.unreachable();
    } catch (err) {
      expect(String(err)).not.toContain('short');
    }
  });
});

describe('media mapping', () => {
  const media = settings().media;
  it('maps SIP INFO bodies to digits', () => {
    expect(dtmfFromInfo('application/dtmf-relay', 'Signal=#\r\nDuration=100')).toBe('#');
    expect(dtmfFromInfo('application/dtmf-relay', 'Signal=10\r\n')).toBe('*');
    expect(dtmfFromInfo('application/dtmf', '7')).toBe('7');
    expect(dtmfFromInfo('text/plain', '7')).toBeUndefined();
  });
  it('maps tones and custom tone_stream specs', () => {
    expect(promptApp(media, { kind: 'tone', tone: 'ringback', durationMs: 10_000 })).toEqual({ app: 'playback', arg: 'tone_stream://%(1000,4000,425);loops=2' });
    expect(promptApp(media, { kind: 'tone', tone: '%(100,100,350,440)', durationMs: 3000 })).toEqual({ app: 'playback', arg: 'tone_stream://%(100,100,350,440)', timedMs: 3000 });
  });
  it('treats nomatch and empty NLSML as no result', () => {
    expect(parseSpeechResult('<result><interpretation><input><nomatch/></input></interpretation></result>')).toBeUndefined();
    expect(parseSpeechResult(undefined)).toBeUndefined();
    expect(parseSpeechResult('<result><interpretation confidence="0.5"><input mode="speech">tak &amp; nie</input></interpretation></result>')).toEqual({ text: 'tak & nie', confidence: 0.5 });
  });
});
