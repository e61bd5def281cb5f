import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumLaunchOptions, haveChromium } from '@st3/tooling/browser';
import { git, taskFile } from '../src/task-file.js';
import { json, runSt3, st3Bin, withTempDir } from '../src/run-cli.js';

const task = (id: string) =>
  taskFile(id, {
    title: `pilot task ${id}`,
    commands: ['node --version', 'pnpm lint'],
    extra: 'acceptance_criteria:\n  must: [works]\n',
  });

const ESLINT_CLEAN = JSON.stringify([{ filePath: '/repo/src/a.ts', messages: [], errorCount: 0, warningCount: 0 }]);

/** Two tasks in a git repository, each with a context created by the coder. */
async function pilotRepo(dir: string): Promise<void> {
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await writeFile(join(dir, 'tasks/TASK-0201-backend.task.yaml'), task('TASK-0201'));
  await writeFile(join(dir, 'tasks/TASK-0202-mobile.task.yaml'), task('TASK-0202'));
  await writeFile(join(dir, '.gitignore'), 'logs/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
  for (const id of ['TASK-0201', 'TASK-0202']) {
    const r = await runSt3(['tasks', 'context', 'init', id, '--agent', 'coder', '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }
}

async function st3ok(dir: string, ...args: string[]) {
  const r = await runSt3(args, { cwd: dir });
  expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
  return r;
}

const rec = (dir: string, id: string, agent: string, ...flags: string[]) =>
  st3ok(dir, 'telemetry', 'record', id, '--agent', agent, ...flags);

const byId = (criteria: { id: string }[]): Record<string, any> => Object.fromEntries(criteria.map((c) => [c.id, c]));

describe("st3 metrics: the seed's pilot, scripted", () => {
  it('pins the five criteria of two tasks and three agents to values computed by hand', async () => {
    await withTempDir(async (dir) => {
      await pilotRepo(dir);
      // Baseline run: the reviewer reads 6 files of TASK-0201; nothing else is recorded yet.
      await rec(dir, 'TASK-0201', 'reviewer', ...[1, 2, 3, 4, 5, 6].flatMap((i) => ['--file-read', `src/f${i}.ts`]));
      await st3ok(dir, 'metrics', 'dashboard', '--json');
      await copyFile(join(dir, '.st3/metrics/dashboard/rollup.json'), join(dir, 'baseline.json'));

      // TASK-0201: coder reads 2 more files (3 with the task file read at init), warns twice the same,
      // sends 800 bytes for a 1000-byte baseline; the reviewer sends 900/1000 and parses 2 JSON outputs.
      await rec(dir, 'TASK-0201', 'coder', '--file-read', 'src/a.ts', '--file-read', 'src/b.ts');
      await rec(dir, 'TASK-0201', 'coder', '--warning', 'stale excerpt');
      await rec(dir, 'TASK-0201', 'coder', '--warning', 'stale excerpt');
      await rec(dir, 'TASK-0201', 'coder', '--prompt-bytes', '800', '--baseline-bytes', '1000');
      await rec(dir, 'TASK-0201', 'reviewer', '--prompt-bytes', '900', '--baseline-bytes', '1000');
      await rec(dir, 'TASK-0201', 'reviewer', '--json-parse', 'ok');
      await rec(dir, 'TASK-0201', 'reviewer', '--json-parse', 'ok');
      // Both validation commands get their QA artifact: val-001 by run-validation, val-002 by its QA record.
      await st3ok(dir, 'tasks', 'run-validation', 'TASK-0201', '--command-id', 'val-001', '--agent', 'coder');
      await mkdir(join(dir, 'logs'));
      await writeFile(join(dir, 'logs/lint.json'), ESLINT_CLEAN);
      await st3ok(
        dir,
        'qa',
        'record',
        'TASK-0201',
        '--command',
        'pnpm lint',
        '--log',
        'logs/lint.json',
        '--agent',
        'coder',
      );
      // TASK-0202: coder reads 3 more (4), warns "w" three times, sends 700/1000; the tester only runs a
      // command (its reads are not tracked) and fails to parse one JSON answer; only val-001 is covered.
      await rec(dir, 'TASK-0202', 'coder', ...['c.ts', 'd.ts', 'e.ts'].flatMap((f) => ['--file-read', `src/${f}`]));
      for (let i = 0; i < 3; i++) await rec(dir, 'TASK-0202', 'coder', '--warning', 'w');
      await rec(dir, 'TASK-0202', 'coder', '--prompt-bytes', '700', '--baseline-bytes', '1000');
      await rec(dir, 'TASK-0202', 'tester', '--command', 'pnpm test', '--exit-code', '0', '--duration-ms', '1200');
      await rec(dir, 'TASK-0202', 'tester', '--json-parse', 'failed', '--source', 'agent-answer');
      await st3ok(dir, 'tasks', 'run-validation', 'TASK-0202', '--command-id', 'val-001', '--agent', 'coder');

      const r = await runSt3(
        ['metrics', 'collect', 'TASK-0201', 'TASK-0202', '--baseline', 'baseline.json', '--json'],
        {
          cwd: dir,
        },
      );
      expect(r.code, r.stderr).toBe(1); // the pilot fails
      const doc = json(r);
      expect(doc).toMatchObject({ ok: false, verdict: 'fail' });
      const c = byId(doc.criteria);
      // Reads: 0201/coder 3 ✓, 0201/reviewer 6 ✗, 0202/coder 4 ✓, 0202/tester not tracked → 2 of 3 < 80%.
      expect(c.file_reads_per_agent.value).toBeCloseTo(2 / 3, 10);
      expect(c.file_reads_per_agent.status).toBe('missed');
      expect(c.file_reads_per_agent.figure.value).toBeCloseTo((3 + 6 + 4) / 3, 10);
      expect(c.file_reads_per_agent.units.map((u: any) => [u.id, u.value])).toEqual([
        ['TASK-0201/coder', 3],
        ['TASK-0201/reviewer', 6],
        ['TASK-0202/coder', 4],
        ['TASK-0202/tester', null],
      ]);
      // Repeated warnings: 0201 has 1 (✓), 0202 has 2 (✗) → 50% of tasks; 3 repeats in all.
      expect(c.repeated_warnings).toMatchObject({ value: 0.5, status: 'missed', figure: { value: 3 } });
      // QA: 0201 covers 2/2, 0202 1/2 → 50% of tasks; 3 of 4 commands.
      expect(c.qa_artifact_coverage).toMatchObject({ value: 0.5, status: 'missed', figure: { value: 0.75 } });
      expect(c.qa_artifact_coverage.units[1].detail).toContain('missing: val-002');
      // Prompts: 0201 saves 1 - 1700/2000 = 15%, 0202 30% → mean 22.5% ≥ 15%.
      expect(c.prompt_size_savings.value).toBeCloseTo(0.225, 10);
      expect(c.prompt_size_savings.status).toBe('met');
      // JSON: 2 agent parses + 1 QA log parse in 0201, 1 failed answer in 0202 → 1 failure of 4.
      expect(c.json_parse_failures).toMatchObject({ value: 1, status: 'missed' });
      expect(c.json_parse_failures.detail).toBe('1 of 4 parse(s) failed');
      for (const k of Object.keys(c)) expect(c[k].source, k).toEqual(expect.any(String));
      // Against the baseline: reads worse (8/3 → 13/3 per agent), repeated warnings met → missed.
      const reads = doc.comparison.deltas.find((d: any) => d.criterion === 'file_reads_per_agent');
      expect(reads.figure.baseline).toBeCloseTo(8 / 3, 10);
      expect(reads.figure.current).toBeCloseTo(13 / 3, 10);
      expect(reads.improved).toBe(false);
      expect(doc.comparison.regressions.map((x: any) => x.criterion)).toContain('repeated_warnings');
      for (const id of ['TASK-0201', 'TASK-0202'])
        expect(JSON.parse(await readFile(join(dir, '.st3/tasks', id, 'metrics.json'), 'utf8')).task_id).toBe(id);

      const text = await runSt3(['metrics', 'compare', 'baseline.json', '.st3/tasks/TASK-0201/metrics.json'], {
        cwd: dir,
      });
      expect(text.stdout).toMatch(/file_reads_per_agent\s+2\.67 → 4\.5 reads per agent \(\+1\.83\) worse/);

      await st3ok(dir, 'metrics', 'dashboard', '--baseline', 'baseline.json', '--json');
      await openDashboard(join(dir, '.st3/metrics/dashboard/index.html'));
    });
  }, 300_000);

  it('loses nothing when agents record at the same time (6 processes × 3 records)', async () => {
    await withTempDir(async (dir) => {
      await pilotRepo(dir);
      const errors: string[] = [];
      const one = (i: number) =>
        new Promise<number | null>((resolve) => {
          const child = spawn(
            process.execPath,
            [
              st3Bin,
              'telemetry',
              'record',
              'TASK-0201',
              '--agent',
              'shared',
              '--file-read',
              `src/p${i}.ts`,
              '--bytes',
              '10',
            ],
            { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
          );
          child.stderr.on('data', (c: Buffer) => errors.push(c.toString()));
          child.on('close', resolve);
        });
      const codes = await Promise.all(
        Array.from({ length: 6 }, async (_, p) => {
          const out: (number | null)[] = [];
          for (let k = 0; k < 3; k++) out.push(await one(p));
          return out;
        }),
      );
      expect(codes.flat(), errors.join('')).toEqual(Array(18).fill(0));
      const saved = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0201/telemetry-shared.json'), 'utf8'));
      expect(saved.file_reads).toHaveLength(6);
      expect(saved.file_reads.every((f: any) => f.count === 3 && f.bytes === 30)).toBe(true);
    });
  }, 300_000);

  it('creates nothing for an unknown task and serves Prometheus metrics on loopback', async () => {
    await withTempDir(async (dir) => {
      await pilotRepo(dir);
      const unknown = await runSt3(['metrics', 'collect', 'TASK-4444', '--json'], { cwd: dir });
      expect(unknown.code).toBe(2);
      expect(json(unknown).error.code).toBe('E_CONTEXT_NOT_FOUND');
      expect(existsSync(join(dir, '.st3/tasks/TASK-4444'))).toBe(false);
      await rec(dir, 'TASK-0201', 'coder', '--file-read', 'src/a.ts', '--bytes', '5');
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
      expect(await (await fetch(url)).text()).toContain('st3_file_reads_total{agent="coder",task="TASK-0201"} 2');
      const code = await new Promise<number | null>((resolve) => {
        child.on('exit', (c) => resolve(c));
        child.kill('SIGINT');
      });
      expect(code).toBe(130);
    });
  }, 300_000);
});

describe('st3 metrics: no pass and no "no regression" on missing data', () => {
  it('collect over a measured task and an unmeasured one is incomplete; compare flags criteria no longer measured', async () => {
    await withTempDir(async (dir) => {
      await mkdir(join(dir, 'tasks'), { recursive: true });
      await mkdir(join(dir, '.st3'), { recursive: true }); // the workspace root, whatever is above it
      for (const id of ['TASK-0301', 'TASK-0302'])
        await writeFile(
          join(dir, `tasks/${id}-pilot.task.yaml`),
          taskFile(id, { extra: 'acceptance_criteria:\n  must: [works]\n' }),
        );
      git(dir, 'init', '-q');
      git(dir, 'add', '.');
      git(dir, 'commit', '-q', '-m', 'init');
      for (const id of ['TASK-0301', 'TASK-0302']) {
        await st3ok(dir, 'tasks', 'context', 'init', id, '-q');
        await st3ok(dir, 'tasks', 'run-validation', id, '-q');
      }
      // TASK-0301 meets all five criteria; TASK-0302 has its QA artifact and no telemetry.
      await rec(dir, 'TASK-0301', 'coder', '--file-read', 'tasks/TASK-0301-pilot.task.yaml');
      await rec(dir, 'TASK-0301', 'coder', '--prompt-bytes', '500', '--baseline-bytes', '1000');
      await rec(dir, 'TASK-0301', 'coder', '--json-parse', 'ok');
      await st3ok(dir, 'metrics', 'collect', 'TASK-0301', '-q');
      const alone = await runSt3(['metrics', 'collect', 'TASK-0302', '--json'], { cwd: dir });
      expect([alone.code, json(alone).verdict]).toEqual([1, 'incomplete']);

      const both = await runSt3(['metrics', 'collect', 'TASK-0301', 'TASK-0302', '--json'], { cwd: dir });
      expect(both.code, both.stderr).toBe(1);
      const doc = json(both);
      expect(doc).toMatchObject({ ok: false, verdict: 'incomplete' });
      expect(doc.tasks.map((t: any) => [t.task_id, t.verdict])).toEqual([
        ['TASK-0301', 'pass'],
        ['TASK-0302', 'incomplete'],
      ]);
      const c = byId(doc.criteria);
      // The st3 verbs recorded file reads for both tasks; TASK-0302 has no prompt size and no JSON parse.
      expect(doc.summary).toBe(
        'pilot is incomplete: 3/5 criteria met; not measured: prompt_size_savings, json_parse_failures',
      );
      for (const id of ['prompt_size_savings', 'json_parse_failures']) {
        expect(c[id], id).toMatchObject({ status: 'not measured', value: null });
        expect(c[id].detail, id).toMatch(/^not measured: TASK-0302: not measured \(/);
      }
      const text = await runSt3(['metrics', 'collect', 'TASK-0301', 'TASK-0302'], { cwd: dir });
      expect(text.code).toBe(1);
      expect(text.stdout).not.toContain('pilot passes');

      // Baseline: TASK-0301 passes. Then its telemetry becomes unreadable: 4 criteria are no longer measured.
      await st3ok(dir, 'metrics', 'collect', 'TASK-0301', '-q');
      await copyFile(join(dir, '.st3/tasks/TASK-0301/metrics.json'), join(dir, 'base.json'));
      await writeFile(join(dir, '.st3/tasks/TASK-0301/telemetry-coder.json'), '{ broken');
      expect((await runSt3(['metrics', 'collect', 'TASK-0301', '-q'], { cwd: dir })).code).toBe(1);
      const cmp = await runSt3(['metrics', 'compare', 'base.json', '.st3/tasks/TASK-0301/metrics.json'], { cwd: dir });
      expect(cmp.code, cmp.stdout + cmp.stderr).toBe(1);
      expect(cmp.stdout).toContain('baseline pass → current incomplete');
      expect(cmp.stdout).not.toContain('no regression');
      expect(cmp.stdout).toContain('regression: pilot verdict pass → incomplete');
      expect(cmp.stdout).toContain('regression: file_reads_per_agent no longer measured (met at 1 in the baseline');
      const cmpJson = await runSt3(['metrics', 'compare', 'base.json', '.st3/tasks/TASK-0301/metrics.json', '--json'], {
        cwd: dir,
      });
      expect(cmpJson.code).toBe(1);
      const r = json(cmpJson);
      expect(r).toMatchObject({ ok: false, baseline_verdict: 'pass', current_verdict: 'incomplete' });
      expect(r.regressions.filter((x: any) => !x.task).map((x: any) => x.criterion)).toEqual([
        'verdict',
        'file_reads_per_agent',
        'repeated_warnings',
        'prompt_size_savings',
        'json_parse_failures',
      ]);
    });
  }, 300_000);
});

/** Serves the written dashboard on 127.0.0.1 and clicks through it in headless Chromium. */
async function openDashboard(file: string): Promise<void> {
  if (!haveChromium) return; // .ci/run installs it; CI fails without
  const html = await readFile(file, 'utf8');
  const server = createServer((req, res) =>
    req.url === '/' ? res.writeHead(200, { 'content-type': 'text/html' }).end(html) : res.writeHead(404).end(),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { chromium: launcher } = await import('playwright-core');
  const browser = await launcher.launch(chromiumLaunchOptions());
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(await page.locator('#verdict').textContent()).toBe('Pilot: FAIL');
    expect(await page.locator('#row-prompt_size_savings').textContent()).toContain('22.5% saved');
    expect(await page.locator('#pilot').textContent()).toContain('baseline.json');
    await page.click('#details-file_reads_per_agent summary');
    expect(await page.locator('#details-file_reads_per_agent table.units').textContent()).toContain(
      'TASK-0201/reviewer',
    );
    // Two recorded runs on the trend (the baseline run and this one).
    expect(await page.locator('#trend .series-0 circle').count()).toBe(2);
    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('http://127.0.0.1:'))).toEqual([]);
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}
