import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git, taskFile } from '../src/task-file.js';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

const TASK = (id: string, extra = '') => taskFile(id, { title: 'a task', extra });

/** A repository with a complete task, an incomplete one (no acceptance criteria), one id used twice, and a file that does not parse. */
async function repo(dir: string): Promise<void> {
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await mkdir(join(dir, 'standards'), { recursive: true });
  await writeFile(
    join(dir, 'tasks/TASK-0101-complete.task.yaml'),
    TASK('TASK-0101', 'acceptance_criteria:\n  must: [works]\n'),
  );
  await writeFile(join(dir, 'tasks/TASK-0102-incomplete.task.yaml'), TASK('TASK-0102'));
  await writeFile(join(dir, 'tasks/TASK-0103-one.task.yaml'), TASK('TASK-0103', 'acceptance_criteria:\n  must: [a]\n'));
  await writeFile(join(dir, 'tasks/TASK-0103-two.task.yaml'), TASK('TASK-0103', 'acceptance_criteria:\n  must: [b]\n'));
  await writeFile(join(dir, 'tasks/TASK-0104-broken.task.yaml'), 'id: TASK-0104\ntitle: [unclosed\n');
  await writeFile(
    join(dir, 'standards/backend-tier.md'),
    await readFile(join(repoRoot, 'examples/standards/engineering.md')),
  );
  await writeFile(join(dir, 'big.bin'), Buffer.alloc(1_100_000, 1));
  await writeFile(join(dir, 'garbage.txt'), 'this is not the output of any QA tool\n');
  await writeFile(join(dir, 'garbage.json'), '{"not": "a rollup"}\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
}

/** [args, exit code, error code, located?] for every verb given bad input. */
const CASES: [string[], number, string, boolean?][] = [
  [['tasks', 'validate', 'missing.yaml'], 2, 'E_FILE_NOT_FOUND', true],
  [['tasks', 'show', 'TASK-0999'], 2, 'E_TASK_NOT_FOUND'],
  [['tasks', 'show', 'TASK-0103'], 2, 'E_TASK_AMBIGUOUS'],
  [['tasks', 'context', 'init', 'TASK-0102'], 1, 'E001', true],
  [['tasks', 'context', 'init', 'TASK-0103'], 2, 'E_TASK_AMBIGUOUS'],
  [['tasks', 'context', 'init', 'TASK-0104'], 1, 'E_PARSE', true],
  [['tasks', 'context', 'init', 'TASK-0999'], 2, 'E_TASK_NOT_FOUND'],
  [['tasks', 'context', 'show', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['tasks', 'context', 'diff', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['tasks', 'evidence', 'attach', 'TASK-0101', '--type', 'nope', '--file', 'x'], 2, 'E_EVIDENCE_INVALID'],
  [['tasks', 'evidence', 'attach', 'TASK-0101', '--type', 'log'], 2, 'E_USAGE'],
  [
    ['tasks', 'evidence', 'attach', 'TASK-0101', '--type', 'log', '--path', 'missing.log', '--description', 'd'],
    2,
    'E_FILE_NOT_FOUND',
    true,
  ],
  [
    ['tasks', 'evidence', 'attach', 'TASK-0101', '--type', 'file', '--path', 'big.bin', '--description', 'd'],
    1,
    'E_EVIDENCE_TOO_LARGE',
  ],
  [['tasks', 'evidence', 'list', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['tasks', 'evidence', 'verify', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [
    [
      'tasks',
      'standards',
      'attach',
      'TASK-0101',
      '--file',
      'standards/backend-tier.md',
      '--section',
      'No Such Heading',
    ],
    1,
    'E_SECTION_NOT_FOUND',
    true,
  ],
  [
    ['tasks', 'standards', 'attach', 'TASK-0101', '--file', 'standards/missing.md', '--section', 'x'],
    2,
    'E_FILE_NOT_FOUND',
    true,
  ],
  [['tasks', 'standards', 'verify', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['tasks', 'exceptions', 'add', 'TASK-0101', '--type', 'bogus'], 2, 'E_USAGE'],
  [['tasks', 'exceptions', 'resolve', 'TASK-0101', '--notes', 'n'], 2, 'E_EXCEPTION_NOT_FOUND'],
  [['tasks', 'quarantine', 'repair', 'TASK-0101'], 2, 'E_QUARANTINE_NOT_FOUND'],
  [['tasks', 'quarantine', 'release', 'TASK-0101'], 2, 'E_QUARANTINE_NOT_FOUND'],
  [['tasks', 'run-validation', 'TASK-0101', '--command-id', 'nope'], 2, 'E_USAGE'],
  [['tasks', 'run-validation', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['tasks', 'worktree', 'verify', 'TASK-0101', '--expected-agent', 'reviewer'], 1, 'E_AGENT_MISMATCH'],
  [['tasks', 'worktree', 'snapshot', 'TASK-0108'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['qa', 'record', 'TASK-0101', '--command', 'pnpm lint', '--log', 'missing.log'], 2, 'E_FILE_NOT_FOUND', true],
  [['qa', 'record', 'TASK-0101', '--command', 'pnpm lint', '--log', 'garbage.txt'], 2, 'E_QA_LOG_UNREADABLE'],
  [['qa', 'drift', 'TASK-0101'], 2, 'E_QA_NO_BASELINE'],
  [['metrics', 'collect', 'TASK-4444'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['metrics', 'compare', 'missing.json', 'garbage.json'], 2, 'E_FILE_NOT_FOUND', true],
  [['metrics', 'compare', 'garbage.json', 'garbage.json'], 1, 'E_SCHEMA', true],
  [['metrics', 'serve', '--port', '70000'], 2, 'E_USAGE'],
  [['telemetry', 'record', 'TASK-4444', '--agent', 'a', '--file-read', 'x'], 2, 'E_CONTEXT_NOT_FOUND'],
  [['telemetry', 'record', 'TASK-0101', '--agent', 'a'], 2, 'E_USAGE'],
  [['telemetry', 'record', 'TASK-0101', '--agent', 'a', '--cache-hit', 'snapshot'], 2, 'E_USAGE'],
  [['telemetry', 'record', 'TASK-0101', '--file-read', 'x'], 2, 'E_USAGE'],
  [['telemetry', 'record', 'TASK-0101', '--agent', 'a', '--prompt-bytes', 'many'], 2, 'E_USAGE'],
];

describe('every tasks, qa, metrics and telemetry verb with bad input', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-e2e-errors-'));
    cleanup = () => rm(dir, { recursive: true, force: true });
    await repo(dir);
    const init = await runSt3(['tasks', 'context', 'init', 'TASK-0101', '--agent', 'implementer', '--json'], {
      cwd: dir,
    });
    expect(init.code, init.stderr).toBe(0);
  }, 120_000);
  afterAll(() => cleanup());

  const groups = [CASES.slice(0, 13), CASES.slice(13, 26), CASES.slice(26)];
  it.each(groups.map((g, i) => [i + 1, g] as const))(
    'group %i: exits with its code and prints the JSON error document (located where there is a place)',
    async (_n, cases) => {
      for (const [args, exit, code, located] of cases) {
        const r = await runSt3([...args, '--json'], { cwd: dir });
        const label = args.join(' ');
        expect(r.code, `${label}\n${r.stdout}${r.stderr}`).toBe(exit);
        const doc = json(r);
        expect(doc, label).toMatchObject({ ok: false, error: { code, message: expect.any(String) } });
        if (located) expect(doc.error.file, `${label} names its file`).toEqual(expect.any(String));
        if (code === 'E001' || code === 'E_PARSE')
          expect([doc.error.line, doc.error.column], label).toEqual([expect.any(Number), expect.any(Number)]);
      }
    },
    300_000,
  );

  it('creates nothing for an unknown task, and refuses to overwrite a telemetry file it cannot read', async () => {
    await runSt3(['metrics', 'collect', 'TASK-4444', '--json'], { cwd: dir });
    await runSt3(['telemetry', 'record', 'TASK-4444', '--agent', 'a', '--warning', 'w'], { cwd: dir });
    expect(existsSync(join(dir, '.st3/tasks/TASK-4444'))).toBe(false);
    const bad = join(dir, '.st3/tasks/TASK-0101/telemetry-a.json');
    await writeFile(bad, '{"agent": ');
    const corrupt = await runSt3(['telemetry', 'record', 'TASK-0101', '--agent', 'a', '--warning', 'w', '--json'], {
      cwd: dir,
    });
    expect(corrupt.code).toBe(3);
    expect(json(corrupt).error).toMatchObject({ code: 'E_TELEMETRY_CORRUPT', file: bad });
    expect(await readFile(bad, 'utf8')).toBe('{"agent": ');
  });
});

describe('tasks validate and context init, in text', () => {
  it('prints each finding of tasks validate as file:line:col: CODE message (hint), and E001 at context init exits 1', async () => {
    await withTempDir(async (dir) => {
      await repo(dir);
      const v = await runSt3(['tasks', 'validate', 'tasks/TASK-0102-incomplete.task.yaml'], { cwd: dir });
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(
        /^tasks\/TASK-0102-incomplete\.task\.yaml:\d+:\d+: E001 acceptance_criteria is missing \(list what must be true/m,
      );
      const all = await runSt3(['tasks', 'validate', 'tasks', '--json'], { cwd: dir });
      expect(all.code).toBe(1);
      expect(json(all).duplicates).toEqual([
        { id: 'TASK-0103', files: ['tasks/TASK-0103-one.task.yaml', 'tasks/TASK-0103-two.task.yaml'] },
      ]);
      const listed = await runSt3(['tasks', 'list', '--json'], { cwd: dir });
      expect(json(listed).duplicates).toHaveLength(1);
      // The path picks one of the two files that share an id.
      const byPath = await runSt3(['tasks', 'show', 'tasks/TASK-0103-two.task.yaml', '--json'], { cwd: dir });
      expect(byPath.code).toBe(0);
      expect(json(byPath).task.acceptance_criteria).toEqual({ must: ['b'] });
      const e001 = await runSt3(['tasks', 'context', 'init', 'TASK-0102'], { cwd: dir });
      expect(e001.code).toBe(1);
      expect(e001.stderr).toMatch(/E001 tasks\/TASK-0102-incomplete\.task\.yaml:\d+:\d+: /);
      expect(e001.stderr).not.toContain('E_INTERNAL');
    });
  });
});
