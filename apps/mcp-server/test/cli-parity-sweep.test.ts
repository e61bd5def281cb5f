import { execFile, execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { call, connect, texts } from './harness.js';
import { repoRoot } from './workspace.js';

// Found by a sweep of every tool against its CLI verb on bad and edge-case inputs: the tool says what
// the verb says (the same verdict, the same error code, no field left out).

const run = promisify(execFile);
const TASK = 'tasks/TASK-0001-example-evidence.task.yaml';
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' };

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});

/** A committed git workspace: `.st3/config/tasks.yaml` and the task folders of the examples, the example task, `files`. */
async function workspace(files: Record<string, string> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-mcp-sweep-parity-'));
  dirs.push(dir);
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await cp(join(repoRoot, 'examples/.st3/config/tasks.yaml'), join(dir, '.st3/config/tasks.yaml'));
  await mkdir(join(dir, 'tasks'));
  await cp(join(repoRoot, 'examples', TASK), join(dir, TASK));
  await mkdir(join(dir, 'src'));
  await writeFile(join(dir, 'src/a.ts'), 'export function a(x: number): number {\n  return x + 1;\n}\n');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, stdio: 'pipe', env: { ...process.env, ...GIT_ENV } });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'init');
  return dir;
}

/** A JSON document, read loosely. */
type Doc = Record<string, any>;

/** `<cli> <argv> --json` in `dir`: the exit code and the JSON document. */
async function cli(app: string, dir: string, argv: string[]): Promise<{ code: number; doc: Doc }> {
  const r = await run(process.execPath, [join(repoRoot, app, 'dist/bin.js'), ...argv, '--json'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  }).then(
    (ok) => ({ code: 0, stdout: ok.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc };
}

/** One MCP tool call on `dir` over stdio: isError and the document. */
async function mcp(dir: string, tool: string, args: Record<string, unknown>): Promise<{ isError: boolean; doc: Doc }> {
  const c = await connect('stdio', dir);
  try {
    const r: CallToolResult = await call(c.client, tool, args);
    return { isError: r.isError ?? false, doc: JSON.parse(texts(r)[1]!) as Doc };
  } finally {
    await c.close();
  }
}

/** A document with the workspace folder written as `<ws>`, for comparing twin workspaces. */
const portable = (doc: unknown, dir: string) => JSON.parse(JSON.stringify(doc).split(dir).join('<ws>')) as unknown;

describe('task_list reports what `st3 tasks list --json` reports', () => {
  it('an id two files carry (duplicates) and a task file left out of the list (skipped)', async () => {
    const files = {
      // The same id in a second configured folder, and a task file whose name carries no id.
      'tasks/completed/TASK-0001-again.task.yaml': 'schema_version: "1.1"\nid: TASK-0001\ntitle: "Again"\n',
      'tasks/notes.task.yaml': 'id: notes\n',
    };
    const [cliDir, mcpDir] = [await workspace(files), await workspace(files)];
    const c = await cli('apps/tasks-cli', cliDir, ['tasks', 'list']);
    const m = await mcp(mcpDir, 'task_list', {});
    expect(c.code).toBe(0);
    expect(m.isError).toBe(false);
    expect(c.doc.duplicates).toEqual([
      {
        id: 'TASK-0001',
        files: ['tasks/TASK-0001-example-evidence.task.yaml', 'tasks/completed/TASK-0001-again.task.yaml'],
      },
    ]);
    expect(c.doc.skipped).toEqual([
      expect.objectContaining({ file: 'tasks/notes.task.yaml', code: 'W_TASK_FILE_NAME' }),
    ]);
    // The whole document, field for field (each task's absolute path written as <ws>).
    expect(portable(m.doc, mcpDir)).toEqual(portable(c.doc, cliDir));
  });

  it('a clean workspace: empty duplicates and skipped on both', async () => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const c = await cli('apps/tasks-cli', cliDir, ['tasks', 'list']);
    const m = await mcp(mcpDir, 'task_list', {});
    expect(c.doc.duplicates).toEqual([]);
    expect(c.doc.skipped).toEqual([]);
    expect(portable(m.doc, mcpDir)).toEqual(portable(c.doc, cliDir));
  });
});

describe('atom_context refuses what is not an atom id as `st3 atomize --context` does', () => {
  it.each(['zzz', 'src/nope.ts#x', 'src/a.ts'])('%s: E_USAGE on both, before any file is read', async (atom) => {
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const c = await cli('apps/atomize-cli', cliDir, ['atomize', '--context', atom]);
    const m = await mcp(mcpDir, 'atom_context', { atom });
    expect(c.code).toBe(2);
    expect(c.doc.error.code).toBe('E_USAGE');
    expect(m.isError).toBe(true);
    expect(m.doc.error.code).toBe('E_USAGE');
    expect(m.doc.error.message).toBe(c.doc.error.message);
  });

  it('a well-formed id of an atom that does not exist is E_ATOMIZE_ATOM_NOT_FOUND on both', async () => {
    const atom = 'src/a.ts#L1-L2@3f9a1c2b7d';
    const [cliDir, mcpDir] = [await workspace(), await workspace()];
    const c = await cli('apps/atomize-cli', cliDir, ['atomize', '--context', atom]);
    const m = await mcp(mcpDir, 'atom_context', { atom });
    expect(c.doc.error.code).toBe('E_ATOMIZE_ATOM_NOT_FOUND');
    expect(m.isError).toBe(true);
    expect(m.doc.error.code).toBe('E_ATOMIZE_ATOM_NOT_FOUND');
  });
});
