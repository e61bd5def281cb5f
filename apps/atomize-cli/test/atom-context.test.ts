import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-atom-context-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function st3(dir: string, ...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, ['atomize', ...args, '--no-cache'], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

/** A 16-line function: one atom by default, split in three with --target-loc 5 --max-loc 6. */
const STORE = `import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export async function loadEntries(root: string, keys: readonly string[], limit = 1000): Promise<string[]> {
  if (keys.length === 0) return [];
  const entries: string[] = [];
  let skipped = 0;
  for (const key of keys) {
    const text = await readFile(join(root, \`\${key}.json\`), 'utf8');
    if (text.length > limit) {
      skipped++;
      continue;
    }
    entries.push(text);
  }
  if (skipped > 0) entries.sort();
  return entries;
}
`;

describe('st3 atomize --context', () => {
  it('finds an id printed with --target-loc/--max-loc when given the same options', async () => {
    const dir = folder({ 'src/store.ts': STORE });
    const options = ['--target-loc', '5', '--max-loc', '6'];
    const listed = await st3(dir, 'src', '--json', ...options);
    expect(listed.code).toBe(0);
    const atoms = (JSON.parse(listed.stdout) as { files: { atoms: { id: string; code: string }[] }[] }).files[0]!.atoms;
    const loop = atoms.find((a) => a.code.includes('for (const key of keys)'))!;
    const r = await st3(dir, '--context', loop.id, 'src', '--json', ...options);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ atom: { id: loop.id, code: loop.code } });
    // Without them the atoms differ; the error does not claim the code changed.
    const other = await st3(dir, '--context', loop.id, 'src');
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('E_ATOMIZE_ATOM_NOT_FOUND');
    expect(other.stderr).toContain('or the id came from atomizing with other options');
  });

  it('finds an id written as ./src/… (a shell completion), with and without source paths', async () => {
    const dir = folder({ 'src/store.ts': STORE });
    const listed = await st3(dir, 'src', '--json');
    const id = (JSON.parse(listed.stdout) as { files: { atoms: { id: string }[] }[] }).files[0]!.atoms[0]!.id;
    for (const paths of [[], ['src']]) {
      const r = await st3(dir, '--context', `./${id}`, ...paths, '--json');
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ atom: { id } });
    }
  });

  it('a reference that is no atom id is E_USAGE, with source paths or without (as over MCP)', async () => {
    const dir = folder({ 'src/store.ts': STORE });
    for (const paths of [[], ['src']]) {
      for (const ref of ['zzz', 'src/store.ts']) {
        const r = await st3(dir, '--context', ref, ...paths, '--json');
        expect(r.code, r.stderr).toBe(2);
        expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'E_USAGE' } });
      }
    }
  });

  it('a context trimmed by --budget says what it left out and does not keep its full completeness', async () => {
    const dir = folder({ 'src/store.ts': STORE });
    const listed = await st3(dir, 'src', '--json');
    const atom = (JSON.parse(listed.stdout) as { files: { atoms: { id: string; kind: string }[] }[] }).files[0]!
      .atoms[1]!;
    const full = JSON.parse((await st3(dir, '--context', atom.id, 'src', '--json')).stdout) as {
      completeness: number;
    };
    expect(full.completeness).toBe(1);
    const r = await st3(dir, '--context', atom.id, 'src', '--json', '--budget', '200');
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout) as {
      completeness: number;
      tokens: number;
      trimmed: { part: string }[];
      missing: { component: string; reason: string }[];
      markdown: string;
    };
    expect(view.trimmed.length).toBeGreaterThan(0);
    expect(view.completeness).toBeLessThan(1);
    expect(view.missing.map((m) => m.component)).toEqual(expect.arrayContaining(view.trimmed.map((t) => t.part)));
    expect(view.tokens).toBeLessThanOrEqual(200);
    const text = await st3(dir, '--context', atom.id, 'src', '--budget', '200');
    expect(text.stdout).toContain('> Trimmed to fit 200 tokens; left out (items): test hints');
  });

  it('an atoms.json that is truncated or not atomize output is a located, typed error, never E_INTERNAL', async () => {
    const dir = folder({ 'src/store.ts': STORE });
    const listed = await st3(dir, 'src', '--json');
    const doc = JSON.parse(listed.stdout) as { files: { language?: string; atoms: { id: string }[] }[] };
    const id = doc.files[0]!.atoms[0]!.id;
    // A whole document works; a file entry without its language (hand-edited, or cut) did crash the lookup.
    writeFileSync(join(dir, 'atoms.json'), listed.stdout);
    expect((await st3(dir, '--context', id, 'atoms.json', '--json')).code).toBe(0);
    delete doc.files[0]!.language;
    writeFileSync(join(dir, 'edited.json'), JSON.stringify(doc, null, 2));
    writeFileSync(join(dir, 'cut.json'), listed.stdout.slice(0, 200));
    const edited = await st3(dir, '--context', id, 'edited.json', '--json');
    expect(edited.code, edited.stdout).toBe(2);
    // Located at the file entry that lacks the field (line 3 of the indented document).
    expect(JSON.parse(edited.stdout)).toMatchObject({
      ok: false,
      error: { code: 'E_GRAPH_INPUT', file: 'edited.json', line: 3, column: 5 },
    });
    const cut = await st3(dir, '--context', id, 'cut.json', '--json');
    expect(cut.code, cut.stdout).toBe(1);
    expect(JSON.parse(cut.stdout)).toMatchObject({ ok: false, error: { code: 'E_PARSE', file: 'cut.json' } });
    expect((JSON.parse(cut.stdout) as { error: { line?: number } }).error.line).toBeGreaterThan(1);
  });
});
