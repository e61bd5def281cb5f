import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { call, failure, ok, texts, TRANSPORTS, workspaceSession } from './harness.js';

describe.each(TRANSPORTS)('atom, graph and scaffold tools over %s', (transport) => {
  const c = workspaceSession(transport);
  const ws = c;

  it('atomize: the atomize JSON with atoms, context and atomicity', async () => {
    const r = await call(c.client, 'atomize', { paths: ['src/pricing.ts'], targetLoc: 5, maxLoc: 12 });
    const doc = r.structuredContent as {
      files: { path: string; language: string; atoms: { loc: number; context: object }[] }[];
    };
    expect(doc.files).toHaveLength(1);
    expect(doc.files[0]).toMatchObject({ path: 'src/pricing.ts', language: 'typescript' });
    expect(doc.files[0]!.atoms.length).toBeGreaterThan(1);
    for (const a of doc.files[0]!.atoms) expect(a.loc).toBeLessThanOrEqual(12 + 5);
    expect(texts(r)[0]).toMatch(/^1 file, \d+ functions?, \d+ atoms?/);
    expect(await failure(c.client, 'atomize', { paths: ['src'], targetLoc: 30, maxLoc: 10 })).toBe('E_ATOMIZE_OPTIONS');
    expect(await failure(c.client, 'atomize', { paths: ['../**/*.ts'] })).toBe('E_PATH_ESCAPE');
  });

  it('complexity: per function, isError when a function is above max', async () => {
    const all = await ok(c.client, 'complexity', { paths: ['src', 'py'] });
    const fns = all.files.flatMap((f: { functions: { complexity: number }[] }) => f.functions);
    expect(fns.length).toBeGreaterThanOrEqual(4);
    const top = Math.max(...fns.map((f: { complexity: number }) => f.complexity));
    const over = await call(c.client, 'complexity', { paths: ['src', 'py'], max: top - 1 });
    expect(over.isError).toBe(true);
    expect((over.structuredContent as { over: number }).over).toBeGreaterThan(0);
    expect((await ok(c.client, 'complexity', { paths: ['src'], max: 100 })).over).toBe(0);
  });

  it('dependency_graph: nodes, edges, waves that respect the edges; DOT and Mermaid in `export`', async () => {
    const g = await ok(c.client, 'dependency_graph', { paths: ['src'] });
    expect(g.nodes.length).toBeGreaterThan(2);
    const wave = new Map<string, number>();
    g.waves.forEach((w: string[], i: number) => w.forEach((id) => wave.set(id, i)));
    expect([...wave.keys()].sort()).toEqual(g.nodes.map((n: { id: string }) => n.id).sort());
    for (const e of g.edges) expect(wave.get(e.from)!).not.toBe(wave.get(e.to));
    expect((await ok(c.client, 'dependency_graph', { paths: ['src'], format: 'dot' })).export).toMatch(/^digraph/);
    expect((await ok(c.client, 'dependency_graph', { paths: ['src'], format: 'mermaid' })).export).toMatch(
      /^(flowchart|graph)/,
    );
    await writeFile(
      join(ws.dir, 'g.json'),
      JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [{ from: 'a', to: 'b' }] }),
    );
    expect((await ok(c.client, 'dependency_graph', { paths: ['g.json'] })).waves).toEqual([['a'], ['b']]);
    expect(await failure(c.client, 'dependency_graph', { paths: ['src/../../x.json'] })).toBe('E_PATH_ESCAPE');
  });

  it('waves: parallel waves with a width limit', async () => {
    await writeFile(
      join(ws.dir, 'wide.json'),
      JSON.stringify({ nodes: ['r', 'a', 'b', 'c', 'd'].map((id) => ({ id })), edges: [] }),
    );
    const r = await ok(c.client, 'waves', { paths: ['wide.json'] });
    expect(r.waves).toHaveLength(1);
    expect(r.stats.nodes).toBe(5);
  });

  it('validate_plan: the four levels, scored', async () => {
    const r = await call(c.client, 'validate_plan', { paths: ['src'] });
    const doc = r.structuredContent as { passed: boolean; levels: { level: string }[]; score: number };
    expect(doc.levels.map((l) => l.level)).toEqual(['atom', 'task', 'milestone', 'plan']);
    expect(r.isError ?? false).toBe(!doc.passed);
    expect(doc.score).toBeGreaterThanOrEqual(0);
    expect(await failure(c.client, 'validate_plan', { paths: ['src'], checks: ['no-such-check'] })).toBe(
      'E_GRAPH_OPTIONS',
    );
  });

  it('list_artifact_types, scaffold_artifact (dry run, then written) and check_scaffolded', async () => {
    const types = await ok(c.client, 'list_artifact_types');
    expect(types.types.map((t: { type: string }) => t.type)).toContain('dto');
    const args = { type: 'dto', name: 'McpOrder', context: { fields: [{ name: 'id', type: 'string' }] } };
    const dry = await ok(c.client, 'scaffold_artifact', args);
    expect(dry.dryRun).toBe(true);
    expect(dry.changes.every((x: { action: string }) => x.action === 'create')).toBe(true);
    const path = dry.files[0].path as string;
    expect(existsSync(join(ws.dir, path))).toBe(false);
    const wrote = await ok(c.client, 'scaffold_artifact', { ...args, dryRun: false });
    expect(wrote.written).toContain(path);
    expect(await readFile(join(ws.dir, path), 'utf8')).toBe(wrote.files[0].content);
    const check = await ok(c.client, 'check_scaffolded', { paths: [path] });
    expect(check.files[0]).toMatchObject({ path, status: 'current' });
    expect(await failure(c.client, 'scaffold_artifact', { type: 'no-such-type', name: 'X' })).toBe(
      'E_ARTIFACT_UNKNOWN',
    );
  });

  it('check_patterns and scaffold_batch on a pattern registry', async () => {
    const check = await call(c.client, 'check_patterns', { registry: 'patterns' });
    const report = check.structuredContent as { patterns: number; ok: boolean; errors: number };
    expect(report.patterns).toBe(1);
    expect(check.isError ?? false).toBe(!report.ok);
    expect(await failure(c.client, 'check_patterns', { registry: 'patterns', rules: { 'no-such-rule': 'off' } })).toBe(
      'E_USAGE',
    );
    const plan = await ok(c.client, 'scaffold_batch', { registry: 'patterns', phases: [1] });
    expect(plan.dryRun).toBe(true);
    expect(plan.files.length).toBeGreaterThan(0);
    expect(plan.files.every((f: { status: string }) => f.status !== 'created' && f.status !== 'updated')).toBe(true);
  });

  it('parity_compare: identical, equivalent after normalization, different with a diff', async () => {
    await writeFile(join(ws.dir, 'a.ts'), 'export const a = 1;\n');
    await writeFile(join(ws.dir, 'b.ts'), 'export const a = 1;   \n\n');
    await writeFile(join(ws.dir, 'c.ts'), 'export const a = 2;\n');
    expect((await ok(c.client, 'parity_compare', { left: 'a.ts', right: 'a.ts' })).kind).toBe('identical');
    expect((await ok(c.client, 'parity_compare', { left: 'a.ts', right: 'b.ts' })).kind).toBe('equivalent');
    const diff = await call(c.client, 'parity_compare', { left: 'a.ts', right: 'c.ts' });
    expect(diff.isError).toBe(true);
    expect((diff.structuredContent as { diff: string }).diff).toContain('+export const a = 2;');
    // The CLI's compareFiles: bytes that decode alike are still different; unreadable paths are named.
    await writeFile(join(ws.dir, 'l.bin'), Buffer.from([0x61, 0xfe, 0x0a]));
    await writeFile(join(ws.dir, 'r.bin'), Buffer.from([0x61, 0xff, 0x0a]));
    const binary = await call(c.client, 'parity_compare', { left: 'l.bin', right: 'r.bin' });
    expect(binary.isError).toBe(true);
    expect(binary.structuredContent).toMatchObject({ ok: false, kind: 'different', binary: { offset: 1 } });
    expect(await failure(c.client, 'parity_compare', { left: '.', right: 'a.ts' })).toBe('E_FILE_READ');
    expect(await failure(c.client, 'parity_compare', { left: 'a.ts', right: 'nope.ts' })).toBe('E_FILE_NOT_FOUND');
  });
});
