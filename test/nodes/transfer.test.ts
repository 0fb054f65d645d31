import { describe, expect, it } from 'vitest';
import { runScenario, flowOf } from '../support/flow-harness.ts';
import type { FlowDocument } from '../../src/flows/flow-schema.ts';
import type { TransferNode } from '../../src/flows/nodes/transfer.ts';
import { validateFlowDocument, formatIssue } from '../../src/flows/validate.ts';
import { createDestinationPolicy } from '../../src/flows/destination-policy.ts';
import type { SimulationResult } from '../../src/engine/simulate.ts';
import { SimTelephony } from '../../src/telephony/sim/sim-telephony.ts';
import { FlowEngine, type CallResult } from '../../src/engine/engine.ts';
import { stubbedHttp } from '../../src/engine/http-stub.ts';
import { VirtualClock } from '../../src/util/virtual-clock.ts';
import pino from 'pino';

const transferPolicy = createDestinationPolicy(['sip:*@pbx.example.com', 'tel:+4822*']);

function transferFlow(node: Partial<TransferNode> = {}, extra: Partial<FlowDocument> = {}): FlowDocument {
  return flowOf(
    {
      xfer: { type: 'transfer', target: 'sip:1001@pbx.example.com', prompt: 'Łączę z konsultantem', error: 'sorry', ...node },
      sorry: { type: 'hangup', prompt: 'Nie udało się połączyć' },
    },
    extra,
  );
}

const transfers = (r: SimulationResult): string[] => r.call.events.filter((e) => e.kind === 'transfer' || e.kind === 'transfer-failed').map((e) => `${e.kind} ${e.detail ?? ''}`);

describe('transfer node', () => {
  it('plays the prompt and transfers to an allowed target; the call ends as transferred', async () => {
    const r = await runScenario({ flow: transferFlow(), services: { transferPolicy } });
    expect(r.heard).toEqual(['tts[pl]: Łączę z konsultantem']);
    expect(transfers(r)).toEqual(['transfer sip:1001@pbx.example.com']);
    expect(r.ended).toBe('transferred');
    expect(r.path).toEqual(['xfer']);
  });

  it('expands a templated target and checks it at run time', async () => {
    const r = await runScenario({
      flow: transferFlow({ target: 'tel:{{vars.number}}', prompt: undefined }),
      vars: { number: '+48221234567' },
      services: { transferPolicy },
    });
    expect(transfers(r)).toEqual(['transfer tel:+48221234567']);
    expect(r.ended).toBe('transferred');
  });

  it('refuses a templated target outside the allow-list: error exit, nothing dialed, no transfer prompt', async () => {
    const r = await runScenario({
      flow: transferFlow({ target: 'tel:{{vars.number}}' }),
      vars: { number: '+881234567' },
      services: { transferPolicy },
    });
    expect(transfers(r)).toEqual([]);
    expect(r.heard).toEqual(['tts[pl]: Nie udało się połączyć']);
    expect(r.path).toEqual(['xfer', 'sorry']);
    expect(r.trace[0]?.detail).toBe('DestinationRefusedError: transfer target tel:+881234567 is not allowed by TRANSFER_ALLOW (sip:*@pbx.example.com, tel:+4822*)');
  });

  it('refuses a target whose variable smuggles URI parameters', async () => {
    const r = await runScenario({
      flow: transferFlow({ target: 'sip:{{vars.ext}}@pbx.example.com' }),
      vars: { ext: '1001@evil.example.net;x=' },
      services: { transferPolicy },
    });
    expect(transfers(r)).toEqual([]);
    expect(r.path).toEqual(['xfer', 'sorry']);
  });

  it('takes the error exit when the transfer fails (REFER rejected)', async () => {
    // runScenario gives no access to the driver before the call, so this runs the engine on the sim driver directly.
    const clock = new VirtualClock();
    const stop = clock.startAuto();
    try {
      const sim = new SimTelephony({ clock });
      sim.failTransfersTo(['sip:1001@pbx.example.com'], 486);
      const flow = transferFlow();
      const engine = new FlowEngine({
        clock,
        logger: pino({ level: 'silent' }),
        services: { flows: { get: () => undefined }, http: stubbedHttp([]).client, transferPolicy, audioDir: '', recordingsDir: '' },
      });
      const result = new Promise<CallResult>((resolve) => sim.onIncoming((call) => resolve(engine.handle(call, flow))));
      const { call } = sim.incoming({ from: '+48600100200', to: '+48221234567', script: [] });
      const { state, ended } = await result;
      expect(call.events.filter((e) => e.kind.startsWith('transfer')).map((e) => `${e.kind} ${e.detail ?? ''}`)).toEqual([
        'transfer-failed sip:1001@pbx.example.com 486',
      ]);
      expect(call.heard.map((h) => h.text)).toEqual(['tts[pl]: Łączę z konsultantem', 'tts[pl]: Nie udało się połączyć']);
      expect(state.trace.map((t) => `${t.nodeId}:${t.outcome}`)).toEqual(['xfer:error', 'sorry:hangup']);
      expect(ended).toBe('hangup');
    } finally {
      stop();
    }
  });

  it('without an error exit, a refused transfer ends in an apology, never dead air', async () => {
    const flow = flowOf({ xfer: { type: 'transfer', target: 'tel:{{vars.number}}' } });
    const r = await runScenario({ flow, vars: { number: '+1900555' }, services: { transferPolicy } });
    expect(transfers(r)).toEqual([]);
    expect(r.heard).toHaveLength(1);
    expect(r.heard[0]).toMatch(/^tts\[pl\]: Przepraszamy/);
    expect(r.ended).toBe('error');
  });
});

describe('transfer node: validation', () => {
  const check = (flow: FlowDocument): string[] =>
    validateFlowDocument(flow, { file: 'main.json', flowIds: new Set(), transferPolicy, audioExists: () => true }).issues.map(formatIssue);

  it('refuses a literal target outside the allow-list at load time', () => {
    expect(check(transferFlow({ target: 'sip:1001@other.example.com' }))).toEqual([
      'main.json: /nodes/xfer/target: transfer target sip:1001@other.example.com is not allowed by TRANSFER_ALLOW (sip:*@pbx.example.com, tel:+4822*)',
    ]);
  });

  it('refuses a malformed literal target', () => {
    expect(check(transferFlow({ target: 'sip:1001@pbx.example.com;transport=tcp' }))).toEqual([
      'main.json: /nodes/xfer/target: transfer target "sip:1001@pbx.example.com;transport=tcp" is refused: it contains spaces, quotes, brackets, parameters (;), headers (?) or escapes (%)',
    ]);
  });

  it('checks templates in a templated target', () => {
    expect(check(transferFlow({ target: 'sip:{{ext}}@pbx.example.com' }))).toEqual([
      'main.json: /nodes/xfer/target: template "{{ext}}" reads "ext", which does not exist (use vars, caller, call, headers)',
    ]);
    expect(check(transferFlow({ target: 'sip:{{vars.ext}}@pbx.example.com' }))).toEqual([]);
  });
});
