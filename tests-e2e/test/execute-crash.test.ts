import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@st3/fs';
import { describe, expect, it } from 'vitest';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

/** Polls `check` until it holds (a condition on files another process writes), failing after `ms`. */
async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function setup(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3'));
  await writeFile(
    join(dir, 'graph.json'),
    JSON.stringify({
      nodes: [{ id: 'a' }, { id: 'slow' }, { id: 'z' }],
      edges: [
        { from: 'a', to: 'slow' },
        { from: 'slow', to: 'z' },
      ],
    }),
  );
  // "slow" blocks until RELEASE exists; every run is logged.
  await writeFile(
    join(dir, 'node.mjs'),
    `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
const id = process.argv[2];
appendFileSync('runs.log', id + '\\n');
if (id === 'slow' && !existsSync('RELEASE')) { writeFileSync('slow.pid', String(process.pid)); await new Promise((r) => setTimeout(r, 60000)); }
`,
  );
}

function startRun(dir: string) {
  return spawn(process.execPath, [st3Bin, 'execute', 'graph.json', '--run', `"${process.execPath}" node.mjs {id}`], {
    cwd: dir,
    stdio: 'ignore',
    env: { ...process.env, NO_COLOR: '1', CI: '1' },
  });
}

async function stateOf(dir: string) {
  const runs = join(dir, '.st3', 'runs');
  const files = existsSync(runs) ? (await readdir(runs)).filter((f) => f.endsWith('.json')) : [];
  return files.length === 1 ? JSON.parse(await readFile(join(runs, files[0]!), 'utf8')) : undefined;
}

// A killed tool orphaned to an init that reaps late stays a zombie for a while: not running.
const alive = processAlive;

describe('st3 execute after an interruption', () => {
  it.each([
    { label: 'Ctrl-C (SIGINT)', signal: 'SIGINT', exit: 130 },
    { label: 'SIGTERM (a service manager, `timeout`)', signal: 'SIGTERM', exit: 143 },
  ] as const)(
    'stops on $label: kills the running command, saves the run as cancelled, exits $exit',
    async ({ signal, exit }) => {
      await withTempDir(async (dir) => {
        await setup(dir);
        const child = startRun(dir);
        await until(
          async () => existsSync(join(dir, 'slow.pid')) && (await stateOf(dir))?.nodes.slow.status === 'running',
        );
        const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
        child.kill(signal);
        expect(await exited).toBe(exit);
        const pid = Number(await readFile(join(dir, 'slow.pid'), 'utf8'));
        await until(async () => !alive(pid), 5000);
        const saved = await stateOf(dir);
        expect(saved).toMatchObject({
          status: 'cancelled',
          nodes: { a: { status: 'succeeded' }, slow: { status: 'cancelled' }, z: { status: 'cancelled' } },
        });
        await writeFile(join(dir, 'RELEASE'), '');
        const resumed = await runSt3(['execute', '--resume', saved.id, '--json'], { cwd: dir });
        expect(json(resumed)).toMatchObject({ status: 'succeeded', stats: { reused: 1 } });
      });
    },
    120_000,
  );

  it('resumes a run whose process was killed (SIGKILL) without redoing succeeded nodes', async () => {
    await withTempDir(async (dir) => {
      await setup(dir);
      const child = startRun(dir);
      await until(
        async () => existsSync(join(dir, 'slow.pid')) && (await stateOf(dir))?.nodes.slow.status === 'running',
      );
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      const pid = Number(await readFile(join(dir, 'slow.pid'), 'utf8'));
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
      const crashed = await stateOf(dir);
      expect(crashed).toMatchObject({
        status: 'running',
        nodes: { a: { status: 'succeeded' }, slow: { status: 'running' }, z: { status: 'pending' } },
      });

      await writeFile(join(dir, 'RELEASE'), '');
      await writeFile(join(dir, 'runs.log'), '');
      const resumed = await runSt3(['execute', '--resume', crashed.id, '--json'], { cwd: dir });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(json(resumed)).toMatchObject({ status: 'succeeded', stats: { reused: 1, succeeded: 3 } });
      expect((await readFile(join(dir, 'runs.log'), 'utf8')).trim().split('\n')).toEqual(['slow', 'z']);
    });
  }, 120_000);
});
