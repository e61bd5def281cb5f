import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, ok, texts, type Connection } from './harness.js';
import { makeWorkspace, type Workspace } from './workspace.js';

// evidence_attach of a folder says what its archive leaves out, in `left_out` as `st3 tasks evidence attach
// --json` does and in the summary: an agent must not take a symlink it attached for archived.

let ws: Workspace;
let c: Connection;
beforeAll(async () => {
  ws = await makeWorkspace();
  c = await connect('stdio', ws.dir);
  await ok(c.client, 'task_init_context', { id: 'TASK-0001' });
  await mkdir(join(ws.dir, 'shots'));
  await writeFile(join(ws.dir, 'shots/a.txt'), 'a\n');
  await symlink('../src/pricing.ts', join(ws.dir, 'shots/pricing.ts'));
});
afterAll(async () => {
  await c.close();
  await ws.cleanup();
});

describe('evidence_attach', () => {
  it('a folder with a symlink leading out of it: left_out names it, and so does the summary', async () => {
    const r = await call(c.client, 'evidence_attach', {
      id: 'TASK-0001',
      type: 'directory',
      path: 'shots',
      description: 'shots',
    });
    const doc = r.structuredContent as { left_out: { path: string; kind: string; target?: string }[] };
    expect(doc.left_out).toEqual([
      expect.objectContaining({ path: 'pricing.ts', kind: 'symlink', target: '../src/pricing.ts' }),
    ]);
    expect(texts(r)[0]).toMatch(/; 1 left out of the archive: pricing\.ts \(symlink\)$/);
  });

  it('a file: left_out is empty', async () => {
    const r = await ok(c.client, 'evidence_attach', {
      id: 'TASK-0001',
      type: 'file',
      path: 'shots/a.txt',
      description: 'a',
    });
    expect(r.left_out).toEqual([]);
  });
});
