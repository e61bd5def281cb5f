import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive } from '@st3/fs';
import { describe, expect, it } from 'vitest';
import { st3Bin, withTempDir } from '../src/run-cli.js';

// A killed tool orphaned to an init that reaps late stays a zombie for a while: not running.
const alive = processAlive;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

describe('a second Ctrl-C', () => {
  it('exits 130 at once and leaves no tool running, even one that ignores SIGTERM', async () => {
    await withTempDir(async (dir) => {
      await writeFile(join(dir, 'graph.json'), JSON.stringify({ nodes: [{ id: 'stubborn' }], edges: [] }));
      // A tool that ignores SIGTERM: the first Ctrl-C's graceful stop would wait for the kill grace.
      await writeFile(
        join(dir, 'tool.mjs'),
        "import { writeFileSync } from 'node:fs';\nprocess.on('SIGTERM', () => {});\nwriteFileSync('tool.pid', String(process.pid));\nsetInterval(() => {}, 1000);\n",
      );
      const child = spawn(
        process.execPath,
        [st3Bin, 'execute', 'graph.json', '--run', `"${process.execPath}" tool.mjs`],
        {
          cwd: dir,
          stdio: 'ignore',
          env: { ...process.env, NO_COLOR: '1' },
        },
      );
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      expect(await until(() => existsSync(join(dir, 'tool.pid')), 30_000)).toBe(true);
      const pid = Number(await readFile(join(dir, 'tool.pid'), 'utf8'));
      child.kill('SIGINT');
      // Two signals sent back to back can arrive as one (POSIX signals do not queue): the second is its own.
      await new Promise((r) => setTimeout(r, 300));
      const second = Date.now();
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      // At once: the graceful stop of the first would wait out the tool's SIGTERM→SIGKILL grace (2 s).
      expect(Date.now() - second).toBeLessThan(1500);
      // Well inside the runner's SIGTERM→SIGKILL grace: only the second Ctrl-C's own kill explains it.
      expect(await until(() => !alive(pid), 1000)).toBe(true);
    });
  }, 60_000);
});
