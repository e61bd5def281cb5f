import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compareQa,
  DEFAULT_TASKS_CONFIG,
  detectQaFormat,
  initContext,
  qaDrift,
  readContext,
  readEvidenceIndex,
  readQaRuns,
  recordQa,
  runQa,
  summarizeQa,
  type EvidenceWorkspace,
} from '../src/index.js';
import { fixedClock, realWorld, withTemp } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

const SAMPLE = '/tmp/qa-sample';
const fixture = (name: string) => readFile(new URL(`./fixtures/qa/${name}`, import.meta.url), 'utf8');
const summarize = async (name: string, extra: { kind?: 'lint' | 'typecheck' | 'test' | 'coverage' } = {}) =>
  summarizeQa({
    text: await fixture(name),
    command: `run ${name}`,
    exitCode: 1,
    durationMs: 10,
    root: SAMPLE,
    recordedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  });

describe('summarizeQa (real captured outputs)', () => {
  it('ESLint JSON: counts by rule through the eslint gate preset', async () => {
    const s = await summarize('eslint.json');
    expect(s).toMatchObject({ kind: 'lint', format: 'eslint-json', headline: '2 errors, 1 warning' });
    expect(s.issues?.by_rule).toEqual({
      eqeqeq: { errors: 1, warnings: 0 },
      'no-unused-vars': { errors: 1, warnings: 0 },
      'no-console': { errors: 0, warnings: 1 },
    });
    expect(s.issues?.list[0]).toMatchObject({ file: 'src/math.js', line: 6, rule: 'eqeqeq', severity: 'error' });
  });

  it('tsc --pretty false: type errors by code and file', async () => {
    const s = await summarize('tsc.txt');
    expect(s).toMatchObject({ kind: 'typecheck', format: 'tsc-text', headline: '2 errors, 0 warnings' });
    expect(s.issues?.list.map((i) => [i.file, i.line, i.rule])).toEqual([
      ['src/typed.ts', 2, 'TS2322'],
      ['src/typed.ts', 5, 'TS2552'],
    ]);
    expect(
      summarizeQa({ text: '', command: 'tsc', exitCode: 0, durationMs: 1, root: SAMPLE, kind: 'typecheck' }).headline,
    ).toBe('0 errors, 0 warnings');
  });

  it('test reports: vitest JSON, vitest text and jest text give failing tests with file and message', async () => {
    const json = await summarize('vitest.json');
    const text = await summarize('vitest.txt');
    expect(json).toMatchObject({ kind: 'test', format: 'jest-json', headline: '3 of 5 tests failed' });
    expect(text).toMatchObject({ kind: 'test', format: 'vitest-text', headline: '3 of 5 tests failed' });
    expect(text.tests?.failures.map((f) => [f.name, f.file])).toEqual(
      json.tests?.failures.map((f) => [f.name, f.file]),
    );
    const jest = await summarize('jest.txt');
    expect(jest).toMatchObject({
      format: 'jest-text',
      tests: {
        total: 3,
        failed: 1,
        failures: [{ name: 'jest math adds badly', file: 'jtest/math.test.cjs', line: 4 }],
      },
    });
  });

  it('coverage: istanbul summary and lcov', async () => {
    expect(await summarize('coverage-summary.json')).toMatchObject({
      kind: 'coverage',
      format: 'istanbul-summary',
      headline: 'lines 87.5%, statements 81.82%, functions 100%, branches 66.67%',
    });
    expect((await summarize('lcov.info')).coverage?.total.lines).toEqual({ total: 8, covered: 7, pct: 87.5 });
  });

  it('refuses a log that is not of the kind asked for, or of no known format', async () => {
    await expect(summarize('eslint.json', { kind: 'test' })).rejects.toMatchObject({ code: 'E_QA_LOG_UNREADABLE' });
    expect(() => summarizeQa({ text: 'all good!', command: 'x', exitCode: 0, durationMs: 1, root: SAMPLE })).toThrow(
      expect.objectContaining({ code: 'E_QA_LOG_UNREADABLE' }),
    );
    expect(detectQaFormat(await fixture('coverage-summary.json'), 'coverage')).toBe('istanbul-summary');
  });
});

describe('compareQa', () => {
  it('reports new lint errors by rule and file, not moved lines; fixed ones are improvements', async () => {
    const base = await summarize('eslint.json');
    const moved = structuredClone(base);
    for (const i of moved.issues!.list) i.line += 10;
    expect(compareQa(base, moved).regression).toBe(false);
    const worse = structuredClone(base);
    worse.issues!.list.push({ file: 'src/new.js', line: 1, rule: 'eqeqeq', severity: 'error', message: 'x' });
    worse.issues!.list = worse.issues!.list.filter((i) => i.rule !== 'no-unused-vars');
    const report = compareQa(base, worse);
    expect(report.regression).toBe(true);
    expect(report.findings).toEqual([
      expect.objectContaining({ kind: 'new_issue', rule: 'eqeqeq', file: 'src/new.js', baseline: 0, current: 1 }),
    ]);
    expect(report.improvements).toEqual(['no-unused-vars in src/math.js: 1 → 0']);
  });

  it('reports exit code changes, new failing tests and coverage drops beyond the threshold', async () => {
    const tests = await summarize('vitest.json');
    const passing = { ...structuredClone(tests), exit_code: 0, tests: { ...tests.tests!, failed: 0, failures: [] } };
    const r = compareQa(passing, tests);
    expect(r.findings.filter((f) => f.kind === 'new_failing_test').map((f) => f.test)).toEqual([
      'math divides',
      'math clamps high values',
      'throws on zero',
    ]);
    expect(r.findings.find((f) => f.kind === 'exit_code')).toMatchObject({ regression: true, baseline: 0, current: 1 });
    expect(compareQa(tests, passing)).toMatchObject({
      regression: false,
      improvements: expect.arrayContaining(['exit code 1 → 0']),
    });

    const cov = await summarize('coverage-summary.json');
    const lower = structuredClone(cov);
    lower.coverage!.total.lines = { total: 8, covered: 6, pct: 75 };
    lower.coverage!.total.branches = { total: 6, covered: 4, pct: 66.5 };
    const drift = compareQa(cov, lower, { threshold: 1 });
    expect(drift.findings.filter((f) => f.regression).map((f) => f.metric)).toEqual(['lines']);
    expect(drift.findings.find((f) => f.metric === 'branches')?.regression).toBe(false);
    expect(compareQa(cov, lower, { threshold: 20 }).regression).toBe(false);
  });

  it('property: a run compared with itself never regresses', async () => {
    const kinds = await Promise.all(
      ['eslint.json', 'tsc.txt', 'vitest.json', 'coverage-summary.json'].map((n) => summarize(n)),
    );
    fc.assert(
      fc.property(fc.constantFrom(...kinds), fc.integer({ min: -1, max: 3 }), (s, exit) => {
        const run = { ...s, exit_code: exit };
        const r = compareQa(run, structuredClone(run));
        expect(r.regression).toBe(false);
        expect(r.findings.filter((f) => f.regression)).toEqual([]);
      }),
    );
  });
});

async function workspace(root: string): Promise<EvidenceWorkspace> {
  await mkdir(join(root, 'tasks'), { recursive: true });
  await writeFile(
    join(root, 'tasks/TASK-0913.task.yaml'),
    await readFile(join(realWorld, 'tasks', 'TASK-0913-image-processing-coverage-gap.task.yaml')),
  );
  const ws = { root, config: { ...DEFAULT_TASKS_CONFIG, task_dirs: ['tasks'] } };
  await initContext(ws, 'TASK-0913', { clock: fixedClock });
  return ws;
}

describeWithFixtures('recordQa / qaDrift in a task context', () => {
  it('stores qa_output evidence, keeps the first run as baseline, and reports drift of the next run', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const log = (await fixture('eslint.json')).replaceAll(SAMPLE, root);
      await writeFile(join(root, 'lint-1.json'), log);
      const first = await recordQa(ws, 'TASK-0913', {
        command: 'pnpm lint',
        exitCode: 1,
        durationMs: 1234,
        log: 'lint-1.json',
        clock: fixedClock,
      });
      expect(first).toMatchObject({
        baseline: true,
        summary: { key: 'lint:pnpm lint', headline: '2 errors, 1 warning', evidence_id: first.evidence.id },
      });
      expect(first.drift).toBeUndefined();
      expect(first.evidence).toMatchObject({
        type: 'qa_output',
        metadata: { command: 'pnpm lint', exit_code: 1, duration_ms: 1234, kind: 'lint' },
      });
      const context = await readContext(ws, 'TASK-0913');
      expect(context.validation_baseline?.qa?.['lint:pnpm lint']?.issues?.errors).toBe(2);
      expect(context.validation_baseline?.results.map((r) => r.id)).toEqual(['qa:lint:pnpm lint']);
      expect(context.evidence.map((e) => e.type)).toEqual(['qa_output']);

      // Second run: one more eqeqeq error in a new file.
      const worse = JSON.parse(log) as { filePath: string; messages: unknown[] }[];
      worse.push({
        ...worse[0]!,
        filePath: join(root, 'src/extra.js'),
        messages: [{ ruleId: 'eqeqeq', severity: 2, message: 'Expected === and instead saw ==.', line: 3, column: 7 }],
      });
      await writeFile(join(root, 'lint-2.json'), JSON.stringify(worse));
      const second = await recordQa(ws, 'TASK-0913', {
        command: 'pnpm  lint',
        exitCode: 1,
        durationMs: 900,
        log: 'lint-2.json',
        clock: fixedClock,
      });
      expect(second.baseline).toBe(false);
      expect(second.drift?.findings).toEqual([
        expect.objectContaining({ kind: 'new_issue', rule: 'eqeqeq', file: 'src/extra.js' }),
      ]);
      const [report] = await qaDrift(ws, 'TASK-0913');
      expect(report).toMatchObject({ key: 'lint:pnpm lint', regression: true });
      expect((await readQaRuns(ws, 'TASK-0913')).map((r) => r.issues?.errors)).toEqual([2, 3]);
      expect((await readEvidenceIndex(ws, 'TASK-0913')).entries).toHaveLength(2);
      expect(
        (await readContext(ws, 'TASK-0913')).validation_runs
          .filter((r) => r.id === 'qa:lint:pnpm lint')
          .map((r) => r.stdout_tail),
      ).toEqual(['3 errors, 1 warning']);
      // Against itself as an explicit baseline: no drift.
      expect((await qaDrift(ws, 'TASK-0913', { baseline: second.summary }))[0]!.regression).toBe(false);
    });
  });

  it('runQa runs argv without a shell, keeps the output as evidence and records it', async () => {
    await withTemp(async (root) => {
      const ws = await workspace(root);
      const script = join(root, 'fake-vitest.mjs');
      await writeFile(
        script,
        `process.stdout.write(${JSON.stringify((await fixture('vitest.json')).replaceAll(SAMPLE, root))}); process.exit(1);`,
      );
      const r = await runQa(ws, 'TASK-0913', {
        argv: [process.execPath, script, '; echo not-a-shell'],
        command: 'vitest run --reporter=json',
        clock: fixedClock,
      });
      expect(r.exitCode).toBe(1);
      expect(r.summary).toMatchObject({ kind: 'test', exit_code: 1, tests: { failed: 3 } });
      expect(r.summary.tests?.failures[0]?.file).toBe('test/math.test.js');
      await expect(
        runQa(ws, 'TASK-0913', { argv: ['st3-no-such-tool-xyz'], command: 'nothing' }),
      ).rejects.toMatchObject({ code: 'E_TOOL_NOT_FOUND' });

      // A coverage run: the report file it writes is recorded, not its output.
      const cov = join(root, 'fake-coverage.mjs');
      await writeFile(
        cov,
        `import { mkdirSync, writeFileSync } from 'node:fs'; mkdirSync('coverage', { recursive: true }); writeFileSync('coverage/coverage-summary.json', ${JSON.stringify((await fixture('coverage-summary.json')).replaceAll(SAMPLE, root))}); console.log('% Coverage report from v8');`,
      );
      const covered = await runQa(ws, 'TASK-0913', {
        argv: [process.execPath, cov],
        command: 'vitest run --coverage',
        kind: 'coverage',
        report: 'coverage/coverage-summary.json',
      });
      expect(covered.summary).toMatchObject({
        kind: 'coverage',
        format: 'istanbul-summary',
        exit_code: 0,
        coverage: { files: [{ file: 'src/math.js' }] },
      });
      await expect(
        runQa(ws, 'TASK-0913', { argv: [process.execPath, '-e', ''], command: 'nothing', report: 'missing.json' }),
      ).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND' });
      await expect(qaDrift(ws, 'TASK-0913', { key: 'lint:none' })).rejects.toMatchObject({ code: 'E_QA_NO_BASELINE' });
    });
  });
});
