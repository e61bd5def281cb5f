import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Connection } from './harness.js';
import { repoRoot } from './workspace.js';

// Every task file `resources/list` names can be read back: an id two files carry is ambiguous
// (E_TASK_AMBIGUOUS, as `st3 tasks show` says), so those files are listed by their path.

const TASK = (id: string, title: string) => `schema_version: "1.1"\nid: ${id}\ntitle: "${title}"\nstatus: todo\n`;

let dir: string;
let c: Connection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-mcp-resources-'));
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await cp(join(repoRoot, 'examples/.st3/config/tasks.yaml'), join(dir, '.st3/config/tasks.yaml'));
  await mkdir(join(dir, 'tasks/completed'), { recursive: true });
  await writeFile(join(dir, 'tasks/TASK-0001-first.task.yaml'), TASK('TASK-0001', 'First'));
  await writeFile(join(dir, 'tasks/completed/TASK-0001-again.task.yaml'), TASK('TASK-0001', 'Again'));
  await writeFile(join(dir, 'tasks/TASK-0002-only.task.yaml'), TASK('TASK-0002', 'Only'));
  c = await connect('stdio', dir);
});
afterAll(async () => {
  await c.close();
  await rm(dir, { recursive: true, force: true });
});

const text = (r: { contents: unknown[] }) => (r.contents[0] as { text: string }).text;

describe('task file resources', () => {
  it('lists each file of an id two files carry by its path, and every listed task reads back', async () => {
    const { resources } = await c.client.listResources();
    const tasks = resources.filter((r) => r.uri.startsWith('st3://tasks/'));
    expect(tasks.map((r) => r.uri).sort()).toEqual([
      'st3://tasks/TASK-0002',
      'st3://tasks/tasks%2FTASK-0001-first.task.yaml',
      'st3://tasks/tasks%2Fcompleted%2FTASK-0001-again.task.yaml',
    ]);
    const read = await Promise.all(tasks.map((r) => c.client.readResource({ uri: r.uri })));
    expect(read.map(text).sort()).toEqual(
      [TASK('TASK-0001', 'Again'), TASK('TASK-0001', 'First'), TASK('TASK-0002', 'Only')].sort(),
    );
  });

  it('the id itself stays ambiguous; a path with no file there is not found (not an internal error)', async () => {
    await expect(c.client.readResource({ uri: 'st3://tasks/TASK-0001' })).rejects.toThrow(/E_TASK_AMBIGUOUS/);
    await expect(c.client.readResource({ uri: 'st3://tasks/tasks%2FTASK-0003-gone.task.yaml' })).rejects.toMatchObject({
      code: -32002,
      message: expect.stringContaining('no task file tasks/TASK-0003-gone.task.yaml'),
    });
  });
});
