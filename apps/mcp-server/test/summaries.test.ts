import { cp, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { realWorld } from '@st3/tooling/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, texts, type Connection } from './harness.js';
import { makeWorkspace, type Workspace } from './workspace.js';

// The summary an agent reads first says what was not checked, as the CLI's text does: validate_plan with
// `checks` (a level none of the selected checks runs on measured nothing: "not checked", never "pass"),
// task_validate with a task file it could not read (not "0 with errors" alone), scaffold_batch failing on
// error notes with no batch rolled back (what failed, not "some batches failed and were rolled back").

let ws: Workspace;
let c: Connection;
beforeAll(async () => {
  ws = await makeWorkspace();
  await symlink('/nonexistent/TASK-0009-gone.task.yaml', join(ws.dir, 'tasks/TASK-0009-gone.task.yaml'));
  await cp(join(realWorld, 'patterns'), join(ws.dir, 'real-patterns'), { recursive: true });
  c = await connect('stdio', ws.dir, { offload: false });
});
afterAll(async () => {
  await c.close();
  await ws.cleanup();
});

describe('validate_plan summary', () => {
  it('names the levels no selected check ran on as not checked', async () => {
    const r = await call(c.client, 'validate_plan', { paths: ['src'], checks: ['atom.syntax'] });
    const doc = r.structuredContent as { levels: { level: string; checks: number }[] };
    expect(doc.levels.filter((l) => l.checks === 0).map((l) => l.level)).toEqual(['task', 'milestone', 'plan']);
    const summary = texts(r)[0]!;
    expect(summary).toMatch(/\(atom pass, task not checked, milestone not checked, plan not checked\)/);
    expect(summary).not.toMatch(/task pass|milestone pass|plan pass/);
  });

  it('every level with checks gets its verdict', async () => {
    const r = await call(c.client, 'validate_plan', { paths: ['src'] });
    expect(texts(r)[0]).not.toMatch(/not checked/);
  });
});

describe('task_validate summary', () => {
  it('names the task files it could not check apart from those with errors', async () => {
    const r = await call(c.client, 'task_validate', {});
    expect(r.isError).toBe(true);
    expect(texts(r)[0]).toBe(
      '1 task file(s) checked: 1 ok, 0 with errors; 1 not checked (tasks/TASK-0009-gone.task.yaml: E_FILE_NOT_FOUND)',
    );
  });
});

describe('scaffold_batch summary', () => {
  it('the real-world registry: errors in its entries fail the dry run, with no batch rolled back', async () => {
    const r = await call(c.client, 'scaffold_batch', { registry: 'real-patterns/PATTERN_INDEX.yaml', dryRun: true });
    const doc = r.structuredContent as { batches: { ok: boolean }[]; notes: { severity: string }[] };
    expect(r.isError).toBe(true);
    expect(doc.batches.every((b) => b.ok)).toBe(true);
    const errors = doc.notes.filter((n) => n.severity === 'error').length;
    expect(errors).toBeGreaterThan(0);
    const summary = texts(r)[0]!;
    expect(summary).not.toMatch(/rolled back/);
    expect(summary).toMatch(
      new RegExp(`^dry run: ${doc.batches.length} batch\\(es\\), .*; ${errors} errors \\(first: PAT-`),
    );
  });
});
