import { describe, expect, it } from 'vitest';
import { atomContext, atomizeSource, estimateTokens, type AtomizedFileRecord } from '../src/index.js';

const STORE = `import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Entry {
  key: string;
  size: number;
}

const MAX_ENTRIES = 1000;

/** Reads every entry file under \`root\`, skipping the ones that are too large. */
export async function loadEntries(root: string, keys: readonly string[], limit = MAX_ENTRIES): Promise<Entry[]> {
  if (keys.length === 0) return [];
  const entries: Entry[] = [];
  let skipped = 0;
  for (const key of keys) {
    const text = await readFile(join(root, \`\${key}.json\`), 'utf8');
    if (text.length > limit) {
      skipped++;
      continue;
    }
    const size = Buffer.byteLength(text);
    entries.push({ key, size });
  }
  if (skipped > 0) entries.sort((a, b) => a.size - b.size);
  return entries;
}
`;

async function atomize(text: string, path: string): Promise<AtomizedFileRecord> {
  return (await atomizeSource(text, path)) as AtomizedFileRecord;
}

describe('atom context', () => {
  it('gives a fragment its enclosing signature, inputs with their bindings, types and dependencies', async () => {
    const file = await atomize(STORE, 'src/store.ts');
    const loop = file.atoms.find((a) => a.code.includes('for (const key of keys)'))!;
    expect(loop.kind).toBe('block');
    const ctx = loop.context;
    expect(ctx.chain.map((h) => h.text)).toEqual([
      'export async function loadEntries(root: string, keys: readonly string[], limit = MAX_ENTRIES): Promise<Entry[]> {',
    ]);
    const byName = Object.fromEntries(ctx.inputs.map((i) => [i.name, i]));
    expect(byName.keys).toMatchObject({ source: 'parameter', usage: 'read', type: 'readonly string[]' });
    expect(byName.skipped).toMatchObject({ source: 'local', usage: 'write' });
    expect(byName.readFile).toMatchObject({ source: 'import', usage: 'call' });
    expect(ctx.imports.map((i) => i.module)).toEqual(['node:fs/promises', 'node:path']);
    expect(ctx.types.map((t) => t.name)).toEqual(['Entry']);
    const header = file.atoms.find((a) => a.code.includes('export async function'))!;
    expect(ctx.dependencies).toEqual([
      expect.objectContaining({
        id: header.id,
        type: 'data_flow',
        symbols: expect.arrayContaining(['entries', 'skipped', 'keys']),
      }),
    ]);
    expect(ctx.dependencies[0]!.signature).toContain('let skipped = 0;');
    expect(header.context.outputs.map((o) => o.name)).toEqual(expect.arrayContaining(['entries', 'skipped', 'root']));
    expect(ctx.returns).toBe('Promise<Entry[]>');
    expect(ctx.unresolved).toEqual([]);
    expect(ctx.completeness).toBe(1);
  });

  it('renders Markdown and trims by priority within a token budget, never the code', async () => {
    const file = await atomize(STORE, 'src/store.ts');
    const loop = file.atoms.find((a) => a.code.includes('for (const key of keys)'))!;
    const full = atomContext(loop.id, { files: [file] });
    expect(full.markdown).toContain('## Enclosing code');
    expect(full.markdown).toContain('```ts\nexport async function loadEntries(');
    expect(full.trimmed).toEqual([]);
    expect(full.tokens).toBe(estimateTokens(full.markdown));
    for (const budget of [full.tokens - 1, 400, 300, 200, 50]) {
      const v = atomContext(loop.id, { files: [file], budget });
      expect(v.markdown).toContain(loop.code);
      if (!v.overBudget) expect(v.tokens).toBeLessThanOrEqual(budget);
      expect(v.trimmed.length).toBeGreaterThan(0);
      // Lower priorities go first: once a part lost items, every part after it in priority is empty.
      const order = [
        'chain',
        'inputs',
        'imports',
        'dependencies',
        'types',
        'outputs',
        'preconditions',
        'postconditions',
        'testHints',
      ] as const;
      const firstTrimmed = Math.min(...v.trimmed.map((t) => order.indexOf(t.part as (typeof order)[number])));
      for (const part of order.slice(firstTrimmed + 1)) expect(v.parts[part]).toEqual([]);
    }
    expect(atomContext(loop.id, { files: [file], budget: 10 }).overBudget).toBe(true);
  });

  it('counts the parts a budget dropped as missing, and says in the Markdown what it left out', async () => {
    const file = await atomize(STORE, 'src/store.ts');
    const loop = file.atoms.find((a) => a.code.includes('for (const key of keys)'))!;
    expect(atomContext(loop.id, { files: [file] }).completeness).toBe(1);
    const v = atomContext(loop.id, { files: [file], budget: 300 });
    expect(v.trimmed.map((t) => t.part)).toContain('testHints');
    for (const t of v.trimmed)
      expect(v.missing.find((m) => m.component === t.part)?.reason).toMatch(/dropped to fit the budget of 300 tokens/);
    expect(v.completeness).toBeLessThan(1);
    expect(v.markdown).toMatch(/Trimmed to fit 300 tokens; left out \(items\): test hints \(5\)/);
    expect(v.tokens).toBeLessThanOrEqual(300);
    // Nothing left but the header and the code: nothing of what applied is complete.
    expect(atomContext(loop.id, { files: [file], budget: 10 }).completeness).toBe(0);
  });

  it('an atom whose lines hold a syntax error is not complete; the atoms around it are unaffected', async () => {
    const text = 'export function f(x: number): number {\n  const y = x +;\n  return y;\n}\n\nexport const N = 1;\n';
    const file = await atomize(text, 'src/broken.ts');
    expect(file.diagnostics.map((d) => d.line)).toEqual([2]);
    const broken = file.atoms.find((a) => a.startLine <= 2 && 2 <= a.endLine)!;
    expect(broken.context.missing).toContainEqual({
      component: 'code',
      reason: 'syntax error at line 2:16: Expression expected.',
    });
    expect(broken.context.completeness).toBeLessThan(1);
    expect(atomContext(broken.id, { files: [file] }).completeness).toBe(broken.context.completeness);
    for (const a of file.atoms.filter((x) => x !== broken))
      expect(a.context.missing.map((m) => m.component)).not.toContain('code');
  });

  it('follows imports to other files for signatures and types', async () => {
    const lib = await atomize(
      'export interface Options {\n  depth: number;\n}\n\nexport function walk(dir: string, o: Options): string[] {\n  return [dir];\n}\n',
      'src/lib.ts',
    );
    const index = await atomize(
      "export { walk } from './lib.js';\nexport type { Options } from './lib.js';\n",
      'src/index.ts',
    );
    const app = await atomize(
      "import { walk, type Options } from './index.js';\n\nexport function run(o: Options): number {\n  return walk('.', o).length;\n}\n",
      'src/app.ts',
    );
    const run = app.atoms.find((a) => a.name === 'run')!;
    const v = atomContext(run.id, { files: [lib, index, app] });
    const walk = lib.atoms.find((a) => a.name === 'walk')!;
    expect(v.parts.dependencies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: walk.id,
          type: 'function_call',
          path: 'src/lib.ts',
          signature: 'export function walk(dir: string, o: Options): string[]',
        }),
      ]),
    );
    expect(v.parts.types.map((t) => `${t.path}:${t.name}`)).toEqual(['src/lib.ts:Options']);
  });

  it('names the atoms at those lines when an id is stale', async () => {
    const file = await atomize(STORE, 'src/store.ts');
    const stale = file.atoms[1]!.id.replace(/@[0-9a-f]+$/, '@0000000000');
    expect(() => atomContext(stale, { files: [file] })).toThrow(
      expect.objectContaining({ code: 'E_ATOMIZE_ATOM_NOT_FOUND' }),
    );
    try {
      atomContext(stale, { files: [file] });
    } catch (error) {
      expect((error as { hint?: string }).hint).toContain(file.atoms[1]!.id);
    }
  });
});
