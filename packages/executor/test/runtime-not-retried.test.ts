// Failures no answer can fix spend no agent call: a validated change whose file cannot be written fails
// at once (a timeout or an HTTP error is still retried), and an atom whose file is gone is a runtime
// failure — no code was judged — never a verdict on code.
import { spawnSync } from 'node:child_process';
import { chmod, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import { agentRunFailure, createOpenAiAgent, defaultClassifier, runAgentExecution } from '../src/index.js';
import { startFakeOpenAi, type FakeReply } from './fake-openai.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const TODO = 'export function half(x: number): number {\n  // TODO\n  return 0;\n}\n';
const HALF = '```ts\nexport function half(x: number): number {\n  return x / 2;\n}\n```';

async function setup(reply: (index: number) => FakeReply) {
  const ws = await makeWorkspace({ 'src/half.ts': TODO });
  const server = await startFakeOpenAi((_body, index) => reply(index));
  cleanup.push(ws.dispose, server.close);
  const graph: GraphInput = { nodes: [{ id: 'half', path: 'src/half.ts', startLine: 1, endLine: 4 }], edges: [] };
  const run = (g: GraphInput = graph) =>
    runAgentExecution({
      root: ws.root,
      graph: g,
      agent: createOpenAiAgent({ baseUrl: server.url, model: 'coder' }),
      instruction: 'Implement it.',
      retries: 2,
      backoff: { baseMs: 1 },
      reviewBelow: 0,
      gates: false,
    });
  return { root: ws.root, server, run };
}

/** Makes `file` unwritable for this process (a read-only folder; root needs the immutable attribute). */
async function lock(root: string, file: string): Promise<(() => Promise<void>) | undefined> {
  if (process.getuid?.() !== 0) {
    await chmod(join(root, 'src'), 0o555);
    return async () => void (await chmod(join(root, 'src'), 0o755));
  }
  if (spawnSync('chattr', ['+i', file]).status !== 0) return undefined;
  return async () => void spawnSync('chattr', ['-i', file]);
}

describe('runtime failures another answer cannot fix', () => {
  it('a validated change whose file cannot be written fails after one agent call (E_WRITE, runtime)', async (ctx) => {
    const env = await setup(() => HALF);
    const file = join(env.root, 'src/half.ts');
    const unlock = await lock(env.root, file);
    if (!unlock) return ctx.skip();
    cleanup.push(unlock);
    const result = await env.run();
    const half = result.nodes['half']!;
    expect(half.status).toBe('failed');
    expect(half.error).toMatchObject({ code: 'E_WRITE' });
    expect(half.attempts).toHaveLength(1);
    expect(env.server.requests).toHaveLength(1);
    expect(agentRunFailure(result.nodes)).toBe('runtime');
    expect(await readFile(file, 'utf8')).toBe(TODO);
  }, 60_000);

  it('an HTTP error is still retried, and the retry that answers is applied', async () => {
    const env = await setup((i) => (i === 0 ? { status: 500, body: '{"error":{"message":"busy"}}' } : HALF));
    const result = await env.run();
    expect(result.nodes['half']!.change).toMatchObject({ outcome: 'applied' });
    expect(result.nodes['half']!.attempts.length).toBeGreaterThan(1);
  }, 60_000);

  it('an atom whose file was deleted since the graph was made: E_ATOM_NOT_FOUND, a runtime failure, no agent asked', async () => {
    const env = await setup(() => HALF);
    await rm(join(env.root, 'src/half.ts'));
    const result = await env.run();
    expect(result.nodes['half']!.error).toMatchObject({ code: 'E_ATOM_NOT_FOUND' });
    expect(agentRunFailure(result.nodes)).toBe('runtime');
    expect(env.server.requests).toHaveLength(0);
  }, 60_000);

  it('the default classifier never retries an error that says so (retryable: false)', () => {
    const context = { nodeId: 'n', attempt: 1, timedOut: false, params: {} };
    const error = Object.assign(new Error('cannot write src/a.ts: EROFS'), { code: 'E_WRITE', retryable: false });
    expect(defaultClassifier(error, context)).toMatchObject({ retryable: false, code: 'E_WRITE' });
    expect(defaultClassifier(new Error('cannot write src/a.ts'), context).retryable).toBe(true);
  });
});
