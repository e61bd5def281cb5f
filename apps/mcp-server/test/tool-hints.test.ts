import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, ok, texts, type Connection } from './harness.js';
import { makeWorkspace, type Workspace } from './workspace.js';

// A failed call's hint says what the agent can do with the tool, never a CLI flag the tool does not
// take: scaffold_artifact has no --force (it never overwrites), the task tools take allowPreexistingDirty.

let ws: Workspace;
let c: Connection;
beforeAll(async () => {
  ws = await makeWorkspace();
  c = await connect('stdio', ws.dir);
});
afterAll(async () => {
  await c.close();
  await ws.cleanup();
});

/** The JSON error document of a failed call. */
async function errorOf(name: string, args: Record<string, unknown>) {
  const r: CallToolResult = await call(c.client, name, args);
  expect(r.isError).toBe(true);
  return (JSON.parse(texts(r)[1]!) as { error: { code: string; hint?: string; details?: Record<string, unknown> } })
    .error;
}

describe('hints in the terms of the tool', () => {
  it('scaffold_artifact over a file with other content: E_CONFLICT with the diffs, no --force in the hint', async () => {
    const args = { type: 'dto', name: 'HintOrder', context: { fields: [{ name: 'id', type: 'string' }] } };
    const wrote = await ok(c.client, 'scaffold_artifact', { ...args, dryRun: false });
    await appendFile(join(ws.dir, wrote.written[0] as string), '// mine\n');
    const again = { ...args, context: { fields: [{ name: 'id', type: 'number' }] }, dryRun: false };
    const error = await errorOf('scaffold_artifact', again);
    expect(error.code).toBe('E_CONFLICT');
    expect(error.details?.conflicts).toEqual(
      expect.arrayContaining([expect.objectContaining({ diff: expect.any(String) })]),
    );
    expect(error.hint).toMatch(/dryRun: true/);
    expect(error.hint).not.toMatch(/--dry-run|pass --force/);
  });

  it('task_init_context and worktree_snapshot on a dirty tree: E_DIRTY_TREE naming allowPreexistingDirty', async () => {
    await writeFile(join(ws.dir, 'untracked.txt'), 'x\n');
    const init = await errorOf('task_init_context', { id: 'TASK-0001' });
    expect(init.code).toBe('E_DIRTY_TREE');
    expect(init.hint).toMatch(/allowPreexistingDirty: true/);
    expect(init.hint).not.toMatch(/--allow-preexisting-dirty/);
    await ok(c.client, 'task_init_context', { id: 'TASK-0001', allowPreexistingDirty: true });
    const snapshot = await errorOf('worktree_snapshot', { id: 'TASK-0001' });
    expect(snapshot.code).toBe('E_DIRTY_TREE');
    expect(snapshot.hint).toMatch(/allowPreexistingDirty: true/);
  });
});
