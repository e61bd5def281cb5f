import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isSt3Error, type GraphInput, type RunState } from '@st3/schemas';
import {
  createFileRunStore,
  createOpenAiAgent,
  createReviewQueue,
  execute,
  openReviewService,
  parseCompletion,
  priorOutcomes,
  runAgentExecution,
  unifiedDiff,
} from '../src/index.js';
import { startFakeOpenAi, type ChatRequest, type FakeReply } from './fake-openai.js';
import { about, CALC, calcGraph, IMPLEMENTED, impl, NAMES } from './calc-fixture.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

const block = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(reply: (body: ChatRequest, index: number) => FakeReply, files: Record<string, string> = {}) {
  const ws = await makeWorkspace({ 'src/calc.ts': CALC, ...files });
  const server = await startFakeOpenAi(reply);
  cleanup.push(ws.dispose, server.close);
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'coder' });
  const calc = () => readFile(join(ws.root, 'src/calc.ts'), 'utf8');
  return { root: ws.root, server, agent, calc };
}

describe('a re-run after the applied work was reverted', () => {
  it('does again what the file no longer holds (and says why); what it still holds, moved or not, stays done', async () => {
    const env = await setup((body) => block(impl(about(body))));
    const graph = calcGraph();
    const first = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-1',
      gates: false,
    });
    expect(first.status).toBe('succeeded');
    expect(await env.calc()).toBe(IMPLEMENTED);

    // `git checkout src/calc.ts`: every TODO is back.
    await writeFile(join(env.root, 'src/calc.ts'), CALC);
    const second = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-2',
      gates: false,
    });
    expect(second.alreadyDone).toEqual({});
    expect(second.stale).toEqual({
      add: expect.stringMatching(/^applied by run-1, but src\/calc\.ts no longer holds the code it wrote/),
      mul: expect.any(String),
      sub: expect.any(String),
    });
    expect(second.stats).toMatchObject({ attempts: 3, succeeded: 3 });
    expect(await env.calc()).toBe(IMPLEMENTED);
    expect(env.server.requests).toHaveLength(6);

    // Only `add` reverted: mul and sub moved up by two lines but are still there, so still done.
    await writeFile(join(env.root, 'src/calc.ts'), IMPLEMENTED.replace(impl('add'), CALC.split('\n\n')[0]!));
    const prior = await priorOutcomes(join(env.root, '.st3', 'runs'));
    expect(prior.done).toEqual({ mul: 'applied by run-2', sub: 'applied by run-2' });
    expect(Object.keys(prior.stale)).toEqual(['add']);
  }, 60_000);
});

describe('a run record of an older version with a node "left unchanged by its agent"', () => {
  it('is not done: the agent did not do the task, so the next run asks again', async () => {
    const env = await setup((body) => block(impl(about(body))));
    await runAgentExecution({
      root: env.root,
      graph: calcGraph(),
      agent: env.agent,
      instruction: 'x',
      runId: 'run-1',
      gates: false,
    });
    // As an older version recorded an answer that left the atom as it was: outcome "unchanged".
    const file = join(env.root, '.st3', 'runs', 'run-1.json');
    const record = JSON.parse(await readFile(file, 'utf8')) as RunState;
    for (const node of Object.values(record.nodes)) if (node.change) node.change.outcome = 'unchanged';
    await writeFile(file, JSON.stringify(record));
    await writeFile(join(env.root, 'src/calc.ts'), CALC);
    expect((await priorOutcomes(join(env.root, '.st3', 'runs'))).done).toEqual({});
  }, 60_000);
});

describe('a re-run after the applied work was edited, or a deletion reverted', () => {
  it('edited since (reformatted): stays done, never sent to the agent over the edit', async () => {
    const env = await setup((body) => block(impl(about(body))));
    const graph = calcGraph();
    await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-1',
      gates: false,
    });
    expect(await env.calc()).toBe(IMPLEMENTED);
    // A formatter re-indents everything: the written code is not there byte for byte, nor is the TODO.
    await writeFile(join(env.root, 'src/calc.ts'), IMPLEMENTED.replace(/^ {2}/gm, '    '));
    const again = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-2',
      gates: false,
    });
    expect(again.status).toBe('succeeded');
    expect(again.stale).toEqual({});
    expect(again.alreadyDone.add).toMatch(/original code is not back \(edited since, not reverted\)/);
    expect(env.server.requests).toHaveLength(3);
  }, 60_000);

  it('a deletion reverted (the atom is back) is done again', async () => {
    const env = await setup((body) => `\`\`\`diff\n${deletion(about(body))}\`\`\``);
    const graph = { ...calcGraph(), nodes: calcGraph().nodes.slice(0, 1) };
    const first = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-1',
      retries: 0,
      gates: false,
    });
    expect(first.status, JSON.stringify(first.nodes)).toBe('succeeded');
    // Deleting a function removes a definition: never applied unreviewed; a reviewer approves it.
    expect(first.nodes.add!.change).toMatchObject({ outcome: 'queued', reviewReason: expect.stringContaining('add') });
    const review = await openReviewService(env.root, {});
    await review.service.approve(first.nodes.add!.change!.reviewItem!, { by: 'ana' });
    await review.dispose();
    expect(await env.calc()).not.toContain('TODO: return the sum');
    await writeFile(join(env.root, 'src/calc.ts'), CALC); // git checkout
    const again = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-2',
      retries: 0,
      gates: false,
    });
    expect(again.stale.add).toMatch(/deleted lines 1-4/);
    expect(env.server.requests).toHaveLength(2);
  }, 60_000);
});

/** A unified diff deleting the `add` atom (lines 1-4). */
function deletion(name: string): string {
  const lines = CALC.split('\n').slice(0, 4);
  return `--- a/src/calc.ts\n+++ b/src/calc.ts\n@@ -1,4 +0,0 @@\n${lines.map((l) => `-${l}`).join('\n')}\n`.replace(
    'add',
    name,
  );
}

describe('an answer cut off by the server', () => {
  /** Quotes the atom, then is cut off in the middle of the implementation: its only whole fence is the old code. */
  const truncated = (name: string) =>
    `The current code:\n${block(CALC.split('\n\n')[NAMES.indexOf(name as 'add')]!.trimEnd())}\nImplemented:\n\`\`\`ts\nexport function ${name}(a: number, b: number): number {\n  return a`;

  it('finish_reason "length" is a failed attempt (context), retried; the cut-off answer is in the record', async () => {
    const env = await setup((body, i) =>
      i === 0 ? { content: truncated(about(body)), finishReason: 'length' } : block(impl(about(body))),
    );
    const graph: GraphInput = { nodes: [calcGraph().nodes[0]!], edges: [] };
    const result = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-t',
      gates: false,
      backoff: { baseMs: 1 },
    });
    expect(result.status).toBe('succeeded');
    const add = (await createFileRunStore(join(env.root, '.st3', 'runs')).load('run-t')).nodes.add!;
    expect(add.attempts.map((a) => [a.ok, a.error?.category, a.error?.code])).toEqual([
      [false, 'context', 'E_AGENT_ANSWER'],
      [true, undefined, undefined],
    ]);
    expect(add.attempts[0]!.error!.message).toMatch(
      /was cut off: it reached the token limit \(finish_reason "length"\)/,
    );
    expect(add.attempts[0]!.answer).toContain('Implemented:');
    expect(add.change!.outcome).toBe('applied');
    // The retry's prompt says why the first answer was refused.
    expect(env.server.requests[1]!.body.messages.at(-1)!.content).toContain('was cut off');
  }, 60_000);

  it('an answer that is always cut off fails the node: never "unchanged", never done', async () => {
    const env = await setup((body) => ({ content: truncated(about(body)), finishReason: 'length' }));
    const graph: GraphInput = { nodes: [calcGraph().nodes[0]!], edges: [] };
    const result = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-t',
      gates: false,
      backoff: { baseMs: 1 },
    });
    expect(result.status).toBe('failed');
    expect(result.nodes.add!.change).toBeUndefined();
    expect((await priorOutcomes(join(env.root, '.st3', 'runs'))).done).toEqual({});
  }, 60_000);

  it('finish_reason "content_filter" is refused the same way', () => {
    const body = JSON.stringify({
      choices: [{ message: { content: '```ts\nx\n```' }, finish_reason: 'content_filter' }],
    });
    let error: unknown;
    try {
      parseCompletion('http://x/v1/chat/completions', body);
    } catch (e) {
      error = e;
    }
    expect(isSt3Error(error, 'E_AGENT_ANSWER')).toBe(true);
    expect(error).toMatchObject({ category: 'context', answer: { text: '```ts\nx\n```' } });
    expect((error as Error).message).toContain('content filter');
  });
});

describe('usage a server reports as null', () => {
  it('is left out of the record, which stays valid: the run resumes and the ledger reads it', async () => {
    const env = await setup((body) => ({
      content: block(impl(about(body))),
      usage: { prompt_tokens: null, completion_tokens: null, total_tokens: 7, cost: -1 },
    }));
    const graph = calcGraph();
    const result = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-u',
      gates: false,
    });
    expect(result.status).toBe('succeeded');
    const store = createFileRunStore(join(env.root, '.st3', 'runs'));
    const saved = await store.load('run-u');
    expect(saved.nodes.add!.attempts[0]!.usage).toEqual({ total_tokens: 7 });
    const again = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-u2',
      gates: false,
    });
    expect(Object.keys(again.alreadyDone).sort()).toEqual(['add', 'mul', 'sub']);
    expect(env.server.requests).toHaveLength(3);
  }, 60_000);

  it('a run record that fails its schema is never saved: the run is an error, not a green', async () => {
    const env = await setup(() => 'unused');
    const store = createFileRunStore(join(env.root, '.st3', 'runs'));
    const run = execute(
      { nodes: [{ id: 'a' }], edges: [] },
      async () => ({ attemptInfo: { usage: { prompt_tokens: 'many' as unknown as number } } }),
      {
        runId: 'run-bad',
        store,
      },
    );
    await expect(run).rejects.toMatchObject({ code: 'E_SCHEMA', file: store.pathOf('run-bad') });
    await expect(run).rejects.toThrow(/nodes\.a\.attempts\.0\.usage\.prompt_tokens/);
    // What is on disk is the last record that passed its schema (before the attempt), never the bad one.
    expect((await store.load('run-bad')).status).toBe('running');
  });

  it('the ledger stops at a record it cannot read instead of forgetting what that run applied', async () => {
    const env = await setup((body) => block(impl(about(body))));
    const runsDir = join(env.root, '.st3', 'runs');
    const graph = calcGraph();
    await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-1',
      gates: false,
    });
    // Counts of null, as the agent code before ed3a466 saved them, are still read.
    const file = join(runsDir, 'run-1.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as RunState;
    state.nodes.add!.attempts[0]!.usage = { prompt_tokens: null, completion_tokens: null };
    await writeFile(file, JSON.stringify(state));
    expect((await priorOutcomes(runsDir)).done).toMatchObject({ add: 'applied by run-1' });
    // A record damaged by hand: a count that is not a number.
    state.nodes.add!.attempts[0]!.usage = { prompt_tokens: 'many' as unknown as number };
    await writeFile(file, JSON.stringify(state));
    const asked = env.server.requests.length;

    await expect(priorOutcomes(runsDir, createReviewQueue(join(env.root, '.st3', 'review')))).rejects.toMatchObject({
      code: 'E_SCHEMA',
      file,
    });
    const again = runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-2',
      gates: false,
    });
    await expect(again).rejects.toMatchObject({
      code: 'E_SCHEMA',
      file,
      hint: expect.stringContaining('nothing runs'),
    });
    expect(env.server.requests).toHaveLength(asked);
    expect(await env.calc()).toBe(IMPLEMENTED);
  }, 60_000);

  it('a record that is not JSON is a located E_PARSE', async () => {
    const env = await setup(() => 'unused');
    const runsDir = join(env.root, '.st3', 'runs');
    await mkdir(runsDir, { recursive: true });
    await writeFile(join(runsDir, 'run-0.json'), '{"version": 1,\n  "id": ');
    await expect(priorOutcomes(runsDir)).rejects.toMatchObject({ code: 'E_PARSE', file: join(runsDir, 'run-0.json') });
  });
});

describe('a diff answer that changes code outside its atom', () => {
  /** The file with `add` (lines 1-4) and an unrelated helper at its end. */
  const WITH_HELPER = `${CALC.split('\n\n')[0]}\n\nexport function helper(x: number): number {\n  return x;\n}\n`;
  const TWO_HUNKS = unifiedDiff(
    'src/calc.ts',
    WITH_HELPER,
    WITH_HELPER.replace("  // TODO: return the sum\n  throw new Error('TODO');", '  return a + b;').replace(
      '  return x;',
      '  return x * 2;',
    ),
  );

  it('is a failed attempt naming the lines, retried; never applied nor queued (the gates would pass it)', async () => {
    const env = await setup(() => `\`\`\`diff\n${TWO_HUNKS}\`\`\``, {
      'src/calc.ts': WITH_HELPER,
      'tsconfig.json': TSCONFIG,
      '.st3/config/quality.yaml': qualityYaml(),
    });
    const graph: GraphInput = { nodes: [calcGraph().nodes[0]!], edges: [] };
    const result = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-d',
      backoff: { baseMs: 1 },
    });
    expect(result.status).toBe('failed');
    const add = result.nodes.add!;
    expect(add.change).toBeUndefined();
    expect(add.attempts).toHaveLength(3);
    for (const a of add.attempts) {
      expect(a.error).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
      expect(a.error!.message).toContain(
        'The diff changes src/calc.ts outside the atom: line(s) 7 (the atom is lines 1-4)',
      );
    }
    expect(await env.calc()).toBe(WITH_HELPER);
    expect(await createReviewQueue(join(env.root, '.st3', 'review')).list()).toEqual([]);
  }, 120_000);

  it('a diff of the atom only is applied as the exact replacement of its lines', async () => {
    const inside = unifiedDiff(
      'src/calc.ts',
      WITH_HELPER,
      WITH_HELPER.replace("  // TODO: return the sum\n  throw new Error('TODO');", '  return a + b;'),
    );
    const env = await setup(() => inside, { 'src/calc.ts': WITH_HELPER });
    const graph: GraphInput = { nodes: [calcGraph().nodes[0]!], edges: [] };
    const result = await runAgentExecution({
      root: env.root,
      graph,
      agent: env.agent,
      instruction: 'x',
      runId: 'run-d',
      gates: false,
    });
    expect(result.status).toBe('succeeded');
    expect(result.nodes.add!.change).toMatchObject({ outcome: 'applied', lines: { start: 1, end: 4, newEnd: 3 } });
    expect(await env.calc()).toBe(
      WITH_HELPER.replace("  // TODO: return the sum\n  throw new Error('TODO');", '  return a + b;'),
    );
  }, 60_000);
});
