import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeSource, measureSource, type ComplexityRecord, type ParsedFile } from '../src/index.js';

// mccabe.tsv holds what Debian's python3-mccabe 0.7.0 computed on these files
// (regenerate with scripts/capture-mccabe.sh): every graph flake8 --max-complexity=0 reports.
const dir = fileURLToPath(new URL('./fixtures/python/', import.meta.url));
const captured = new Map<string, string[]>();
for (const line of readFileSync(join(dir, 'mccabe.tsv'), 'utf8').split('\n')) {
  if (!line || line.startsWith('#')) continue;
  const [file, lineNo, col, entity, complexity] = line.split('\t');
  (captured.get(file!) ?? captured.set(file!, []).get(file!)!).push(
    `${lineNo}:${Number(col) + 1} '${entity}' ${complexity}`,
  );
}

describe('Python complexity agrees with mccabe (flake8 C901) on every graph', () => {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort();
  it('has captured output for every fixture', () => {
    expect([...captured.keys()].sort()).toEqual(files);
  });
  for (const file of files) {
    it(file, async () => {
      const r = (await analyzeSource(readFileSync(join(dir, file), 'utf8'), file)) as ParsedFile;
      const ours = r.functions
        .filter((f) => f.reported)
        .map((f) => `${f.reportLine}:${f.reportColumn} ${f.reportName} ${f.complexity}`);
      expect(ours.sort()).toEqual([...captured.get(file)!].sort());
      // The fast path of `st3 complexity` says the same.
      const fast = (await measureSource(readFileSync(join(dir, file), 'utf8'), file)) as ComplexityRecord;
      expect(
        fast.functions
          .filter((f) => f.reported)
          .map((f) => `${f.reportLine}:${f.reportColumn} ${f.reportName} ${f.complexity}`)
          .sort(),
      ).toEqual(ours.sort());
      expect(fast.functions.filter((f) => f.kind !== 'block').map((f) => f.qualifiedName)).toEqual(
        r.functions.filter((f) => f.kind !== 'block' && f.kind !== 'lambda').map((f) => f.qualifiedName),
      );
    });
  }
});

describe('radon variant', () => {
  async function radon(code: string): Promise<Record<string, number>> {
    const r = (await analyzeSource(code, 'x.py', { complexityVariant: 'radon' })) as ParsedFile;
    return Object.fromEntries(r.functions.filter((f) => f.kind !== 'lambda').map((f) => [f.name, f.complexity]));
  }
  it('counts boolean operators, comprehensions and loop/try else blocks', async () => {
    expect(await radon('def f(a, b, c):\n    return a and b or c\n')).toEqual({ f: 3 });
    expect(await radon('def f(xs):\n    return [x for x in xs if x]\n')).toEqual({ f: 3 });
    expect(await radon('def f(xs):\n    for x in xs:\n        pass\n    else:\n        pass\n')).toEqual({ f: 3 });
    expect(
      await radon(
        'def f():\n    try:\n        pass\n    except A:\n        pass\n    except B:\n        pass\n    else:\n        pass\n',
      ),
    ).toEqual({ f: 4 });
    expect(
      await radon('def f(a):\n    if a:\n        pass\n    elif a > 1:\n        pass\n    return 1 if a else 2\n'),
    ).toEqual({ f: 4 });
  });
  it('does not add nested functions to their parent (mccabe does)', async () => {
    const code = 'def f(a):\n    def g(b):\n        if b:\n            pass\n    return g\n';
    expect(await radon(code)).toEqual({ f: 1, g: 2 });
    const r = (await analyzeSource(code, 'x.py')) as ParsedFile;
    expect(Object.fromEntries(r.functions.map((f) => [f.name, f.complexity]))).toEqual({ f: 3, g: 2 });
  });
});
