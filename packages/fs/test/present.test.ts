import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readdirIfThere, readFileIfThere } from '../src/index.js';
import { tempDir } from './helpers.js';

describe('readFileIfThere', () => {
  it('gives the bytes of a file, undefined when nothing is there, E_FILE_READ when it cannot be read', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'a.txt'), 'hello');
    await mkdir(join(root, 'folder'));
    expect((await readFileIfThere(join(root, 'a.txt')))?.toString()).toBe('hello');
    expect(await readFileIfThere(join(root, 'missing.txt'))).toBeUndefined();
    // A path through a file (ENOTDIR) names nothing either.
    expect(await readFileIfThere(join(root, 'a.txt', 'inner'))).toBeUndefined();
    // Something is there but cannot be read as a file (EISDIR, as EACCES for another user): never "missing".
    await expect(readFileIfThere(join(root, 'folder'))).rejects.toMatchObject({
      code: 'E_FILE_READ',
      file: join(root, 'folder'),
    });
  });
});

describe('readdirIfThere', () => {
  it('lists a folder, [] when nothing is there, E_FILE_READ when what is there cannot be listed', async () => {
    const root = await tempDir();
    await writeFile(join(root, 'a.txt'), 'hello');
    expect(await readdirIfThere(root)).toEqual(['a.txt']);
    expect(await readdirIfThere(join(root, 'missing'))).toEqual([]);
    expect(await readdirIfThere(join(root, 'a.txt', 'inner'))).toEqual([]);
    // Something there that cannot be listed (ELOOP here, EACCES for another user): never "empty".
    await symlink(join(root, 'loop'), join(root, 'loop'));
    await expect(readdirIfThere(join(root, 'loop'))).rejects.toMatchObject({
      code: 'E_FILE_READ',
      file: join(root, 'loop'),
    });
  });
});
