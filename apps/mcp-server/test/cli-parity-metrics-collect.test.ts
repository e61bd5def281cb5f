import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, texts } from './harness.js';
import { repoRoot } from './workspace.js';

// metrics_collect judges the pilot across several tasks as `st3 metrics collect A B` does: the same
// verdict, criteria and tasks (one id alone keeps its `metrics` and `task_id`).

const run = promisify(execFile);
// The area CLIs of `st3 tasks` and `st3 metrics`/`st3 telemetry` (dependencies of this package, so built before these
// tests; the st3 app depends on this server, not the reverse).
const binOf = (verb: string | undefined) =>
  join(repoRoot, verb === 'tasks' ? 'apps/tasks-cli' : 'apps/metrics-cli', 'dist/bin.js');
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };
const TASKS = ['TASK-0001-example-evidence', 'TASK-0002-implement-todo-atoms'];

/** A JSON document, read loosely. */
type Doc = Record<string, any>;

async function st3(dir: string, argv: string[]): Promise<{ code: number; doc: Doc }> {
  const r = await run(process.execPath, [binOf(argv[0]), ...argv, '--json'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', ...GIT_ENV },
  }).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc };
}

/** The document without the times of the run (collected_at and the like differ between two runs). */
function timeless(doc: Doc): Doc {
  return JSON.parse(
    JSON.stringify(doc, (key, value: unknown) => (/(_at|At|generated|timestamp)$/.test(key) ? undefined : value)),
  ) as Doc;
}

describe('metrics_collect over several tasks is st3 metrics collect A B', () => {
  let cliDir: string;
  let mcpDir: string;
  beforeAll(async () => {
    cliDir = await mkdtemp(join(tmpdir(), 'st3-mcp-collect-'));
    await mkdir(join(cliDir, 'tasks'));
    await cp(join(repoRoot, 'examples/.st3/config/tasks.yaml'), join(cliDir, '.st3/config/tasks.yaml'));
    for (const t of TASKS)
      await cp(join(repoRoot, 'examples/tasks', `${t}.task.yaml`), join(cliDir, `tasks/${t}.task.yaml`));
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: cliDir, stdio: 'pipe', env: { ...process.env, ...GIT_ENV } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-q', '-m', 'init');
    for (const id of ['TASK-0001', 'TASK-0002']) {
      expect((await st3(cliDir, ['tasks', 'context', 'init', id, '--agent', 'impl'])).code).toBe(0);
      const recorded = await st3(cliDir, [
        'telemetry',
        'record',
        id,
        '--agent',
        'impl',
        '--prompt-bytes',
        '800',
        '--baseline-bytes',
        '1000',
      ]);
      expect(recorded.code).toBe(0);
    }
    mcpDir = await mkdtemp(join(tmpdir(), 'st3-mcp-collect-twin-'));
    await cp(cliDir, mcpDir, { recursive: true });
  });
  afterAll(async () => {
    await rm(cliDir, { recursive: true, force: true });
    await rm(mcpDir, { recursive: true, force: true });
  });

  it('the same verdict, criteria and tasks; isError as the exit code 1', async () => {
    const fromCli = await st3(cliDir, ['metrics', 'collect', 'TASK-0001', 'TASK-0002']);
    expect(fromCli.code).toBe(1);
    const c = await connect('stdio', mcpDir);
    try {
      const r = await call(c.client, 'metrics_collect', { id: ['TASK-0001', 'TASK-0002'] });
      expect(r.isError).toBe(true);
      const doc = r.structuredContent as Doc;
      const { warnings, ...rest } = doc;
      expect(warnings).toEqual([]);
      expect(timeless(rest)).toEqual(timeless(fromCli.doc));
      expect(doc.tasks.map((t: Doc) => t.task_id)).toEqual(['TASK-0001', 'TASK-0002']);
      expect(doc.metrics).toBeUndefined();
      expect(texts(r)[0]).toBe(`${fromCli.doc.summary} (2 tasks: 2 agents)`);
      // One id still gives its task's metrics.
      const one = await call(c.client, 'metrics_collect', { id: 'TASK-0002' });
      expect(one.structuredContent).toMatchObject({ task_id: 'TASK-0002', metrics: { task_id: 'TASK-0002' } });
    } finally {
      await c.close();
    }
  });
});
