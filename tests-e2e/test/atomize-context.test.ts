import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, runSt3, withTempDir } from '../src/run-cli.js';

const STORE = `import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry } from './entry.js';

/** Reads every entry file under \`root\`, skipping the ones that are too large. */
export async function loadEntries(root: string, keys: readonly string[], limit = 1000): Promise<Entry[]> {
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

function project(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(join(dir, 'src/store.ts'), STORE);
  writeFileSync(join(dir, 'src/entry.ts'), 'export interface Entry {\n  key: string;\n  size: number;\n}\n');
}

describe('st3 atomize --context', () => {
  it('prints the context of an atom as an agent receives it, Markdown or JSON, within a token budget', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const doc = json(await runSt3(['atomize', 'src', '--json', '--no-cache'], { cwd: dir }));
      const store = doc.files.find((f: { path: string }) => f.path === 'src/store.ts');
      const loop = store.atoms.find((a: { code: string }) => a.code.includes('for (const key of keys)'));
      expect(loop.kind).toBe('block');

      const md = await runSt3(['atomize', '--context', loop.id, 'src', '--no-cache'], { cwd: dir });
      expect(md.code).toBe(0);
      expect(md.stdout).toContain(`# Atom \`${loop.id}\``);
      expect(md.stdout).toContain(
        '```ts\nexport async function loadEntries(root: string, keys: readonly string[], limit = 1000): Promise<Entry[]> {\n```',
      );
      // The type comes from the other file, through the import.
      expect(md.stdout).toContain('type `Entry` (src/entry.ts:1)');
      expect(md.stdout).toContain('## Code');

      const view = json(await runSt3(['atomize', '--context', loop.id, 'src', '--json'], { cwd: dir }));
      expect(view.atom).toMatchObject({ id: loop.id, path: 'src/store.ts', language: 'typescript' });
      expect(view.parts.chain).toHaveLength(1);
      expect(view.parts.inputs.map((i: { name: string }) => i.name)).toEqual(
        expect.arrayContaining(['keys', 'root', 'limit', 'skipped', 'entries', 'readFile', 'join']),
      );
      expect(view.trimmed).toEqual([]);

      const small = json(
        await runSt3(['atomize', '--context', loop.id, 'src', '--json', '--budget', '250'], { cwd: dir }),
      );
      expect(small.tokens).toBeLessThanOrEqual(250);
      expect(small.trimmed.length).toBeGreaterThan(0);
      expect(small.markdown).toContain(loop.code);

      // From saved atomize output, without atomizing again.
      await runSt3(['atomize', 'src', '--json', '--out', 'atoms.json'], { cwd: dir });
      const saved = await runSt3(['atomize', '--context', loop.id, 'atoms.json'], { cwd: dir });
      expect(saved.code).toBe(0);
      expect(saved.stdout).toBe(md.stdout);
    });
  });

  it('an unknown or stale id, a budget without --context, and no input are errors with their exit codes', async () => {
    await withTempDir(async (dir) => {
      project(dir);
      const stale = await runSt3(['atomize', '--context', 'src/store.ts#L1-L3@0000000000', 'src', '--json'], {
        cwd: dir,
      });
      expect(stale.code).toBe(2);
      expect(json(stale).error).toMatchObject({ code: 'E_ATOMIZE_ATOM_NOT_FOUND' });
      expect(json(stale).error.hint).toContain('src/store.ts#L1-');
      const notId = await runSt3(['atomize', '--context', 'store', '--json'], { cwd: dir });
      expect(notId.code).toBe(2);
      const budget = await runSt3(['atomize', 'src', '--budget', '100'], { cwd: dir });
      expect(budget.code).toBe(2);
      const none = await runSt3(['atomize'], { cwd: dir });
      expect(none.code).toBe(2);
    });
  });
});
