// Issue #15: no unbounded spread or recursion in the graph path. A dependency chain of 200,000 nodes is
// 200,000 waves of one node; spreading them into one call (`Math.max(0, ...waves.map(...))`) exceeds V8's
// call stack, and the waves tool answered E_INTERNAL "Maximum call stack size exceeded" for a valid graph.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, texts, type Connection } from './harness.js';

const CHAIN = 200_000;

/** `{nodes, edges}`: n1 depends on n0, n2 on n1, … (one wave per node). */
function chainGraph(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const edges = Array.from({ length: n - 1 }, (_, i) => ({ from: `n${i + 1}`, to: `n${i}` }));
  return JSON.stringify({ nodes, edges });
}

let dir = '';
let conn: Connection | undefined;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-mcp-chain-'));
  await mkdir(join(dir, '.st3'));
  await writeFile(join(dir, 'chain.json'), chainGraph(CHAIN));
  // The handlers of these sources, on the event loop (offload would run the built server).
  conn = await connect('stdio', dir, { offload: false });
});
afterAll(async () => {
  await conn?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('waves on a dependency chain of 200,000 nodes', () => {
  it('answers 200,000 waves of one node, and says so in its summary (no stack overflow)', async () => {
    const r = await call(conn!.client, 'waves', { paths: ['chain.json'] });
    expect(r.isError ?? false, texts(r)[0]).toBe(false);
    const doc = r.structuredContent as { waves: string[][]; stats: { widestWave: number } };
    expect(doc.waves).toHaveLength(CHAIN);
    expect(doc.stats.widestWave).toBe(1);
    expect(texts(r)[0]).toMatch(/^200000 waves for 200000 nodes, widest 1, critical path 200000$/);
  }, 120_000);
});
