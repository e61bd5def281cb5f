import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtomizeOutputSchema, GraphOutputSchema, type AtomizeOutput } from '@st3/schemas';
import {
  analyzeGraph,
  buildGraphFromAtoms,
  createModuleResolver,
  exportGraph,
  parseGraphDocument,
} from '../src/index.js';

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const atoms: AtomizeOutput = AtomizeOutputSchema.parse(JSON.parse(readFileSync(fixture('atoms-small.json'), 'utf8')));
const paths = { '@app/*': ['src/*'] };

describe('buildGraphFromAtoms', () => {
  const built = buildGraphFromAtoms(atoms, { paths, baseUrl: '.' });
  const edge = (from: string, to: string) => built.graph.edges.find((e) => e.from === from && e.to === to);

  it('types edges by what causes them, with weights and symbols', () => {
    // A module-level variable read from another file is `variable`, a call `function_call` (issue 15).
    expect(edge('src/math.ts:1-1', 'src/area.ts:4-6')).toEqual({
      from: 'src/math.ts:1-1',
      to: 'src/area.ts:4-6',
      type: 'variable',
      weight: 3,
      symbols: ['PI'],
    });
    expect(edge('src/math.ts:7-9', 'src/area.ts:4-6')).toMatchObject({ type: 'type', weight: 1, symbols: ['Shape'] });
    expect(edge('src/area.ts:4-6', 'src/area.ts:10-12')).toMatchObject({
      type: 'function_call',
      symbols: ['circleArea'],
    });
    expect(edge('src/area.ts:8-8', 'src/area.ts:9-9')).toMatchObject({ type: 'variable', symbols: ['count'] });
    expect(edge('src/math.ts:3-5', 'src/area.ts:10-12')).toMatchObject({ type: 'function_call', symbols: ['add'] });
  });

  it('resolves tsconfig paths and Python relative imports, and leaves packages external', () => {
    expect(edge('src/area.ts:10-12', 'src/index.ts:3-3')).toMatchObject({ type: 'function_call', symbols: ['total'] });
    expect(edge('lib/util.py:1-2', 'lib/main.py:3-4')).toMatchObject({ type: 'function_call', symbols: ['helper'] });
    expect(built.external.map((b) => b.module)).toEqual(['node:fs']);
    expect(built.files.edges.map((e) => `${e.from} -> ${e.to} ${e.type}`)).toEqual([
      'lib/util.py -> lib/main.py import',
      'src/area.ts -> src/index.ts import',
      'src/math.ts -> src/area.ts import',
    ]);
  });

  it('does not resolve path aliases without the tsconfig', () => {
    const plain = buildGraphFromAtoms(atoms);
    expect(plain.graph.edges.some((e) => e.to === 'src/index.ts:3-3')).toBe(false);
  });

  it('plans waves in which definitions come before their users', () => {
    const a = analyzeGraph(built.graph);
    expect(a.removedEdges).toEqual([]);
    expect(a.waves[0]).toEqual([
      'lib/util.py:1-2',
      'src/area.ts:8-8',
      'src/math.ts:1-1',
      'src/math.ts:3-5',
      'src/math.ts:7-9',
    ]);
    expect(a.waves.at(-1)).toEqual(['src/index.ts:3-3']);
    expect(a.stats.edgesByType).toEqual({ function_call: 4, type: 1, variable: 2 });
    // The JSON export is the DESIGN.md contract, and a graph input again.
    const exported = JSON.parse(exportGraph(a, 'json'));
    expect(GraphOutputSchema.safeParse(exported).success).toBe(true);
    expect(JSON.stringify(analyzeGraph(exported))).toBe(JSON.stringify(a));
  });
});

describe('module resolution', () => {
  const resolve = createModuleResolver(
    ['a/b.ts', 'a/c/index.tsx', 'pkg/__init__.py', 'pkg/mod.py', 'pkg/sub/deep.py', 'lib/x.mts'],
    { paths: { '~/*': ['a/*'], exact: ['lib/x.mts'] } },
  );
  it.each([
    ['a/c/index.tsx', '../b.js', 'a/b.ts'],
    ['a/b.ts', './c', 'a/c/index.tsx'],
    ['a/b.ts', '~/b', 'a/b.ts'],
    ['a/b.ts', 'exact', 'lib/x.mts'],
    ['a/b.ts', 'react', undefined],
    ['pkg/sub/deep.py', '..mod', 'pkg/mod.py'],
    ['pkg/mod.py', '.', 'pkg/__init__.py'],
    ['pkg/mod.py', 'pkg.sub.deep', 'pkg/sub/deep.py'],
    ['pkg/mod.py', 'os.path', undefined],
  ])('%s imports %s → %s', (from, module, expected) => {
    expect(resolve(from, module)).toBe(expected);
  });
});

describe('exports and input documents', () => {
  const graph = {
    nodes: [{ id: 'a "quoted"' }, { id: 'b' }],
    edges: [
      { from: 'a "quoted"', to: 'b', type: 'import' },
      { from: 'b', to: 'a "quoted"', type: 'type' },
    ],
  };
  it('writes DOT with wave clusters and dashed cut edges, and Mermaid with escaped labels', () => {
    const a = analyzeGraph(graph);
    const dot = exportGraph(a, 'dot');
    expect(dot).toContain('subgraph cluster_wave_0');
    expect(dot).toContain('"a \\"quoted\\"" -> "b" [label="import"]');
    expect(dot).toContain('"b" -> "a \\"quoted\\"" [label="type", style=dashed, color=red, constraint=false]');
    const mermaid = exportGraph(a, 'mermaid');
    expect(mermaid.split('\n')[0]).toBe('flowchart LR');
    expect(mermaid).toContain('n0["a #quot;quoted#quot;"]');
    expect(mermaid).toContain('n1 -.->|type cut| n0');
    expect(JSON.parse(exportGraph(a, 'json'))).toMatchObject({ waves: [['a "quoted"'], ['b']] });
  });

  it('tells atoms from graphs and reports unknown nodes with line and column', () => {
    expect(parseGraphDocument(JSON.stringify(atoms), 'atoms.json').value?.kind).toBe('atoms');
    expect(parseGraphDocument(JSON.stringify(graph), 'g.json').value?.kind).toBe('graph');
    const bad = parseGraphDocument(
      '{\n  "nodes": [{"id": "a"}],\n  "edges": [\n    {"from": "a", "to": "zz"}\n  ]\n}',
      'bad.json',
    );
    expect(bad.errors).toEqual([
      expect.objectContaining({
        code: 'E_GRAPH_UNKNOWN_NODE',
        file: 'bad.json',
        line: 4,
        message: 'edge to "zz" is not a node id',
      }),
    ]);
    expect(parseGraphDocument('{"hello": 1}', 'x.json').errors[0]).toMatchObject({ code: 'E_GRAPH_INPUT' });
    // A document that is not an object is not a graph either, the same error as `{}`.
    for (const text of ['[]', '3', 'null', '"graph"'])
      expect(parseGraphDocument(text, 'x.json').errors[0]).toMatchObject({ code: 'E_GRAPH_INPUT', line: 1, column: 1 });
    expect(parseGraphDocument('{"nodes": [{"id": 3}], "edges": []}', 'y.json').errors[0]).toMatchObject({
      code: 'E_SCHEMA',
      line: 1,
    });
  });
});

describe('atomizer output shapes', () => {
  const base = { complexity: 1, dependsOn: [], context: {}, atomicity: { score: 1, atomic: true, violations: [] } };
  // As @st3/atomizer writes them: a class split per method (no atom defines "Cart"), a Python import
  // listing the module's own dotted name, and type references kept in `context`, not in `used`.
  const output: AtomizeOutput = {
    files: [
      {
        path: 'py/shop/cart.py',
        language: 'python',
        loc: 9,
        functions: [],
        imports: [{ module: 'shop.tax', line: 1, named: [{ name: 'shop.tax' }, { name: 'gross' }] }],
        atoms: [
          {
            ...base,
            id: 'c1',
            path: 'py/shop/cart.py',
            startLine: 1,
            endLine: 1,
            loc: 1,
            kind: 'imports',
            scope: ['module'],
            symbols: { defined: ['shop.tax', 'gross'], used: [] },
          },
          {
            ...base,
            id: 'c2',
            path: 'py/shop/cart.py',
            startLine: 3,
            endLine: 5,
            loc: 3,
            kind: 'statement',
            strategy: 'by_class',
            scope: ['module', 'class Cart'],
            code: 'class Cart:\n    lines = []',
            symbols: { defined: ['lines'], used: [] },
          },
          {
            ...base,
            id: 'c3',
            path: 'py/shop/cart.py',
            startLine: 6,
            endLine: 9,
            loc: 4,
            kind: 'method',
            strategy: 'by_class',
            scope: ['module', 'class Cart'],
            symbols: { defined: ['total'], used: ['gross', 'self'] },
          },
        ],
      },
      {
        path: 'py/shop/tax.py',
        language: 'python',
        loc: 2,
        functions: [],
        imports: [],
        atoms: [
          {
            ...base,
            id: 't1',
            path: 'py/shop/tax.py',
            startLine: 1,
            endLine: 2,
            loc: 2,
            kind: 'function',
            scope: ['module'],
            symbols: { defined: ['gross'], used: [] },
          },
        ],
      },
      {
        path: 'py/tests/test_cart.py',
        language: 'python',
        loc: 3,
        functions: [],
        imports: [{ module: 'shop.cart', line: 1, named: [{ name: 'shop.cart' }, { name: 'Cart' }] }],
        atoms: [
          {
            ...base,
            id: 'u1',
            path: 'py/tests/test_cart.py',
            startLine: 2,
            endLine: 3,
            loc: 2,
            kind: 'function',
            scope: ['module'],
            symbols: { defined: ['test_total'], used: ['Cart'] },
          },
        ],
      },
      {
        path: 'src/t.ts',
        language: 'typescript',
        loc: 4,
        functions: [],
        imports: [{ module: './types.js', line: 1, typeOnly: true, named: [{ name: 'Shape' }] }],
        atoms: [
          {
            ...base,
            id: 's1',
            path: 'src/t.ts',
            startLine: 1,
            endLine: 1,
            loc: 1,
            kind: 'imports',
            scope: ['module'],
            symbols: { defined: ['Shape'], used: [] },
          },
          {
            ...base,
            id: 's2',
            path: 'src/t.ts',
            startLine: 2,
            endLine: 4,
            loc: 3,
            kind: 'function',
            scope: ['module'],
            symbols: { defined: ['area'], used: [] },
            context: { imports: [{ module: './types.js', names: ['Shape'], line: 1, typeOnly: true }] },
          },
        ],
      },
      {
        path: 'src/types.ts',
        language: 'typescript',
        loc: 1,
        functions: [],
        imports: [],
        atoms: [
          {
            ...base,
            id: 'y1',
            path: 'src/types.ts',
            startLine: 1,
            endLine: 1,
            loc: 1,
            kind: 'types',
            scope: ['module'],
            symbols: { defined: ['Shape'], used: [] },
          },
        ],
      },
    ],
  };
  const built = buildGraphFromAtoms(output);
  const edges = built.graph.edges.map((e) => `${e.from}->${e.to} ${e.type}`);

  it('links imports across files, to the import atom too, and type references from context', () => {
    expect(edges).toContain('t1->c3 function_call');
    expect(edges).toContain('t1->c1 import');
    expect(edges).toContain('c2->u1 function_call');
    expect(edges).toContain('y1->s2 type');
    expect(edges).toContain('y1->s1 type');
    expect(built.external).toEqual([]);
  });

  it('lets the first atom of a split class define the class name', () => {
    expect(
      built.symbols
        .get('py/shop/cart.py')!
        .definitions.get('Cart')!
        .map((a) => a.id),
    ).toEqual(['c2']);
  });
});
