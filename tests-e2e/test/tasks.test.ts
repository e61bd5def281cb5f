import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';
import { git } from '../src/task-file.js';
import { itWithFixtures } from '@st3/tooling/fixtures';

async function makeRepo(dir: string): Promise<void> {
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'tasks/completed'), { recursive: true });
  await mkdir(join(dir, 'standards'), { recursive: true });
  await writeFile(
    join(dir, '.st3/config/tasks.yaml'),
    await readFile(join(repoRoot, 'examples/.st3/config/tasks.yaml')),
  );
  await writeFile(
    join(dir, 'standards/engineering.md'),
    await readFile(join(repoRoot, 'examples/standards/engineering.md')),
  );
  const task = (await readFile(join(repoRoot, 'examples/tasks/TASK-0001-example-evidence.task.yaml'), 'utf8')).replace(
    '    - command: node --version\n      description: The runtime is available\n',
    `    - command: node -e "process.exit(process.env.FOO==='bar'?0:1)"\n      description: sees --env\n    - id: blocked\n      command: [node, --version]\n      blocker_id: TASK-0002\n`,
  );
  await writeFile(join(dir, 'tasks/TASK-0001-example-evidence.task.yaml'), task);
  // The blocker: a task still in progress (a blocker id that names no task is a mistake, never a wait).
  const blocker = (await readFile(join(repoRoot, 'examples/tasks/TASK-0001-example-evidence.task.yaml'), 'utf8'))
    .replace('id: TASK-0001', 'id: TASK-0002')
    .replace('status: todo', 'status: in_progress');
  await writeFile(join(dir, 'tasks/TASK-0002-blocker.task.yaml'), blocker);
  await writeFile(join(dir, '.gitignore'), 'artifacts/\n');
  await writeFile(join(dir, 'src.ts'), 'export const a = 1;\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
  await mkdir(join(dir, 'artifacts/coverage/lcov'), { recursive: true });
  await writeFile(join(dir, 'artifacts/coverage/summary.json'), '{"lines": 91}\n');
  await writeFile(join(dir, 'artifacts/coverage/lcov/index.html'), '<html>ok</html>\n');
  await writeFile(join(dir, 'artifacts/notes.txt'), 'a note\n');
  await writeFile(
    join(dir, 'artifacts/bundle.tar.gz'),
    Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
  );
  await writeFile(join(dir, 'artifacts/build.log'), 'build ok\n');
  await writeFile(join(dir, 'artifacts/screen.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  await writeFile(join(dir, 'artifacts/test-output.txt'), 'Tests: 12 passed\n');
  await writeFile(join(dir, 'artifacts/summary.md'), '# Summary\n\nDone.\n');
  await writeFile(join(dir, 'artifacts/change.diff'), '--- a\n+++ b\n');
}

describe('st3 tasks: full lifecycle in a temporary git repository', () => {
  it('init → attach every type → standards → run-validation → worktree verify → purge', async () => {
    await withTempDir(async (dir) => {
      await makeRepo(dir);
      const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir });

      const validated = await st3('validate', '--json');
      expect(validated.code).toBe(0);
      expect(json(validated)).toMatchObject({ ok: true, checked: 2 });
      expect(json(await st3('list', '--json')).tasks.map((t: { id: string }) => t.id)).toEqual([
        'TASK-0001',
        'TASK-0002',
      ]);

      const init = await st3('context', 'init', 'TASK-0001', '--json');
      expect(init.code, init.stderr).toBe(0);
      const ctx = json(init).context;
      expect(ctx.immutable.snapshot.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(ctx.standards.map((s: { section: string }) => s.section).sort()).toEqual(['evidence', 'validation']);

      const snap = await st3('worktree', 'snapshot', 'TASK-0001', '--json');
      expect(snap.code, snap.stderr).toBe(0);
      expect(json(snap).snapshot.dirty).toEqual([]);

      const attach = async (type: string, file: string, ...extra: string[]) => {
        const r = await st3(
          'evidence',
          'attach',
          'TASK-0001',
          '--type',
          type,
          '--file',
          file,
          '--description',
          `${type} evidence`,
          ...extra,
          '--json',
        );
        expect(r.code, r.stdout + r.stderr).toBe(0);
        return json(r).entry;
      };
      const dirEntry = await attach('directory', 'artifacts/coverage');
      expect(dirEntry).toMatchObject({ stored: `${dirEntry.id}.tar.zst`, file_count: 2 });
      await attach('file', 'artifacts/notes.txt');
      await attach('archive', 'artifacts/bundle.tar.gz');
      await attach('log', 'artifacts/build.log');
      await attach('screenshot', 'artifacts/screen.png');
      await attach(
        'qa_output',
        'artifacts/test-output.txt',
        '--meta',
        'command=pnpm test',
        '--meta',
        'exit_code=0',
        '--meta',
        'duration_ms=1200',
      );
      await attach('summary', 'artifacts/summary.md');
      await attach('diff', 'artifacts/change.diff');
      const listed = json(await st3('evidence', 'list', 'TASK-0001', '--json'));
      expect(listed.entries.map((e: { type: string }) => e.type).sort()).toEqual([
        'archive',
        'diff',
        'directory',
        'file',
        'log',
        'qa_output',
        'screenshot',
        'summary',
      ]);

      const out = join(dir, 'artifacts/extracted');
      await mkdir(out);
      execFileSync('tar', ['--zstd', '-xf', join(dir, '.st3/tasks/TASK-0001/evidence', dirEntry.stored), '-C', out]);
      expect(await readFile(join(out, 'lcov/index.html'), 'utf8')).toBe('<html>ok</html>\n');

      const std = await st3(
        'standards',
        'attach',
        'TASK-0001',
        '--file',
        'standards/engineering.md',
        '--section',
        'Retention',
        '--json',
      );
      expect(std.code, std.stderr).toBe(0);
      expect(json(std).excerpt).toMatchObject({ section: 'retention', heading_level: 3 });
      expect((await st3('standards', 'verify', 'TASK-0001')).code).toBe(0);

      const run = await st3('run-validation', 'TASK-0001', '--env', 'FOO=bar', '--json');
      expect(run.code, run.stdout + run.stderr).toBe(0);
      expect(json(run).results.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual([
        ['cmd-1', 'passed'],
        ['blocked', 'skipped'],
      ]);
      expect(json(run).results[1].skip_reason).toBe('blocker TASK-0002 is in_progress, not completed');
      const failing = await st3('run-validation', 'TASK-0001', '--command-id', 'cmd-1', '--env', 'FOO=nope', '--json');
      expect(failing.code).toBe(1);
      expect(json(failing).results[0]).toMatchObject({ status: 'failed', exit_code: 1, expected: false, attempts: 1 });

      // 8 attachments, and the output of each of the two validation runs of cmd-1 kept as its QA artifact.
      expect(json(await st3('evidence', 'verify', 'TASK-0001', '--json'))).toMatchObject({ ok: true, checked: 10 });
      const clean = await st3('worktree', 'verify', 'TASK-0001', '--json');
      expect(clean.code, clean.stdout).toBe(0);
      await writeFile(join(dir, 'src.ts'), 'export const a = 2;\n');
      const drift = await st3('worktree', 'verify', 'TASK-0001', '--json');
      expect(drift.code).toBe(1);
      expect(json(drift)).toMatchObject({
        ok: false,
        head_moved: false,
        changed: [{ path: 'src.ts', change: 'dirtied', status: 'M' }],
      });

      const standard = join(dir, 'standards/engineering.md');
      await writeFile(standard, (await readFile(standard, 'utf8')).replace('until the task is purged', 'for a year'));
      const stale = await st3('standards', 'verify', 'TASK-0001', '--json');
      expect(stale.code).toBe(1);
      expect(
        json(stale)
          .excerpts.filter((e: { status: string }) => e.status !== 'fresh')
          .map((e: { section: string; status: string }) => [e.section, e.status])
          .sort(),
      ).toEqual([
        ['evidence', 'stale'],
        ['retention', 'stale'],
      ]);
      expect(json(await st3('standards', 'verify', 'TASK-0001', '--invalidate', '--json'))).toMatchObject({
        invalidated: 2,
      });
      expect((await st3('standards', 'verify', 'TASK-0001')).code).toBe(0);

      const shown = json(await st3('context', 'show', 'TASK-0001', '--json'));
      expect(shown).toMatchObject({ snapshot_intact: true, task_file: { task_file_changed: false } });
      expect(shown.context.evidence).toHaveLength(10); // 8 attached + 2 validation outputs
      expect(shown.context.standards.map((e: { section: string }) => e.section)).toEqual(['validation']);
      expect(shown.context.validation_baseline.results[0].status).toBe('passed');

      const purge = await st3('context', 'purge', 'TASK-0001', '--json');
      expect(json(purge)).toMatchObject({ ok: true, removed: true });
      const gone = await st3('context', 'show', 'TASK-0001', '--json');
      expect(gone.code).toBe(2);
      expect(json(gone).error.code).toBe('E_CONTEXT_NOT_FOUND');
    });
  }, 300_000);

  it('parallel st3 processes attaching to one task lose nothing (context and index are locked)', async () => {
    await withTempDir(async (dir) => {
      await makeRepo(dir);
      const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir });
      expect((await st3('context', 'init', 'TASK-0001')).code).toBe(0);
      const files = ['notes.txt', 'build.log', 'summary.md', 'change.diff', 'test-output.txt'];
      const results = await Promise.all(
        files.map((f) =>
          st3(
            'evidence',
            'attach',
            'TASK-0001',
            '--type',
            'file',
            '--file',
            `artifacts/${f}`,
            '--description',
            f,
            '--json',
          ),
        ),
      );
      for (const r of results) expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(json(await st3('evidence', 'list', 'TASK-0001', '--json')).entries).toHaveLength(files.length);
      expect(json(await st3('context', 'show', 'TASK-0001', '--json')).context.evidence).toHaveLength(files.length);
    });
  }, 60_000);

  it('fails fast on a dirty tree unless --allow-preexisting-dirty', async () => {
    await withTempDir(async (dir) => {
      await makeRepo(dir);
      const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir });
      expect((await st3('context', 'init', 'TASK-0001')).code).toBe(0);
      await writeFile(join(dir, 'src.ts'), 'dirty\n');
      const refused = await st3('worktree', 'snapshot', 'TASK-0001', '--json');
      expect(refused.code).toBe(1);
      expect(json(refused).error.code).toBe('E_DIRTY_TREE');
      const allowed = await st3('worktree', 'snapshot', 'TASK-0001', '--allow-preexisting-dirty', '--json');
      expect(json(allowed).snapshot.dirty.map((d: { path: string }) => d.path)).toEqual(['src.ts']);
    });
  }, 60_000);
});

describe('st3 tasks: real task files, ledger and quarantine', () => {
  itWithFixtures(
    'validates the 149 real task files: 16 with E001, 9 that do not parse, 18 ids carried by 39 files, 98 shell lines in 44 files warned (ADR 0103), every command entry read',
    async () => {
      const dir = join(fixtures, 'tasks');
      const names = (await readdir(dir)).filter((f) => f.endsWith('.task.yaml')).sort();
      const r = await runSt3(['tasks', 'validate', '--json', ...names.map((f) => join(dir, f))]);
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(doc).toMatchObject({ ok: false, checked: 149, failed: 54 });
      expect(doc.duplicates).toHaveLength(18);
      const first = (name: string) => doc.files.find((f: { file: string }) => f.file.endsWith(name)).errors[0] ?? null;
      expect(first('TASK-0902-update-esbuild-security.task.yaml')).toBeNull();
      expect(first('TASK-0601-contract-codegen-alignment.task.yaml')).toMatchObject({
        code: 'E001',
        path: ['deliverables'],
      });
      expect(first('TASK-0822-rtk-query-xstate.task.yaml')).toMatchObject({ code: 'E_PARSE', line: 206, column: 1 });
      const codes = doc.files.flatMap((f: { errors: { code: string }[] }) => [...new Set(f.errors.map((e) => e.code))]);
      expect(codes.filter((c: string) => c === 'E001')).toHaveLength(16);
      expect(codes.filter((c: string) => c === 'E_PARSE')).toHaveLength(9);
      expect(codes.filter((c: string) => c === 'E_TASK_DUPLICATE_ID')).toHaveLength(39);
      expect(codes.filter((c: string) => c === 'E_COMMAND_SYNTAX')).toHaveLength(0);
      const shell = doc.files.map((f: { warnings: { code: string }[] }) =>
        f.warnings.filter((w) => w.code === 'W_COMMAND_NEEDS_SHELL'),
      );
      // Including the 3 of the 1.0 files that write `validation.commands: [{cmd: …}]`, whose commands are read too.
      expect(shell.filter((w: unknown[]) => w.length > 0)).toHaveLength(44);
      expect(shell.flat()).toHaveLength(98);
      const unreadable = doc.files.flatMap((f: { warnings: { code: string }[] }) =>
        f.warnings.filter((w) => w.code === 'W_VALIDATION_COMMAND'),
      );
      expect(unreadable).toEqual([]);
    },
  );

  itWithFixtures(
    'a broken task goes to the ledger and the quarantine, is repaired and released',
    async () => {
      await withTempDir(async (dir) => {
        await makeRepo(dir);
        await writeFile(
          join(dir, 'tasks/TASK-0210-qa-suite-alignment.task.yaml'),
          await readFile(join(fixtures, 'tasks/TASK-0210-qa-suite-alignment.task.yaml')),
        );
        const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir });
        const init = await st3('context', 'init', 'TASK-0210', '--json');
        expect(init.code).toBe(1);
        expect(json(init).error).toMatchObject({ code: 'E_PARSE', line: 131, column: 5 });
        expect(json(await st3('exceptions', 'list', '--json')).exceptions).toMatchObject([
          { task_id: 'TASK-0210', exception_type: 'malformed_yaml', remediation: { status: 'open' } },
        ]);
        expect(json(await st3('context', 'init', 'TASK-0210', '--json')).error.code).toBe('E_TASK_QUARANTINED');
        expect(json(await st3('quarantine', 'list', '--json')).entries).toMatchObject([
          { task_id: 'TASK-0210', status: 'quarantined' },
        ]);
        const repaired = await st3('quarantine', 'repair', 'TASK-0210', '--json');
        expect(repaired.code, repaired.stdout).toBe(0);
        expect(json(repaired).applied).toContain('quote_backtick_scalars');
        expect((await st3('quarantine', 'release', 'TASK-0210')).code).toBe(0);
        expect(json(await st3('quarantine', 'list', '--json')).entries).toEqual([]);
        expect((await st3('exceptions', 'add', 'TASK-0210', '--type', 'malformed_yaml', '--json')).code).toBe(0);
        expect(json(await st3('exceptions', 'list', '--json')).exceptions).toHaveLength(1);
        expect((await st3('exceptions', 'resolve', 'TASK-0210', '--notes', 'quoted the backtick lines')).code).toBe(0);
        expect(json(await st3('exceptions', 'list', '--status', 'unresolved', '--json')).exceptions).toEqual([]);
        expect(json(await st3('exceptions', 'cleanup', '--json')).removed).toEqual([]);
      });
    },
    180_000,
  );

  itWithFixtures(
    'validate --quarantine records broken files; warnings of a task with an open exception are shown once',
    async () => {
      await withTempDir(async (dir) => {
        await mkdir(join(dir, '.st3'), { recursive: true });
        await mkdir(join(dir, 'tasks'), { recursive: true });
        for (const f of ['TASK-0210-qa-suite-alignment.task.yaml', 'TASK-9001-simple.task.yaml'])
          await writeFile(join(dir, 'tasks', f), await readFile(join(fixtures, 'tasks', f)));
        const st3 = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir });
        const first = json(await st3('validate', '--quarantine', '--json'));
        expect(first).toMatchObject({ checked: 2, failed: 1, quarantined: ['TASK-0210'] });
        expect(
          json(await st3('exceptions', 'list', '--json')).exceptions.map((e: { task_id: string }) => e.task_id),
        ).toEqual(['TASK-0210']);
        await st3('exceptions', 'add', 'TASK-9001', '--type', 'incomplete_task');
        const shown = json(await st3('validate', '--json'));
        expect(shown.suppressed_warnings).toBe(0);
        const again = json(await st3('validate', '--json'));
        expect(again.suppressed_warnings).toBe(
          shown.files.find((f: { id: string }) => f.id === 'TASK-9001').warnings.length,
        );
        expect(again.files.find((f: { id: string }) => f.id === 'TASK-9001').warnings).toEqual([]);
      });
    },
    60_000,
  );

  it('every verb has --help with an example', async () => {
    const verbs = [
      [],
      ['list'],
      ['show'],
      ['validate'],
      ['context', 'init'],
      ['context', 'show'],
      ['context', 'purge'],
      ['evidence', 'attach'],
      ['evidence', 'list'],
      ['evidence', 'verify'],
      ['standards', 'attach'],
      ['standards', 'verify'],
      ['exceptions', 'add'],
      ['exceptions', 'list'],
      ['exceptions', 'resolve'],
      ['exceptions', 'cleanup'],
      ['quarantine', 'list'],
      ['quarantine', 'repair'],
      ['quarantine', 'release'],
      ['run-validation'],
      ['worktree', 'snapshot'],
      ['worktree', 'verify'],
    ];
    const results = await Promise.all(verbs.map((verb) => runSt3(['tasks', ...verb, '--help'])));
    verbs.forEach((verb, i) => {
      expect(results[i]!.code, verb.join(' ')).toBe(0);
      expect(results[i]!.stdout, verb.join(' ')).toContain('Examples:\n  st3 tasks');
      // Each verb shows its own help, not its parent's.
      expect(results[i]!.stdout, verb.join(' ')).toContain(
        `Usage: st3 tasks${verb.length ? ` ${verb.join(' ')}` : ''}`,
      );
    });
  }, 300_000);
});
