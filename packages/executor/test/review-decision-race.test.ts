// A decision (approve, edit) and another one on the same item at once — `st3 review reject` in one
// terminal, the review page or the MCP tool in another, or a run bringing new code for the node: the
// file must hold code only if its item approves it. The other decision lands right after this one
// looked at the item (the queue's `expect`), as it does when two processes act at the same moment.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  runAgentExecution,
  type ReviewQueueApi,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const ONE = `export function one(x: number): number {
  // TODO: one
  throw new Error('TODO');
}
`;
const ANSWER = '```ts\nexport function one(x: number): number {\n  return x + 1;\n}\n```';
const EDIT = 'export function one(x: number): number {\n  return x + 2;\n}';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace whose agent-generated `one` is queued as r1; `meanwhile` runs once, right after `expect`. */
async function queuedItem(meanwhile: (other: ReviewQueueApi) => Promise<unknown>) {
  const ws = await makeWorkspace({ 'src/one.ts': ONE });
  const server = await startFakeOpenAi(() => ANSWER);
  cleanup.push(ws.dispose, server.close);
  const graph = { nodes: [{ id: 'one', path: 'src/one.ts', startLine: 1, endLine: 4 }], edges: [] };
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const run = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', gates: false, reviewBelow: 1 });
  expect(run.nodes.one!.change?.outcome).toBe('queued');
  const dir = join(ws.root, '.st3', 'review');
  const queue = createReviewQueue(dir);
  const other = createReviewQueue(dir); // another process's view of the same queue file
  let pending: typeof meanwhile | undefined = meanwhile;
  const racing: ReviewQueueApi = {
    ...queue,
    async expect(id, action) {
      const seen = await queue.expect(id, action);
      const act = pending;
      pending = undefined;
      await act?.(other);
      return seen;
    },
  };
  const service = createReviewService({ queue: racing, files: createWorkspaceFiles(ws.root) });
  const text = () => readFile(join(ws.root, 'src/one.ts'), 'utf8');
  return { queue, service, text };
}

const reject = (q: ReviewQueueApi) => q.reject('r1', { by: 'bo', feedback: 'wrong' });

describe('review decisions racing another decision on the same item', () => {
  it('approve while the item is rejected: refused, and the file does not get the rejected code', async () => {
    const env = await queuedItem(reject);
    await expect(env.service.approve('r1')).rejects.toMatchObject({ code: 'E_REVIEW_TRANSITION' });
    expect(await env.text()).toBe(ONE);
    expect(await env.queue.get('r1')).toMatchObject({ status: 'rejected', feedback: 'wrong' });
  }, 60_000);

  it('edit while the item is rejected: refused, and the file does not get the edit', async () => {
    const env = await queuedItem(reject);
    await expect(env.service.edit('r1', EDIT)).rejects.toMatchObject({ code: 'E_REVIEW_TRANSITION' });
    expect(await env.text()).toBe(ONE);
    expect(await env.queue.get('r1')).toMatchObject({ status: 'rejected' });
  }, 60_000);

  it('approve while new code of the node comes back to the item: refused, nothing written, still pending', async () => {
    const newer = 'export function one(x: number): number {\n  return x + 3;\n}';
    const env = await queuedItem(async (q) => {
      const item = await q.get('r1');
      await q.add({ nodeId: item.nodeId, file: 'src/one.ts', startLine: 1, endLine: 3, code: newer, confidence: 0.5 });
    });
    await expect(env.service.approve('r1')).rejects.toMatchObject({
      code: 'E_APPLY_CONFLICT',
      message: 'cannot approve r1: it got new code meanwhile',
      file: 'src/one.ts',
      hint: expect.stringContaining('st3 review show r1'),
    });
    expect(await env.text()).toBe(ONE);
    expect(await env.queue.get('r1')).toMatchObject({ status: 'pending', code: newer });
  }, 60_000);

  it('without a race both still write and approve (the write is under the lock, not skipped)', async () => {
    const env = await queuedItem(async () => undefined);
    expect(await env.service.approve('r1')).toMatchObject({ status: 'approved', applied: expect.anything() });
    expect(await env.text()).toContain('return x + 1;');
  }, 60_000);
});
