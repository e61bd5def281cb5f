// Code a reviewer approved or edited into a file counts as done by the same rule as a run's applied
// change: only while the file still holds it (a revert runs the node again; an edit since keeps it done).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  approvedInFile,
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createWorkspaceFiles,
  priorOutcomes,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi } from './fake-openai.js';
import { about, CALC, calcGraph, IMPLEMENTED, impl } from './calc-fixture.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** Every atom generated and queued (review below 1), then every item approved: the file is IMPLEMENTED. */
async function approvedWorkspace() {
  const ws = await makeWorkspace({ 'src/calc.ts': CALC });
  const server = await startFakeOpenAi((body) => `\`\`\`ts\n${impl(about(body))}\n\`\`\``);
  cleanup.push(ws.dispose, server.close);
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const run = (runId: string, reviewBelow: number) =>
    runAgentExecution({ root: ws.root, graph: calcGraph(), agent, instruction: 'x', runId, gates: false, reviewBelow });
  const queued = await run('run-1', 1);
  expect(Object.values(queued.nodes).map((n) => n.change?.outcome)).toEqual(['queued', 'queued', 'queued']);
  const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
  const service = createReviewService({ queue, files: createWorkspaceFiles(ws.root) });
  for (const item of await queue.list()) await service.approve(item.id);
  const calc = () => readFile(join(ws.root, 'src/calc.ts'), 'utf8');
  expect(await calc()).toBe(IMPLEMENTED);
  const prior = () => priorOutcomes(join(ws.root, '.st3', 'runs'), queue, { root: ws.root });
  return { root: ws.root, server, run, queue, calc, prior };
}

describe('code approved in review, then reverted or edited', () => {
  it('reverted (its TODO back): no longer done, listed stale with why, and generated again', async () => {
    const env = await approvedWorkspace();
    const itemOf = async (node: string) => (await env.queue.list()).find((i) => i.nodeId === node)!.id;
    expect((await env.prior()).done).toEqual({
      add: `approved in review (${await itemOf('add')})`,
      mul: `approved in review (${await itemOf('mul')})`,
      sub: `approved in review (${await itemOf('sub')})`,
    });

    // `git checkout` of add only: mul and sub moved up but are still there.
    await writeFile(join(env.root, 'src/calc.ts'), IMPLEMENTED.replace(impl('add'), CALC.split('\n\n')[0]!));
    const prior = await env.prior();
    expect(Object.keys(prior.done).sort()).toEqual(['mul', 'sub']);
    expect(prior.stale).toEqual({
      add: expect.stringMatching(
        /^approved in review \(r\d\), but src\/calc\.ts no longer holds the code it wrote \(lines 1-6\): generated again$/,
      ),
    });
    const asked = env.server.requests.length;
    const again = await env.run('run-2', 0);
    expect(again.stale).toEqual({ add: prior.stale.add });
    expect(again.nodes.add).toMatchObject({ status: 'succeeded', change: { outcome: 'applied' } });
    expect(env.server.requests).toHaveLength(asked + 1);
    expect(await env.calc()).toBe(IMPLEMENTED);
    // Held again (the same code as approved, applied by run-2): done.
    const after = await env.prior();
    expect(Object.keys(after.done).sort()).toEqual(['add', 'mul', 'sub']);
    expect(after.stale).toEqual({});
  }, 60_000);

  it('every TODO back (the file checked out): every approved node is generated again', async () => {
    const env = await approvedWorkspace();
    await writeFile(join(env.root, 'src/calc.ts'), CALC);
    const prior = await env.prior();
    expect(prior.done).toEqual({});
    expect(Object.keys(prior.stale).sort()).toEqual(['add', 'mul', 'sub']);
  }, 60_000);

  it('edited since (reformatted, the TODO not back): stays done, never sent to the agent over the edit', async () => {
    const env = await approvedWorkspace();
    await writeFile(join(env.root, 'src/calc.ts'), IMPLEMENTED.replace(/^ {2}/gm, '    '));
    const asked = env.server.requests.length;
    const again = await env.run('run-2', 0);
    expect(again.status).toBe('succeeded');
    expect(again.stale).toEqual({});
    expect(again.alreadyDone.add).toMatch(
      /^approved in review \(r\d\), but .*, and its original code is not back \(edited since, not reverted\)/,
    );
    expect(env.server.requests).toHaveLength(asked);
  }, 60_000);

  it('sent back, then regenerated and applied by a run, then reverted: generated again (the item does not keep it done)', async () => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    const server = await startFakeOpenAi((body) => `\`\`\`ts\n${impl(about(body))}\n\`\`\``);
    cleanup.push(ws.dispose, server.close);
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
    const graph: GraphInput = { nodes: [calcGraph().nodes[0]!], edges: [] };
    const run = (runId: string, reviewBelow: number) =>
      runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', runId, gates: false, reviewBelow });
    await run('run-1', 1);
    const queue = createReviewQueue(join(ws.root, '.st3', 'review'));
    await queue.regenerate('r1', { feedback: 'again' });
    await run('run-2', 0);
    expect(await queue.get('r1')).toMatchObject({ status: 'needs_regeneration', applied: expect.anything() });
    await writeFile(join(ws.root, 'src/calc.ts'), CALC);
    const prior = await priorOutcomes(join(ws.root, '.st3', 'runs'), queue, { root: ws.root });
    expect(prior.done).toEqual({});
    expect(prior.stale.add).toMatch(/^applied by run-2, but src\/calc\.ts no longer holds the code it wrote/);
  }, 60_000);
});

describe('approvedInFile (what `st3 review list` says of approved items)', () => {
  it('held while the file holds the code, reverted (generated again) after; not checked when a record is unreadable', async () => {
    const env = await approvedWorkspace();
    const runsDir = join(env.root, '.st3', 'runs');
    const inFile = async () => approvedInFile(runsDir, env.queue, await env.queue.list(), { root: env.root });
    const ids = (await env.queue.list()).map((i) => i.id).sort();
    expect(Object.values(await inFile())).toEqual(ids.map(() => ({ status: 'held' })));

    await writeFile(join(env.root, 'src/calc.ts'), CALC); // every TODO back
    const reverted = await inFile();
    expect(Object.keys(reverted).sort()).toEqual(ids);
    for (const [id, v] of Object.entries(reverted))
      expect(v).toEqual({
        status: 'reverted',
        why: expect.stringMatching(new RegExp(`^approved in review \\(${id}\\), but `)),
      });

    await writeFile(join(runsDir, 'broken.json'), '{');
    expect(Object.values(await inFile())).toEqual(
      ids.map(() => ({ status: 'not checked', why: expect.stringContaining('broken.json') })),
    );
  }, 60_000);
});
