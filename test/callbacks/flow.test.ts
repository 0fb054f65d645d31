/**
 * The whole path through a flow: a caller waiting in a queue presses the
 * call-back key, the `callback` node takes the request (virtual hold: the
 * caller's arrival time is kept), the caller hangs up, an agent becomes ready,
 * the agent is rung first, then the customer, and both are bridged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { runUntil, settled, silent, world, type World } from './rig.ts';
import { FlowEngine, type CallResult } from '../../src/engine/engine.ts';
import { denyAllDestinations } from '../../src/engine/simulate.ts';
import { AcdQueueService } from '../../src/acd/queue-runner.ts';
import { staticContacts } from '../../src/telephony/agent-contacts.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const flow: FlowDocument = {
  id: 'sales',
  name: 'Sales',
  defaultLanguage: 'pl',
  start: 'wait',
  nodes: {
    wait: { type: 'queue', queue: 'sales', callbackKey: '1', callback: 'cb', next: 'bye' },
    cb: { type: 'callback', queue: 'sales', data: { source: 'queue' }, next: 'bye', declined: 'wait', resultVar: 'callbackId' },
    bye: { type: 'hangup' },
  },
};

describe('queue → callback node → agent-first call-back', () => {
  it('keeps the caller’s place and ends in a bridged call', async () => {
    w = await world();
    const i1 = w.instances[0]!;
    const { issues } = validateFlowDocument(flow, { file: 'sales.json', flowIds: new Set(['sales']), queues: new Map([['sales', { maxLength: 0 }]]), transferPolicy: denyAllDestinations, audioExists: () => true });
    expect(issues.filter((i) => i.severity === 'error').map(formatIssue)).toEqual([]);

    await i1.acd.login('a1', { pausedReason: 'break' });
    w.sim.endpoint('sip:a1@agents.test', { answerAfterMs: 3_000 });
    w.sim.endpoint('+48600100200', { answerAfterMs: 4_000, onAnswer: (party) => void w!.clock.setTimer(90_000, () => party.hangup()) });
    const queues = new AcdQueueService({ acd: i1.acd, telephony: w.sim, contacts: staticContacts, clock: w.clock });
    const engine = new FlowEngine({
      clock: w.clock,
      logger: silent,
      services: { flows: { get: () => flow }, http: async () => ({ status: 500, text: async () => '' }), transferPolicy: denyAllDestinations, audioDir: '', recordingsDir: '', queues, callbacks: i1.callbacks },
    });
    let done: Promise<CallResult> | undefined;
    w.sim.onIncoming((call) => {
      done = engine.handle(call, flow);
    });
    const { call } = w.sim.incoming({ from: '+48600100200', to: '+48221234567', script: [], onScriptEnd: 'wait' });
    const arrived = w.clock.now();
    await settled(() => call.musicOnHold !== null, 'on hold');
    await w.clock.advance(45_000);
    call.party.script([{ digits: '1' }, { digits: '1' }, { digits: '1' }]);
    call.party.press('1');
    let result: CallResult | undefined;
    void done!.then((r) => (result = r));
    await runUntil(w, () => result !== undefined, 'caller done');
    expect(result!.state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['wait:callback', 'cb:next', 'bye:hangup']);
    const id = String(result!.state.vars.callbackId);
    // The agent is on a break: the call-back waits in the queue at the caller's original place.
    await settled(async () => (await i1.callbacks.get(id))?.status === 'queued', 'queued in the ACD');
    expect(await i1.callbacks.get(id)).toMatchObject({ arrivedAt: arrived, data: { source: 'queue' } });

    await i1.acd.ready('a1');
    await runUntil(w, async () => (await i1.callbacks.get(id))?.status === 'completed', 'call-back completed');
    expect(w.sim.dials.map((d) => [d.to, d.outcome, d.callerId])).toEqual([
      ['sip:a1@agents.test', 'answered', '+48600100200'], // the agent's phone shows the customer's number
      ['+48600100200', 'answered', '+48221234567'],
    ]);
    const queue = await i1.acd.queueStatus('sales');
    expect(queue.today).toMatchObject({ callbackRequested: 1 });
  }, 60_000);
});
