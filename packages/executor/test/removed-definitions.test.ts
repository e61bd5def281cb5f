// An answer that returns part of its atom (a node of a whole file given one of its two functions) deletes
// the rest: such a change is never applied as confident. Dropped definitions fail the attempt with why;
// the last attempt's change goes to a reviewer. A renamed local or the same definitions pass as before.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import { createOpenAiAgent, createValidator, createWorkspaceFiles, runAgentExecution } from '../src/index.js';
import { startFakeOpenAi, type FakeReply } from './fake-openai.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const ADD = 'export function add(a: number, b: number): number {\n  return a + b;\n}';
const MUL = 'export function mul(a: number, b: number): number {\n  return a * b;\n}';
const CALC = `${ADD}\n\n${MUL}\n`;
const ADD_COMMENTED = 'export function add(a: number, b: number): number {\n  // the sum\n  return a + b;\n}';
const block = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;

/** A workspace with a tsc gate (so a passing change scores high) and a whole-file node (path only). */
async function setup(reply: (index: number) => FakeReply) {
  const ws = await makeWorkspace({
    'src/calc.ts': CALC,
    'tsconfig.json': TSCONFIG,
    '.st3/config/quality.yaml': qualityYaml(),
  });
  const server = await startFakeOpenAi((_body, index) => reply(index));
  cleanup.push(ws.dispose, server.close);
  const graph: GraphInput = { nodes: [{ id: 'calc', path: 'src/calc.ts' }], edges: [] };
  const run = (retries: number) =>
    runAgentExecution({
      root: ws.root,
      graph,
      agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
      instruction: 'Comment the functions.',
      runId: `run-${retries}`,
      retries,
      backoff: { baseMs: 1 },
      env: process.env,
    });
  const calc = () => readFile(join(ws.root, 'src/calc.ts'), 'utf8');
  return { root: ws.root, server, run, calc };
}

describe('a change that removes definitions the atom had', () => {
  it('is never applied: the last attempt goes to review saying which definitions it removes', async () => {
    const env = await setup(() => block(ADD_COMMENTED));
    const result = await env.run(0);
    const calc = result.nodes['calc']!;
    expect(calc.change).toMatchObject({
      outcome: 'queued',
      reviewItem: 'r1',
      reviewReason: 'the answer removes definitions the atom had: function mul (line 5)',
    });
    expect(await env.calc()).toBe(CALC);
  }, 120_000);

  it('fails an attempt that has another after it, telling the agent what it dropped; the retry that keeps them is applied', async () => {
    const whole = `${ADD_COMMENTED}\n\n${MUL}`;
    const env = await setup((i) => (i === 0 ? block(ADD_COMMENTED) : block(whole)));
    const result = await env.run(1);
    const calc = result.nodes['calc']!;
    expect(calc.attempts[0]!.error).toMatchObject({ code: 'E_VALIDATION_FAILED', category: 'logic' });
    expect(calc.attempts[0]!.error!.message).toContain('removes definitions');
    const retryPrompt = env.server.requests[1]!.body.messages.map((m) => m.content).join('\n');
    expect(retryPrompt).toContain('function mul (line 5)');
    expect(calc.change).toMatchObject({ outcome: 'applied' });
    expect(await env.calc()).toBe(`${whole}\n`);
  }, 120_000);
});

describe('the validator compares the definitions of the atom and of its replacement', () => {
  const validate = async (path: string, before: string, after: string) => {
    const ws = await makeWorkspace({ [path]: before });
    cleanup.push(ws.dispose);
    const validator = createValidator({ root: ws.root, files: createWorkspaceFiles(ws.root), gates: false });
    const end = before.trimEnd().split('\n').length;
    const newEnd = after.trimEnd().split('\n').length;
    const change = { path, before, after, start: 1, end, newEnd };
    return {
      listed: (await validator.validate(change)).removedDefinitions ?? [],
      refused: await validator.validate({ ...change, refuseRemovals: true }),
    };
  };

  it('TS: a removed method, class field or top-level constant is named; a renamed local is not', async () => {
    const before =
      'export const LIMIT = 3;\nexport class K {\n  m(): number {\n    const t = 1;\n    return t;\n  }\n  n(): number {\n    return 2;\n  }\n}\n';
    const renamedLocal = before.replace(/\bt\b/g, 'total');
    expect((await validate('src/k.ts', before, renamedLocal)).listed).toEqual([]);
    expect((await validate('src/k.ts', before, renamedLocal)).refused.ok).toBe(true);
    const dropped = 'export class K {\n  m(): number {\n    return 1;\n  }\n}\n';
    const r = await validate('src/k.ts', before, dropped);
    expect(r.listed).toEqual(['variable LIMIT (line 1)', 'method K.n (line 7)']);
    expect(r.refused).toMatchObject({ ok: false, failure: { category: 'logic' } });
  }, 60_000);

  it('Python: a removed function or class attribute is named; the same definitions rewritten are not', async () => {
    const before =
      'RATE = 2\n\n\ndef f(x):\n    y = x * RATE\n    return y\n\n\nclass C:\n    Z = 3\n\n    def m(self):\n        return 1\n';
    const rewritten = before.replace('y = x * RATE\n    return y', 'result = x * RATE\n    return result');
    expect((await validate('pkg/m.py', before, rewritten)).listed).toEqual([]);
    const dropped = 'RATE = 2\n\n\nclass C:\n    def m(self):\n        return 1\n';
    expect((await validate('pkg/m.py', before, dropped)).listed).toEqual([
      'function f (line 4)',
      'property C.Z (line 10)',
    ]);
  }, 60_000);
});
