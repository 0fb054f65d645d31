import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';

interface Run {
  code: number;
  out: string[];
  err: string[];
}

let dir: string;

async function ivr(args: string[], opts: { stdin?: string[]; env?: Record<string, string> } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = new PassThrough();
  for (const l of opts.stdin ?? []) stdin.write(l + '\n');
  if (opts.stdin) stdin.end();
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env: { FLOWS_DIR: dir, ...opts.env }, cwd: dir, stdin, isTTY: false });
  return { code, out, err };
}

const say = (pl: string, en: string) => ({ say: { pl, en } });
const greeting = {
  id: 'greeting',
  name: 'Greeting',
  defaultLanguage: 'pl',
  languages: ['pl', 'en'],
  start: 'menu',
  nodes: {
    menu: {
      type: 'menu',
      prompt: say('Naciśnij 1 albo powiedz pomoc', 'Press 1 or say help'),
      choices: [{ key: '1', phrases: { pl: ['pomoc'], en: ['help'] }, next: 'help' }],
      fallback: 'bye',
    },
    help: { type: 'play', prompt: say('Pomagamy', 'We help'), next: 'bye' },
    bye: { type: 'hangup', prompt: say('Do widzenia', 'Goodbye') },
  },
};

function write(name: string, doc: unknown): void {
  writeFileSync(join(dir, name), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ivr-cli-'));
  mkdirSync(join(dir, 'tests'));
  write('greeting.json', greeting);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ivr flows check', () => {
  it('accepts valid flows and exits 0', async () => {
    const r = await ivr(['flows', 'check']);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toBe('1 flow file(s) checked: 1 valid, 0 invalid (0 error(s), 0 warning(s))');
  });

  it('prints every error with file and JSON pointer and exits 1', async () => {
    const broken = structuredClone(greeting) as typeof greeting & { id: string };
    broken.id = 'broken';
    broken.nodes.menu.choices[0]!.next = 'hlep';
    write('broken.json', broken);
    write('garbage.json', '{ "id": "garbage", ');
    const r = await ivr(['flows', 'check']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('broken.json: /nodes/menu/choices/0/next: unknown node "hlep" (did you mean "help"?)');
    expect(r.err.some((l) => l.startsWith('garbage.json: /: invalid JSON at line 1'))).toBe(true);
    expect(r.err.at(-1)).toBe('3 flow file(s) checked: 1 valid, 2 invalid (3 error(s), 0 warning(s))');
  });

  it('skips the flow schema and the routes file when a glob names them (ivr flows check ivr-flows/*.json)', async () => {
    write('routes.json', { routes: { '*': 'greeting' } });
    write('flow.schema.json', { $schema: 'https://json-schema.org/draft/2020-12/schema' });
    const r = await ivr(['flows', 'check', 'flow.schema.json', 'greeting.json', 'routes.json']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('flow.schema.json: not a flow file (the flow schema): skipped');
    expect(r.out).toContain('routes.json: not a flow file (the number routes): skipped');
    expect(r.out.at(-1)).toBe('1 flow file(s) checked: 1 valid, 0 invalid (0 error(s), 0 warning(s))');
  });

  it('checks single files and refuses a flow whose id differs from its file name', async () => {
    write('other.json', { ...greeting });
    const r = await ivr(['flows', 'check', 'other.json']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('other.json: /id: flow id "greeting" must equal the file name "other"');
  });

  it('exits 2 on a path that does not exist', async () => {
    const r = await ivr(['flows', 'check', 'nope']);
    expect(r.code).toBe(2);
  });
});

describe('ivr flows test', () => {
  it('runs scenarios and reports each failed expectation precisely', async () => {
    write('tests/greeting.json', {
      flow: 'greeting',
      scenarios: [
        { name: 'key 1', input: ['1'], expect: { path: ['menu', 'help', 'bye'], heardIncludes: ['Pomagamy', 'Do widzenia'], ended: 'hangup' } },
        { name: 'speech in English', language: 'en', input: ['say:help'], expect: { pathIncludes: ['help'], heardIncludes: ['tts[en]: We help'] } },
        { name: 'wrong expectation', input: ['1'], expect: { pathIncludes: ['bye', 'help'] } },
      ],
    });
    const r = await ivr(['flows', 'test']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('✓ tests/greeting.json › key 1');
    expect(r.out).toContain('✓ tests/greeting.json › speech in English');
    expect(r.err).toContain('✗ tests/greeting.json › wrong expectation');
    expect(r.err.some((l) => l.includes('tests/greeting.json: /scenarios/2/expect/pathIncludes: node "help" not visited in the expected order'))).toBe(true);
    expect(r.err.at(-1)).toBe('2 passed, 1 failed');
  });

  it('reports bad scenario files with pointers', async () => {
    write('tests/bad.json', { flow: 'greeting', scenarios: [{ name: 'x', input: ['press 1'], expect: {} }] });
    const r = await ivr(['flows', 'test']);
    expect(r.code).toBe(1);
    expect(r.err.some((l) => l.includes('/scenarios/0/input/0: "press 1" is not caller input'))).toBe(true);
  });
});

describe('ivr simulate', () => {
  it('prints prompts heard and the path for scripted input', async () => {
    const r = await ivr(['simulate', 'greeting', '--input', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([
      'heard:',
      '  tts[pl]: Naciśnij 1 albo powiedz pomoc',
      '  tts[pl]: Pomagamy',
      '  tts[pl]: Do widzenia',
      'path: menu → help → bye',
      expect.stringMatching(/^ended: hangup after \d+\.\d s \(simulated\)$/),
    ]);
  });

  it('gives a machine-readable trace with --json, in the language asked', async () => {
    const r = await ivr(['simulate', 'greeting', '--lang', 'en', '--input', 'say:help', '--json']);
    const doc = JSON.parse(r.out.join('\n')) as { heard: string[]; path: string[]; trace: unknown[]; ended: string };
    expect(doc.path).toEqual(['menu', 'help', 'bye']);
    expect(doc.heard[1]).toBe('tts[en]: We help');
    expect(doc.trace).toHaveLength(3);
  });

  it('rejects input it cannot read, with usage exit code 2', async () => {
    const r = await ivr(['simulate', 'greeting', '--input', 'press one']);
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain('"press one" is not caller input');
  });

  it('is interactive without --input: prompts are printed and input read from the terminal', async () => {
    const r = await ivr(['simulate', 'greeting'], { stdin: ['9', '1'] });
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(text).toContain('♪ tts[pl]: Naciśnij 1 albo powiedz pomoc');
    expect(text).toContain('♪ tts[pl]: Pomagamy');
    expect(text.split('♪ tts[pl]: Naciśnij 1 albo powiedz pomoc').length - 1).toBe(2); // re-prompted after the wrong key
    expect(text).toContain('path: menu → help → bye');
    expect(r.out.at(-1)).toBe('ended: hangup');
  });
});

describe('ivr simulate with queues and call-backs (no Redis)', () => {
  const queued = {
    id: 'queued',
    name: 'Queued',
    defaultLanguage: 'pl',
    start: 'wait',
    nodes: {
      wait: { type: 'queue', queue: 'sales', callbackKey: '1', next: 'after', timeout: 'offer', callback: 'offer', error: 'sorry' },
      offer: { type: 'callback', queue: 'sales', offer: 'Oddzwonić?', next: 'bye', declined: 'sorry' },
      after: { type: 'play', prompt: 'Po rozmowie', next: 'bye' },
      bye: { type: 'hangup', prompt: 'Do widzenia' },
      sorry: { type: 'hangup', prompt: 'Przepraszamy' },
    },
  };

  it('takes the queue outcome and the call-back answer from the command line', async () => {
    write('queued.json', queued);
    const served = await ivr(['simulate', 'queued', '--input', 'silence', '--queue', 'sales=served@30']);
    expect(served.out).toContain('path: wait → after → bye');
    const timedOut = await ivr(['simulate', 'queued', '--input', 'silence', '--queue', 'sales=timeout@600', '--callback', 'accepted']);
    expect(timedOut.out).toContain('path: wait → offer → bye');
    expect(timedOut.out).toContain('  tts[pl]: Oddzwonić?');
  });

  it('says when a queue was entered without a scripted outcome, and refuses bad scripts', async () => {
    write('queued.json', queued);
    const r = await ivr(['simulate', 'queued', '--input', 'silence']);
    expect(r.out).toContain('path: wait → sorry');
    expect(r.err).toContain('note: the call entered queue "sales" with no --queue sales=<outcome>, so the queue node failed');
    expect((await ivr(['simulate', 'queued', '--queue', 'sales=maybe'])).code).toBe(2);
  });
});

describe('queue ids for flow checks', () => {
  it('come from the ACD queue file; an unknown queue is an error, a broken file is reported', async () => {
    mkdirSync(join(dir, 'acd'));
    write('acd/queues.json', { queues: [{ id: 'sales', name: 'Sales' }] });
    write('q.json', { id: 'q', name: 'Q', defaultLanguage: 'pl', start: 'w', nodes: { w: { type: 'queue', queue: 'salse', next: 'bye' }, bye: { type: 'hangup' } } });
    const r = await ivr(['flows', 'check']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('q.json: /nodes/w/queue: unknown queue "salse"');
    write('acd/queues.json', { queues: [{ id: 'sales' }] });
    const broken = await ivr(['flows', 'check']);
    expect(broken.code).toBe(2);
    expect(broken.err[0]).toMatch(/^ivr: queue configuration: .*acd\/queues\.json: /);
  });
});
