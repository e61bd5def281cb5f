import { describe, expect, it } from 'vitest';
import { AtomSchema, AtomizedFileSchema } from '@st3/schemas';
import { atomizeSource, type AtomizedFileRecord, type AtomRecord } from '../src/index.js';

const TS = `import { readFileSync } from 'node:fs';
import type { Config } from './config.js';
import { unused } from './unused.js';

export interface Point {
  x: number;
  y: number;
}

const registry: Point[] = [];

/** Adds two points. */
export function add(a: Point, b: Point): Point {
  if (!a || !b) throw new Error('missing point');
  return { x: a.x + b.x, y: a.y + b.y };
}

export function load(path: string, config: Config) {
  const text = readFileSync(path, 'utf8');
  registry.push(JSON.parse(text));
  return config.id ?? Math.random();
}

export function long(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += i;
  }
  if (total > 100) {
    total = 100;
  }
  const half = total / 2;
  const third = total / 3;
  const quarter = total / 4;
  const fifth = total / 5;
  const sixth = total / 6;
  const seventh = total / 7;
  return half + third + quarter + fifth + sixth + seventh;
}
`;

async function atomize(text: string, path: string, opts = {}): Promise<AtomizedFileRecord> {
  return (await atomizeSource(text, path, opts)) as AtomizedFileRecord;
}
const byName = (r: AtomizedFileRecord, name: string): AtomRecord => r.atoms.find((a) => a.name === name)!;

describe('atoms', () => {
  it('match the pinned output schemas', async () => {
    const r = await atomize(TS, 'src/geo.ts');
    expect(AtomizedFileSchema.safeParse(r).success).toBe(true);
    for (const a of r.atoms) expect(AtomSchema.safeParse(a).success).toBe(true);
  });

  it('decompose by function, keep small functions whole and split long ones by block', async () => {
    const r = await atomize(TS, 'src/geo.ts');
    expect(byName(r, 'add')).toMatchObject({
      kind: 'function',
      strategy: 'by_function',
      scope: ['module'],
      complexity: 3,
    });
    const blocks = r.atoms.filter((a) => a.scope.join('/') === 'module/function long');
    expect(blocks.length).toBeGreaterThan(1);
    expect(blocks.every((b) => b.strategy === 'by_block' && b.kind === 'block' && b.loc <= 15)).toBe(true);
    // Imports are merged into one small atom; comments before a function stay with it.
    expect(r.atoms[0]).toMatchObject({ kind: 'imports', startLine: 1 });
    expect(byName(r, 'add').startLine).toBe(11);
  });

  it('have stable ids: path, range and content hash', async () => {
    const a = await atomize(TS, 'src/geo.ts');
    const b = await atomize(TS, 'src/geo.ts');
    expect(a.atoms.map((x) => x.id)).toEqual(b.atoms.map((x) => x.id));
    expect(byName(a, 'add').id).toMatch(/^src\/geo\.ts#L11-L16@[0-9a-f]{10}$/);
    const changed = await atomize(TS.replace("'missing point'", "'no point'"), 'src/geo.ts');
    expect(byName(changed, 'add').id).not.toBe(byName(a, 'add').id);
    expect(byName(changed, 'load').id).toBe(byName(a, 'load').id);
  });

  it('carry symbols, dependsOn and only the imports they use', async () => {
    const r = await atomize(TS, 'src/geo.ts');
    const load = byName(r, 'load');
    expect(load.symbols.defined).toEqual(['load']);
    expect(load.symbols.used).toEqual(expect.arrayContaining(['readFileSync', 'registry', 'JSON', 'Math']));
    expect(load.context.imports.map((i) => i.module)).toEqual(['node:fs', './config.js']);
    const registryAtom = r.atoms.find((a) => a.symbols.defined.includes('registry'))!;
    expect(load.dependsOn).toContain(registryAtom.id);
    expect(r.atoms.some((a) => a.context.imports.some((i) => i.module === './unused.js'))).toBe(false);
  });

  it('inject types, preconditions, postconditions and test hints', async () => {
    const add = byName(await atomize(TS, 'src/geo.ts'), 'add');
    expect(add.context.types.map((t) => t.name)).toEqual(['Point']);
    expect(add.context.types[0]!.code).toContain('x: number;');
    expect(add.context.preconditions[0]).toMatch(/a \|\| !b|!a \|\| !b/);
    expect(add.context.postconditions).toContain('returns Point');
    expect(add.context.testHints.some((h) => h.startsWith('cover'))).toBe(true);
    expect(add.context.completeness).toBe(1);
  });

  it('validate atomicity from the syntax tree', async () => {
    const r = await atomize(TS, 'src/geo.ts');
    const load = byName(r, 'load');
    const failed = load.atomicity.violations.map((v) => v.criterion);
    expect(failed).toEqual(expect.arrayContaining(['deterministic', 'no_side_effects', 'clear_io']));
    expect(load.atomicity.atomic).toBe(false);
    expect(
      load.atomicity.violations.every((v) => ['critical', 'warning', 'info'].includes(v.severity) && v.message),
    ).toBe(true);
    const add = byName(r, 'add');
    expect(add.atomicity.violations.map((v) => v.criterion)).toEqual(['complexity']);
    expect(add.atomicity.score).toBe(0.9);
    expect(add.atomicity.atomic).toBe(true);
    // The words alone do not make a side effect: a string and a local named like an API are fine.
    const quiet = await atomize(
      'export function f(x: string): string {\n  const log = "console.log(Math.random())";\n  return log + x;\n}\n',
      'q.ts',
    );
    expect(quiet.atoms[0]!.atomicity.violations.map((v) => v.criterion)).not.toContain('deterministic');
  });

  it('Python: classes split by member, scope chain, annotations as types', async () => {
    const py = `import os
from typing import Optional


class Store:
    """A store."""

    def __init__(self, root: str) -> None:
        self.root = root

    def read(self, name: str) -> Optional[str]:
        assert name
        path = os.path.join(self.root, name)
        if not os.path.exists(path):
            return None
        with open(path) as f:
            return f.read()

    def size(self) -> int:
        return len(os.listdir(self.root))
`;
    const r = await atomize(py, 'store.py', { targetLoc: 4, maxLoc: 8 });
    const read = byName(r, 'read');
    expect(read.scope).toEqual(['module', 'class Store']);
    expect(read.strategy).toBe('by_class');
    expect(read.context.preconditions).toEqual(expect.arrayContaining(['name', 'name: str']));
    expect(read.context.postconditions).toContain('returns Optional[str]');
    expect(read.atomicity.violations.map((v) => v.criterion)).toContain('no_side_effects');
    expect(r.functions.map((f) => `${f.qualifiedName}:${f.complexity}`)).toEqual([
      'Store.__init__:1',
      'Store.read:2',
      'Store.size:1',
    ]);
  });

  it('rejects inconsistent options', async () => {
    await expect(atomizeSource('x', 'a.ts', { targetLoc: 20, maxLoc: 10 })).rejects.toMatchObject({
      code: 'E_ATOMIZE_OPTIONS',
    });
  });
});
