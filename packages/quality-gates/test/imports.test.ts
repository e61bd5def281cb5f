import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findImporters, jsImports, pythonImports } from '../src/index.js';

/** findImporters over in-memory sources. */
const importersOf = (files: Record<string, string>, seeds: string[]) =>
  findImporters('/nowhere', Object.keys(files), seeds, async (p) => files[p] ?? '');

describe('the import scan behind scope_mode importers', () => {
  it('reads every Python import form, relative ones against the package', () => {
    const text = [
      'import a.b as c, d',
      'from . import x, y as z',
      'from ..m import (f,',
      '    g)',
      'def h():',
      '    import late',
      'from pkg import *',
      '# import commented',
    ].join('\n');
    expect(pythonImports('pkg/sub/mod.py', text)).toEqual([
      'a.b',
      'd',
      'late',
      'pkg.sub',
      'pkg.sub.x',
      'pkg.sub.y',
      'pkg.m',
      'pkg.m.f',
      'pkg.m.g',
      'pkg',
    ]);
  });

  it('reads TS/JS imports, re-exports, requires and dynamic imports', () => {
    const text = [
      "import a from './a.js';",
      "import type { B } from '../b';",
      "import {\n  c,\n} from '@/lib/c';",
      "export * from './d';",
      "import './side';",
      "const e = require('./e.cjs');",
      "const f = await import('./f');",
    ].join('\n');
    expect(jsImports(text)).toEqual(['./a.js', '../b', '@/lib/c', './d', './side', './e.cjs', './f']);
  });

  it('finds transitive importers in Python (absolute, relative, package __init__) and TS (extension swaps, index, aliases)', async () => {
    const files = {
      'pkg/__init__.py': 'from .core import run\n',
      'pkg/core.py': 'def run(): ...\n',
      'pkg/api.py': 'from pkg.core import run\n',
      'app/main.py': 'import pkg.api\n',
      'app/unrelated.py': 'import json\n',
      'src/util/index.ts': 'export const u = 1;\n',
      'src/a.ts': "import { u } from './util/index.js';\n",
      'src/b.ts': "import { u } from './util';\n",
      'src/c.ts': "import { x } from '@/a';\n",
      'src/d.ts': "import './c.js';\n",
      'src/free.ts': 'export {};\n',
    };
    expect(await importersOf(files, ['pkg/core.py'])).toEqual(['app/main.py', 'pkg/__init__.py', 'pkg/api.py']);
    expect(await importersOf(files, ['src/util/index.ts'])).toEqual(['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts']);
    // A deleted file (no longer among the sources) still finds what imported it.
    const { 'pkg/core.py': _gone, ...rest } = files;
    expect(await importersOf(rest, ['pkg/core.py'])).toEqual(['app/main.py', 'pkg/__init__.py', 'pkg/api.py']);
  });

  it('on random module graphs, finds exactly the transitive importers (property)', async () => {
    const forms = [
      (j: number) => `import pkg.m${j}`,
      (j: number) => `from pkg import m${j}`,
      (j: number) => `from pkg.m${j} import f${j}`,
      (j: number) => `from .m${j} import f${j}`,
      (j: number) => `from . import (\n    m${j},\n)`,
    ];
    const graph = fc
      .integer({ min: 2, max: 12 })
      .chain((n) =>
        fc.tuple(
          fc.constant(n),
          fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.nat(forms.length - 1)), { maxLength: 3 * n }),
          fc.nat(n - 1),
        ),
      );
    await fc.assert(
      fc.asyncProperty(graph, async ([n, edges, seed]) => {
        const imports = new Map<number, Set<number>>();
        const lines = new Map<number, string[]>();
        for (const [a, b, form] of edges) {
          if (a === b) continue;
          (imports.get(a) ?? imports.set(a, new Set()).get(a)!).add(b);
          (lines.get(a) ?? lines.set(a, []).get(a)!).push(forms[form]!(b));
        }
        const files: Record<string, string> = { 'pkg/__init__.py': '' };
        for (let i = 0; i < n; i++) files[`pkg/m${i}.py`] = `${(lines.get(i) ?? []).join('\n')}\ndef f${i}(): ...\n`;
        const expected = new Set<number>();
        const queue = [seed];
        while (queue.length > 0) {
          const t = queue.pop()!;
          for (const [a, targets] of imports)
            if (targets.has(t) && a !== seed && !expected.has(a)) {
              expected.add(a);
              queue.push(a);
            }
        }
        const found = await importersOf(files, [`pkg/m${seed}.py`]);
        expect(found).toEqual([...expected].map((i) => `pkg/m${i}.py`).sort());
      }),
      { numRuns: 200 },
    );
  });
});
