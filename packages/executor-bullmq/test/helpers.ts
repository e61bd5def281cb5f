import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunNode } from '@st3/executor';
import type { GraphInput } from '@st3/schemas';
import { startWorker, type RunningWorker } from '../src/index.js';

/** Workers in this process for `url`, all running `runNode`. */
export async function workers(
  url: string,
  count: number,
  runNode: RunNode<unknown>,
  extra: Partial<Parameters<typeof startWorker>[0]> = {},
): Promise<RunningWorker[]> {
  const list = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startWorker({ redis: url, concurrency: 2, name: `test-${i}`, runnerFor: async () => runNode, ...extra }),
    ),
  );
  await Promise.all(list.map((w) => w.ready));
  return list;
}

export async function tempDir(): Promise<{ dir: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'st3-bullmq-'));
  return { dir, [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }) };
}

/** A random-looking but deterministic graph of `n` nodes (edges from lower to higher index). */
export function graphOf(n: number, seed = 1): GraphInput {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ids = Array.from({ length: n }, (_, i) => `n${String(i).padStart(3, '0')}`);
  const edges: { from: string; to: string }[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < n; i++) {
    const k = Math.floor(rand() * 3);
    for (let j = 0; j < k; j++) {
      const from = Math.floor(rand() * i);
      const key = `${from}-${i}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ from: ids[from]!, to: ids[i]! });
    }
  }
  return { nodes: ids.map((id) => ({ id })), edges };
}

/**
 * A deterministic node runner: node i fails its first `i % 4 === 1 ? 1 : 0` attempts (a syntax error),
 * nodes with i % 13 === 5 always fail (a missing module: not retried), the others succeed with what
 * they saw (temperature, feedback, their dependencies' results).
 */
export function deterministicRunner(graph: GraphInput, calls?: Map<string, number>): RunNode<unknown> {
  const deps = new Map<string, string[]>();
  for (const e of graph.edges) deps.set(e.to, [...(deps.get(e.to) ?? []), e.from]);
  return async (node, ctx) => {
    calls?.set(node.id, (calls.get(node.id) ?? 0) + 1);
    const i = Number(node.id.slice(1));
    await new Promise((r) => setTimeout(r, 2));
    if (i % 13 === 5) throw new Error(`Cannot find module 'm${i}'`);
    if (i % 4 === 1 && ctx.attempt === 1) throw new Error(`SyntaxError: unexpected token in ${node.id}`);
    return {
      id: node.id,
      temperature: ctx.params.temperature ?? null,
      feedback: ctx.feedback ?? null,
      deps: (deps.get(node.id) ?? []).map((d) => ctx.resultOf(d) !== undefined),
      attemptInfo: { answer: `code of ${node.id}`, usage: { prompt_tokens: 10 + i, completion_tokens: 5 } },
    };
  };
}

/** What must be equal whichever backend ran a graph: everything but times. */
