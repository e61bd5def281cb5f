import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, connect, failure, ok, texts, type Connection } from './harness.js';
import { repoRoot } from './workspace.js';

// The atom tools take `st3 atomize`'s and `st3 complexity`'s --lang and --complexity-variant (as lang and
// complexityVariant): a team whose ESLint counts a switch once (modified) gets the verdict its CLI gives,
// and a source file without a known extension is read in the language named.

const run = promisify(execFile);
/** One switch of three cases: 4 as ESLint counts it by default, 2 with the modified variant. */
const SWITCH = `export function pick(x) {
  switch (x) {
    case 1: return 'one';
    case 2: return 'two';
    case 3: return 'three';
    default: return 'many';
  }
}
`;
/** Python in a file whose name says no language. */
const PYTHON = 'def f(x):\n    if x:\n        return 1\n    return 0\n';

/** A JSON document, read loosely. */
type Doc = Record<string, any>;

/** `st3 <argv> --json` in `dir`: the exit code and the JSON document. */
async function cli(dir: string, argv: string[]): Promise<{ code: number; doc: Doc }> {
  const r = await run(process.execPath, [join(repoRoot, 'apps/atomize-cli/dist/bin.js'), ...argv, '--json'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  }).then(
    (done) => ({ code: 0, stdout: done.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
  );
  return { code: r.code, doc: JSON.parse(r.stdout) as Doc };
}

describe('atom tools take the language and complexity variant of the CLI', () => {
  let dir: string;
  let c: Connection;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-mcp-atoms-options-'));
    await mkdir(join(dir, 'src'));
    await writeFile(join(dir, 'src/switch.js'), SWITCH);
    await writeFile(join(dir, 'src/script.inc'), PYTHON);
    c = await connect('stdio', dir);
  });
  afterAll(async () => {
    await c?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('complexity with complexityVariant gives the verdict of --complexity-variant', async () => {
    const args = { paths: ['src/switch.js'], max: 2 };
    const byDefault = await call(c.client, 'complexity', args);
    expect(byDefault.isError).toBe(true);
    expect((await cli(dir, ['complexity', 'src/switch.js', '--max', '2'])).code).toBe(1);

    const modified = await call(c.client, 'complexity', { ...args, complexityVariant: 'modified' });
    const fromCli = await cli(dir, ['complexity', 'src/switch.js', '--max', '2', '--complexity-variant', 'modified']);
    expect(fromCli.code).toBe(0);
    expect(modified.isError ?? false).toBe(false);
    expect(modified.structuredContent).toEqual(fromCli.doc);
    expect(texts(modified)[0]).toBe('no function above complexity 2 in 1 file');
  });

  it('complexity and atomize with lang read a file of no known extension, as --lang does', async () => {
    const fromCli = await cli(dir, ['complexity', 'src/script.inc', '--lang', 'python']);
    expect(await ok(c.client, 'complexity', { paths: ['src/script.inc'], lang: 'python' })).toEqual(fromCli.doc);
    expect(fromCli.doc.files[0].functions[0].complexity).toBe(2);
    expect(await failure(c.client, 'complexity', { paths: ['src/script.inc'] })).toBe('E_ATOMIZE_NO_FILES');

    const atomized = await cli(dir, ['atomize', 'src/script.inc', '--lang', 'python']);
    expect(atomized.code).toBe(0);
    const doc = await ok(c.client, 'atomize', { paths: ['src/script.inc'], lang: 'python' });
    expect(doc.files).toEqual(atomized.doc.files);
    expect(doc.files[0].language).toBe('python');
  });

  it('atomize with complexityVariant measures the atoms as --complexity-variant does', async () => {
    const fromCli = await cli(dir, ['atomize', 'src/switch.js', '--complexity-variant', 'modified']);
    const doc = await ok(c.client, 'atomize', { paths: ['src/switch.js'], complexityVariant: 'modified' });
    expect(doc.files).toEqual(fromCli.doc.files);
    expect(doc.files[0].functions[0].complexity).toBe(2);
  });

  it('atom_context with lang finds the atoms of a file read in that language', async () => {
    const view = await ok(c.client, 'atom_context', { atom: 'src/script.inc:2', lang: 'python' });
    expect(view.atom.path).toBe('src/script.inc');
    expect(await failure(c.client, 'atom_context', { atom: 'src/script.inc:2' })).toBe('E_ATOMIZE_ATOM_NOT_FOUND');
  });

  it('an unknown language or variant is E_USAGE, as the CLI refuses it', async () => {
    expect(await failure(c.client, 'complexity', { paths: ['src/switch.js'], complexityVariant: 'sonar' })).toBe(
      'E_USAGE',
    );
    expect((await cli(dir, ['complexity', 'src/switch.js', '--complexity-variant', 'sonar'])).code).toBe(2);
  });
});
