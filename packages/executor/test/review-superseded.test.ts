// A rejected item whose node a later run regenerated and applied: the queue keeps it rejected (its
// history is true) with the reviewer's feedback, and says by which run it was superseded — in
// `supersededBy`, the review API's items, and the hint of a move no longer allowed.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSt3Error, type GraphInput } from '@st3/schemas';
import {
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  runAgentExecution,
  startReviewServer,
  supersededBy,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { about, CALC, calcGraph, impl } from './calc-fixture.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('a rejected item superseded by a run', () => {
  it('stays rejected with its feedback, names the run, and no move is offered on it', async () => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    cleanup.push(ws.dispose);
    const server = await startFakeOpenAi((body) => `\`\`\`ts\n${impl(about(body))}\n\`\`\``);
    cleanup.push(server.close);
    const graph: GraphInput = { nodes: calcGraph().nodes.slice(0, 1), edges: [] };
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'm' });
    const options = { root: ws.root, graph, agent, instruction: 'x', gates: false as const };
    await runAgentExecution({ ...options, runId: 'run-1', reviewBelow: 1.01 });
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const [item] = await queue.list();
    await queue.reject(item!.id, { feedback: 'check NaN', by: 'ana' });
    expect(supersededBy(await queue.get(item!.id))).toBeUndefined();

    const second = await runAgentExecution({ ...options, runId: 'run-2', reviewBelow: 0 });
    expect(second.nodes.add!.change!.outcome).toBe('applied');
    const after = await queue.get(item!.id);
    expect(after).toMatchObject({ status: 'rejected', feedback: 'check NaN' });
    expect(supersededBy(after)).toEqual({
      runId: 'run-2',
      at: after.applied!.at,
      sha256: second.nodes.add!.change!.afterSha256,
    });
    expect(after.history.at(-1)).toMatchObject({ action: 'apply', from: 'rejected', to: 'rejected', by: 'run-2' });
    // Nothing is left to decide: the hint does not promise a regeneration that will not come.
    const refused = await queue.approve(item!.id).catch((e: unknown) => e);
    expect(isSt3Error(refused, 'E_REVIEW_TRANSITION')).toBe(true);
    expect((refused as { hint?: string }).hint).toMatch(
      /^nothing is left to decide on r1: superseded: its node was regenerated and applied by run-2 \(/,
    );

    // The review page's API carries it on the list and the item.
    const files = createWorkspaceFiles(ws.root);
    const review = await startReviewServer({ service: createReviewService({ queue, files }), root: ws.root });
    cleanup.push(review.close);
    const list = (await (await fetch(new URL('/api/review/queue', review.url))).json()) as {
      items: { id: string; supersededBy?: { runId?: string } }[];
    };
    expect(list.items.map((i) => [i.id, i.supersededBy?.runId])).toEqual([['r1', 'run-2']]);
    const one = (await (await fetch(new URL('/api/review/items/r1', review.url))).json()) as {
      item: { supersededBy?: { runId?: string } };
    };
    expect(one.item.supersededBy?.runId).toBe('run-2');
  }, 60_000);

  it('an item a run settled before the run was recorded names it from its note', async () => {
    const ws = await makeWorkspace({});
    cleanup.push(ws.dispose);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    const a = await queue.add({ nodeId: 'n', code: 'x = 1\n', language: 'python', confidence: 0.5 });
    await queue.reject(a.id, { feedback: 'no' });
    await queue.markApplied(a.id, { sha256: 'f00', note: 'regenerated and applied by run-old' });
    expect(supersededBy(await queue.get(a.id))).toMatchObject({ runId: 'run-old', sha256: 'f00' });
  });
});
