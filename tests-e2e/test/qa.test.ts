import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

// Real outputs captured from a sample project (packages/quality-gates/test/fixtures/reports/README.md).
const SAMPLE = '/tmp/qa-sample';
const captured = (name: string) =>
  readFile(join(repoRoot, 'packages/quality-gates/test/fixtures/reports', name), 'utf8');

async function makeWorkspace(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await mkdir(join(dir, 'standards'), { recursive: true });
  await writeFile(
    join(dir, '.st3/config/tasks.yaml'),
    await readFile(join(repoRoot, 'examples/.st3/config/tasks.yaml')),
  );
  await writeFile(
    join(dir, 'standards/engineering.md'),
    await readFile(join(repoRoot, 'examples/standards/engineering.md')),
  );
  await writeFile(
    join(dir, 'tasks/TASK-0001-example-evidence.task.yaml'),
    await readFile(join(repoRoot, 'examples/tasks/TASK-0001-example-evidence.task.yaml')),
  );
}

describe('st3 qa', () => {
  it('--help lists both verbs with examples', async () => {
    const help = await runSt3(['qa', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/record/);
    expect(help.stdout).toMatch(/drift/);
    const record = await runSt3(['qa', 'record', '--help']);
    expect(record.stdout).toContain('st3 qa record TASK-0123 --command "pnpm lint" --exit-code 1 --log lint.json');
  });

  it('record (log and command) → baseline → drift exits 1 on a new lint error and a coverage drop', async () => {
    await withTempDir(async (dir) => {
      await makeWorkspace(dir);
      const st3 = (...args: string[]) => runSt3(args, { cwd: dir });
      expect((await st3('tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const lint = (await captured('eslint.json')).replaceAll(SAMPLE, dir);
      await writeFile(join(dir, 'lint.json'), lint);

      const first = await st3(
        'qa',
        'record',
        'TASK-0001',
        '--command',
        'pnpm lint',
        '--exit-code',
        '1',
        '--duration-ms',
        '812',
        '--log',
        'lint.json',
        '--json',
      );
      // The recorded lint run found errors (exit 1): recorded, made the baseline, and the verb exits 1.
      expect(first.code, first.stderr).toBe(1);
      const doc = json(first);
      expect(doc).toMatchObject({
        ok: false,
        baseline: true,
        summary: { kind: 'lint', headline: '2 errors, 1 warning', issues: { by_rule: { eqeqeq: { errors: 1 } } } },
        evidence: { type: 'qa_output', metadata: { command: 'pnpm lint', exit_code: 1, duration_ms: 812 } },
      });
      const context = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0001/context.json'), 'utf8'));
      expect(context.validation_baseline.qa['lint:pnpm lint'].issues.errors).toBe(2);
      // The task's own validation commands still join a baseline that holds only QA runs.
      expect((await st3('tasks', 'run-validation', 'TASK-0001')).code).toBe(0);
      const after = JSON.parse(await readFile(join(dir, '.st3/tasks/TASK-0001/context.json'), 'utf8'));
      expect(after.validation_baseline.results.map((r: { id: string }) => r.id)).toEqual([
        'qa:lint:pnpm lint',
        'cmd-1',
      ]);
      expect(Object.keys(after.validation_baseline.qa)).toEqual(['lint:pnpm lint']);

      // Text output of the same record, then no drift yet.
      const clean = await st3('qa', 'drift', 'TASK-0001');
      expect(clean.code, clean.stdout + clean.stderr).toBe(0);
      expect(clean.stdout).toContain('no regression');

      // A new error of an existing rule in a new file.
      const worse = JSON.parse(lint) as { filePath: string; messages: unknown[] }[];
      worse.push({
        ...worse[0]!,
        filePath: join(dir, 'src/extra.js'),
        messages: [{ ruleId: 'eqeqeq', severity: 2, message: 'Expected ===', line: 2, column: 3 }],
      });
      await writeFile(join(dir, 'lint2.json'), JSON.stringify(worse));
      const second = await st3(
        'qa',
        'record',
        'TASK-0001',
        '--command',
        'pnpm lint',
        '--exit-code',
        '1',
        '--log',
        'lint2.json',
      );
      expect(second.code, second.stdout + second.stderr).toBe(1);
      expect(second.stdout).toContain('regression');
      const drift = await st3('qa', 'drift', 'TASK-0001', '--json');
      expect(drift.code).toBe(1);
      expect(json(drift)).toMatchObject({
        ok: false,
        regression: true,
        reports: [{ key: 'lint:pnpm lint', findings: [{ kind: 'new_issue', rule: 'eqeqeq', file: 'src/extra.js' }] }],
      });

      // Coverage: run a command (argv, no shell) that writes a report, record the report, compare with a lower one.
      await writeFile(join(dir, 'summary.json'), (await captured('coverage-summary.json')).replaceAll(SAMPLE, dir));
      const cov = await st3(
        'qa',
        'record',
        'TASK-0001',
        '--command',
        'vitest run --coverage',
        '--log',
        'summary.json',
        '--kind',
        'coverage',
        '--json',
      );
      expect(json(cov).summary.coverage.total.lines.pct).toBe(87.5);
      const lower = JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8'));
      lower.total.lines.covered = 6;
      await writeFile(join(dir, 'lower.json'), JSON.stringify(lower));
      await st3('qa', 'record', 'TASK-0001', '--command', 'vitest run --coverage', '--log', 'lower.json');
      const covDrift = await st3(
        'qa',
        'drift',
        'TASK-0001',
        '--key',
        'coverage:vitest run --coverage',
        '--threshold',
        '20',
        '--json',
      );
      expect(covDrift.code).toBe(0);
      expect(
        (await st3('qa', 'drift', 'TASK-0001', '--key', 'coverage:vitest run --coverage', '--threshold', '1')).code,
      ).toBe(1);

      // Running a coverage command itself and recording the report it writes.
      await writeFile(
        join(dir, 'cov.mjs'),
        `import { writeFileSync } from 'node:fs'; writeFileSync('cov-out.json', ${JSON.stringify(JSON.stringify(lower))});`,
      );
      const ranCov = await st3(
        'qa',
        'record',
        'TASK-0001',
        '--kind',
        'coverage',
        '--report',
        'cov-out.json',
        '--json',
        '--',
        process.execPath,
        'cov.mjs',
      );
      expect(ranCov.code, ranCov.stderr).toBe(0);
      expect(json(ranCov).summary).toMatchObject({
        command: `${process.execPath} cov.mjs`,
        exit_code: 0,
        coverage: { total: { lines: { pct: 75 } } },
      });

      // Running the command itself: node prints a captured vitest JSON report and fails.
      await writeFile(
        join(dir, 'fake.mjs'),
        `process.stdout.write(${JSON.stringify((await captured('vitest.json')).replaceAll(SAMPLE, dir))}); process.exit(1);`,
      );
      const ran = await st3(
        'qa',
        'record',
        'TASK-0001',
        '--kind',
        'test',
        '--json',
        '--',
        process.execPath,
        'fake.mjs',
      );
      // Tests failed: recorded, and the verb exits 1 (ok false).
      expect(ran.code, ran.stderr).toBe(1);
      expect(json(ran)).toMatchObject({
        ok: false,
        summary: {
          kind: 'test',
          exit_code: 1,
          tests: { failed: 3, failures: [{ file: 'test/math.test.js' }, {}, {}] },
        },
      });
    });
  });

  it('reports usage and unreadable logs with exit code 2', async () => {
    await withTempDir(async (dir) => {
      await makeWorkspace(dir);
      await runSt3(['tasks', 'context', 'init', 'TASK-0001'], { cwd: dir });
      await writeFile(join(dir, 'junk.txt'), 'nothing to see\n');
      const bad = await runSt3(['qa', 'record', 'TASK-0001', '--command', 'x', '--log', 'junk.txt', '--json'], {
        cwd: dir,
      });
      expect(bad.code, bad.stdout + bad.stderr).toBe(2);
      expect(json(bad).error.code).toBe('E_QA_LOG_UNREADABLE');
      expect((await runSt3(['qa', 'record', 'TASK-0001'], { cwd: dir })).code).toBe(2);
      const none = await runSt3(['qa', 'drift', 'TASK-0001', '--json'], { cwd: dir });
      expect(json(none).error.code).toBe('E_QA_NO_BASELINE');
    });
  });
});
