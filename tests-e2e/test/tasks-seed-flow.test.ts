import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { git } from '../src/task-file.js';

const T = 'TASK-0902';
/** The real task file, with its validation pipeline given ids (the seed's format allows them) and commands this repo can run. */
const PIPELINE = `validation:
  pipeline:
  - id: val-001
    command: node --version
    description: The runtime the Lambda bundles build with is installed
  - id: val-002
    command: pnpm turbo run qa:static
    description: Run static analysis (typecheck + lint) on backend
  manual_checks:`;

/** A clean ESLint run (`eslint -f json`), as `pnpm turbo run qa:static` would leave it. */
const ESLINT_CLEAN = JSON.stringify([
  { filePath: '/repo/backend/src/handler.ts', messages: [], errorCount: 0, warningCount: 0, fixableErrorCount: 0 },
]);

async function repo(dir: string): Promise<void> {
  const original = await readFile(join(fixtures, 'tasks/TASK-0902-update-esbuild-security.task.yaml'), 'utf8');
  const task = original.replace(/validation:\n {2}pipeline:\n[\s\S]*?\n {2}manual_checks:/, PIPELINE);
  expect(task).not.toBe(original);
  await mkdir(join(dir, 'tasks'), { recursive: true });
  await writeFile(join(dir, 'tasks/TASK-0902-update-esbuild-security.task.yaml'), task);
  await mkdir(join(dir, 'standards'));
  for (const f of await readdir(join(fixtures, 'standards')))
    await writeFile(join(dir, 'standards', f), await readFile(join(fixtures, 'standards', f)));
  await writeFile(join(dir, '.gitignore'), '.agent-output/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'init');
}

describeWithFixtures("the seed's integration sequence, through the original flag forms", () => {
  it('init → attach → standard → record QA → run validation → verify worktree → collect metrics', async () => {
    await withTempDir(async (dir) => {
      await repo(dir);
      // The agent works as "implementer"; every ST3 verb records its telemetry for it.
      const env = { ST3_AGENT: 'implementer' };
      const tasks = (...args: string[]) => runSt3(['tasks', ...args], { cwd: dir, env });
      const ctx = join(dir, '.st3/tasks', T);

      const init = await tasks('--init-context', T, '--format', 'json');
      expect(init.code, init.stderr).toBe(0);
      expect(json(init)).toMatchObject({ ok: true, context: { manifest: { task_id: T } } });
      expect(json(init).context.worktree).toMatchObject({ agent: 'implementer', dirty: [] });
      expect(existsSync(join(ctx, 'context.json'))).toBe(true);
      expect(existsSync(join(ctx, 'task.snapshot.yaml'))).toBe(true);

      await mkdir(join(dir, '.agent-output', T), { recursive: true });
      await writeFile(join(dir, '.agent-output', T, 'qa-static.log'), ESLINT_CLEAN);
      const attach = await tasks(
        '--attach-evidence',
        T,
        '--type',
        'qa_output',
        '--path',
        `.agent-output/${T}/qa-static.log`,
        '--description',
        'Static analysis',
      );
      expect(attach.code, attach.stderr).toBe(0);
      const evidence = JSON.parse(await readFile(join(ctx, 'evidence/index.json'), 'utf8'));
      expect(evidence.entries).toHaveLength(1);
      expect(existsSync(join(ctx, 'evidence', evidence.entries[0].stored))).toBe(true);

      const standard = await tasks(
        '--attach-standard',
        T,
        '--file',
        'standards/backend-tier.md',
        '--section',
        'Domain Service Layer',
      );
      expect(standard.code, standard.stderr).toBe(0);
      expect((await readdir(join(ctx, 'standards'))).filter((f) => f.endsWith('.md'))).toHaveLength(1);

      const qa = await tasks(
        '--record-qa',
        T,
        '--command',
        'pnpm turbo run qa:static',
        '--exit-code',
        '0',
        '--log',
        `.agent-output/${T}/qa-static.log`,
      );
      expect(qa.code, qa.stderr).toBe(0);
      expect(JSON.parse(await readFile(join(ctx, 'qa/runs.json'), 'utf8')).runs[0]).toMatchObject({
        command: 'pnpm turbo run qa:static',
        format: 'eslint-json',
        exit_code: 0,
      });
      // The log attached without --meta now has its command, exit code and duration from the record.
      const after = JSON.parse(await readFile(join(ctx, 'evidence/index.json'), 'utf8'));
      expect(after.entries[0].metadata).toMatchObject({ command: 'pnpm turbo run qa:static', exit_code: 0 });

      const run = await tasks('--run-validation', T, '--command-id', 'val-001');
      expect(run.code, run.stderr).toBe(0);
      expect((await readdir(join(ctx, 'qa'))).some((f) => f.startsWith('validation-val-001-'))).toBe(true);

      const verify = await tasks('--verify-worktree', T, '--expected-agent', 'implementer');
      expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      const wrongAgent = await tasks('--verify-worktree', T, '--expected-agent', 'reviewer', '--format', 'json');
      expect(wrongAgent.code).toBe(1);
      expect(json(wrongAgent).error.code).toBe('E_AGENT_MISMATCH');

      // The agent records the prompt it sent (and what it would have been without the context cache).
      const prompt = await runSt3(
        ['telemetry', 'record', T, '--agent', 'implementer', '--prompt-bytes', '3400', '--baseline-bytes', '4200'],
        { cwd: dir },
      );
      expect(prompt.code, prompt.stderr).toBe(0);

      const collect = await tasks('--collect-metrics', T);
      expect(collect.code, collect.stdout + collect.stderr).toBe(0);
      const metrics = JSON.parse(await readFile(join(ctx, 'metrics.json'), 'utf8'));
      expect(metrics.verdict).toBe('pass');
      const byId = Object.fromEntries(metrics.criteria.map((c: { id: string }) => [c.id, c]));
      // Reads: the task file (init) and backend-tier.md (attach-standard) by the implementer.
      expect(byId.file_reads_per_agent.units).toEqual([
        expect.objectContaining({ id: `${T}/implementer`, value: 2, met: true }),
      ]);
      expect(byId.qa_artifact_coverage).toMatchObject({ value: 1, figure: { value: 1 } });
      expect(byId.prompt_size_savings.value).toBeCloseTo(1 - 3400 / 4200);
      expect(byId.json_parse_failures).toMatchObject({ value: 0, status: 'met' });
      expect(byId.repeated_warnings.status).toBe('met');
    });
  }, 300_000);
});
