import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkspaceFiles } from '../src/index.js';

let root: string;
afterEach(() => rm(root, { recursive: true, force: true }));

describe('workspace files: exact text only', () => {
  it('refuses a file that is not UTF-8 (E_FILE_ENCODING) and leaves its bytes alone', async () => {
    root = await mkdtemp(join(tmpdir(), 'st3-exec-enc-'));
    const bytes = Buffer.from('export const a = 1;\n// caf\xe9\n', 'latin1');
    await writeFile(join(root, 'a.ts'), bytes);
    const files = createWorkspaceFiles(root);
    await expect(files.read('a.ts')).rejects.toMatchObject({ code: 'E_FILE_ENCODING', line: 2, column: 7 });
    await expect(files.replace('a.ts', (t) => t.replace('1', '2'))).rejects.toMatchObject({
      code: 'E_FILE_ENCODING',
    });
    expect((await readFile(join(root, 'a.ts'))).equals(bytes)).toBe(true);
  });
});
