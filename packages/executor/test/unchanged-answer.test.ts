// An answer that gives the atom back as it was did not do the task: never a silent success that a
// later run skips as done. It is retried with feedback; the last attempt's goes to a reviewer.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  agentRunFailure,
  createAgentRunner,
  createOpenAiAgent,
  createReviewQueue,
  createReviewService,
  createValidator,
  createWorkspaceFiles,
  execute,
  openReviewService,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi, type FakeReply } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const TODO = `export function add(a: number, b: number): number {\n  // TODO\n  return 0;\n}\n`;
const block = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;
const ADD = `export function add(a: number, b: number): number {\n  return a + b;\n}`;
/** The atom as it was, with whitespace the loop does not count: trailing spaces, a blank line after. */
const SAME_SPACED = `export function add(a: number, b: number): number {  \n  // TODO\t\n  return 0;\n}\n\n`;

async function setup(reply: (index: number) => FakeReply) {
  const ws = await makeWorkspace({ 'src/calc.ts': TODO });
  const server = await startFakeOpenAi((_body, index) => reply(index));
  cleanup.push(ws.dispose, server.close);
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const graph: GraphInput = {
    nodes: [{ id: 'add', path: 'src/calc.ts', startLine: 1, endLine: 4, code: TODO.trimEnd() }],
    edges: [],
  };
  const run = (runId: string, extra: { dryRun?: boolean } = {}) =>
    runAgentExecution({
      root: ws.root,
      graph,
      agent,
      instruction: 'Implement the TODO.',
      runId,
      retries: 2,
      backoff: { baseMs: 1 },
      ...extra,
    });
  const calc = () => readFile(join(ws.root, 'src/calc.ts'), 'utf8');
  return { root: ws.root, server, graph, agent, run, calc };
}

describe('an answer that leaves the atom unchanged', () => {
  it('is retried with feedback saying so, and applied when a retry does the task', async () => {
    const env = await setup((i) => (i === 0 ? block(TODO.trimEnd()) : block(ADD)));
    const result = await env.run('run-1');
    const add = result.nodes['add']!;
    expect(add.status).toBe('succeeded');
    expect(add.change).toMatchObject({ outcome: 'applied' });
    expect(add.attempts[0]!.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'logic' });
    const retryPrompt = env.server.requests[1]!.body.messages.map((m) => m.content).join('\n');
    expect(retryPrompt).toContain('the answer is the atom unchanged');
    expect(await env.calc()).toBe(`${ADD}\n`);
  }, 60_000);

  it('every attempt unchanged (whitespace aside): queued for review with why, nothing written; the next run leaves it to the reviewer', async () => {
    const env = await setup((i) => (i === 1 ? block(SAME_SPACED) : block(TODO.trimEnd())));
    const result = await env.run('run-1');
    const add = result.nodes['add']!;
    expect(add.attempts).toHaveLength(3);
    expect(add.change).toMatchObject({
      outcome: 'queued',
      reviewItem: 'r1',
      reviewReason: 'the agent returned the atom unchanged',
      diff: '',
    });
    expect(await env.calc()).toBe(TODO);
    const queue = createReviewQueue(join(env.root, '.st3', 'review'));
    expect(await queue.get('r1')).toMatchObject({ status: 'pending', code: TODO.trimEnd(), patch: '' });
    // Never "done" as unchanged: the node waits for the reviewer, and is not sent to the agent again.
    const again = await env.run('run-2');
    expect(again.alreadyDone['add']).toMatch(/review/);
    expect(env.server.requests).toHaveLength(3);
    // The reviewer says no change is right: approved, nothing written, done.
    const service = createReviewService({ queue, files: createWorkspaceFiles(env.root) });
    await service.approve('r1');
    expect(await env.calc()).toBe(TODO);
    expect((await env.run('run-3')).alreadyDone['add']).toBe('approved in review (r1)');
  }, 60_000);

  it('rejected by the reviewer: the next run generates it again with the feedback', async () => {
    const env = await setup((i) => (i < 3 ? block(TODO.trimEnd()) : block(ADD)));
    await env.run('run-1');
    const queue = createReviewQueue(join(env.root, '.st3', 'review'));
    await queue.reject('r1', { feedback: 'do implement it' });
    const again = await env.run('run-2');
    expect(again.alreadyDone).toEqual({});
    expect(again.nodes['add']!.change).toMatchObject({ outcome: 'applied' });
    expect(await env.calc()).toBe(`${ADD}\n`);
  }, 60_000);

  it('a dry run says it would go to review for that reason', async () => {
    const env = await setup(() => block(TODO.trimEnd()));
    const change = (await env.run('run-dry', { dryRun: true })).nodes['add']!.change;
    expect(change).toMatchObject({ outcome: 'dry-run', reviewReason: 'the agent returned the atom unchanged' });
  }, 60_000);

  it('with no review queue the node fails with that reason: a verdict on the answer (exit 1), not a runtime failure', async () => {
    const env = await setup(() => block(TODO.trimEnd()));
    const files = createWorkspaceFiles(env.root);
    const runner = createAgentRunner({
      agent: env.agent,
      instruction: 'Implement the TODO.',
      files,
      validator: createValidator({ root: env.root, files, gates: false }),
      runId: 'run-noqueue',
      graph: env.graph,
    });
    const result = await execute(env.graph, runner, { retries: 1, backoff: { baseMs: 1 } });
    expect(result.nodes['add']!.status).toBe('failed');
    expect(result.nodes['add']!.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'logic' });
    expect(result.nodes['add']!.error?.message).toContain('the answer is the atom unchanged');
    expect(agentRunFailure(result.nodes)).toBe('code');
    expect(await env.calc()).toBe(TODO);
  }, 60_000);
});

describe('a regeneration that returns the atom unchanged again', () => {
  it('is not reported as regenerated: it says so, and the item waits for the reviewer again', async () => {
    const env = await setup(() => block(TODO.trimEnd()));
    await env.run('run-1');
    const { service, dispose } = await openReviewService(
      env.root,
      {},
      { agent: { agent: env.agent, name: 'echo', saved: {} } },
    );
    cleanup.push(dispose);
    const r = await service.regenerate('r1', { feedback: 'implement it' });
    expect(r.regenerated).toBe(false);
    expect(r.failure).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'logic' });
    expect(r.failure?.message).toMatch(/^the regeneration of r1 returned the atom unchanged/);
    expect(r.item.status).toBe('pending');
    expect(await env.calc()).toBe(TODO);
  }, 60_000);
});
