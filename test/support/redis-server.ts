/**
 * Starts a private redis-server on a free loopback port, in a temporary
 * folder, with persistence off; used by the vitest global setup, the Redis
 * Cluster test and the ACD benchmark. `stop()` ends it and removes the folder.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateRedis {
  url: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `redis-server args` and resolves once its output contains `ready`,
 * with a stop() that ends it and removes `dir`. A process that ends without
 * stop() (a crash, process.exit) does not leave the server running.
 */
export async function spawnRedisProcess(args: string[], dir: string, ready: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const onData = (buf: Buffer): void => {
      out += buf.toString();
      if (out.includes(ready)) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${out}`)));
    child.once('error', (err) => reject(new Error(`cannot start redis-server (is it installed?): ${err.message}`)));
  });
  const killOnExit = (): void => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  return {
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `extraArgs(dir)` adds arguments (e.g. cluster mode with a nodes file in `dir`). */
export async function startRedisServer(name: string, extraArgs: (dir: string) => string[] = () => []): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `ivr-${name}-redis-`));
  const proc = await spawnRedisProcess(
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs(dir)],
    dir,
    'Ready to accept connections',
  );
  return { url: `redis://127.0.0.1:${port}`, port, dir, stop: () => proc.stop() };
}
