import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { RecordNode } from '../../src/flows/nodes/record.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import { FlowEngine, type CallResult } from '../../src/engine/engine.ts';
import { stubbedHttp } from '../../src/engine/http-stub.ts';
import { createDestinationPolicy } from '../../src/flows/destination-policy.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';

function recordFlow(node: Partial<RecordNode> = {}): FlowDocument {
  return flowOf({
    rec: {
      type: 'record',
      prompt: 'Zostaw wiadomość po sygnale',
      maxSeconds: 60,
      variable: 'voicemail',
      next: 'thanks',
      noinput: 'nothing',
      error: 'broken',
      ...node,
    },
    thanks: { type: 'hangup', prompt: 'Dziękujemy za wiadomość' },
    nothing: { type: 'hangup', prompt: 'Nie nagrano wiadomości' },
    broken: { type: 'hangup', prompt: 'Nagrywanie niedostępne' },
  });
}

describe('record node', () => {
  it('plays the prompt and a beep, records until #, keeps the location in the call record and a variable', async () => {
    const r = await runScenario({ flow: recordFlow(), input: [{ speakMs: 8000, thenDigits: '#' }] });
    expect(r.heard).toEqual(['tts[pl]: Zostaw wiadomość po sygnale', 'tone: beep', 'tts[pl]: Dziękujemy za wiadomość']);
    expect(r.path).toEqual(['rec', 'thanks']);
    expect(r.state.recordings).toHaveLength(1);
    const rec = r.state.recordings[0]!;
    expect(rec.nodeId).toBe('rec');
    expect(rec.durationMs).toBe(8000);
    expect(rec.location).toMatch(/^recordings\/sim-\d+-rec-\d+\.wav$/);
    expect(r.vars.voicemail).toBe(rec.location);
  });

  it('stops at the maximum length', async () => {
    const r = await runScenario({ flow: recordFlow({ maxSeconds: 10, silenceSeconds: 0 }), input: [{ speakMs: 60_000 }], onScriptEnd: 'wait' });
    expect(r.state.recordings[0]?.durationMs).toBe(10_000);
    expect(r.path).toEqual(['rec', 'thanks']);
  });

  it('records without a beep when beep is false', async () => {
    const r = await runScenario({ flow: recordFlow({ beep: false, prompt: undefined }), input: [{ speakMs: 3000, thenDigits: '#' }] });
    expect(r.heard).toEqual(['tts[pl]: Dziękujemy za wiadomość']);
  });

  it('takes noinput on an empty recording, and records nothing', async () => {
    const r = await runScenario({ flow: recordFlow(), input: [{ silence: true }] });
    expect(r.path).toEqual(['rec', 'nothing']);
    expect(r.heard.at(-1)).toBe('tts[pl]: Nie nagrano wiadomości');
    expect(r.state.recordings).toEqual([]);
    expect(r.vars.voicemail).toBeUndefined();
  });

  it('takes next on an empty recording when there is no noinput exit', async () => {
    const flow = flowOf({
      rec: { type: 'record', next: 'thanks' },
      thanks: { type: 'hangup', prompt: 'Do widzenia' },
    });
    const r = await runScenario({ flow, input: [{ silence: true }] });
    expect(r.path).toEqual(['rec', 'thanks']);
  });

  it('ends quietly when the caller hangs up while recording', async () => {
    const r = await runScenario({ flow: recordFlow(), input: [{ hangup: true }] });
    expect(r.ended).toBe('hangup');
    expect(r.path).toEqual(['rec']);
    expect(r.heard).not.toContain('tts[pl]: Dziękujemy za wiadomość');
  });

  it('takes the error exit when the prompt cannot be played', async () => {
    // runScenario gives no access to the driver before the call: run the engine on the sim driver directly.
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const sim = new SimTelephony({ clock });
      sim.missingFiles(['voicemail.wav']);
      const flow = recordFlow({ prompt: { file: 'voicemail.wav' } });
      const engine = new FlowEngine({
        clock,
        logger: pino({ level: 'silent' }),
        services: { flows: { get: () => undefined }, http: stubbedHttp([]).client, transferPolicy: createDestinationPolicy([]), audioDir: '', recordingsDir: '' },
      });
      const result = new Promise<CallResult>((resolve) => sim.onIncoming((call) => resolve(engine.handle(call, flow))));
      const { call } = sim.incoming({ from: '+48600100200', to: '+48221234567', script: [{ speakMs: 3000 }] });
      const { state } = await result;
      expect(state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['rec:error', 'broken:hangup']);
      expect(call.heard.map((h) => h.text).at(-1)).toBe('tts[pl]: Nagrywanie niedostępne');
      expect(state.recordings).toEqual([]);
    } finally {
      stop();
    }
  });
});
