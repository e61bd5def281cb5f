// Approving or editing an item whose file was deleted since it was queued: the error says the file no
// longer exists (not that it "changed since"), names it, and nothing is written — the file is not recreated.
import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createValidator,
  createWorkspaceFiles,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const TODO = `export function add(a: number, b: number): number {\n  // TODO\n  return 0;\n}\n`;
const ADD = `export function add(a: number, b: number): number {\n  return a + b;\n}`;

async function queuedThenDeleted(answer = ADD) {
  const ws = await makeWorkspace({ 'src/calc.ts': TODO });
  const server = await startFakeOpenAi(() => `\`\`\`ts\n${answer}\n\`\`\``);
  cleanup.push(ws.dispose, server.close);
  const run = await runAgentExecution({
    root: ws.root,
    graph: { nodes: [{ id: 'add', path: 'src/calc.ts', startLine: 1, endLine: 4, code: TODO.trimEnd() }], edges: [] },
    agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
    instruction: 'Implement the TODO.',
    runId: 'run-1',
    reviewBelow: 1,
    retries: 0,
  });
  expect(run.nodes['add']!.change).toMatchObject({ outcome: 'queued', reviewItem: 'r1' });
  await rm(join(ws.root, 'src/calc.ts'));
  const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
  const files = createWorkspaceFiles(ws.root);
  return { root: ws.root, queue, files };
}

const GONE = {
  code: 'E_FILE_NOT_FOUND',
  message: 'src/calc.ts no longer exists: the change of r1 was not written',
  file: 'src/calc.ts',
};

describe('a review item whose file was deleted', () => {
  it('approve says the file no longer exists, with the file; nothing is written and the item stays pending', async () => {
    const { root, queue, files } = await queuedThenDeleted();
    for (const service of [
      createReviewService({ queue, files }),
      createReviewService({ queue, files, validator: createValidator({ root, files, gates: false }) }),
    ]) {
      const error = await service.approve('r1').catch((e: unknown) => e);
      expect(error).toMatchObject(GONE);
      expect((error as { hint?: string }).hint).toContain('st3 review reject r1');
    }
    await expect(access(join(root, 'src/calc.ts'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await queue.get('r1')).status).toBe('pending');
  }, 60_000);

  it('edit says the same and does not create the file', async () => {
    const { root, queue, files } = await queuedThenDeleted();
    const service = createReviewService({ queue, files });
    await expect(service.edit('r1', ADD)).rejects.toMatchObject(GONE);
    await expect(access(join(root, 'src/calc.ts'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await queue.get('r1')).status).toBe('pending');
  }, 60_000);

  it('approving an unchanged answer (the atom as it stood) says the same: there is nothing left to approve', async () => {
    const { queue, files } = await queuedThenDeleted(TODO.trimEnd());
    expect(await queue.get('r1')).toMatchObject({ patch: '', code: TODO.trimEnd() });
    const service = createReviewService({ queue, files });
    await expect(service.approve('r1')).rejects.toMatchObject({
      ...GONE,
      message: 'src/calc.ts no longer exists: r1 (the atom unchanged) was not approved',
    });
    expect((await queue.get('r1')).status).toBe('pending');
  }, 60_000);
});
