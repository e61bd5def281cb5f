import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

function record(agent: string, reads: number, extra: Record<string, unknown> = {}) {
  return {
    schema_version: '1.0',
    agent,
    task_id: 'TASK-0001',
    started_at: '2026-01-01T00:00:00.000Z',
    ended_at: '2026-01-01T00:10:00.000Z',
    file_reads: Array.from({ length: reads }, (_, i) => ({ path: `src/f${i}.ts`, bytes: 1000, count: 1 })),
    cache: { hits: 3, misses: 1, bytes_saved: 3000, tokens_saved: 750 },
    commands: [{ argv: ['pnpm', 'test'], exit_code: 0, duration_ms: 900 }],
    warnings: [],
    counters: [{ name: 'executor.attempts', labels: {}, value: 4 }],
    histograms: [
      {
        name: 'gates.duration_ms',
        labels: { gate: 'eslint' },
        count: 1,
        sum: 420,
        min: 420,
        max: 420,
        buckets: [{ le: 500, count: 1 }],
      },
    ],
    ...extra,
  };
}

async function workspace(dir: string, reads: number) {
  const ctx = join(dir, '.st3', 'tasks', 'TASK-0001');
  await mkdir(ctx, { recursive: true });
  await writeFile(join(ctx, 'telemetry-coder.json'), JSON.stringify(record('coder', reads)));
  return ctx;
}

describe('st3 metrics', () => {
  it("collects a task's criteria, writes the dashboard and compares runs", async () => {
    await withTempDir(async (dir) => {
      const ctx = await workspace(dir, 2);
      const collected = await runSt3(['metrics', 'collect', 'TASK-0001', '--json'], { cwd: dir });
      expect(collected.code).toBe(0);
      const metrics = json(collected);
      expect(metrics.criteria.find((c: { id: string }) => c.id === 'file_reads_per_agent')).toMatchObject({
        value: 2,
        target_met: true,
      });
      expect(JSON.parse(await readFile(join(ctx, 'metrics.json'), 'utf8')).task_id).toBe('TASK-0001');

      const dash = await runSt3(['metrics', 'dashboard', '--json'], { cwd: dir });
      expect(dash.code).toBe(0);
      const html = await readFile(json(dash).html, 'utf8');
      expect(html).toContain('TASK-0001');
      expect(html).toContain('eslint');
      const baseline = join(dir, 'base.json');
      await writeFile(baseline, await readFile(join(dir, '.st3/metrics/dashboard/rollup.json')));

      // The next run reads too many files: a regression.
      await workspace(dir, 9);
      const second = await runSt3(['metrics', 'dashboard', '--json'], { cwd: dir });
      expect(second.code).toBe(0);
      const cmp = await runSt3(['metrics', 'compare', baseline, '.st3/metrics/dashboard/rollup.json', '--json'], {
        cwd: dir,
      });
      expect(cmp.code).toBe(1);
      expect(json(cmp).regressions.length).toBeGreaterThan(0);
      const same = await runSt3(['metrics', 'compare', baseline, baseline], { cwd: dir });
      expect(same.code).toBe(0);
      expect(same.stdout).toContain('no regression');
      // Two runs recorded: the trend has both, oldest first.
      const data = JSON.parse(await readFile(json(second).json, 'utf8'));
      expect(data.trend).toHaveLength(2);
      expect(data.trend[0].compliance.file_reads_per_agent).toBe(1);
      expect(data.trend[1].compliance.file_reads_per_agent).toBe(0);
    });
  });

  it('rejects bad input with the documented exit codes', async () => {
    await withTempDir(async (dir) => {
      const usage = await runSt3(['metrics', 'collect', '--json'], { cwd: dir });
      expect(usage.code).toBe(2);
      expect(json(usage).error.code).toBe('E_USAGE');
      await writeFile(join(dir, 'bad.json'), '{"schema_version": "1.0"}');
      const bad = await runSt3(['metrics', 'compare', 'bad.json', 'bad.json', '--json'], { cwd: dir });
      expect(bad.code).toBe(1);
      expect(json(bad).error.code).toBe('E_SCHEMA');
      const missing = await runSt3(['metrics', 'compare', 'nope.json', 'bad.json'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('E_FILE_NOT_FOUND');
      expect((await runSt3(['metrics', 'frobnicate'], { cwd: dir })).code).toBe(2);
    });
  });

  it('serves Prometheus metrics on loopback until interrupted', async () => {
    await withTempDir(async (dir) => {
      await workspace(dir, 1);
      const child = spawn(process.execPath, [st3Bin, 'metrics', 'serve', '--port', '0', '--json'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          try {
            resolve(JSON.parse(out).url);
          } catch {
            /* wait for the whole document */
          }
        });
        child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      const body = await (await fetch(url)).text();
      expect(body).toContain('st3_file_reads_total{agent="coder",task="TASK-0001"} 1');
      expect(body).toContain('st3_gates_duration_ms_bucket');
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGINT');
      });
      expect(code).toBe(130);
    });
  });
});
