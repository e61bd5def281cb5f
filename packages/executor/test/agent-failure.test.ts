// Why an agent run's nodes failed (`agentRunFailure`, the exit of `st3 execute`): the agent could not
// answer — no answer in time, an answer cut off, an HTTP error — or its code was judged and refused.
// A real openai agent against the fake server, through the whole run.
import { spawnSync } from 'node:child_process';
import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GraphInput } from '@st3/schemas';
import {
  agentCouldNotAnswer,
  agentRunFailure,
  createOpenAiAgent,
  failedAtRuntime,
  runAgentExecution,
} from '../src/index.js';
import { startFakeOpenAi, type FakeReply } from './fake-openai.js';
import { about, CALC, calcGraph, impl } from './calc-fixture.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const fence = (code: string) => `\`\`\`ts\n${code}\n\`\`\``;
/** An implementation that does not parse: the gates' (here the parse check's) verdict, not the agent's. */
const broken = (name: string) => fence(`export function ${name}(a: number, b: number): number {\n  return a + ;\n}`);

/**
 * Makes src/calc.ts of the workspace impossible to replace, as a read-only file is to its user: a
 * read-only folder (not for root), else the immutable attribute (root, on a file system that has it).
 * False when neither works here.
 */
async function makeUnwritable(root: string): Promise<boolean> {
  const dir = join(root, 'src');
  if (process.getuid?.() !== 0) {
    await chmod(dir, 0o555);
    cleanup.push(() => chmod(dir, 0o755));
    return true;
  }
  const file = join(dir, 'calc.ts');
  if (spawnSync('chattr', ['+i', file]).status !== 0) return false;
  cleanup.push(async () => spawnSync('chattr', ['-i', file]));
  return true;
}

/** Runs `add` and `mul` with one attempt each; `reply` answers per atom name. */
async function run(reply: (name: string) => FakeReply) {
  const ws = await makeWorkspace({ 'src/calc.ts': CALC });
  cleanup.push(ws.dispose);
  const server = await startFakeOpenAi((body) => reply(about(body)));
  cleanup.push(server.close);
  const graph: GraphInput = { nodes: calcGraph().nodes.slice(0, 2), edges: [] };
  const agent = createOpenAiAgent({ baseUrl: server.url, model: 'm', timeoutMs: 1000 });
  const result = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', gates: false, retries: 0 });
  return { result, codes: Object.values(result.nodes).map((s) => s.error?.code) };
}

describe('agentRunFailure', () => {
  it('agent: every failed node got no answer in time, or a cut-off one', async () => {
    const { result, codes } = await run((name) =>
      name === 'add'
        ? { delayMs: 3000, content: fence(impl(name)) }
        : { content: '```ts\nexport', finishReason: 'length' },
    );
    expect(codes.sort()).toEqual(['E_AGENT_ANSWER', 'E_TIMEOUT']);
    expect(Object.values(result.nodes).every((s) => agentCouldNotAnswer(s.error))).toBe(true);
    expect(agentRunFailure(result.nodes)).toBe('agent');
  }, 60_000);

  it('code: the code was refused, or the answer held no usable code (it was an answer)', async () => {
    const { result, codes } = await run((name) => (name === 'add' ? broken(name) : 'I cannot help with that.'));
    expect(codes.sort()).toEqual(['E_AGENT_ANSWER', 'E_VALIDATION_FAILED']);
    expect(Object.values(result.nodes).some((s) => agentCouldNotAnswer(s.error))).toBe(false);
    expect(agentRunFailure(result.nodes)).toBe('code');
  }, 60_000);

  it('agent when both: a node with no answer has no verdict, so the runtime failure is never hidden', async () => {
    const { result, codes } = await run((name) =>
      name === 'add' ? broken(name) : { status: 500, body: '{"error":{"message":"overloaded"}}' },
    );
    expect(codes.sort()).toEqual(['E_AGENT_HTTP', 'E_VALIDATION_FAILED']);
    expect(agentRunFailure(result.nodes)).toBe('agent');
  }, 60_000);

  it('undefined when no node failed', async () => {
    const { result } = await run((name) => fence(impl(name)));
    expect(result.status).toBe('succeeded');
    expect(agentRunFailure(result.nodes)).toBeUndefined();
  }, 60_000);

  it('runtime when a validated change could not be written (a read-only file): no verdict on its code, never `code`', async (ctx) => {
    const ws = await makeWorkspace({ 'src/calc.ts': CALC });
    cleanup.push(ws.dispose);
    if (!(await makeUnwritable(ws.root))) return ctx.skip();
    const server = await startFakeOpenAi((body) => fence(impl(about(body))));
    cleanup.push(server.close);
    const graph: GraphInput = { nodes: calcGraph().nodes.slice(0, 1), edges: [] };
    const agent = createOpenAiAgent({ baseUrl: server.url, model: 'm' });
    const result = await runAgentExecution({ root: ws.root, graph, agent, instruction: 'x', gates: false, retries: 0 });
    expect(result.nodes.add).toMatchObject({ status: 'failed', error: { code: 'E_WRITE' } });
    expect(await readFile(join(ws.root, 'src/calc.ts'), 'utf8')).toBe(CALC);
    expect(failedAtRuntime(result.nodes.add!.error)).toBe(true);
    expect(agentCouldNotAnswer(result.nodes.add!.error)).toBe(false);
    expect(agentRunFailure(result.nodes)).toBe('runtime');
  }, 60_000);
});
