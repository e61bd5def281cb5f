import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atomizeSource, type AtomizedFileRecord } from '@st3/atomizer';
import type { AtomizeOutput } from '@st3/schemas';
import { analyzeGraph, buildGraphFromAtoms } from '../src/index.js';

// A small TypeScript + Python project atomized by @st3/atomizer, and every edge of its graph pinned
// with its type: calls across files are `function_call` (the import statement's atom gets `import`),
// module variables `variable`, types `type`, re-exports and Python package `__init__` imports followed.
const root = new URL('./fixtures/two-lang/', import.meta.url).pathname;
const PATHS = [
  'src/units.ts',
  'src/shapes.ts',
  'src/index.ts',
  'src/report.ts',
  'py/geo/__init__.py',
  'py/geo/calc.py',
  'py/app.py',
];

async function atomize(): Promise<AtomizeOutput> {
  const files: AtomizedFileRecord[] = [];
  for (const p of PATHS) files.push((await atomizeSource(readFileSync(root + p, 'utf8'), p)) as AtomizedFileRecord);
  return { files } as unknown as AtomizeOutput;
}

const short = (id: string) => id.replace(/@[0-9a-f]+$/, '');

describe('the graph of a two-language project', () => {
  it('has exactly these edges, each with its type and symbols', async () => {
    const output = await atomize();
    const built = buildGraphFromAtoms(output);
    expect(built.warnings).toEqual([]);
    const ids = output.files.flatMap((f) => f.atoms.map((a) => short(a.id)));
    expect(ids).toEqual([
      'src/units.ts#L1-L1',
      'src/shapes.ts#L1-L6',
      'src/shapes.ts#L7-L10',
      'src/index.ts#L1-L2',
      'src/report.ts#L1-L4',
      'src/report.ts#L5-L9',
      'src/report.ts#L10-L13',
      'py/geo/__init__.py#L1-L1',
      'py/geo/calc.py#L1-L1',
      'py/geo/calc.py#L2-L5',
      'py/geo/calc.py#L6-L10',
      'py/app.py#L1-L2',
      'py/app.py#L3-L7',
    ]);
    const edges = built.graph.edges.map(
      (e) => `${short(e.from)} -> ${short(e.to)} ${e.type} ${(e.symbols ?? []).join(',')}`,
    );
    expect(edges).toEqual([
      // FACTOR: a module variable read by a function in its file and in another, imported once.
      'py/geo/calc.py#L1-L1 -> py/app.py#L1-L2 import FACTOR',
      'py/geo/calc.py#L1-L1 -> py/app.py#L3-L7 variable FACTOR',
      'py/geo/calc.py#L1-L1 -> py/geo/calc.py#L2-L5 variable FACTOR',
      // scale: called across files (through the package __init__), and by the class in its own file.
      'py/geo/calc.py#L2-L5 -> py/app.py#L1-L2 import scale',
      'py/geo/calc.py#L2-L5 -> py/app.py#L3-L7 function_call scale',
      'py/geo/calc.py#L2-L5 -> py/geo/__init__.py#L1-L1 import scale',
      'py/geo/calc.py#L2-L5 -> py/geo/calc.py#L6-L10 function_call scale',
      'py/geo/calc.py#L6-L10 -> py/app.py#L1-L2 import Box',
      'py/geo/calc.py#L6-L10 -> py/app.py#L3-L7 function_call Box',
      // `reported` is module state: declared with the imports, written by report, read by count.
      'src/report.ts#L1-L4 -> src/report.ts#L5-L9 variable reported',
      'src/report.ts#L5-L9 -> src/report.ts#L10-L13 variable reported',
      // Shape is only ever a type, also through the barrel's `export type`.
      'src/shapes.ts#L1-L6 -> src/index.ts#L1-L2 type Shape',
      'src/shapes.ts#L1-L6 -> src/report.ts#L1-L4 type Shape',
      'src/shapes.ts#L1-L6 -> src/report.ts#L5-L9 type Shape',
      'src/shapes.ts#L1-L6 -> src/shapes.ts#L7-L10 type Shape',
      // area: re-exported by the barrel, imported from it, called by report.
      'src/shapes.ts#L7-L10 -> src/index.ts#L1-L2 import area',
      'src/shapes.ts#L7-L10 -> src/report.ts#L1-L4 import area',
      'src/shapes.ts#L7-L10 -> src/report.ts#L5-L9 function_call area',
      'src/units.ts#L1-L1 -> src/report.ts#L1-L4 import UNIT',
      'src/units.ts#L1-L1 -> src/report.ts#L5-L9 variable UNIT',
      'src/units.ts#L1-L1 -> src/shapes.ts#L1-L6 import UNIT',
      'src/units.ts#L1-L1 -> src/shapes.ts#L7-L10 variable UNIT',
    ]);
    // Every edge goes from an earlier wave to a later one, with nothing to cut.
    const a = analyzeGraph(built.graph);
    expect(a.removedEdges).toEqual([]);
    expect(a.waves[0]!.map(short)).toEqual(['py/geo/calc.py#L1-L1', 'src/units.ts#L1-L1']);
  });
});
