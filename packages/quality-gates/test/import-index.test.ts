import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildImportIndex, findImporters } from '../src/index.js';

/** A small deterministic PRNG (mulberry32): the same seed gives the same sequence of edits. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every file a random project may hold: TS/JS (index files, .d.ts, an extension swap) and a Python package. */
const POOL = [
  'src/a.ts',
  'src/b.ts',
  'src/util/index.ts',
  'src/types.d.ts',
  'src/deep/c.tsx',
  'lib/d.js',
  'pkg/__init__.py',
  'pkg/core.py',
  'pkg/sub/__init__.py',
  'pkg/sub/leaf.py',
  'app/main.py',
  'app/tool.pyi',
];
const isPy = (f: string) => /\.pyi?$/.test(f);
const stem = (f: string) => f.replace(/(\.d)?\.[^./]+$/, '').replace(/\/index$/, '');
const module = (f: string) =>
  stem(f)
    .replace(/\/__init__$/, '')
    .split('/')
    .join('.');

/** The ways `from` can name `to` (relative, with an extension swap, alias, bare tail; absolute and relative Python). */
function importLines(from: string, to: string): string[] {
  if (isPy(from) !== isPy(to)) return [];
  if (isPy(from)) {
    const mod = module(to);
    const dot = mod.lastIndexOf('.');
    return [`import ${mod}`, ...(dot > 0 ? [`from ${mod.slice(0, dot)} import ${mod.slice(dot + 1)}`] : [])];
  }
  let rel = posix.relative(posix.dirname(from), stem(to));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return [
    `import { x } from '${rel}';`,
    `export * from '${rel}.js';`,
    `import y from '@/${stem(to).replace(/^src\//, '')}';`,
    `const z = require('${rel}');`,
  ];
}

/** A random text for `file`: some imports of pool files (present or not), and sometimes junk. */
function randomText(file: string, rand: () => number): string {
  const lines = POOL.flatMap((to) => (to !== file && rand() < 0.25 ? importLines(file, to) : []));
  const picked = lines.filter(() => rand() < 0.5);
  if (rand() < 0.2) picked.push(isPy(file) ? 'x = 1' : 'export const x = 1;');
  return `${picked.join('\n')}\n`;
}

/** An in-memory project whose reads are counted; `EACCES` makes a file unreadable. */
function memoryProject() {
  const files = new Map<string, string>();
  const unreadable = new Set<string>();
  const reads = new Map<string, number>();
  const read = async (p: string): Promise<string> => {
    reads.set(p, (reads.get(p) ?? 0) + 1);
    if (unreadable.has(p)) throw Object.assign(new Error('denied'), { code: 'EACCES' });
    const text = files.get(p);
    if (text === undefined) throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    return text;
  };
  return { files, unreadable, reads, read };
}

/** The answer (or the error code) of a query, for comparing the index with a fresh findImporters. */
async function outcome(query: () => Promise<string[]> | string[]): Promise<string[] | string> {
  try {
    return await query();
  } catch (error) {
    return `error ${(error as { code?: string }).code}`;
  }
}

describe('the import index', () => {
  it('answers exactly what findImporters answers on the current files, after random edits, creations and deletions', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = prng(seed);
      const project = memoryProject();
      for (const f of POOL) if (rand() < 0.6) project.files.set(f, randomText(f, rand));
      const index = await buildImportIndex('/nowhere', [...project.files.keys()], project.read);
      for (let step = 0; step < 25; step++) {
        const file = POOL[Math.floor(rand() * POOL.length)]!;
        const roll = rand();
        if (roll < 0.15) {
          project.files.delete(file);
          project.unreadable.delete(file);
        } else if (roll < 0.2) {
          // Only a file that is there can be unreadable.
          if (project.files.has(file)) project.unreadable.add(file);
        } else if (roll < 0.3) project.unreadable.delete(file);
        else if (roll < 0.35) project.files.set(file, project.files.get(file) ?? randomText(file, rand));
        else project.files.set(file, randomText(file, rand));
        await index.update([file]);
        const seeds = POOL.filter(() => rand() < 0.2);
        const sources = [...project.files.keys()];
        const expected = await outcome(() => findImporters('/nowhere', sources, seeds, project.read));
        const context = `seed ${seed} step ${step} seeds ${seeds.join(',')}`;
        expect(await outcome(() => index.importersOf(seeds)), context).toEqual(expected);
      }
    }
  });

  it('reads each file once, then only the files it is told changed, however many questions', async () => {
    const project = memoryProject();
    const F = 200;
    for (let i = 0; i < F; i++)
      project.files.set(`src/m${i}.ts`, i === 0 ? 'export const x = 0;\n' : `import { x } from './m${i - 1}';\n`);
    const index = await buildImportIndex('/nowhere', [...project.files.keys()], project.read);
    const changed: string[] = [];
    for (let q = 0; q < 20; q++) {
      // An earlier "atom" rewrote m150: m150 to m199 no longer import m0 (transitively).
      if (q === 10) {
        project.files.set('src/m150.ts', 'export const x = 150;\n');
        changed.push('src/m150.ts');
      }
      // One created along the way imports m0.
      if (q === 15) {
        project.files.set('src/new.ts', "import { x } from './m0';\n");
        changed.push('src/new.ts');
      }
      await index.update(changed);
      const expected = q < 10 ? F - 1 : q < 15 ? 149 : 150;
      expect(index.importersOf(['src/m0.ts'])).toHaveLength(expected);
    }
    expect(index.importersOf(['src/m0.ts'])).toContain('src/new.ts');
    // Every untouched file was read once; m150 once at the build and once per update since q = 10.
    const untouched = [...project.reads].filter(([p]) => p !== 'src/m150.ts' && p !== 'src/new.ts');
    expect(untouched).toHaveLength(F - 1);
    expect(untouched.every(([, n]) => n === 1)).toBe(true);
    expect(project.reads.get('src/m150.ts')).toBe(1 + 10);
    expect(project.reads.get('src/new.ts')).toBe(5);
  });

  it('makes a created file a target of the files already naming it, without reading them again', async () => {
    const project = memoryProject();
    project.files.set('src/user.ts', "import { later } from './later';\n");
    project.files.set('pkg/user.py', 'from pkg import later\n');
    const index = await buildImportIndex('/nowhere', [...project.files.keys()], project.read);
    expect(index.importersOf(['src/other.ts'])).toEqual([]);
    project.files.set('src/later.ts', 'export const later = 1;\n');
    project.files.set('pkg/later.py', 'later = 1\n');
    await index.update(['src/later.ts', 'pkg/later.py']);
    expect(index.importersOf(['src/later.ts'])).toEqual(['src/user.ts']);
    expect(index.importersOf(['pkg/later.py'])).toEqual(['pkg/user.py']);
    expect(project.reads.get('src/user.ts')).toBe(1);
  });

  it('an unreadable file fails every answer (E_FILE_READ) until it is read again; a gone one imports nothing', async () => {
    const project = memoryProject();
    project.files.set('src/a.ts', 'export const a = 1;\n');
    project.files.set('src/b.ts', "import { a } from './a';\n");
    project.unreadable.add('src/b.ts');
    const index = await buildImportIndex('/nowhere', ['src/a.ts', 'src/b.ts', 'src/listed-but-gone.ts'], project.read);
    expect(() => index.importersOf(['src/a.ts'])).toThrow(expect.objectContaining({ code: 'E_FILE_READ' }));
    project.unreadable.delete('src/b.ts');
    // Any update reads the unreadable files again.
    await index.update([]);
    expect(index.importersOf(['src/a.ts'])).toEqual(['src/b.ts']);
  });
});
