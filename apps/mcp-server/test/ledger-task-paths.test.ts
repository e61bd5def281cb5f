import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, failure, ok, type Connection } from './harness.js';
import { repoRoot } from './workspace.js';

// The exception ledger and quarantine tools take a task id or the path of its task file, as their
// `id` argument says: a path is the task of that file, never an upper-cased "id" naming no task.

const FILE = 'tasks/TASK-0007-ledger.task.yaml';

let dir: string;
let c: Connection;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-mcp-ledger-paths-'));
  await mkdir(join(dir, '.st3/config'), { recursive: true });
  await cp(join(repoRoot, 'examples/.st3/config/tasks.yaml'), join(dir, '.st3/config/tasks.yaml'));
  await mkdir(join(dir, 'tasks'));
  // Does not parse (a backtick scalar), and the repair fixes it: quarantined by task_validate.
  await writeFile(join(dir, FILE), 'id: TASK-0007\ntitle: `Ledger`\nstatus: todo\n');
  c = await connect('stdio', dir);
});
afterAll(async () => {
  await c.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ledger and quarantine tools given the path of a task file', () => {
  it('exceptions_add, exceptions_list and exceptions_resolve act on the task of that file', async () => {
    const added = await ok(c.client, 'exceptions_add', { id: FILE, type: 'incomplete_task', owner: 'alice' });
    expect(added.exception.task_id).toBe('TASK-0007');
    const listed = await ok(c.client, 'exceptions_list', { id: `./${FILE}` });
    expect(listed.exceptions.map((e: { task_id: string }) => e.task_id)).toEqual(['TASK-0007']);
    const resolved = await ok(c.client, 'exceptions_resolve', { id: FILE, notes: 'filled in' });
    expect(resolved.resolved.map((e: { task_id: string }) => e.task_id)).toEqual(['TASK-0007']);
    const ledger = await readFile(join(dir, 'docs/compliance/context-cache-exceptions.json'), 'utf8');
    expect(ledger).not.toMatch(/TASKS\//);
  });

  it('quarantine_repair and quarantine_release find the quarantined task by its path', async () => {
    await c.client.callTool({ name: 'task_validate', arguments: { quarantine: true } });
    const repaired = await ok(c.client, 'quarantine_repair', { id: FILE, dryRun: true });
    expect(repaired.entry.task_id).toBe('TASK-0007');
    const released = await ok(c.client, 'quarantine_release', { id: FILE, force: true });
    expect(released.entry.task_id).toBe('TASK-0007');
  });

  it('a path whose file name carries no task id is E_USAGE, and nothing is recorded', async () => {
    expect(await failure(c.client, 'exceptions_add', { id: 'tasks/notes.task.yaml', type: 'other' })).toBe('E_USAGE');
    const all = await ok(c.client, 'exceptions_list', {});
    expect(all.exceptions.map((e: { task_id: string }) => e.task_id)).not.toContain('TASKS/NOTES.TASK.YAML');
  });
});
