// `regenerate` with an agent says what the regeneration run did: `regenerated` only when the item got
// new code, otherwise a failure with the node's error (what `st3 review regenerate`, the review page
// and the MCP review tool report).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  openReviewService,
  runAgentExecution,
  startReviewServer,
  type Agent,
} from '../src/index.js';
import type { RegenerationRun } from '../src/review/service.js';

const FILE = "export function half(x: number): number {\n  // TODO: half\n  throw new Error('TODO');\n}\n";
const GOOD = '```ts\nexport function half(x: number): number {\n  return x / 2;\n}\n```';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace whose one atom was queued for review (r1) by a first run. */
async function queuedItem() {
  const root = await mkdtemp(join(tmpdir(), 'st3-regen-fail-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'src'), { recursive: true });
  await mkdir(join(root, '.st3'), { recursive: true });
  await writeFile(join(root, 'src/half.ts'), FILE);
  const code = FILE.split('\n').slice(0, 4).join('\n');
  const graph = { nodes: [{ id: 'half', path: 'src/half.ts', startLine: 1, endLine: 4, code }], edges: [] };
  const agent: Agent = { name: 'fake', kind: 'custom', generate: async () => ({ text: GOOD }) };
  await runAgentExecution({ root, graph, agent, instruction: 'Halve it.', reviewBelow: 1.01, gates: false });
  const queue = createReviewQueue(join(root, '.st3', 'review'));
  const [item] = await queue.list();
  return { root, queue, item: item! };
}

describe('review regenerate with an agent that fails', () => {
  it('every attempt answered empty: not regenerated, the failure names the error, the item keeps its code', async () => {
    const { root, queue, item } = await queuedItem();
    let calls = 0;
    const agent: Agent = {
      name: 'empty',
      kind: 'custom',
      generate: async () => {
        calls++;
        return { text: '' };
      },
    };
    const { service, dispose } = await openReviewService(root, {}, { agent: { agent, name: 'empty', saved: {} } });
    cleanup.push(dispose);
    const r = await service.regenerate(item.id, { feedback: 'be careful' });
    expect(calls).toBe(3);
    expect(r.regenerated).toBe(false);
    expect(r.failure).toMatchObject({
      code: 'E_AGENT_ANSWER',
      attempts: 3,
      message: expect.stringMatching(/^the regeneration of r1 failed after 3 attempt\(s\): The answer was empty/),
      hint: expect.stringContaining('the next `st3 execute` regenerates it'),
    });
    expect(r.item).toMatchObject({ id: item.id, status: 'needs_regeneration', code: item.code });
    expect((await queue.get(item.id)).code).toBe(item.code);
  }, 60_000);

  it('a regeneration that failed can be tried again (another agent, new feedback): the item gets its new code', async () => {
    const { root, queue, item } = await queuedItem();
    const broken: Agent = {
      name: 'broken',
      kind: 'custom',
      generate: async () => ({ text: '```ts\nexport function half(\n```' }),
    };
    const first = await openReviewService(root, {}, { agent: { agent: broken, name: 'broken', saved: {} } });
    cleanup.push(first.dispose);
    expect((await first.service.regenerate(item.id, { feedback: 'halve it' })).regenerated).toBe(false);
    expect((await queue.get(item.id)).status).toBe('needs_regeneration');

    const shift = '```ts\nexport function half(x: number): number {\n  return x >> 1;\n}\n```';
    const good: Agent = { name: 'good', kind: 'custom', generate: async () => ({ text: shift }) };
    const second = await openReviewService(root, {}, { agent: { agent: good, name: 'good', saved: {} } });
    cleanup.push(second.dispose);
    const r = await second.service.regenerate(item.id, { feedback: 'use a shift' });
    expect(r.regenerated).toBe(true);
    expect(r.item).toMatchObject({ id: item.id, status: 'pending', code: expect.stringContaining('x >> 1') });
    expect(r.item.history.map((h) => `${h.action}:${h.from ?? ''}>${h.to}`)).toContain(
      'regenerate:needs_regeneration>needs_regeneration',
    );
  }, 60_000);

  it('judges the run: cancelled, skipped as done, failed without a code, no run, and a real change', async () => {
    const { root, queue, item } = await queuedItem();
    const node = (s: Partial<RegenerationRun['nodes'][string]>) => ({
      status: 'succeeded' as const,
      attempts: [],
      ...s,
    });
    const runs: (RegenerationRun | undefined)[] = [
      { runId: 'run-a', status: 'cancelled', nodes: { half: node({ status: 'cancelled' }) } },
      { runId: 'run-b', status: 'succeeded', nodes: { half: node({ alreadyDone: 'applied by run-0' }) } },
      {
        runId: 'run-c',
        status: 'failed',
        nodes: { half: node({ status: 'failed', error: { category: 'timeout', message: 'timed out' } }) },
      },
      undefined,
    ];
    const files = createWorkspaceFiles(root);
    const service = createReviewService({ queue, files, regenerateNow: async () => runs.shift() });
    const again = async () => {
      // Back to pending, so the item can be sent back once more.
      await queue.add({ nodeId: 'half', file: 'src/half.ts', code: item.code, confidence: 0.5 });
      return service.regenerate(item.id, { feedback: 'again' });
    };
    expect((await service.regenerate(item.id, { feedback: 'x' })).failure).toMatchObject({
      code: 'E_INTERRUPTED',
      runId: 'run-a',
    });
    const skipped = await again();
    expect(skipped).toMatchObject({ regenerated: false, failure: { code: 'E_EXEC_NOTHING' } });
    expect(skipped.failure!.message).toContain('applied by run-0');
    expect((await again()).failure).toMatchObject({ code: 'E_TIMEOUT', category: 'timeout' });
    // No run at all (the item names no file): nothing now, the next execute has the feedback.
    const none = await again();
    expect(none.regenerated).toBe(false);
    expect(none.failure).toBeUndefined();
    runs.push({
      runId: 'run-d',
      status: 'succeeded',
      nodes: { half: node({ change: { file: 'src/half.ts', outcome: 'queued' } as never }) },
    });
    const ok = await again();
    expect(ok).toMatchObject({ regenerated: true });
    expect(ok.failure).toBeUndefined();
  });

  it('the review page API answers a failed regeneration with ok false and the error', async () => {
    const { root, queue, item } = await queuedItem();
    const service = createReviewService({
      queue,
      files: createWorkspaceFiles(root),
      regenerateNow: async () => ({
        runId: 'run-x',
        status: 'failed',
        nodes: {
          half: {
            status: 'failed',
            attempts: [],
            error: { category: 'unknown', message: 'connection refused', code: 'E_AGENT_UNREACHABLE' },
          },
        },
      }),
    });
    const server = await startReviewServer({ service, root });
    cleanup.push(server.close);
    const res = await fetch(new URL(`/api/review/items/${item.id}/regenerate`, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ feedback: 'be careful' }),
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      ok: false,
      regenerated: false,
      item: { id: item.id, status: 'needs_regeneration' },
      error: { code: 'E_AGENT_UNREACHABLE', message: expect.stringContaining('connection refused') },
    });
  });
});
