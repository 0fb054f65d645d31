/**
 * Instructions per ACD operation in Redis (not a test): `npm run bench:acd-instructions`.
 *
 * bench:acd's throughput moves ±15 % from run to run on a shared 2-core box,
 * which hides changes of a few per cent. This counts instead: it runs
 * redis-server under valgrind's callgrind (instrumentation off), drives the
 * same workload as bench:acd (bench/acd-workload.ts), lets 3,000 operations
 * warm up, then counts the instructions redis-server executes during the next
 * ACD_IR_OPS (default 6,000) operations — Lua, the commands the scripts run,
 * reading and writing the sockets: everything Redis does for them. The count
 * repeats to ±0.3 %.
 *
 * Needs valgrind (`apt-get install valgrind`) and redis-server on PATH
 * (REDIS_SERVER=/path/to/redis-server for another build, e.g. one with
 * symbols for callgrind_annotate). ACD_BENCH_SCRIPTS=1 runs EVALSHA scripts
 * instead of the function library. The callgrind profile is left in the file
 * printed, for `callgrind_annotate --inclusive=yes <file>`.
 * Last line: JSON {ops, script_calls, instructions_per_op, instructions_per_script_call}.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../test/support/redis-server.ts';
import { acdWorkload } from './acd-workload.ts';

const WARM = 3_000;
const MEASURE = Number(process.env.ACD_IR_OPS ?? 6_000);
const FUNCTIONS = process.env.ACD_BENCH_SCRIPTS !== '1';

async function main(): Promise<void> {
  let phase: 'setup' | 'warm' | 'measure' | 'done' = 'setup';
  const dir = mkdtempSync(join(tmpdir(), 'acd-ir-'));
  const port = await freePort();
  const server = process.env.REDIS_SERVER ?? 'redis-server';
  const vg = spawn(
    'valgrind',
    ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${join(dir, 'callgrind.out.%p')}`, server, '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', openSync(join(dir, 'redis.log'), 'w'), 'pipe'] },
  );
  let vgErr = '';
  vg.stderr?.on('data', (d: Buffer) => (vgErr += d.toString()));
  vg.on('exit', (code) => {
    if (phase !== 'done') {
      console.error(`valgrind ended early (exit ${code}):\n${vgErr.slice(-2000)}`);
      process.exit(1);
    }
  });
  const pid = String(vg.pid);
  const url = `redis://127.0.0.1:${port}`;
  // redis-server takes a few seconds to start under valgrind: retry until it answers
  const admin = new Redis(url, { lazyConnect: true, retryStrategy: () => 200, maxRetriesPerRequest: null });
  admin.on('error', () => undefined);
  await admin.connect().catch(() => undefined);
  await admin.ping();

  let ops = 0;
  let calls0 = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const fcalls = async (): Promise<number> => {
    const info = await admin.info('commandstats');
    const m = new RegExp(`^cmdstat_${FUNCTIONS ? 'fcall' : 'evalsha'}:calls=(\\d+)`, 'm').exec(info);
    return Number(m?.[1] ?? 0);
  };
  const w = await acdWorkload(url, {
    redisFunctions: FUNCTIONS,
    hooks: {
      onOp() {
        if (phase === 'warm' && ++ops >= WARM) {
          phase = 'measure';
          ops = 0;
          execFileSync('callgrind_control', ['-z', pid], { stdio: 'ignore' });
          execFileSync('callgrind_control', ['-i', 'on', pid], { stdio: 'ignore' });
          void fcalls().then((n) => (calls0 = n));
        } else if (phase === 'measure' && ++ops >= MEASURE) {
          phase = 'done';
          execFileSync('callgrind_control', ['-i', 'off', pid], { stdio: 'ignore' });
          done();
        }
      },
    },
  });
  await w.fill();
  phase = 'warm';
  await w.run();
  await finished;
  // read around the window, not at its edges: within the few calls in flight (8)
  const scriptCalls = (await fcalls()) - calls0;
  execFileSync('callgrind_control', ['-d', pid], { stdio: 'ignore' });
  await w.close();
  admin.disconnect();
  const exited = new Promise<void>((r) => vg.on('exit', () => r()));
  vg.kill('SIGTERM'); // redis-server shuts down (nothing to save); valgrind writes its last file
  await exited;
  const dump = readdirSync(dir).find((f) => /\.\d+\.1$/.test(f));
  if (!dump) throw new Error(`no callgrind dump in ${dir}; valgrind said:\n${vgErr.slice(-2000)}`);
  const file = join(dir, dump);
  const totals = /^totals:\s*(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!totals) throw new Error(`no instruction total in ${file}`);
  const instructions = Number(totals[1]);
  const result = {
    ops: MEASURE,
    script_calls: scriptCalls,
    instructions_per_op: Math.round(instructions / MEASURE),
    instructions_per_script_call: Math.round(instructions / Math.max(1, scriptCalls)),
  };
  console.log(`redis-server (${server}) under callgrind: ${instructions.toLocaleString('en')} instructions for ${MEASURE} operations (${scriptCalls} ${FUNCTIONS ? 'FCALL' : 'EVALSHA'} calls) after ${WARM} to warm up`);
  console.log(`profile: ${file}`);
  console.log(JSON.stringify(result));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
