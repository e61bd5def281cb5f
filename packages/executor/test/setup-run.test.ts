import { afterEach, describe, expect, it } from 'vitest';
import type { Agent } from '../src/index.js';
import { agentRunParams, nothingToRun, runAgentExecution, runnableGraph, runSettings } from '../src/index.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const TAX = `export function taxCents(cents: number): number {
  // TODO: implement
  throw new Error('not implemented');
}

export function half(n: number): number {
  return n / 2;
}
`;

describe('runSettings: asked for, else the saved run, else the defaults', () => {
  it('a resume keeps every saved setting that is not asked for again', () => {
    const saved = { mode: 'waves', concurrency: 3, retries: 0, timeoutMs: 45_000, backoffMs: 10 };
    expect(runSettings({}, saved)).toEqual({
      execute: { mode: 'waves', concurrency: 3, retries: 0, timeoutMs: 45_000, backoff: { baseMs: 10 } },
      backoffMs: 10,
    });
    expect(runSettings({ retries: 4, backoff: 2 }, saved).execute).toMatchObject({ retries: 4, concurrency: 3 });
    expect(runSettings({}, {})).toEqual({
      execute: { mode: 'eager', concurrency: 100, retries: 2, backoff: { baseMs: 1000 } },
      backoffMs: 1000,
    });
    expect(() => runSettings({ mode: 'fast' }, {})).toThrow(/eager or waves/);
  });
});

describe('agentRunParams: asked for, else the saved run, else executor.yaml, else 0.7', () => {
  it('takes review_below of executor.yaml only when neither the call nor the saved run says', () => {
    const config = { version: 1 as const, review_below: 0.99 };
    expect(agentRunParams({ instruction: 'x' }, {}, config)).toEqual({
      selection: {},
      instruction: 'x',
      reviewBelow: 0.99,
      dryRun: false,
    });
    expect(agentRunParams({}, { reviewBelow: 0.5, instruction: 'saved', agent: 'a', dryRun: true }, config)).toEqual({
      selection: { name: 'a' },
      instruction: 'saved',
      reviewBelow: 0.5,
      dryRun: true,
    });
    expect(agentRunParams({ reviewBelow: 0.1, agent: 'b' }, { reviewBelow: 0.5, agent: 'a' }, config)).toMatchObject({
      selection: { name: 'b' },
      reviewBelow: 0.1,
    });
    expect(agentRunParams({}, {}).reviewBelow).toBe(0.7);
  });
});

describe('runnableGraph', () => {
  it('gives {nodes, edges} nodes the code of their lines, so onlyMatching selects them', async () => {
    const ws = await makeWorkspace({ 'src/tax.ts': TAX });
    cleanup.push(ws.dispose);
    const graph = {
      nodes: [
        { id: 'tax', path: 'src/tax.ts', startLine: 1, endLine: 4 },
        { id: 'half', path: 'src/tax.ts', startLine: 6, endLine: 8 },
      ],
      edges: [{ from: 'tax', to: 'half', type: 'calls' }],
    };
    const r = await runnableGraph({ graph }, { root: ws.root, onlyMatching: /TODO/ });
    expect(r).toMatchObject({ total: 2, selected: 1 });
    expect(r.graph.nodes.map((n) => n.id)).toEqual(['tax']);
    expect((r.graph.nodes[0] as { code?: string }).code).toContain('// TODO: implement');
  });

  it('cuts cycles; selecting nothing is E_EXEC_NOTHING unless allowed', async () => {
    const ws = await makeWorkspace({ 'src/tax.ts': TAX });
    cleanup.push(ws.dispose);
    const graph = {
      nodes: [
        { id: 'a', code: 'a' },
        { id: 'b', code: 'b' },
      ],
      edges: [
        { from: 'a', to: 'b', type: 'calls' },
        { from: 'b', to: 'a', type: 'calls' },
      ],
    };
    const r = await runnableGraph({ graph }, { root: ws.root });
    expect(r.removedEdges).toHaveLength(1);
    expect(r.graph.edges).toHaveLength(1);
    await expect(runnableGraph({ graph }, { root: ws.root, onlyMatching: /zzz/ })).rejects.toMatchObject({
      code: 'E_EXEC_NOTHING',
      message: expect.stringContaining('none of the 2 node(s) matches /zzz/'),
    });
    expect(await runnableGraph({ graph }, { root: ws.root, onlyMatching: /zzz/, allowEmpty: true })).toMatchObject({
      selected: 0,
      total: 2,
    });
    await expect(runnableGraph({ graph: { nodes: [], edges: [] } }, { root: ws.root })).rejects.toMatchObject({
      code: 'E_EXEC_NOTHING',
    });
    const dup = { nodes: [{ id: 'a' }, { id: 'a' }], edges: [] };
    await expect(runnableGraph({ graph: dup }, { root: ws.root })).rejects.toMatchObject({
      code: 'E_EXEC_GRAPH_INVALID',
    });
  });

  it('runAgentExecution of an empty graph is E_EXEC_NOTHING, not a green run', async () => {
    const ws = await makeWorkspace({ 'src/tax.ts': TAX });
    cleanup.push(ws.dispose);
    const agent: Agent = { name: 'never', kind: 'custom', generate: () => Promise.reject(new Error('asked')) };
    await expect(
      runAgentExecution({ root: ws.root, graph: { nodes: [], edges: [] }, agent, instruction: 'x' }),
    ).rejects.toMatchObject({ code: 'E_EXEC_NOTHING' });
    expect(nothingToRun(0).code).toBe('E_EXEC_NOTHING');
  });
});
