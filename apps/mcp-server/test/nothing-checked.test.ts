// The tools give the CLI's verdicts over nothing, by the same library functions: nothing atomized is
// E_ATOMIZE_NO_FILES, no generated file is E_SCAFFOLD_NO_FILES, a project holding no file a gate takes is
// E_GATES_NO_FILES, `files: []` names nothing (E_USAGE), a task with no standards excerpt verifies
// nothing (isError, no_excerpts); an update with nothing recorded says so.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, texts, workspaceSession } from './harness.js';
import { git } from './workspace.js';

async function setup(dir: string): Promise<void> {
  // No source file a gate takes: the project is empty for the gates.
  await rm(join(dir, 'src'), { recursive: true, force: true });
  await rm(join(dir, 'py'), { recursive: true, force: true });
  await mkdir(join(dir, 'probe'), { recursive: true });
  await writeFile(join(dir, 'probe/notes.txt'), 'hello\n');
  await writeFile(join(dir, 'probe/bin.ts'), Buffer.from('export const z = 1;\0\n'));
  // A task citing no standard: its context caches no excerpt.
  const task = await readFile(join(dir, 'tasks/TASK-0001-example-evidence.task.yaml'), 'utf8');
  await writeFile(
    join(dir, 'tasks/TASK-0005-no-standards.task.yaml'),
    task.replaceAll('TASK-0001', 'TASK-0005').replaceAll('standards/engineering.md', 'docs/none.md'),
  );
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'nothing to check');
}

describe('tools over nothing: no vacuous pass', () => {
  const s = workspaceSession('stdio', { setup });

  it('atomize: every file skipped is E_ATOMIZE_NO_FILES', async () => {
    expect(await failure(s.client, 'atomize', { paths: ['probe/notes.txt', 'probe/bin.ts'] })).toBe(
      'E_ATOMIZE_NO_FILES',
    );
  });

  it('check_scaffolded: no generated file is E_SCAFFOLD_NO_FILES', async () => {
    expect(await failure(s.client, 'check_scaffolded', { paths: ['probe'] })).toBe('E_SCAFFOLD_NO_FILES');
    expect(await failure(s.client, 'check_scaffolded', {})).toBe('E_SCAFFOLD_NO_FILES');
  });

  it('update_scaffolded: nothing recorded says so, and is no error', async () => {
    const r = (await call(s.client, 'update_scaffolded', {})) as CallToolResult;
    expect(r.isError ?? false).toBe(false);
    const note =
      'no recorded file: nothing to update — files scaffolded by ST3 are recorded in .st3/scaffold/answers.json';
    expect(texts(r)[0]).toBe(note);
    expect(r.structuredContent).toMatchObject({ files: [], note });
  });

  it('run_quality_gates: an empty project is E_GATES_NO_FILES; files: [] is E_USAGE', async () => {
    expect(await failure(s.client, 'run_quality_gates', { scope: 'project' })).toBe('E_GATES_NO_FILES');
    expect(await failure(s.client, 'run_quality_gates', { files: [] })).toBe('E_USAGE');
  });

  it('standards_verify: a task with no excerpt verifies nothing (isError, no_excerpts)', async () => {
    await ok(s.client, 'task_init_context', { id: 'TASK-0005' });
    const r = (await call(s.client, 'standards_verify', { id: 'TASK-0005' })) as CallToolResult;
    expect(r.isError).toBe(true);
    expect(r.structuredContent).toMatchObject({ ok: false, no_excerpts: true, excerpts: [] });
    expect(texts(r)[0]).toContain('nothing verified');
  });
});
