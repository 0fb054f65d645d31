/**
 * A call leg on the drachtio driver, with FreeSWITCH and the SIP dialog played
 * by stand-ins: what FreeSWITCH is asked to do for each port operation, and
 * how results, key presses, aborts and hang-ups come back.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { DrachtioCall } from '../../src/telephony/drachtio/call.ts';
import { CallHungUpError, MediaError } from '../../src/telephony/errors.ts';
import type { HangupCause } from '../../src/telephony/port.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import { settings } from './support/harness.ts';
import { inDialogRequest, RecordingResponse, silentLogger, StandinDialog, StandinEndpoint } from './support/standins.ts';

function makeCall(opts: { asrEngine?: string; direction?: 'inbound' | 'outbound'; id?: string; recordingsPath?: string; logger?: Logger } = {}) {
  const clock = new VirtualClock();
  const endpoint = new StandinEndpoint(`uuid-${opts.id ?? 'a'}`);
  const dialog = new StandinDialog();
  const ended: string[] = [];
  const media = {
    ...settings().media,
    ...(opts.asrEngine !== undefined ? { asrEngine: opts.asrEngine } : {}),
    ...(opts.recordingsPath !== undefined ? { recordingsPath: opts.recordingsPath } : {}),
  };
  const call = new DrachtioCall(
    { id: opts.id ?? 'call-a', direction: opts.direction ?? 'inbound', from: '48601111222', to: '48221234567', headers: {}, startedAt: clock.now() },
    endpoint,
    dialog,
    { clock, logger: opts.logger ?? silentLogger, media, onEnded: (c) => ended.push(c.info.id) },
  );
  const causes: HangupCause[] = [];
  call.on('hangup', (c) => causes.push(c));
  return { call, clock, endpoint, dialog, ended, causes };
}

const turn = () => new Promise((r) => setImmediate(r));
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await turn();
}

describe('play', () => {
  it('plays files, speech and silence in order through FreeSWITCH applications', async () => {
    const { call, endpoint } = makeCall();
    const done = call.play([
      { kind: 'file', path: 'pl/welcome.wav' },
      { kind: 'tts', text: 'Dzień dobry,\nw czym mogę pomóc?', language: 'pl-PL' },
      { kind: 'silence', ms: 500 },
      { kind: 'tone', tone: 'beep' },
    ]);
    await settle();
    expect(endpoint.current).toEqual({ app: 'playback', arg: '/usr/local/freeswitch/sounds/ivr/pl/welcome.wav' });
    endpoint.complete({ 'Application-Response': 'FILE PLAYED' });
    await settle();
    expect(endpoint.current).toEqual({ app: 'speak', arg: 'tts_commandline|pl|Dzień dobry, w czym mogę pomóc?' });
    endpoint.complete();
    await settle();
    expect(endpoint.current).toEqual({ app: 'playback', arg: 'silence_stream://500' });
    endpoint.complete();
    await settle();
    expect(endpoint.current?.arg).toBe('tone_stream://%(250,0,800);loops=1');
    endpoint.complete();
    expect(await done).toEqual({ kind: 'completed' });
  });

  it("tells FreeSWITCH the caller's language (ivr_language) when it is spoken to in one language, for the dialplan's apology should the service die", async () => {
    const { call, endpoint } = makeCall();
    const spoken = (text: string, language: string) => ({ kind: 'tts' as const, text, language });
    const played = async (run: Promise<unknown>, prompts: number): Promise<void> => {
      for (let i = 0; i < prompts; i++) {
        await settle();
        endpoint.complete();
      }
      await run;
    };
    const sets = () => endpoint.executed.filter((e) => e.arg.startsWith('ivr_language=')).map((e) => e.arg);
    // A welcome in both languages: the caller's language is not known yet, nothing is set.
    await played(call.play([{ kind: 'file', path: 'jingle.wav' }, spoken('Witamy', 'pl-PL'), spoken('For English, press 2', 'en-GB')]), 3);
    expect(sets()).toEqual([]);
    // Polish only from now on: set once, however many prompts follow.
    await played(call.play([spoken('Dzień dobry', 'pl-PL'), spoken('Podaj numer', 'pl')]), 2);
    await played(call.play([{ kind: 'tone', tone: 'beep' }]), 1);
    expect(sets()).toEqual(['ivr_language=pl']);
    expect(endpoint.executed.slice(-4).map((e) => `${e.app} ${e.arg}`)).toEqual([
      'set ivr_language=pl',
      'speak tts_commandline|pl|Dzień dobry',
      'speak tts_commandline|pl|Podaj numer',
      'playback tone_stream://%(250,0,800);loops=1',
    ]);
    // The caller chose English; then both languages again (unknown: emptied, the apology comes in both).
    await played(call.play([spoken('Your balance is', 'en-GB')]), 1);
    await played(call.play([spoken('Do widzenia', 'pl'), spoken('Goodbye', 'en')]), 2);
    expect(sets()).toEqual(['ivr_language=pl', 'ivr_language=en', 'ivr_language=']);
  });

  it('reports a missing file as FILE_NOT_FOUND', async () => {
    const { call, endpoint } = makeCall();
    const done = call.play([{ kind: 'file', path: '/nope.wav' }]);
    await settle();
    endpoint.complete({ 'Application-Response': 'FILE NOT FOUND' });
    await expect(done).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(done).rejects.toBeInstanceOf(MediaError);
  });

  it('stops at the first key with barge-in and says which key', async () => {
    const { call, endpoint } = makeCall();
    const done = call.play([{ kind: 'file', path: 'a.wav' }, { kind: 'file', path: 'b.wav' }], { bargeIn: true });
    await settle();
    endpoint.press('7');
    expect(await done).toEqual({ kind: 'interrupted', digit: '7' });
    expect(endpoint.apiCalls).toContainEqual({ command: 'uuid_break', args: 'uuid-a all' });
    expect(endpoint.executed.map((e) => e.arg)).not.toContain('/usr/local/freeswitch/sounds/ivr/b.wav');
  });

  it('is cut short by its AbortSignal (uuid_break) and the call stays up', async () => {
    const { call, endpoint } = makeCall();
    const ctl = new AbortController();
    const done = call.play([{ kind: 'file', path: 'long.wav' }], { signal: ctl.signal });
    await settle();
    ctl.abort();
    expect(await done).toEqual({ kind: 'aborted' });
    expect(endpoint.apiCalls).toContainEqual({ command: 'uuid_break', args: 'uuid-a all' });
    expect(call.ended.aborted).toBe(false);
  });

  it('rejects with CallHungUpError when the caller hangs up, and aborts `ended`', async () => {
    const { call, dialog, endpoint, ended, causes } = makeCall();
    const done = call.play([{ kind: 'file', path: 'long.wav' }]);
    await settle();
    dialog.hangUp();
    await expect(done).rejects.toBeInstanceOf(CallHungUpError);
    expect(call.ended.aborted).toBe(true);
    expect(causes).toEqual(['caller']);
    expect(ended).toEqual(['call-a']);
    expect(endpoint.destroyed).toBe(true);
    await expect(call.play([{ kind: 'silence', ms: 10 }])).rejects.toBeInstanceOf(CallHungUpError);
  });
});

describe('collectDigits', () => {
  const base = { minDigits: 1, maxDigits: 4, terminators: '#', firstDigitTimeoutMs: 5000, interDigitTimeoutMs: 3000 };

  it('barge-in stops the prompt; the terminator ends input and is reported apart', async () => {
    const { call, endpoint } = makeCall();
    const done = call.collectDigits({ ...base, prompts: [{ kind: 'tts', text: 'Enter your PIN', language: 'en' }] });
    await settle();
    expect(endpoint.current?.arg).toBe('tts_commandline|en-us|Enter your PIN');
    endpoint.press('12#');
    expect(await done).toEqual({ kind: 'digits', digits: '12', terminator: '#' });
  });

  it('ends at maxDigits', async () => {
    const { call, endpoint } = makeCall();
    const done = call.collectDigits({ ...base, prompts: [] });
    await settle();
    endpoint.press('98765');
    expect(await done).toEqual({ kind: 'digits', digits: '9876' });
  });

  it('gives noinput after the first-digit timeout counted from the end of the prompts', async () => {
    const { call, clock, endpoint } = makeCall();
    let result: unknown;
    void call.collectDigits({ ...base, prompts: [{ kind: 'file', path: 'menu.wav' }] }).then((r) => (result = r));
    await settle();
    await clock.advance(60_000); // prompt still playing: no timer runs yet
    expect(result).toBeUndefined();
    endpoint.complete();
    await settle();
    await clock.advance(4999);
    expect(result).toBeUndefined();
    await clock.advance(1);
    expect(result).toEqual({ kind: 'noinput' });
  });

  it('reports incomplete input after the inter-digit timeout below minDigits', async () => {
    const { call, clock, endpoint } = makeCall();
    const done = call.collectDigits({ ...base, minDigits: 3, prompts: [] });
    await settle();
    endpoint.press('4');
    await clock.advance(3000);
    expect(await done).toEqual({ kind: 'incomplete', digits: '4' });
  });

  it('takes SIP INFO digits (dtmf-relay) through FreeSWITCH like RFC 2833 ones', async () => {
    const { call, endpoint, dialog } = makeCall();
    const done = call.collectDigits({ ...base, maxDigits: 1, prompts: [] });
    await settle();
    const res = new RecordingResponse();
    dialog.info(inDialogRequest('INFO', { 'Content-Type': 'application/dtmf-relay' }, 'Signal=5\r\nDuration=160\r\n'), res);
    expect(res.sent[0]?.status).toBe(200);
    await settle();
    expect(endpoint.apiCalls).toContainEqual({ command: 'uuid_recv_dtmf', args: 'uuid-a 5' });
    endpoint.press('5'); // FreeSWITCH then emits the DTMF event
    expect(await done).toEqual({ kind: 'digits', digits: '5' });
  });
});

describe('gatherSpeech', () => {
  const opts = { language: 'pl-PL', hints: ['faktura', 'reklamacja'], noInputTimeoutMs: 4000 };

  it('without a recognizer still takes keys (the DTMF path always works)', async () => {
    const { call, endpoint } = makeCall({ asrEngine: '' });
    const done = call.gatherSpeech({ ...opts, prompts: [], dtmf: { maxDigits: 2, terminators: '#', interDigitTimeoutMs: 2000 } });
    await settle();
    endpoint.press('3#');
    expect(await done).toEqual({ kind: 'digits', digits: '3', terminator: '#' });
  });

  it('without a recognizer and without keys ends with noinput', async () => {
    const { call, clock } = makeCall({ asrEngine: '' });
    const done = call.gatherSpeech({ ...opts, prompts: [] });
    await settle();
    await clock.advance(4000);
    expect(await done).toEqual({ kind: 'noinput' });
  });

  it('uses play_and_detect_speech with the configured engine and maps the NLSML result', async () => {
    const { call, endpoint } = makeCall({ asrEngine: 'unimrcp' });
    const done = call.gatherSpeech({ ...opts, prompts: [{ kind: 'tts', text: 'W czym mogę pomóc?', language: 'pl-PL' }] });
    await settle();
    expect(endpoint.executed).toContainEqual({ app: 'set', arg: 'tts_voice=pl' });
    expect(endpoint.current).toEqual({
      app: 'play_and_detect_speech',
      arg: 'say:W czym mogę pomóc? detect:unimrcp {start-input-timers=false,no-input-timeout=4000,language=pl-PL,hints=faktura|reklamacja}default',
    });
    endpoint.complete({
      variable_detect_speech_result:
        '<?xml version="1.0"?><result><interpretation grammar="default" confidence="87"><instance>faktura</instance><input mode="speech">faktura</input></interpretation></result>',
    });
    expect(await done).toEqual({ kind: 'speech', text: 'faktura', confidence: 0.87 });
  });

  it('a key during recognition stops it and collects digits', async () => {
    const { call, endpoint, clock } = makeCall({ asrEngine: 'unimrcp' });
    const done = call.gatherSpeech({ ...opts, prompts: [], dtmf: { maxDigits: 3, terminators: '#', interDigitTimeoutMs: 2000 } });
    await settle();
    endpoint.press('4');
    await settle();
    endpoint.press('2');
    await clock.advance(2000);
    expect(await done).toEqual({ kind: 'digits', digits: '42' });
    expect(endpoint.apiCalls.filter((a) => a.command === 'uuid_break').length).toBeGreaterThan(0);
  });
});

describe('music on hold and recording', () => {
  it('starts MOH from local_stream and stops it before the next prompt', async () => {
    const { call, endpoint } = makeCall();
    await call.startMusicOnHold();
    await settle();
    expect(endpoint.current).toEqual({ app: 'playback', arg: 'local_stream://moh' });
    const done = call.play([{ kind: 'silence', ms: 100 }]);
    await settle();
    expect(endpoint.apiCalls).toContainEqual({ command: 'uuid_break', args: 'uuid-a all' });
    expect(endpoint.current).toEqual({ app: 'playback', arg: 'silence_stream://100' });
    endpoint.complete();
    expect(await done).toEqual({ kind: 'completed' });
  });

  it('plays MOH in pieces FreeSWITCH ends itself, so a caller on hold is not left there if the service dies', async () => {
    const { call, endpoint } = makeCall();
    await call.startMusicOnHold();
    await settle();
    expect(endpoint.executed).toEqual([
      { app: 'set', arg: 'playback_timeout_sec=60' },
      { app: 'playback', arg: 'local_stream://moh' },
    ]);
    // FreeSWITCH ends the piece (playback_timeout_sec): the next one follows at once.
    endpoint.complete();
    await settle();
    expect(endpoint.current).toEqual({ app: 'playback', arg: 'local_stream://moh' });
    expect(endpoint.executed.filter((e) => e.app === 'playback')).toHaveLength(2);
    // Stopping it: no further piece, and prompts play to their end again.
    await call.stopMusicOnHold();
    await settle();
    expect(endpoint.current).toBeUndefined();
    expect(endpoint.executed.at(-1)).toEqual({ app: 'set', arg: 'playback_timeout_sec=0' });
    expect(endpoint.executed.filter((e) => e.app === 'playback')).toHaveLength(2);
  });

  it('records with a beep and maps FreeSWITCH variables to a typed result', async () => {
    const { call, endpoint, clock } = makeCall();
    const done = call.record({ maxSeconds: 60, beep: true, terminators: '#', silenceSeconds: 5 });
    await settle();
    expect(endpoint.current?.arg).toContain('tone_stream://');
    endpoint.complete();
    await settle();
    expect(endpoint.executed).toContainEqual({ app: 'set', arg: 'playback_terminators=#' });
    expect(endpoint.current).toEqual({ app: 'record', arg: `/recordings/call-a-${clock.now()}.wav 60 200 5` });
    endpoint.complete({ variable_record_ms: '4520', variable_playback_terminator_used: '#' });
    expect(await done).toEqual({ kind: 'recorded', location: `/recordings/call-a-${clock.now()}.wav`, durationMs: 4520, terminator: '#' });
  });

  it('keeps the message when the caller hangs up while recording (FreeSWITCH closes the file)', async () => {
    const { call, endpoint, dialog, clock } = makeCall();
    const done = call.record({ maxSeconds: 60, beep: false, terminators: '#', path: '/recordings/vm.wav' });
    await settle();
    expect(endpoint.current?.app).toBe('record');
    await clock.advance(7000);
    dialog.hangUp();
    expect(await done).toEqual({ kind: 'recorded', location: '/recordings/vm.wav', durationMs: 7000, hungUp: true });
  });

  it('a hang-up before any message is not a recording', async () => {
    const { call, dialog } = makeCall();
    const done = call.record({ maxSeconds: 60, beep: false, terminators: '#', path: '/recordings/vm.wav' });
    await settle();
    dialog.hangUp();
    await expect(done).rejects.toBeInstanceOf(CallHungUpError);
  });

  it('reports an empty recording', async () => {
    const { call, endpoint } = makeCall();
    const done = call.record({ maxSeconds: 10, beep: false, terminators: '', path: '/tmp/x.wav' });
    await settle();
    endpoint.complete({ variable_record_ms: '0' });
    expect(await done).toEqual({ kind: 'empty' });
  });

  it('removes the header-only file FreeSWITCH leaves for an empty recording when its folder is shared with the service', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ivr-recordings-'));
    try {
      const { call, endpoint, clock } = makeCall({ recordingsPath: dir });
      const done = call.record({ maxSeconds: 10, beep: false, terminators: '' });
      await settle();
      const file = join(dir, `call-a-${clock.now()}.wav`);
      writeFileSync(file, Buffer.alloc(44)); // what FreeSWITCH writes: a WAV header and no audio
      endpoint.complete({ variable_record_ms: '0' });
      expect(await done).toEqual({ kind: 'empty' });
      expect(existsSync(file)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bridge, re-INVITE, transfer', () => {
  it('bridges the endpoints; the agent hanging up tears down the caller', async () => {
    const a = makeCall({ id: 'caller' });
    const b = makeCall({ id: 'agent', direction: 'outbound' });
    const bridged = a.call.bridge(b.call);
    await settle();
    expect(a.endpoint.bridgedTo).toBe(b.endpoint);
    b.dialog.hangUp();
    expect(await bridged).toEqual({ endedBy: 'other' });
    await settle();
    expect(a.call.ended.aborted).toBe(true);
    expect(a.causes).toEqual(['agent']);
    expect(a.dialog.destroyed).toBe(true);
  });

  it('the caller hanging up tears down the agent', async () => {
    const a = makeCall({ id: 'caller' });
    const b = makeCall({ id: 'agent', direction: 'outbound' });
    const bridged = a.call.bridge(b.call);
    await settle();
    a.dialog.hangUp();
    expect(await bridged).toEqual({ endedBy: 'self' });
    await settle();
    expect(b.causes).toEqual(['caller']);
    expect(b.endpoint.destroyed).toBe(true);
  });

  it('aborting the bridge parks both legs, both stay up', async () => {
    const a = makeCall({ id: 'caller' });
    const b = makeCall({ id: 'agent', direction: 'outbound' });
    const ctl = new AbortController();
    const bridged = a.call.bridge(b.call, { signal: ctl.signal });
    await settle();
    ctl.abort();
    expect(await bridged).toEqual({ endedBy: 'aborted' });
    expect(a.endpoint.unbridged).toBe(true);
    expect(a.call.ended.aborted || b.call.ended.aborted).toBe(false);
  });

  it('a re-INVITE (hold) is passed to FreeSWITCH and answered with its SDP; the call goes on', async () => {
    const { call, endpoint, dialog } = makeCall();
    const res = new RecordingResponse();
    const holdSdp = 'v=0\r\no=phone 1 2 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 101\r\na=sendonly\r\n';
    dialog.reinvite(inDialogRequest('INVITE', { 'Content-Type': 'application/sdp' }, holdSdp), res);
    await settle();
    expect(endpoint.modified).toEqual([holdSdp]);
    expect(res.sent[0]).toMatchObject({ status: 200, headers: { 'Content-Type': 'application/sdp' } });
    expect(res.sent[0]?.body).toContain('a=recvonly');
    expect(call.ended.aborted).toBe(false);
  });

  it('transfers with REFER and ends our leg on 202', async () => {
    const { call, dialog, causes } = makeCall();
    await call.transfer('sip:reception@pbx.example.com');
    expect(dialog.requests[0]).toEqual({ method: 'REFER', headers: { 'Refer-To': '<sip:reception@pbx.example.com>' } });
    expect(causes).toEqual(['transfer']);
  });

  it('a refused REFER is a TransferFailedError with the status', async () => {
    const { call, dialog } = makeCall();
    dialog.referStatus = 603;
    await expect(call.transfer('sip:x@y')).rejects.toMatchObject({ code: 'TRANSFER_FAILED', sipStatus: 603 });
    expect(call.ended.aborted).toBe(false);
  });

  it('no RTP from the far end: FreeSWITCH\'s media timeout ends the call, and the log says so', async () => {
    const lines: Array<{ msg: string; cause?: string; callId?: string }> = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s) as { msg: string; cause?: string }) });
    const { call, endpoint, dialog, causes } = makeCall({ logger });
    endpoint.vanish('MEDIA_TIMEOUT');
    expect(call.ended.aborted).toBe(true);
    expect(causes).toEqual(['error']);
    await settle();
    expect(dialog.destroyed).toBe(true);
    expect(lines).toContainEqual(expect.objectContaining({ cause: 'MEDIA_TIMEOUT', callId: 'call-a', msg: expect.stringContaining('no media from the far end') }));
  });

  it('FreeSWITCH losing the channel ends the call and releases the SIP dialog', async () => {
    const { call, endpoint, dialog, causes } = makeCall();
    endpoint.vanish();
    expect(call.ended.aborted).toBe(true);
    expect(causes).toEqual(['error']);
    await settle();
    expect(dialog.destroyed).toBe(true);
  });
});
