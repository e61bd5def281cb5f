import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { call, connect, texts } from './harness.js';
import { repoRoot } from './workspace.js';

// The task tools give what `st3 tasks …` and `st3 qa …` give on twin workspaces (they call the same
// library functions with the same options): the same verdict, the same error code, the same records.

const CLI = join(repoRoot, 'apps/tasks-cli/dist/bin.js');
const run = promisify(execFile);
const TASK = 'tasks/TASK-0001-example-evidence.task.yaml';
const ID = 'TASK-0001';
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };

let dirs: string[] = [];
const savedAgent = process.env.ST3_AGENT;
afterEach(async () => {
  if (savedAgent === undefined) delete process.env.ST3_AGENT;
  else process.env.ST3_AGENT = savedAgent;
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, ...GIT_ENV } }).toString();

/** A committed git workspace: `.st3/`, the example task, its standard, a source file, and `files` (untracked). */
async function workspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-tasks-parity-'));
  dirs.push(dir);
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await mkdir(join(dir, 'tasks'));
  await cp(join(repoRoot, 'examples', TASK), join(dir, TASK));
  await cp(join(repoRoot, 'examples/standards'), join(dir, 'standards'), { recursive: true });
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/a.ts'), 'export const a = 1;\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  await add(dir, files);
  return dir;
}

async function add(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
}

/** A JSON document, read loosely. */
type Doc = Record<string, any>;

/** `st3-tasks <argv> --json` in `dir` (ST3_AGENT only when given): the exit code and the JSON document. */
async function cli(dir: string, argv: string[], agent?: string): Promise<{ code: number; doc: Doc }> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...GIT_ENV, NO_COLOR: '1' };
  delete env.ST3_AGENT;
  if (agent) env.ST3_AGENT = agent;
  const dash = argv.indexOf('--');
  const args = dash < 0 ? [...argv, '--json'] : [...argv.slice(0, dash), '--json', ...argv.slice(dash)];
  const r = await run(process.execPath, [CLI, ...args], { cwd: dir, env }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc };
}

/** One MCP tool call on `dir` over stdio (in this process, with ST3_AGENT only when given): isError and the document. */
async function mcp(dir: string, tool: string, args: Record<string, unknown>, agent?: string) {
  if (agent) process.env.ST3_AGENT = agent;
  else delete process.env.ST3_AGENT;
  const c = await connect('stdio', dir);
  try {
    const r: CallToolResult = await call(c.client, tool, args);
    return { isError: r.isError ?? false, doc: JSON.parse(texts(r)[1]!) as Doc };
  } finally {
    await c.close();
  }
}

const code = (doc: Doc): string | undefined => (doc.ok === false ? (doc.error?.code as string | undefined) : undefined);
const contextOf = (dir: string) => join(dir, '.st3/tasks', ID);
const dirtyPaths = (doc: Doc): string[] => (doc.context.worktree.dirty as { path: string }[]).map((d) => d.path);

describe('task_init_context is st3 tasks context init', () => {
  it('an untracked file: E_DIRTY_TREE from both and no context; allowPreexistingDirty records it in both', async () => {
    const [a, b] = [await workspace({ 'notes.txt': 'n\n' }), await workspace({ 'notes.txt': 'n\n' })];
    const c = await cli(a, ['tasks', 'context', 'init', ID]);
    const m = await mcp(b, 'task_init_context', { id: ID });
    expect([c.code, code(c.doc)]).toEqual([1, 'E_DIRTY_TREE']);
    expect([m.isError, code(m.doc)]).toEqual([true, 'E_DIRTY_TREE']);
    expect([existsSync(contextOf(a)), existsSync(contextOf(b))]).toEqual([false, false]);
    const c2 = await cli(a, ['tasks', 'context', 'init', ID, '--allow-preexisting-dirty', '--agent', 'impl']);
    const m2 = await mcp(b, 'task_init_context', { id: ID, allowPreexistingDirty: true, agent: 'impl' });
    expect(c2.code).toBe(0);
    expect(m2.isError).toBe(false);
    expect(dirtyPaths(m2.doc)).toEqual(dirtyPaths(c2.doc));
    expect(dirtyPaths(m2.doc)).toEqual(['notes.txt']);
    expect(m2.doc.context.worktree.agent).toBe('impl');
  });
});

describe('worktree_snapshot and worktree_verify are st3 tasks worktree snapshot|verify', () => {
  it("leave out ST3's own state (.st3/telemetry, .st3/metrics, .st3/cache) as the CLI does", async () => {
    const state = { '.st3/telemetry/x.json': '{}', '.st3/metrics/m.json': '{}', '.st3/cache/c.json': '{}' };
    const [a, b] = [await workspace(), await workspace()];
    expect((await cli(a, ['tasks', 'context', 'init', ID])).code).toBe(0);
    expect((await mcp(b, 'task_init_context', { id: ID })).isError).toBe(false);
    await add(a, state);
    await add(b, state);
    const c = await cli(a, ['tasks', 'worktree', 'snapshot', ID]);
    const m = await mcp(b, 'worktree_snapshot', { id: ID });
    expect(c.code).toBe(0);
    expect([m.isError, m.doc.snapshot?.dirty]).toEqual([false, c.doc.snapshot.dirty]);
    // A snapshot taken before the state files appeared: verify is clean in both.
    await add(a, { '.st3/telemetry/y.json': '{}', '.st3/cache/d.json': '{}' });
    await add(b, { '.st3/telemetry/y.json': '{}', '.st3/cache/d.json': '{}' });
    const cv = await cli(a, ['tasks', 'worktree', 'verify', ID]);
    const mv = await mcp(b, 'worktree_verify', { id: ID });
    expect([cv.code, cv.doc.changed]).toEqual([0, []]);
    expect([mv.isError, mv.doc.changed]).toEqual([false, []]);
  });

  it('the snapshot names its agent (ST3_AGENT or agent) and verify checks expectedAgent', async () => {
    const dir = await workspace();
    expect((await mcp(dir, 'task_init_context', { id: ID })).isError).toBe(false);
    const m = await mcp(dir, 'worktree_snapshot', { id: ID }, 'impl');
    expect(m.doc.snapshot.agent).toBe('impl');
    expect((await cli(dir, ['tasks', 'worktree', 'verify', ID, '--expected-agent', 'impl'])).code).toBe(0);
    const mv = await mcp(dir, 'worktree_verify', { id: ID, expectedAgent: 'impl' });
    expect([mv.isError, mv.doc.agent]).toEqual([false, 'impl']);
    const cOther = await cli(dir, ['tasks', 'worktree', 'verify', ID, '--expected-agent', 'reviewer']);
    const mOther = await mcp(dir, 'worktree_verify', { id: ID, expectedAgent: 'reviewer' });
    expect(code(cOther.doc)).toBe('E_AGENT_MISMATCH');
    expect(code(mOther.doc)).toBe('E_AGENT_MISMATCH');
    const byArg = await mcp(dir, 'worktree_snapshot', { id: ID, agent: 'reviewer' });
    expect(byArg.doc.snapshot.agent).toBe('reviewer');
  });
});

describe('an entry the snapshot cannot hash', () => {
  it('is a W_WORKTREE_UNHASHED warning at snapshot and fails verify as unverifiable, in the CLI and over MCP', async () => {
    // An untracked nested "repository" whose .git is no repository: its state cannot be read, so not hashed.
    const broken = { 'broken/.git': 'not a repository\n', 'broken/f.txt': 'f\n' };
    const [a, b] = [await workspace(), await workspace()];
    expect((await cli(a, ['tasks', 'context', 'init', ID])).code).toBe(0);
    expect((await mcp(b, 'task_init_context', { id: ID })).isError).toBe(false);
    await add(a, broken);
    await add(b, broken);
    const c = await cli(a, ['tasks', 'worktree', 'snapshot', ID, '--allow-preexisting-dirty']);
    const m = await mcp(b, 'worktree_snapshot', { id: ID, allowPreexistingDirty: true });
    expect(c.code).toBe(0);
    expect(c.doc.warnings).toEqual([expect.objectContaining({ code: 'W_WORKTREE_UNHASHED', path: 'broken/' })]);
    // The same warnings (their messages name each twin's own folder).
    const codes = (ws: { code: string; path: string }[]) => ws.map(({ code, path }) => ({ code, path }));
    expect([m.isError, codes(m.doc.warnings)]).toEqual([false, codes(c.doc.warnings)]);
    const cv = await cli(a, ['tasks', 'worktree', 'verify', ID]);
    const mv = await mcp(b, 'worktree_verify', { id: ID });
    expect(cv.code).toBe(1);
    expect(cv.doc.changed).toEqual([expect.objectContaining({ path: 'broken/', change: 'unverifiable' })]);
    const changes = (cs: { path: string; change: string }[]) => cs.map(({ path, change }) => ({ path, change }));
    expect([mv.isError, changes(mv.doc.changed)]).toEqual([true, changes(cv.doc.changed)]);
  });
});

describe('task_context_show and task_context_diff read the task file as the CLI does', () => {
  it('a changed task file is reported by both (show: task_file; diff: ok false), never "intact" alone', async () => {
    const dir = await workspace();
    expect((await mcp(dir, 'task_init_context', { id: TASK })).isError).toBe(false);
    const file = join(dir, TASK);
    await writeFile(file, (await readFile(file, 'utf8')).replace(/^title: .*$/m, 'title: CHANGED'));
    const c = await cli(dir, ['tasks', 'context', 'show', ID]);
    const m = await mcp(dir, 'task_context_show', { id: ID });
    expect(c.doc.task_file.task_file_changed).toBe(true);
    expect([m.isError, m.doc.task_file]).toEqual([false, c.doc.task_file]);
    const cd = await cli(dir, ['tasks', 'context', 'diff', ID]);
    const md = await mcp(dir, 'task_context_diff', { id: ID });
    expect([cd.code, cd.doc.ok]).toEqual([1, false]);
    expect([md.isError, md.doc.ok]).toEqual([true, false]);
  });
});

describe('task ids resolve as in the CLI', () => {
  it('a task file path is accepted; an id two files carry is E_TASK_AMBIGUOUS', async () => {
    const dir = await workspace();
    expect((await mcp(dir, 'task_init_context', { id: TASK })).isError).toBe(false);
    const c = await cli(dir, ['tasks', 'context', 'show', TASK]);
    expect(c.code).toBe(0);
    for (const tool of ['task_context_show', 'task_context_diff', 'evidence_list'])
      expect([tool, (await mcp(dir, tool, { id: TASK })).isError]).toEqual([tool, false]);
    // No evidence attached: nothing verified, a failed check in both (exit 1, isError).
    const verified = await mcp(dir, 'evidence_verify', { id: TASK });
    expect([verified.isError, verified.doc.no_evidence]).toEqual([true, true]);
    expect((await cli(dir, ['tasks', 'evidence', 'verify', TASK])).code).toBe(1);
    expect(code((await mcp(dir, 'qa_drift', { id: TASK })).doc)).toBe(
      code((await cli(dir, ['qa', 'drift', TASK])).doc),
    );
    const copy = await readFile(join(dir, TASK), 'utf8');
    await add(dir, { 'tasks/done/TASK-0001-copy.task.yaml': copy });
    expect(code((await cli(dir, ['tasks', 'context', 'show', ID])).doc)).toBe('E_TASK_AMBIGUOUS');
    for (const tool of ['task_context_show', 'evidence_list', 'worktree_verify', 'run_validation'])
      expect([tool, code((await mcp(dir, tool, { id: ID })).doc)]).toEqual([tool, 'E_TASK_AMBIGUOUS']);
  });
});

describe('qa_record checks its arguments as st3 qa record', () => {
  it('exitCode with argv, report with log are E_USAGE; command alone is split and run', async () => {
    const dir = await workspace({ 'lint.json': '[]' });
    expect((await mcp(dir, 'task_init_context', { id: ID, allowPreexistingDirty: true })).isError).toBe(false);
    const c = await cli(dir, ['qa', 'record', ID, '--exit-code', '5', '--', 'node', '--version']);
    const m = await mcp(dir, 'qa_record', { id: ID, argv: ['node', '--version'], exitCode: 5 });
    expect([c.code, code(c.doc)]).toEqual([2, 'E_USAGE']);
    expect(code(m.doc)).toBe('E_USAGE');
    const cr = await cli(dir, ['qa', 'record', ID, '--command', 'eslint', '--log', 'lint.json', '--report', 'x.json']);
    const mr = await mcp(dir, 'qa_record', { id: ID, command: 'eslint', log: 'lint.json', report: 'x.json' });
    expect(code(cr.doc)).toBe('E_USAGE');
    expect(code(mr.doc)).toBe('E_USAGE');
    const cc = await cli(dir, ['qa', 'record', ID, '--command', 'node --version', '--kind', 'test']);
    const mc = await mcp(dir, 'qa_record', { id: ID, command: 'node --version', kind: 'test' });
    expect(code(mc.doc) ?? 'ok').toBe(code(cc.doc) ?? 'ok');
    expect(code(mc.doc)).not.toBe('E_USAGE'); // it was run (the CLI's verdict on its output, whatever it is)
  });
});

/** The telemetry files of a task's context folder. */
const telemetryFiles = async (dir: string) =>
  (await readdir(contextOf(dir))).filter((f) => f.startsWith('telemetry-')).sort();
const telemetryOf = async (dir: string, agent: string) =>
  JSON.parse(await readFile(join(contextOf(dir), `telemetry-${agent}.json`), 'utf8')) as Doc;

describe('task tools record telemetry as the CLI verbs do', () => {
  it('context init, context show, evidence attach, standards attach, run-validation write the same telemetry files', async () => {
    const [a, b] = [await workspace(), await workspace()];
    await cli(a, ['tasks', 'context', 'init', ID]);
    await mcp(b, 'task_init_context', { id: ID });
    expect(await telemetryFiles(b)).toEqual(await telemetryFiles(a));
    expect(await telemetryFiles(b)).toEqual(['telemetry-st3-tasks.json']);
    await cli(a, ['tasks', 'context', 'show', ID], 'impl');
    await mcp(b, 'task_context_show', { id: ID }, 'impl');
    await add(a, { 'build.log': 'ok\n' });
    await add(b, { 'build.log': 'ok\n' });
    await cli(a, ['tasks', 'evidence', 'attach', ID, '--type', 'log', '--file', 'build.log', '--agent', 'impl']);
    await mcp(b, 'evidence_attach', { id: ID, type: 'log', path: 'build.log', agent: 'impl' });
    await cli(
      a,
      ['tasks', 'standards', 'attach', ID, '--file', 'standards/engineering.md', '--section', 'Validation'],
      'impl',
    );
    await mcp(b, 'standards_attach', { id: ID, file: 'standards/engineering.md', section: 'Validation' }, 'impl');
    await cli(a, ['tasks', 'run-validation', ID], 'impl');
    await mcp(b, 'run_validation', { id: ID }, 'impl');
    expect(await telemetryFiles(b)).toEqual(['telemetry-impl.json', 'telemetry-st3-tasks.json']);
    const [ta, tb] = [await telemetryOf(a, 'impl'), await telemetryOf(b, 'impl')];
    expect(Object.keys(tb).sort()).toEqual(Object.keys(ta).sort());
    expect(tb.commands?.map((x: Doc) => x.argv)).toEqual(ta.commands?.map((x: Doc) => x.argv));
    expect(JSON.stringify(tb.cache ?? tb.cache_hits ?? null)).toBe(JSON.stringify(ta.cache ?? ta.cache_hits ?? null));
  });

  it('qa record counts the JSON logs it reads', async () => {
    const [a, b] = [await workspace({ 'lint.json': '[]' }), await workspace({ 'lint.json': '[]' })];
    await cli(a, ['tasks', 'context', 'init', ID, '--allow-preexisting-dirty']);
    await mcp(b, 'task_init_context', { id: ID, allowPreexistingDirty: true });
    await cli(a, ['qa', 'record', ID, '--command', 'eslint .', '--log', 'lint.json', '--agent', 'impl']);
    await mcp(b, 'qa_record', { id: ID, command: 'eslint .', log: 'lint.json', agent: 'impl' });
    const [ta, tb] = [await telemetryOf(a, 'impl'), await telemetryOf(b, 'impl')];
    expect(JSON.stringify(tb.counters ?? tb.metrics ?? null)).toBe(JSON.stringify(ta.counters ?? ta.metrics ?? null));
  });
});

describe('task_validate is st3 tasks validate', () => {
  it('a folder, a missing file, duplicate ids and files not checked as the CLI', async () => {
    const dir = await workspace();
    const copy = await readFile(join(dir, TASK), 'utf8');
    await add(dir, { 'more/TASK-0001-again.task.yaml': copy });
    const c = await cli(dir, ['tasks', 'validate', 'tasks', 'more']);
    const m = await mcp(dir, 'task_validate', { paths: ['tasks', 'more'] });
    expect(m.isError).toBe(c.code !== 0);
    const pick = (d: Doc) => ({ ok: d.ok, checked: d.checked, failed: d.failed, skipped: d.skipped, files: d.files });
    expect(pick(m.doc)).toEqual(pick(c.doc));
    expect(c.doc.duplicates).toHaveLength(1);
    expect(m.doc.duplicates).toEqual(c.doc.duplicates);
    const cm = await cli(dir, ['tasks', 'validate', 'tasks/nope.task.yaml']);
    const mm = await mcp(dir, 'task_validate', { paths: ['tasks/nope.task.yaml'] });
    expect(code(cm.doc)).toBe('E_FILE_NOT_FOUND');
    expect(code(mm.doc)).toBe('E_FILE_NOT_FOUND');
  });

  it('warnings of a task with an open exception are suppressed after the first time, as the CLI', async () => {
    const [a, b] = [await workspace(), await workspace()];
    for (const dir of [a, b]) {
      const text = await readFile(join(dir, TASK), 'utf8');
      await add(dir, { 'tasks/notes.task.yaml': text.replace('id: TASK-0001', 'id: TASK-0009') });
    }
    await cli(a, ['tasks', 'exceptions', 'add', 'TASK-0009', '--type', 'malformed_yaml', '--notes', 'x']).catch(
      () => undefined,
    );
    await mcp(b, 'exceptions_add', { id: 'TASK-0009', type: 'malformed_yaml', notes: 'x' });
    for (let i = 0; i < 2; i++) {
      const c = await cli(a, ['tasks', 'validate']);
      const m = await mcp(b, 'task_validate', {});
      expect(m.doc.suppressed_warnings).toBe(c.doc.suppressed_warnings);
      expect(m.doc.files).toEqual(c.doc.files);
      expect(m.doc.skipped).toEqual(c.doc.skipped);
    }
  });
});
