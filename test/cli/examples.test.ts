/** The shipped example flows are valid and their scenario files pass, end to end through the `ivr` command. */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/main.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const env = { TRANSFER_ALLOW: 'sip:*@pbx.example.com' };

async function ivr(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), env, cwd: root, stdin: new PassThrough(), isTTY: false });
  return { code, out, err };
}

describe('example flows in ivr-flows/', () => {
  it('pass `ivr flows check` with no error and no warning', async () => {
    const r = await ivr(['flows', 'check']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toMatch(/flow file\(s\) checked: (\d+) valid, 0 invalid \(0 error\(s\), 0 warning\(s\)\)$/);
  });

  it('pass every scenario of `ivr flows test`', async () => {
    const r = await ivr(['flows', 'test']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
  });

  it('are refused when transfers are not allowed (toll-fraud protection by default)', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['flows', 'check'], { out: (l) => out.push(l), err: (l) => err.push(l), env: {}, cwd: root, stdin: new PassThrough(), isTTY: false });
    expect(code).toBe(1);
    expect(err.some((l) => /ivr-flows\/main\.json: \/nodes\/\w+\/target: .*not allowed/.test(l))).toBe(true);
  });
});
