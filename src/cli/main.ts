/**
 * The `ivr` command for ops:
 *   ivr flows check [path...]     validate flow files and folders (default ivr-flows/)
 *   ivr flows test [path...]      run scenario files (default ivr-flows/tests/)
 *   ivr simulate <flow> [--lang pl] [--input "1,2,#"]... [--json]
 * Exit codes: 0 all good, 1 a flow/scenario problem, 2 a usage error.
 */
import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { loadFlowPaths, loadFlowDirectory, flowFilesIn, NOT_FLOW_FILES, type LoadResult } from '../flows/loader.ts';
import { formatIssue } from '../flows/validate.ts';
import { runScenarioFile, type ScenarioRun, type ScenarioFailure } from './scenarios.ts';
import { simulateCommand } from './simulate-command.ts';
import { cliEnvironment, type CliEnvironment } from './environment.ts';
import { AcdConfigError } from '../acd/model.ts';

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  stdin: NodeJS.ReadableStream;
  isTTY: boolean;
}

const USAGE = `usage:
  ivr flows check [path...]        validate flows (files or folders; default ivr-flows/)
  ivr flows test [path...]         run scenario files (default ivr-flows/tests/)
      --flows <dir>                where the flows are (default ivr-flows/)
  ivr simulate <flow> [options]    run a flow with a simulated caller
      --flows <dir>                where the flows are (default ivr-flows/)
      --lang <code>                call language (default: the flow's)
      --input <steps>              caller input, repeatable: "1,2,#", "say:rozliczenia", "say:tak@0.4",
                                   "silence", "speak:5#", "hangup"; without --input: interactive
      --from <number> --to <number>
      --now <iso-date-time>        time of the call (for business hours)
      --http <file.json>           canned HTTP answers (list of {method,url,status,body})
      --queue <id>=<outcome>[@s]   what happens in a queue, repeatable: served, timeout, full, noagents,
                                   callback, hangup, key:0 (after s seconds of waiting), e.g. billing=served@45
      --callback <outcome>         call-back offers: accepted, declined or failed (",short": short wait, no offer)
      --json                       machine-readable trace
environment: TRANSFER_ALLOW (comma-separated destination patterns), FLOWS_DIR, ACD_QUEUES_FILE`;

class UsageError extends Error {}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const [cmd, sub, ...rest] = argv;
    const env = cliEnvironment(io.env, io.cwd);
    if (cmd === 'flows' && sub === 'check') return await flowsCheck(rest, io, env);
    if (cmd === 'flows' && sub === 'test') return await flowsTest(rest, io, env);
    if (cmd === 'simulate') return await simulateCommand([sub, ...rest].filter((a): a is string => a !== undefined), io, env);
    if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') {
      io.out(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command "${argv.join(' ')}"`);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'))) {
      io.err(`ivr: ${err.message}\n${USAGE}`);
      return 2;
    }
    if (err instanceof AcdConfigError) {
      io.err(`ivr: queue configuration: ${err.message}`);
      return 2;
    }
    if (err instanceof Error && 'code' in err && (err as { code: unknown }).code === 'ENOENT') {
      io.err(`ivr: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

function printIssues(result: LoadResult, io: CliIo, cwd: string): void {
  for (const issue of result.issues) {
    const rel = issue.file.startsWith(cwd + '/') ? issue.file.slice(cwd.length + 1) : issue.file;
    const line = formatIssue({ ...issue, file: rel });
    if (issue.severity === 'error') io.err(line);
    else io.out(line);
  }
}

async function flowsCheck(args: string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  const named = positionals.length ? positionals.map((p) => resolve(io.cwd, p)) : [env.flowsDir];
  for (const p of named) if (!existsSync(p)) throw new UsageError(`no such file or folder: ${p}`);
  // `ivr flows check ivr-flows/*.json` also names the flow schema and the routes file: not flows, as in a folder.
  const paths = named.filter((p) => !NOT_FLOW_FILES.has(basename(p)));
  for (const p of named) if (!paths.includes(p)) io.out(`${relative(io.cwd, p) || p}: not a flow file (${basename(p) === 'routes.json' ? 'the number routes' : 'the flow schema'}): skipped`);
  // Subflow targets may live in the flows folder even when checking single files.
  const extraFlowIds = existsSync(env.flowsDir) ? (await flowFilesIn(env.flowsDir)).map((f) => f.replace(/^.*\//, '').replace(/\.json$/, '')) : [];
  const result = await loadFlowPaths(paths, { transferPolicy: env.transferPolicy, queues: env.queues, extraFlowIds, audioDir: join(env.flowsDir, 'audio') });
  printIssues(result, io, io.cwd);
  const errors = result.issues.filter((i) => i.severity === 'error').length;
  const warnings = result.issues.length - errors;
  const summary = `${result.fileCount} flow file(s) checked: ${result.fileCount - result.invalidFiles.length} valid, ${result.invalidFiles.length} invalid (${errors} error(s), ${warnings} warning(s))`;
  if (errors) io.err(summary);
  else io.out(summary);
  return errors ? 1 : 0;
}

async function flowsTest(args: string[], io: CliIo, env: CliEnvironment): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: { flows: { type: 'string' } } });
  const flowsDir = values.flows ? resolve(io.cwd, values.flows) : env.flowsDir;
  const loaded = await loadFlowDirectory(flowsDir, { transferPolicy: env.transferPolicy, queues: env.queues });
  const flowErrors = loaded.issues.filter((i) => i.severity === 'error');
  for (const i of flowErrors) io.err(formatIssue(i));
  const targets = positionals.length ? positionals.map((p) => resolve(io.cwd, p)) : [join(flowsDir, 'tests')];
  const files: string[] = [];
  for (const t of targets) {
    if (!existsSync(t)) throw new UsageError(`no such file or folder: ${t}`);
    files.push(...(t.endsWith('.json') ? [t] : await flowFilesIn(t)));
  }
  const flows = new Map([...loaded.flows].map(([id, f]) => [id, f.flow]));
  let passed = 0;
  let failed = 0;
  const rel = (f: string): string => (f.startsWith(io.cwd + '/') ? f.slice(io.cwd.length + 1) : f);
  const printFailure = (f: ScenarioFailure): void => {
    io.err(`    ${rel(f.file)}: ${f.pointer}: ${f.message.split('\n').join('\n      ')}`);
  };
  for (const file of files) {
    const { runs, failures } = await runScenarioFile(file, flows, env.transferPolicy);
    if (failures.length) {
      failed++;
      io.err(`✗ ${rel(file)}`);
      failures.forEach(printFailure);
    }
    for (const run of runs as ScenarioRun[]) {
      if (run.passed) {
        passed++;
        io.out(`✓ ${rel(file)} › ${run.name}`);
      } else {
        failed++;
        io.err(`✗ ${rel(file)} › ${run.name}`);
        run.failures.forEach(printFailure);
      }
    }
  }
  const line = `${passed} passed, ${failed} failed`;
  if (failed || flowErrors.length) io.err(line);
  else io.out(line);
  return failed || flowErrors.length ? 1 : 0;
}

const isMain = process.argv[1] !== undefined && /(?:cli[\\/]main\.ts|bin[\\/]ivr(?:\.js)?)$/.test(process.argv[1]);
if (isMain) {
  const code = await runCli(process.argv.slice(2), {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    isTTY: Boolean(process.stdin.isTTY),
  });
  process.exitCode = code;
}
