// The review's repros of `st3 qa` against the built binary: a run that failed, measured nothing or
// regressed is never ok, and drift never passes what it could not compare.
import { existsSync } from 'node:fs';
import { mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import { json, makeWorkspace, st3Tasks } from './cli.js';

const SAMPLE = '/tmp/qa-sample';
/** Real captured tool outputs (packages/evidence/test/fixtures/qa/README.md). */
const fixture = (name: string) =>
  readFile(new URL(`../../../packages/evidence/test/fixtures/qa/${name}`, import.meta.url), 'utf8');

type RecordDoc = {
  ok: boolean;
  baseline: boolean;
  not_measured: string | null;
  summary: { headline: string; exit_code: number | null };
  drift: { regression: boolean; findings: { kind: string; message: string }[]; improvements: string[] } | null;
};
type ErrorDoc = { ok: false; error: { code: string; message: string; file?: string } };

/** A git workspace with TASK-0001's context and the named fixtures, their sample paths rewritten to it. */
async function qaWorkspace(fixtures: Record<string, string> = {}) {
  const ws = await makeWorkspace();
  const init = await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001');
  expect(init.code, init.stderr).toBe(0);
  // After init, which refuses a dirty tree.
  for (const [as, name] of Object.entries(fixtures))
    await writeFile(join(ws.dir, as), (await fixture(name)).replaceAll(SAMPLE, ws.dir));
  const record = (...args: string[]) => st3Tasks(ws.dir, 'qa', 'record', 'TASK-0001', ...args);
  return { ...ws, record };
}

describe('st3 qa record: ok and exit code follow the run and its drift', () => {
  it('10 passed, then 10 pending (`-t nomatch`): record and drift exit 1, not measured (no test ran)', async () => {
    const ws = await qaWorkspace({ 'v1.json': 'vitest-10-passed.json', 'v2.json': 'vitest-nomatch.json' });
    try {
      const first = await ws.record('--command', 'vitest run', '--log', 'v1.json', '--json');
      expect(first.code, first.stderr).toBe(0);
      expect(json<RecordDoc>(first)).toMatchObject({ ok: true, baseline: true });
      const second = await ws.record('--command', 'vitest run', '--log', 'v2.json', '--json');
      expect(second.code, second.stdout).toBe(1);
      const doc = json<RecordDoc>(second);
      expect(doc).toMatchObject({ ok: false, baseline: false, drift: { regression: true } });
      expect(doc.drift!.findings.map((f) => f.message)).toContainEqual(expect.stringContaining('no test ran'));
      const drift = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001');
      expect(drift.code, drift.stdout).toBe(1);
      expect(drift.stdout).toMatch(/^not measured {2}test:vitest run/m);
      expect(drift.stdout).toContain(
        'no test ran: all 10 were skipped or pending (none passed or failed); 10 passed in the baseline',
      );
    } finally {
      await ws.cleanup();
    }
  });

  it('every test pending, recorded first: exit 1, never the baseline (it was "0 of 10 tests passed", exit 0)', async () => {
    const ws = await qaWorkspace({ 'v2.json': 'vitest-nomatch.json' });
    try {
      const r = await ws.record('--command', 'vitest run -t nomatch', '--log', 'v2.json', '--json');
      expect(r.code, r.stdout).toBe(1);
      expect(json<RecordDoc>(r)).toMatchObject({
        ok: false,
        baseline: false,
        not_measured: 'no test ran: all 10 were skipped or pending (none passed or failed)',
      });
    } finally {
      await ws.cleanup();
    }
  });

  it('a killed typecheck and an empty lint log with exit 2: not measured, exit 1, never the baseline', async () => {
    const ws = await qaWorkspace();
    try {
      const killed = await ws.record(
        '--kind',
        'typecheck',
        '--timeout',
        '1',
        '--json',
        '--',
        'node',
        '-e',
        'setTimeout(()=>{},10000)',
      );
      expect(killed.code, killed.stdout + killed.stderr).toBe(1);
      expect(json<RecordDoc>(killed)).toMatchObject({
        ok: false,
        baseline: false,
        not_measured: expect.stringContaining('killed'),
        summary: { exit_code: null, headline: expect.stringMatching(/^not measured/) },
      });
      await writeFile(join(ws.dir, 'empty.log'), '');
      const empty = await ws.record(
        '--kind',
        'lint',
        '--command',
        'eslint .',
        '--exit-code',
        '2',
        '--log',
        'empty.log',
      );
      expect(empty.code).toBe(1);
      expect(empty.stdout).not.toContain('0 errors');
      expect(empty.stdout).toContain('not measured — not recorded as the baseline');
      const drift = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001', '--key', 'lint:eslint .', '--json');
      expect(drift.code).toBe(exitCodeFor('E_QA_NO_BASELINE'));
      expect(json<ErrorDoc>(drift).error.message).toContain('not measured');
    } finally {
      await ws.cleanup();
    }
  });

  it('coverage that became unmeasured (jest "Unknown"): exit 1, "not measured", never "nothing to cover"', async () => {
    const ws = await qaWorkspace({ 'c1.json': 'coverage-summary.json', 'c2.json': 'coverage-summary-unknown.json' });
    try {
      expect((await ws.record('--command', 'jest --coverage', '--log', 'c1.json')).code).toBe(0);
      const r = await ws.record('--command', 'jest --coverage', '--log', 'c2.json');
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).not.toContain('nothing to cover');
      expect(r.stdout).toMatch(/^not measured {2}coverage:jest --coverage/m);
    } finally {
      await ws.cleanup();
    }
  });

  it('ESLint "File ignored": the file is not checked, its no-var error is not "fixed"', async () => {
    const ws = await qaWorkspace({ 'l1.json': 'eslint-no-var.json', 'l2.json': 'eslint-partly-ignored.json' });
    try {
      const first = await ws.record(
        '--command',
        'eslint -f json src',
        '--exit-code',
        '1',
        '--log',
        'l1.json',
        '--json',
      );
      // The recorded run failed (exit 1): the check ran and found problems.
      expect(first.code).toBe(1);
      expect(json<RecordDoc>(first)).toMatchObject({ ok: false, baseline: true });
      const r = await ws.record('--command', 'eslint -f json src', '--log', 'l2.json');
      expect(r.code, r.stdout).toBe(1);
      expect(r.stdout).toContain('0 errors, 0 warnings; 1 file not checked: lint/src/bad.js');
      expect(r.stdout).toContain('lint/src/bad.js was not checked (File ignored because of a matching ignore pattern');
      expect(r.stderr + r.stdout).not.toMatch(/✓ no-var/);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa record: a real ESLint run that checked no file is not measured, never "0 errors"', () => {
  const eslint = fileURLToPath(new URL('../../../node_modules/.bin/eslint', import.meta.url));
  const files = {
    'eslint.config.mjs': "export default [{ ignores: ['lib/**'] }, { rules: { 'no-var': 'error' } }];\n",
    'lib/a.js': 'var a = 1;\nconsole.log(a);\n',
  };

  it('every file ignored by its config (stylish and -f json) or none matched: exit 1, never the baseline', async () => {
    const ws = await makeWorkspace({ files });
    try {
      expect((await st3Tasks(ws.dir, 'tasks', 'context', 'init', 'TASK-0001')).code).toBe(0);
      const runs: [string[], RegExp][] = [
        [[eslint, 'lib/a.js'], /^ESLint's output names only files it ignored .*: lib\/a\.js;/],
        [
          [eslint, '-f', 'json', 'lib/a.js'],
          /^ESLint checked no file: every file it was given is ignored .*: lib\/a\.js$/,
        ],
        [
          [eslint, '-f', 'json', '--no-error-on-unmatched-pattern', 'gen/*.js'],
          /^ESLint checked no file: its report lists none/,
        ],
      ];
      for (const [argv, reason] of runs) {
        const r = await st3Tasks(ws.dir, 'qa', 'record', 'TASK-0001', '--kind', 'lint', '--json', '--', ...argv);
        expect(r.code, r.stdout + r.stderr).toBe(1);
        const doc = json<RecordDoc>(r);
        expect(doc).toMatchObject({ ok: false, baseline: false, summary: { exit_code: 0 } });
        expect(doc.not_measured).toMatch(reason);
        expect(doc.summary.headline).toMatch(/^not measured: ESLint/);
      }
    } finally {
      await ws.cleanup();
    }
  });
});

describe("st3 qa record --log without --exit-code: the log's own failures fail the record", () => {
  it('"3 of 5 tests failed" and "2 errors" taken as exit 0: exit 1, ok false (they were ok, exit 0)', async () => {
    const ws = await qaWorkspace({ 'v.json': 'vitest.json', 'l.json': 'eslint.json' });
    try {
      for (const [command, log] of [
        ['vitest run', 'v.json'],
        ['eslint -f json .', 'l.json'],
      ]) {
        const r = await ws.record('--command', command!, '--log', log!, '--json');
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(json<RecordDoc>(r)).toMatchObject({ ok: false, baseline: true, summary: { exit_code: 0 } });
      }
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa drift --baseline: a baseline of another kind or command', () => {
  it('an eslint baseline for "test:vitest run": E_USAGE naming both, exit 2', async () => {
    const ws = await qaWorkspace({ 'lint.json': 'eslint-no-var.json', 'v1.json': 'vitest-10-passed.json' });
    try {
      const lint = await ws.record('--command', 'pnpm lint', '--exit-code', '1', '--log', 'lint.json', '--json');
      await writeFile(join(ws.dir, 'lint-summary.json'), lint.stdout);
      expect((await ws.record('--command', 'vitest run', '--log', 'v1.json')).code).toBe(0);
      const args = ['qa', 'drift', 'TASK-0001', '--baseline', 'lint-summary.json', '--key', 'test:vitest run'];
      const r = await st3Tasks(ws.dir, ...args, '--json');
      expect(r.code, r.stdout).toBe(2);
      const { error } = json<ErrorDoc>(r);
      expect(error.code).toBe('E_USAGE');
      expect(error.message).toMatch(/"lint:pnpm lint".*"test:vitest run".*not comparable/);
      const text = await st3Tasks(ws.dir, ...args);
      expect(text.stdout).not.toContain('no regression');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa record --report: a report the run did not write', () => {
  it('a previous coverage-summary.json and a command that crashes: E_FILE_NOT_FOUND, nothing recorded', async () => {
    const ws = await qaWorkspace();
    try {
      await mkdir(join(ws.dir, 'coverage'));
      const report = join(ws.dir, 'coverage/coverage-summary.json');
      await writeFile(report, (await fixture('coverage-summary.json')).replaceAll(SAMPLE, ws.dir));
      await utimes(report, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      const args = ['--kind', 'coverage', '--report', 'coverage/coverage-summary.json', '--json'];
      const r = await ws.record(...args, '--', 'node', '-e', 'process.exit(1)');
      expect(r.code, r.stdout).toBe(exitCodeFor('E_FILE_NOT_FOUND'));
      expect(json<ErrorDoc>(r).error).toMatchObject({
        code: 'E_FILE_NOT_FOUND',
        message: expect.stringContaining('from before the run'),
      });
      expect(existsSync(join(ws.dir, '.st3/tasks/TASK-0001/qa/runs.json'))).toBe(false);
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa drift --baseline: a raw log as the baseline', () => {
  it('is dated by the file (when it was written), never 1970', async () => {
    const ws = await qaWorkspace({ 'v1.json': 'vitest-10-passed.json', 'old.json': 'vitest-10-passed.json' });
    try {
      expect((await ws.record('--command', 'vitest run', '--log', 'v1.json')).code).toBe(0);
      const when = new Date('2026-03-04T05:06:07Z');
      await utimes(join(ws.dir, 'old.json'), when, when);
      const r = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001', '--baseline', 'old.json');
      expect(r.stdout, r.stderr).toContain('baseline 2026-03-04T05:06:07.000Z');
      expect(r.stdout).not.toContain('1970');
    } finally {
      await ws.cleanup();
    }
  });
});

describe('st3 qa drift: a command whose runs measured nothing (no baseline) next to one that has a baseline', () => {
  it('the other command is still judged; this one is "not measured" with why; exit 1 (was E_QA_NO_BASELINE, exit 2)', async () => {
    const ws = await qaWorkspace({ 'v1.json': 'vitest-10-passed.json' });
    try {
      await writeFile(join(ws.dir, 'tsc.log'), '');
      expect((await ws.record('--command', 'vitest run', '--log', 'v1.json')).code).toBe(0);
      const tsc = await ws.record(
        '--kind',
        'typecheck',
        '--command',
        'tsc -p b',
        '--log',
        'tsc.log',
        '--exit-code',
        '2',
      );
      expect(tsc.code, tsc.stdout).toBe(1);

      const drift = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001', '--json');
      expect(drift.code, drift.stdout).toBe(1);
      expect(json(drift)).toMatchObject({
        ok: false,
        regression: true,
        reports: [{ key: 'test:vitest run', regression: false }],
        no_baseline: [
          {
            key: 'typecheck:tsc -p b',
            current: { exit_code: 2 },
            reason: expect.stringContaining('its latest run measured nothing (it exited with code 2'),
          },
        ],
      });
      const text = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001');
      expect(text.code, text.stdout).toBe(1);
      expect(text.stdout).toMatch(/^no regression {2}test:vitest run$/m);
      expect(text.stdout).toMatch(/^not measured {2}typecheck:tsc -p b\n {2}baseline none: not measured — /m);
      // Only the vitest command: judged, exit 0.
      const one = await st3Tasks(ws.dir, 'qa', 'drift', 'TASK-0001', '--key', 'test:vitest run', '--json');
      expect(one.code, one.stdout).toBe(0);
      expect(json(one)).toMatchObject({ ok: true, no_baseline: [] });
    } finally {
      await ws.cleanup();
    }
  });
});
