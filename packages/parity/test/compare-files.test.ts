import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFiles, describeVerdict } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-parity-files-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function files(left: Uint8Array | string, right: Uint8Array | string): Promise<[string, string]> {
  const a = join(dir, `l-${Math.random().toString(36).slice(2)}.py`);
  const b = join(dir, `r-${Math.random().toString(36).slice(2)}.py`);
  await Promise.all([writeFile(a, left), writeFile(b, right)]);
  return [a, b];
}

describe('compareFiles', () => {
  it('compares text files as compareOutputs does (preset from the extension, labels in the diff)', async () => {
    const [a, b] = await files('import b\nimport a\n', 'import a\nimport b\n\n');
    expect(await compareFiles(a, b)).toEqual({
      kind: 'equivalent',
      rules: ['sort-imports-python', 'blank-lines-python'],
    });
    const [c, d] = await files('x = 1\n', 'x = 2\n');
    const verdict = await compareFiles(c, d, { labels: ['old.py', 'new.py'] });
    expect(verdict).toMatchObject({ kind: 'different', firstDifference: { line: 1, left: 'x = 1', right: 'x = 2' } });
    expect(verdict.kind === 'different' && verdict.diff).toContain('--- old.py');
  });

  it('blank lines inside a Markdown code fence are the code: a different count is a difference', async () => {
    const a = join(dir, 'fence-a.md');
    const b = join(dir, 'fence-b.md');
    const c = join(dir, 'fence-c.md');
    await writeFile(a, '# T\n\n\n```sh\necho a\n\n\necho b\n```\n');
    await writeFile(b, '# T\n\n```sh\necho a\n\necho b\n```\n');
    await writeFile(c, '# T\n\n```sh\necho a\n\n\necho b\n```\n');
    expect(await compareFiles(a, b)).toMatchObject({
      kind: 'different',
      firstDifference: { line: 6, left: '', right: 'echo b' },
    });
    // outside the fence blank lines still collapse
    expect(await compareFiles(a, c)).toEqual({ kind: 'equivalent', rules: ['blank-lines-markdown'] });
  });

  it('a BOM is a difference (bytes differ), not dropped by the decoding', async () => {
    const [a, b] = await files('\uFEFFhello\n', 'hello\n');
    expect((await compareFiles(a, b)).kind).toBe('different');
  });

  it('never calls files identical or equivalent when their bytes differ and one is not UTF-8', async () => {
    // Decoded, both become "a\uFFFD\n": the bytes differ.
    const [a, b] = await files(Buffer.from([0x61, 0xfe, 0x0a]), Buffer.from([0x61, 0xff, 0x0a]));
    const verdict = await compareFiles(a, b);
    expect(verdict).toMatchObject({ kind: 'different', binary: { offset: 1 }, firstDifference: { line: 1 } });
    expect(describeVerdict(verdict)).toBe('different bytes from offset 1 (line 1): not UTF-8 text');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), async (x, y) => {
        const [l, r] = await files(x, y);
        const v = await compareFiles(l, r);
        if (Buffer.from(x).equals(Buffer.from(y))) expect(v.kind).toBe('identical');
        else if (v.kind !== 'different') {
          // Only text may be normalized into equality.
          const decode = (u: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(u);
          expect(() => [decode(x), decode(y)]).not.toThrow();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('names the file it cannot read: missing is E_FILE_NOT_FOUND, a folder E_FILE_READ', async () => {
    const [a] = await files('x\n', 'x\n');
    await mkdir(join(dir, 'folder'));
    await expect(compareFiles(a, join(dir, 'nope.py'), { labels: ['a.py', 'nope.py'] })).rejects.toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: 'nope.py',
    });
    await expect(compareFiles(join(dir, 'folder'), a, { labels: ['folder', 'a.py'] })).rejects.toMatchObject({
      code: 'E_FILE_READ',
      file: 'folder',
      message: 'folder is a folder, not a file',
    });
  });
});
