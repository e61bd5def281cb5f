import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

/** A random DAG as a `{nodes, edges}` document, written without building it in memory twice. */
function writeDag(file: string, n: number, m: number, seed: number): void {
  let x = seed;
  const rand = () => (x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) >>> 0);
  const width = String(n - 1).length;
  const id = (i: number) => `n${String(i).padStart(width, '0')}`;
  const parts: string[] = ['{"nodes":['];
  for (let i = 0; i < n; i++) parts.push(`${i ? ',' : ''}{"id":"${id(i)}"}`);
  parts.push('],"edges":[');
  for (let e = 0; e < m; e++) {
    const a = rand() % n;
    let b = rand() % n;
    if (a === b) b = (b + 1) % n;
    parts.push(`${e ? ',' : ''}{"from":"${id(Math.min(a, b))}","to":"${id(Math.max(a, b))}","type":"function_call"}`);
  }
  parts.push(']}');
  writeFileSync(file, parts.join(''));
}

describe('st3 waves and st3 graph at scale', () => {
  it('100,000 nodes / 500,000 edges within 2 GiB: waves, and the whole graph analysis to a file', async () => {
    await withTempDir(async (dir) => {
      writeDag(join(dir, 'g.json'), 100_000, 500_000, 7);
      const env = { NODE_OPTIONS: '--max-old-space-size=2048' };
      const w = await runSt3(['waves', 'g.json', '--json'], { cwd: dir, env });
      expect(w.code, w.stderr).toBe(0);
      const plan = json(w);
      expect(plan.stats).toMatchObject({ nodes: 100_000, edgesRemoved: 0 });
      expect(plan.waves.flat()).toHaveLength(100_000);
      const g = await runSt3(['graph', 'g.json', '--out', 'analysis.json'], { cwd: dir, env });
      expect(g.code, g.stderr).toBe(0);
      const analysis = JSON.parse(readFileSync(join(dir, 'analysis.json'), 'utf8'));
      expect(analysis.waves).toEqual(plan.waves);
      expect(analysis.edges.length).toBe(plan.stats.edges);
    });
  }, 300_000);

  it('1,000,000 edges within 2 GiB', async () => {
    await withTempDir(async (dir) => {
      writeDag(join(dir, 'g.json'), 200_000, 1_000_000, 11);
      const w = await runSt3(['waves', 'g.json', '--json'], {
        cwd: dir,
        env: { NODE_OPTIONS: '--max-old-space-size=2048' },
      });
      expect(w.code, w.stderr).toBe(0);
      expect(json(w).stats.nodes).toBe(200_000);
    });
  }, 300_000);

  it('node ids are the ids of st3 atomize, whichever folder above holds .st3', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, '.st3'));
      mkdirSync(join(dir, 'pkg/src'), { recursive: true });
      writeFileSync(join(dir, 'pkg/src/a.ts'), 'export const A = 1;\n');
      writeFileSync(
        join(dir, 'pkg/src/b.ts'),
        "import { A } from './a.js';\n\nexport function b(): number {\n  return A;\n}\n",
      );
      const cwd = join(dir, 'pkg');
      const atoms = json(await runSt3(['atomize', 'src', '--json', '--no-cache'], { cwd }));
      const ids = atoms.files.flatMap((f: { atoms: { id: string }[] }) => f.atoms.map((a) => a.id)).sort();
      const graph = json(await runSt3(['graph', 'src', '--json'], { cwd }));
      expect(graph.nodes.map((n: { id: string }) => n.id).sort()).toEqual(ids);
      expect(ids.every((id: string) => id.startsWith('src/'))).toBe(true);
      const edges = graph.edges.map(
        (e: { from: string; to: string; type: string }) => `${e.from.split('#')[0]} -> ${e.to.split('#')[0]} ${e.type}`,
      );
      expect(edges).toEqual(expect.arrayContaining(['src/a.ts -> src/b.ts variable', 'src/a.ts -> src/b.ts import']));
    });
  });
});
