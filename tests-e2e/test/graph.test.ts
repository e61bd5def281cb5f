import {
  copyFileSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, repoRoot, runSt3, withTempDir } from '../src/run-cli.js';

const atomsFixture = join(repoRoot, 'packages/dep-graph/test/fixtures/atoms-small.json');

/** A workspace with `.st3/`, the atoms fixture and a tsconfig mapping `@app/*` to `src/*`. */
function workspace(dir: string): void {
  mkdirSync(join(dir, '.st3'), { recursive: true });
  copyFileSync(atomsFixture, join(dir, 'atoms.json'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    '{\n  // JSON with comments, as tsc allows\n  "compilerOptions": { "baseUrl": ".", "paths": { "@app/*": ["src/*"] }, },\n}\n',
  );
}

const cyclic = {
  nodes: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
  edges: [
    { from: 'a', to: 'b', type: 'function_call' },
    { from: 'b', to: 'c', type: 'function_call' },
    { from: 'c', to: 'a', type: 'type' },
    { from: 'c', to: 'd', type: 'import' },
  ],
};

describe('st3 graph', () => {
  it('builds the atom graph from atomizer output with tsconfig paths, as the DESIGN.md JSON contract', async () => {
    await withTempDir(async (dir) => {
      workspace(dir);
      const r = await runSt3(['graph', 'atoms.json', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      const g = json(r);
      expect(Object.keys(g)).toEqual(
        expect.arrayContaining(['nodes', 'edges', 'cycles', 'removedEdges', 'waves', 'stats']),
      );
      expect(g.stats).toMatchObject({ nodes: 10, edges: 7, edgesRemoved: 0, waves: 4, criticalPathLength: 4 });
      // A call of a function another file defines is `function_call`; a module variable read is `variable`.
      expect(g.edges).toContainEqual({
        from: 'src/area.ts:10-12',
        to: 'src/index.ts:3-3',
        type: 'function_call',
        weight: 4,
        symbols: ['total'],
      });
      expect(g.edges).toContainEqual({
        from: 'src/area.ts:8-8',
        to: 'src/area.ts:9-9',
        type: 'variable',
        weight: 3,
        symbols: ['count'],
      });
      const wave = new Map<string, number>();
      g.waves.forEach((w: string[], i: number) => w.forEach((id) => wave.set(id, i)));
      for (const e of g.edges) expect(wave.get(e.from)).toBeLessThan(wave.get(e.to)!);

      const files = json(await runSt3(['graph', 'atoms.json', '--files', '--json'], { cwd: dir }));
      expect(
        files.edges.map((e: { from: string; to: string; type: string }) => `${e.from} -> ${e.to} ${e.type}`),
      ).toEqual([
        'lib/util.py -> lib/main.py import',
        'src/area.ts -> src/index.ts import',
        'src/math.ts -> src/area.ts import',
      ]);
      expect(files.waves).toEqual([['lib/util.py', 'src/math.ts'], ['lib/main.py', 'src/area.ts'], ['src/index.ts']]);
    });
  });

  it('cuts the cheapest edge of a cycle in a JSON graph and exports DOT and Mermaid', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'graph.json'), JSON.stringify(cyclic));
      const r = await runSt3(['graph', 'graph.json', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      const g = json(r);
      expect(g.cycles).toEqual([['a', 'b', 'c']]);
      expect(g.removedEdges).toEqual([{ from: 'c', to: 'a', type: 'type', weight: 1 }]);
      expect(g.waves).toEqual([['a'], ['b'], ['c'], ['d']]);

      const dot = await runSt3(['graph', 'graph.json', '--format', 'dot'], { cwd: dir });
      expect(dot.code).toBe(0);
      expect(dot.stdout).toMatch(/^digraph st3 \{/);
      expect(dot.stdout).toContain('"c" -> "a" [label="type", style=dashed, color=red, constraint=false];');

      const mmd = await runSt3(['graph', 'graph.json', '--out', 'out/graph.mmd'], { cwd: dir });
      expect(mmd.code).toBe(0);
      expect(mmd.stdout).toContain('1 cycles; 1 edges cut to break them');
      expect(mmd.stdout).toContain('  cycle a -> b -> c -> a\n  cut c -> a (type)');
      expect(mmd.stdout).toContain('wrote out/graph.mmd (mermaid)');
      const text = readFileSync(join(dir, 'out/graph.mmd'), 'utf8');
      expect(text.split('\n')[0]).toBe('flowchart LR');
      expect(text).toContain('-.->|type cut|');

      // --out through a symlink writes the file it points to and keeps the link.
      mkdirSync(join(dir, 'docs'));
      writeFileSync(join(dir, 'docs/graph.mmd'), 'old\n');
      symlinkSync('../docs/graph.mmd', join(dir, 'out/linked.mmd'));
      expect((await runSt3(['graph', 'graph.json', '--out', 'out/linked.mmd'], { cwd: dir })).code).toBe(0);
      expect(lstatSync(join(dir, 'out/linked.mmd')).isSymbolicLink()).toBe(true);
      expect(readFileSync(join(dir, 'docs/graph.mmd'), 'utf8')).toBe(text);
    });
  });

  it('reports an edge to an unknown node with file, line and exit 1; bad options with exit 2', async () => {
    await withTempDir(async (dir) => {
      writeFileSync(
        join(dir, 'bad.json'),
        '{\n  "nodes": [{"id": "a"}],\n  "edges": [\n    {"from": "a", "to": "ghost"}\n  ]\n}\n',
      );
      const r = await runSt3(['graph', 'bad.json', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(json(r)).toMatchObject({ ok: false, error: { code: 'E_GRAPH_UNKNOWN_NODE', file: 'bad.json', line: 4 } });
      const human = await runSt3(['graph', 'bad.json'], { cwd: dir });
      expect(human.stderr).toContain('bad.json:4:');
      const format = await runSt3(['graph', 'bad.json', '--format', 'svg', '--json'], { cwd: dir });
      expect(format.code).toBe(2);
      expect(json(format).error.code).toBe('E_GRAPH_OPTIONS');
      const none = await runSt3(['graph', '--json'], { cwd: dir });
      expect(none.code).toBe(2);
      expect(json(none).error.code).toBe('E_GRAPH_INPUT');
      const missing = await runSt3(['waves', 'nope.json', '--json'], { cwd: dir });
      expect(missing.code).toBe(2);
      expect(json(missing).error.code).toBe('E_FILE_NOT_FOUND');
      // Bytes that are not UTF-8: located E_FILE_ENCODING from every verb, never ids decoded lossily.
      writeFileSync(join(dir, 'latin1.json'), Buffer.from('{"nodes":[{"id":"a\xff"}],"edges":[]}', 'latin1'));
      for (const verb of ['waves', 'graph', 'validate-plan']) {
        const enc = await runSt3([verb, 'latin1.json', '--json'], { cwd: dir });
        expect(enc.code, verb).toBe(1);
        expect(json(enc).error, verb).toMatchObject({
          code: 'E_FILE_ENCODING',
          file: 'latin1.json',
          line: 1,
          column: 19,
        });
      }
    });
  });

  it('has --help with examples for each verb', async () => {
    for (const verb of ['graph', 'waves', 'validate-plan']) {
      const r = await runSt3([verb, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: st3 ${verb}`);
      expect(r.stdout).toContain('Examples:');
    }
  });
});

describe('st3 graph on source files', () => {
  it('atomizes TypeScript and Python sources and links them across files', async () => {
    await withTempDir(async (dir) => {
      mkdirSync(join(dir, '.st3'));
      cpSync(join(repoRoot, 'examples/src'), join(dir, 'src'), { recursive: true });
      cpSync(join(repoRoot, 'examples/py/shop'), join(dir, 'py/shop'), { recursive: true });
      const r = await runSt3(['graph', 'src', 'py', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      const g = json(r);
      const paths = new Set(g.nodes.map((n: { path: string }) => n.path));
      expect(paths).toEqual(
        new Set([
          'py/shop/__init__.py',
          'py/shop/cart.py',
          'py/shop/tax.py',
          'src/inventory.ts',
          'src/pricing.ts',
          'src/text.ts',
        ]),
      );
      const byPath = new Map(g.nodes.map((n: { id: string; path: string }) => [n.id, n.path]));
      const crossFile = g.edges
        .filter((e: { from: string; to: string }) => byPath.get(e.from) !== byPath.get(e.to))
        .map(
          (e: { from: string; to: string; type: string }) => `${byPath.get(e.from)} -> ${byPath.get(e.to)} ${e.type}`,
        );
      expect(crossFile).toContain('src/text.ts -> src/inventory.ts import');
      expect(crossFile).toContain('py/shop/tax.py -> py/shop/cart.py import');
      const plan = await runSt3(['validate-plan', 'src', 'py', '--json'], { cwd: dir });
      expect(json(plan).levels.map((l: { level: string }) => l.level)).toEqual(['atom', 'task', 'milestone', 'plan']);
      expect(plan.code).toBe(json(plan).passed ? 0 : 1);
    });
  });
});

describe('st3 waves', () => {
  it('prints waves, and balances them under --width within slack', async () => {
    await withTempDir(async (dir) => {
      const wide = { nodes: ['r', 'x1', 'x2', 'x3', 'x4', 'y'].map((id) => ({ id })), edges: [{ from: 'r', to: 'y' }] };
      writeFileSync(join(dir, 'wide.json'), JSON.stringify(wide));
      const plain = await runSt3(['waves', 'wide.json'], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(plain.stdout).toContain('wave 0 (5): r, x1, x2, x3, x4');
      const r = await runSt3(['waves', 'wide.json', '--width', '3', '--json'], { cwd: dir });
      expect(r.code).toBe(0);
      const w = json(r);
      expect(w.waves).toEqual([
        ['r', 'x1', 'x2'],
        ['x3', 'x4', 'y'],
      ]);
      expect(w.stats).toMatchObject({ waves: 2, widestWave: 3, maxWidth: 3, overfullWaves: [] });
      const bad = await runSt3(['waves', 'wide.json', '--width', '0', '--json'], { cwd: dir });
      expect(bad.code).toBe(2);
    });
  });
});

describe('st3 validate-plan', () => {
  it('passes a clean plan at the four levels and fails a broken one with exit 1', async () => {
    await withTempDir(async (dir) => {
      workspace(dir);
      const ok = await runSt3(['validate-plan', 'atoms.json', '--json'], { cwd: dir });
      expect(ok.code).toBe(0);
      const report = json(ok);
      expect(report.passed).toBe(true);
      expect(report.levels.map((l: { level: string }) => l.level)).toEqual(['atom', 'task', 'milestone', 'plan']);

      const atoms = JSON.parse(readFileSync(atomsFixture, 'utf8'));
      const main = atoms.files.find((f: { path: string }) => f.path === 'lib/main.py');
      main.atoms[0].symbols.used.push('undefined_helper');
      main.atoms[0].code = 'def run():\n    print(helper(2)\n    token = "s3cr3t-t0ken-value"';
      writeFileSync(join(dir, 'broken.json'), JSON.stringify(atoms));
      const bad = await runSt3(['validate-plan', 'broken.json'], { cwd: dir });
      expect(bad.code).toBe(1);
      expect(bad.stdout).toContain(
        'lib/main.py:3: error [task.symbol-resolution] "undefined_helper" is used but not defined, imported or a known global',
      );
      expect(bad.stdout).toContain('error [atom.syntax] syntax: "(" is never closed');
      expect(bad.stdout).toContain('error [plan.security] hardcoded-secret');
      expect(bad.stdout).toMatch(/task\s+0\.\d+ FAIL/);
      const allowed = await runSt3(
        ['validate-plan', 'broken.json', '--check', 'task.symbol-resolution', '--global', 'undefined_helper', '--json'],
        { cwd: dir },
      );
      expect(allowed.code).toBe(0);

      // A plan file groups files into tasks and milestones: here two milestones that depend on each other.
      writeFileSync(
        join(dir, 'plan.yaml'),
        'milestones:\n  - id: base\n    tasks:\n      - id: math\n        files: [src/math.ts, src/index.ts]\n  - id: features\n    tasks:\n      - id: area\n        files: ["src/a*.ts"]\n',
      );
      const planned = await runSt3(
        ['validate-plan', 'atoms.json', '--plan', 'plan.yaml', '--check', 'plan.architecture', '--json'],
        { cwd: dir },
      );
      expect(planned.code).toBe(1);
      expect(json(planned).results[0].issues[0].message).toBe(
        'circular dependency between milestones: base → features → base',
      );
      writeFileSync(join(dir, 'bad-plan.yaml'), 'milestones:\n  - id: m\n    tasks: []\n');
      const badPlan = await runSt3(['validate-plan', 'atoms.json', '--plan', 'bad-plan.yaml', '--json'], { cwd: dir });
      expect(badPlan.code).toBe(1);
      expect(json(badPlan).error).toMatchObject({ code: 'E_SCHEMA', file: 'bad-plan.yaml', line: 3 });
    });
  });

  it('lists its checks, and rejects graph-only input and unknown checks with exit 2', async () => {
    await withTempDir(async (dir) => {
      const list = await runSt3(['validate-plan', '--list-checks', '--json'], { cwd: dir });
      expect(list.code).toBe(0);
      expect(json(list).checks.map((c: { id: string }) => c.id)).toEqual(
        expect.arrayContaining([
          'atom.syntax',
          'task.symbol-resolution',
          'milestone.circular-dependencies',
          'plan.security',
        ]),
      );
      writeFileSync(join(dir, 'graph.json'), JSON.stringify(cyclic));
      const graphOnly = await runSt3(['validate-plan', 'graph.json', '--json'], { cwd: dir });
      expect(graphOnly.code).toBe(2);
      expect(json(graphOnly).error.code).toBe('E_GRAPH_INPUT');
      const unknown = await runSt3(['validate-plan', 'graph.json', '--check', 'nope', '--json'], { cwd: dir });
      expect(unknown.code).toBe(2);
      expect(json(unknown).error.code).toBe('E_GRAPH_OPTIONS');
    });
  });
});

describe('st3 run, graph stage', () => {
  it('reports the graph of the example workspace (or why it was skipped)', async () => {
    const r = await runSt3(['run', '--only', 'graph', '--json', '--dry-run', '--cwd', join(repoRoot, 'examples')]);
    const report = json(r);
    const stage = report.stages.find((s: { stage: string }) => s.stage === 'graph');
    expect(stage.ok).toBe(true);
    if (stage.skipped) expect(stage.summary).toMatch(/^skipped: /);
    else {
      expect(stage.summary).toMatch(/^\d+ atoms, \d+ edges, \d+ waves/);
      expect(stage.data.waves.flat().length).toBe(stage.data.stats.nodes);
    }
    expect(existsSync(join(repoRoot, 'examples/.st3'))).toBe(true);
  });
});
