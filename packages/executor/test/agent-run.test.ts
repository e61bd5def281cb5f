import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  createAgentRunner,
  createFileRunStore,
  createOpenAiAgent,
  createScratchPool,
  createValidator,
  createVirtualClock,
  createWorkspaceFiles,
  execute,
  sha256,
  type ScratchPool,
} from '../src/index.js';
import { startFakeOpenAi, type FakeOpenAi } from './fake-openai.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

const CALC = `export function add(a: number, b: number): number {
  // TODO: return the sum
  throw new Error('TODO');
}

export function mul(a: number, b: number): number {
  // TODO: return the product
  throw new Error('TODO');
}
`;

const node = (id: string, startLine: number, endLine: number) => ({
  id,
  path: 'src/calc.ts',
  startLine,
  endLine,
  code: CALC.split('\n')
    .slice(startLine - 1, endLine)
    .join('\n'),
  complexity: 1,
});

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0)) await f();
});

async function setup(reply: Parameters<typeof startFakeOpenAi>[0]) {
  const ws = await makeWorkspace({
    'src/calc.ts': CALC,
    'tsconfig.json': TSCONFIG,
    '.st3/config/quality.yaml': qualityYaml(),
  });
  const server = await startFakeOpenAi(reply);
  const pool: ScratchPool = createScratchPool(ws.root, 2);
  cleanup.push(ws.dispose, server.close, pool.dispose);
  return { ws, server, pool };
}

/** The function an atom prompt is about. */
const about = (content: string) => (/lines 1-/.test(content) ? 'add' : 'mul');

describe('agent runs against an OpenAI-compatible server', () => {
  it('retries a broken answer with 0.7 → 0.5 and the failure as feedback, validates with tsc, applies, records', async () => {
    const answers: Record<string, string[]> = {
      add: [
        '```ts\nexport function add(a: number, b: number): number {\n  return a + ;\n}\n```',
        'Fixed:\n```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```',
      ],
      mul: [
        // Parses, but tsc rejects it: the gate's message is the feedback.
        '```ts\nexport function mul(a: number, b: number): number {\n  return a * "2";\n}\n```',
        '```ts\nexport function mul(a: number, b: number): number {\n  return a * b;\n}\n```',
      ],
    };
    const seen: Record<string, number> = { add: 0, mul: 0 };
    const env = await setup((body) => {
      const which = about(body.messages[1]!.content);
      return answers[which]![seen[which]!++]!;
    });
    const server: FakeOpenAi = env.server;
    const files = createWorkspaceFiles(env.ws.root);
    const graph: GraphInput = { nodes: [node('add', 1, 4), node('mul', 6, 9)], edges: [] };
    const store = createFileRunStore(join(env.ws.root, '.st3', 'runs'));
    const clock = createVirtualClock({ auto: true });
    const runner = createAgentRunner({
      agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
      instruction: 'Implement the TODO.',
      files,
      validator: createValidator({ root: env.ws.root, files, pool: env.pool }),
      runId: 'run-test',
      graph,
    });
    const result = await execute(graph, runner, { runId: 'run-test', store, clock, random: () => 0.5, concurrency: 2 });
    expect(result.status).toBe('succeeded');

    // Temperatures per attempt, and the failure (category + messages) in the second prompt.
    const requests = (which: string) => server.requests.filter((r) => about(r.body.messages[1]!.content) === which);
    expect(requests('add').map((r) => r.body.temperature)).toEqual([0.7, 0.5]);
    expect(requests('mul').map((r) => r.body.temperature)).toEqual([0.7, 0.5]);
    const addRetry = requests('add')[1]!.body.messages[1]!.content;
    expect(addRetry).toContain('## Your previous attempt failed (syntax)');
    expect(addRetry).toContain('return a + ;');
    expect(addRetry).toMatch(/does not parse:\n2:\d+ Expression expected/);
    const mulRetry = requests('mul')[1]!.body.messages[1]!.content;
    expect(mulRetry).toContain('## Your previous attempt failed (type)');
    expect(mulRetry).toMatch(
      /gate tsc failed:\nsrc\/calc.ts:\d+:\d+: TS236\d The right-hand side of an arithmetic operation/,
    );
    // Each message once, then the category's guidance.
    expect(mulRetry.match(/TS236\d/g)).toHaveLength(1);
    expect(mulRetry).toContain('Check the types and names used against their definitions');
    // Backoff through the virtual clock: 1 s before each retry.
    expect(clock.sleeps.filter((ms) => ms === 1000)).toHaveLength(2);

    // Both atoms applied to the one file.
    const text = await readFile(join(env.ws.root, 'src/calc.ts'), 'utf8');
    expect(text).toBe(
      'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport function mul(a: number, b: number): number {\n  return a * b;\n}\n',
    );

    // The run record: attempts, temperatures, categories, answers, before/after sha256, the diff.
    const saved = await store.load('run-test');
    const add = saved.nodes.add!;
    expect(add.attempts.map((a) => [a.params.temperature, a.ok, a.error?.category])).toEqual([
      [0.7, false, 'syntax'],
      [0.5, true, undefined],
    ]);
    expect(add.attempts[0]!.answer).toContain('return a + ;');
    expect(add.attempts[1]!.usage).toMatchObject({ completion_tokens: 20 });
    expect(saved.nodes.mul!.attempts[0]!.error?.category).toBe('type');
    expect(add.change).toMatchObject({ file: 'src/calc.ts', outcome: 'applied', validation: { parse: { ok: true } } });
    expect(add.change!.diff).toContain('+  return a + b;');
    expect(add.change!.validation!.gates).toEqual([{ id: 'tsc', status: 'passed', violations: 0 }]);
    expect(add.change!.confidence!.score).toBeGreaterThanOrEqual(0.7);
    const finalSha = sha256(text);
    const last = [add.change!, saved.nodes.mul!.change!].find((c) => c.afterSha256 === finalSha);
    expect(last).toBeDefined();
  }, 120_000);
});
