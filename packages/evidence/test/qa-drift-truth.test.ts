// The review's repros of `st3 qa`: a run that measured nothing, tests that stopped passing, coverage that
// became unmeasured, a baseline of another command, a stale report and files ESLint did not check are
// never "no regression".
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QaSummary } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import {
  compareQa,
  DEFAULT_TASKS_CONFIG,
  initContext,
  qaDrift,
  qaRecordFailed,
  readContext,
  readQaRuns,
  recordQa,
  runQa,
  summarizeQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { qaNotMeasured } from '../src/qa/measured.js';
import { fixedClock, withTemp } from './helpers.js';
import { completeTask } from './task-text.js';

const SAMPLE = '/tmp/qa-sample';
const fixture = (name: string) => readFile(new URL(`./fixtures/qa/${name}`, import.meta.url), 'utf8');
const summarize = async (name: string, command: string, exitCode: number | null = 0): Promise<QaSummary> =>
  summarizeQa({ text: await fixture(name), command, exitCode, durationMs: 5, root: SAMPLE });

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(join(root, 'tasks/TASK-0060-qa.task.yaml'), completeTask('TASK-0060'));
  const ws = { root, config: DEFAULT_TASKS_CONFIG };
  await initContext(ws, 'TASK-0060', { worktree: 'skip', clock: fixedClock });
  return ws;
}

describe('qa drift: tests that vanish or were all skipped (real vitest JSON reports)', () => {
  it('10 passed, then `vitest run -t nomatch` (10 pending, exit 0): not measured (no test ran), a regression', async () => {
    const base = await summarize('vitest-10-passed.json', 'vitest run');
    const none = await summarize('vitest-nomatch.json', 'vitest run');
    expect(none.tests).toMatchObject({ total: 10, passed: 0, skipped: 10 });
    const reason = 'no test ran: all 10 were skipped or pending (none passed or failed)';
    expect(qaNotMeasured(none)).toBe(reason);
    expect(none.headline).toBe(`not measured: ${reason}`);
    const report = compareQa(base, none);
    expect(report.regression).toBe(true);
    expect(report.findings).toEqual([
      expect.objectContaining({
        kind: 'not_measured',
        regression: true,
        message: `not measured: the current run measured nothing: ${reason}; 10 passed in the baseline`,
      }),
    ]);
  });

  it('every test skipped, recorded first: not the baseline, qaRecordFailed (it was "0 of 10 tests passed", ok)', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'n.json'), (await fixture('vitest-nomatch.json')).replaceAll(SAMPLE, root));
      const r = await recordQa(ws, 'TASK-0060', { command: 'vitest run', exitCode: 0, durationMs: 1, log: 'n.json' });
      expect(r).toMatchObject({ baseline: false, notMeasured: expect.stringContaining('skipped or pending') });
      expect(qaRecordFailed(r)).toBe(true);
    });
  });

  it('fewer passing than the baseline is a regression, even where named failures do not explain it', async () => {
    const base = await summarize('vitest-10-passed.json', 'vitest run');
    const fewer = structuredClone(base);
    fewer.tests = { ...fewer.tests!, total: 7, passed: 7 };
    const report = compareQa(base, fewer);
    expect(report.regression).toBe(true);
    expect(report.findings.map((f) => f.message)).toContain('fewer tests passed: 10 → 7 (7 ran: 0 failed, 0 skipped)');
  });

  it('a run in which no test ran at all is not measured: no baseline, and drift says so', async () => {
    const report = JSON.parse(await fixture('vitest-10-passed.json')) as Record<string, unknown>;
    const empty = { ...report, numTotalTests: 0, numPassedTests: 0, numTotalTestSuites: 0, testResults: [] };
    const none = summarizeQa({
      text: JSON.stringify(empty),
      command: 'vitest run',
      exitCode: 0,
      durationMs: 1,
      root: SAMPLE,
    });
    expect(none.headline).toBe('not measured: no test ran');
    const drift = compareQa(await summarize('vitest-10-passed.json', 'vitest run'), none);
    expect(drift.regression).toBe(true);
    expect(drift.findings[0]).toMatchObject({ kind: 'not_measured', regression: true });
  });
});

describe('qa drift: coverage that became unmeasured (real jest coverage-summary with pct "Unknown")', () => {
  it('every metric measured in the baseline and 0/0 now: not measured, a regression — not "nothing to cover"', async () => {
    const base = await summarize('coverage-summary.json', 'jest --coverage');
    const unknown = await summarize('coverage-summary-unknown.json', 'jest --coverage');
    expect(unknown.headline).toMatch(/^not measured: no coverage metric was measured/);
    const report = compareQa(base, unknown);
    expect(report.regression).toBe(true);
    expect(report.findings).toEqual([expect.objectContaining({ kind: 'not_measured', regression: true })]);
    expect(report.improvements).toEqual([]);
  });

  it('one metric measured in the baseline and not now is a regression naming it', async () => {
    const base = await summarize('coverage-summary.json', 'jest --coverage');
    const now = structuredClone(base);
    now.coverage!.total.branches = { total: 0, covered: 0, pct: null };
    const report = compareQa(base, now);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'not_measured', metric: 'branches', regression: true, baseline: 66.67 }),
    ]);
    expect(compareQa(now, base).improvements).toEqual(['branches coverage now measured: 66.67%']);
  });
});

describe('qa drift: a baseline of another kind or command is not comparable', () => {
  it('compareQa and qaDrift refuse it with E_USAGE naming both keys (and the baseline file)', async () => {
    await withTemp(async (root) => {
      const lint = await summarize('eslint-no-var.json', 'pnpm lint', 1);
      const test = await summarize('vitest-10-passed.json', 'vitest run');
      expect(() => compareQa(lint, test)).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
      const ws = await workspace(root);
      await writeFile(join(root, 'vitest.json'), (await fixture('vitest-10-passed.json')).replaceAll(SAMPLE, root));
      await recordQa(ws, 'TASK-0060', { command: 'vitest run', exitCode: 0, durationMs: 1, log: 'vitest.json' });
      const refused = qaDrift(ws, 'TASK-0060', {
        key: 'test:vitest run',
        baseline: lint,
        baselineFile: 'lint-summary.json',
      });
      await expect(refused).rejects.toMatchObject({
        code: 'E_USAGE',
        file: 'lint-summary.json',
        message: expect.stringMatching(/"lint:pnpm lint".*"test:vitest run".*not comparable/),
      });
    });
  });
});

describe('runQa --report: a report the run did not write is not its report', () => {
  it('a previous coverage-summary.json left in place by a command that crashed: E_FILE_NOT_FOUND, nothing recorded', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await mkdir(join(root, 'coverage'));
      const report = join(root, 'coverage/coverage-summary.json');
      await writeFile(report, (await fixture('coverage-summary.json')).replaceAll(SAMPLE, root));
      // Written well before the run, as a previous run would have.
      await utimes(report, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      const crash = runQa(ws, 'TASK-0060', {
        argv: [process.execPath, '-e', 'process.exit(1)'],
        command: 'vitest run --coverage',
        kind: 'coverage',
        report: 'coverage/coverage-summary.json',
      });
      await expect(crash).rejects.toMatchObject({
        code: 'E_FILE_NOT_FOUND',
        message: expect.stringContaining('the one there is from before the run'),
      });
      expect(await readQaRuns(ws, 'TASK-0060')).toEqual([]);
      expect((await readContext(ws, 'TASK-0060')).validation_baseline?.qa).toBeUndefined();

      // The same report rewritten by the run is this run's.
      const rewrite = `require('node:fs').writeFileSync(${JSON.stringify(report)}, require('node:fs').readFileSync(${JSON.stringify(report)}))`;
      const ok = await runQa(ws, 'TASK-0060', {
        argv: [process.execPath, '-e', rewrite],
        command: 'vitest run --coverage',
        kind: 'coverage',
        report: 'coverage/coverage-summary.json',
      });
      expect(ok).toMatchObject({ baseline: true, summary: { headline: expect.stringMatching(/^lines 87.5%/) } });
    });
  });
});

describe('a killed run, or a failed one with nothing read, is not measured', () => {
  it('typecheck killed by its timeout: not "0 errors", not the baseline; the next measured run is', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const killed = await runQa(ws, 'TASK-0060', {
        argv: [process.execPath, '-e', 'setTimeout(() => {}, 10000)'],
        command: 'tsc --noEmit',
        kind: 'typecheck',
        timeoutMs: 300,
      });
      expect(killed.exitCode).toBeNull();
      expect(killed.summary.headline).toBe('not measured: the run was killed or timed out (no exit code)');
      expect(killed.summary.issues).toBeUndefined();
      expect(killed).toMatchObject({ baseline: false, notMeasured: expect.stringContaining('killed') });
      expect((await readContext(ws, 'TASK-0060')).validation_baseline?.qa).toBeUndefined();
      await expect(qaDrift(ws, 'TASK-0060')).rejects.toMatchObject({
        code: 'E_QA_NO_BASELINE',
        message: expect.stringContaining('not measured'),
      });

      await writeFile(join(root, 'tsc.log'), (await fixture('tsc.txt')).replaceAll(SAMPLE, root));
      const measured = await recordQa(ws, 'TASK-0060', {
        command: 'tsc --noEmit',
        exitCode: 2,
        durationMs: 1,
        log: 'tsc.log',
      });
      expect(measured).toMatchObject({ baseline: true, summary: { headline: '2 errors, 0 warnings' } });
      await runQa(ws, 'TASK-0060', {
        argv: [process.execPath, '-e', 'setTimeout(() => {}, 10000)'],
        command: 'tsc --noEmit',
        kind: 'typecheck',
        timeoutMs: 300,
      });
      const [drift] = await qaDrift(ws, 'TASK-0060');
      expect(drift).toMatchObject({ regression: true });
      expect(drift!.findings).toContainEqual(expect.objectContaining({ kind: 'not_measured', regression: true }));
      expect(drift!.improvements).toEqual([]);
    });
  });

  it('lint log that is empty with exit code 2: not measured, never the baseline, even with baseline always', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'empty.log'), '');
      for (const baseline of ['auto', 'always'] as const) {
        const r = await recordQa(ws, 'TASK-0060', {
          command: 'eslint .',
          kind: 'lint',
          exitCode: 2,
          durationMs: 1,
          log: 'empty.log',
          baseline,
        });
        expect(r.summary.headline).toMatch(/^not measured: it exited with code 2 and nothing was read/);
        expect(r).toMatchObject({ baseline: false });
      }
      expect((await readContext(ws, 'TASK-0060')).validation_baseline?.qa).toBeUndefined();
      // Empty with exit code 0 is a clean run of ESLint's default reporter.
      const clean = await recordQa(ws, 'TASK-0060', {
        command: 'eslint .',
        kind: 'lint',
        exitCode: 0,
        durationMs: 1,
        log: 'empty.log',
      });
      expect(clean).toMatchObject({ baseline: true, summary: { headline: '0 errors, 0 warnings' } });
    });
  });

  it('a stored baseline that measured nothing (recorded before this check): drift says so', async () => {
    const base = await summarize('tsc.txt', 'tsc --noEmit', 2);
    const legacy: QaSummary = {
      ...base,
      exit_code: null,
      headline: '0 errors, 0 warnings',
      issues: { errors: 0, warnings: 0, by_rule: {}, list: [], truncated: false },
    };
    const report = compareQa(legacy, base);
    expect(report.regression).toBe(true);
    expect(report.findings.map((f) => f.message)).toContainEqual(
      expect.stringContaining('the baseline measured nothing'),
    );
  });
});

describe('ESLint "File ignored" (real eslint 9 output): a file not checked is not measured', () => {
  it('is not counted as a warning; the summary names the file; its baseline errors are not "fixed"', async () => {
    const base = await summarize('eslint-no-var.json', 'eslint src', 1);
    expect(base.issues?.by_rule).toEqual({ 'no-var': { errors: 1, warnings: 0 } });
    // bad.js ignored, good.js checked clean: the run measured something.
    for (const name of ['eslint-partly-ignored.json']) {
      const now = await summarize(name, 'eslint src', 0);
      expect(qaNotMeasured(now)).toBeUndefined();
      expect(now.issues).toMatchObject({ errors: 0, warnings: 0, by_rule: {} });
      expect(now.headline).toBe('0 errors, 0 warnings; 1 file not checked: lint/src/bad.js');
      const report = compareQa(base, now);
      expect(report.improvements).toEqual(['exit code 1 → 0']);
      expect(report.regression).toBe(true);
      expect(report.findings).toEqual([
        expect.objectContaining({ kind: 'not_measured', regression: true, file: 'lint/src/bad.js', baseline: 1 }),
      ]);
      expect(report.findings[0]!.message).toContain('its 1 baseline error (no-var) are not measured, not fixed');
      // Not checked in both runs: no regression (nothing changed).
      expect(compareQa(now, structuredClone(now)).regression).toBe(false);
    }
  });

  it('a record made before this check (the message kept as a warning) is read the same way', async () => {
    const base = await summarize('eslint-no-var.json', 'eslint src', 1);
    const old = await summarize('eslint-partly-ignored.json', 'eslint src', 0);
    old.issues = {
      errors: 0,
      warnings: 1,
      by_rule: { '(no rule)': { errors: 0, warnings: 1 } },
      list: [{ ...old.issues!.list[0]!, rule: '(no rule)', severity: 'warning' }],
      truncated: false,
    };
    const report = compareQa(base, old);
    expect(report.improvements).not.toContainEqual(expect.stringContaining('no-var'));
    expect(report.regression).toBe(true);
  });
});

describe('ESLint checked no file (every file ignored, or none matched): not measured, never "0 errors"', () => {
  it('all ignored (JSON and stylish) or an empty JSON report: not measured with the reason, no figures', async () => {
    const base = await summarize('eslint-no-var.json', 'eslint src', 1);
    const cases: [string, RegExp][] = [
      ['eslint-ignored.json', /^ESLint checked no file: every file it was given is ignored .*: lint\/src\/bad\.js$/],
      [
        'eslint-ignored-stylish.txt',
        /^ESLint's output names only files it ignored .*: lint\/src\/bad\.js; .*eslint -f json/,
      ],
      ['eslint-no-file.json', /^ESLint checked no file: its report lists none/],
    ];
    for (const [name, reason] of cases) {
      const now = await summarize(name, 'eslint src', 0);
      expect(qaNotMeasured(now), name).toMatch(reason);
      expect(now.headline, name).toMatch(/^not measured: ESLint/);
      expect(now.issues, name).toBeUndefined();
      const report = compareQa(base, now);
      expect(report.regression).toBe(true);
      expect(report.findings).toContainEqual(expect.objectContaining({ kind: 'not_measured', regression: true }));
      expect(report.improvements.join(' ')).not.toContain('no-var');
    }
  });

  it('recorded first: never the baseline, and qaRecordFailed though eslint exited 0', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      await writeFile(join(root, 'lint.json'), (await fixture('eslint-ignored.json')).replaceAll(SAMPLE, root));
      const r = await recordQa(ws, 'TASK-0060', {
        command: 'eslint -f json src/bad.js',
        exitCode: 0,
        durationMs: 1,
        log: 'lint.json',
      });
      expect(r.baseline).toBe(false);
      expect(r.notMeasured).toContain('lint/src/bad.js');
      expect(qaRecordFailed(r)).toBe(true);
    });
  });
});

describe('qaRecordFailed: a run whose own figures show failures is never ok, whatever its exit code', () => {
  it('failing tests or lint errors recorded with exit 0 (a log without --exit-code, `… || true`) fail', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const record = async (name: string, command: string) => {
        await writeFile(join(root, name), (await fixture(name)).replaceAll(SAMPLE, root));
        return recordQa(ws, 'TASK-0060', { command, exitCode: 0, durationMs: 1, log: name });
      };
      const tests = await record('vitest.json', 'vitest run');
      expect(tests.summary.tests).toMatchObject({ failed: 3 });
      expect(qaRecordFailed(tests)).toBe(true);
      const lint = await record('eslint.json', 'eslint -f json .');
      expect(lint.summary.issues).toMatchObject({ errors: 2 });
      expect(qaRecordFailed(lint)).toBe(true);
      // No false red: a clean run with exit 0 passes.
      expect(qaRecordFailed(await record('vitest-10-passed.json', 'vitest run --reporter=json'))).toBe(false);
    });
  });
});

it('fixtures exist (captured outputs, see fixtures/qa/README.md)', () => {
  for (const name of [
    'vitest-10-passed.json',
    'vitest-nomatch.json',
    'coverage-summary-unknown.json',
    'eslint-ignored.json',
    'eslint-partly-ignored.json',
    'eslint-no-file.json',
  ])
    expect(existsSync(new URL(`./fixtures/qa/${name}`, import.meta.url))).toBe(true);
});
