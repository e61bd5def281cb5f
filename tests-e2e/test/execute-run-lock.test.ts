import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

// One process executes a run at a time: `st3 execute --resume` of a run still executing is refused at
// once (E_LOCKED, exit 3) instead of running its nodes a second time, and works once the run has ended.
const until = async (ok: () => Promise<boolean> | boolean, ms = 30_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (await ok()) return;
  throw new Error('timed out waiting');
};

describe('st3 execute holds its run', () => {
  it('a --resume of a run still executing is refused; after it ends, the resume reuses every node', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, '.st3'), { recursive: true });
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [] }));
      // Each node waits for GO before it succeeds: the run stays open while the second command is tried.
      await writeFile(
        join(dir, 'node.mjs'),
        "import { existsSync } from 'node:fs';\nwhile (!existsSync('GO')) await new Promise((r) => setTimeout(r, 20));\n",
      );
      const first = spawn(
        process.execPath,
        [st3Bin, 'execute', 'graph.json', '--run', `"${process.execPath}" node.mjs {id}`, '--json'],
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      first.stdout.on('data', (c: Buffer) => (out += c));
      const exited = new Promise<number | null>((r) => first.on('exit', r));
      try {
        const runs = join(dir, '.st3', 'runs');
        let runId = '';
        await until(async () => {
          const names = existsSync(runs) ? await readdir(runs) : [];
          runId = names.find((n) => n.endsWith('.json'))?.replace(/\.json$/, '') ?? '';
          return runId !== '';
        });
        const refused = await runSt3(['execute', '--resume', runId, '--json'], { cwd: dir });
        expect(refused.code, refused.stderr + refused.stdout).toBe(3);
        expect(json(refused).error).toMatchObject({ code: 'E_LOCKED' });
        expect(json(refused).error.message).toContain(`run "${runId}" is being executed by another process`);
        await writeFile(join(dir, 'GO'), '');
        expect(await exited).toBe(0);
        expect(JSON.parse(out)).toMatchObject({ runId, status: 'succeeded' });
        expect(await readdir(runs)).toEqual([`${runId}.json`]); // the lock is gone with the run
        const resumed = await runSt3(['execute', '--resume', runId, '--json'], { cwd: dir });
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(json(resumed).stats).toMatchObject({ total: 2, succeeded: 2, reused: 2 });
      } finally {
        first.kill('SIGKILL');
      }
    });
  }, 120_000);
});
