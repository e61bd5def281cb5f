import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSt3Error } from '@st3/schemas';
import { builtinTemplatesDir, checkFiles, createScaffolder, updateFiles, VirtualTree } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const LATER = new Date('2026-02-03T04:05:06Z');
const MAIN = 'src/dtos/user-profile.ts';
const dtoRequest = {
  type: 'dto',
  name: 'UserProfile',
  context: { fields: [{ name: 'id', type: 'string' }] },
  language: 'ts' as const,
};
const read = (path: string) => readFileSync(join(t.dir, path), 'utf8');
const write = (path: string, text: string) => writeFileSync(join(t.dir, path), text);

/** The user and the template both change the import line: the update conflicts. */
async function conflictingUpdate(reject: boolean) {
  await scaffoldInto(t.dir, dtoRequest);
  write(MAIN, read(MAIN).replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"));
  const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
  mkdirSync(join(t.dir, '.st3', 'templates', 'concrete'), { recursive: true });
  writeFileSync(
    join(t.dir, '.st3', 'templates', 'concrete', 'dto.ts.eta'),
    original.replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs"),
  );
  const first = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER, reject });
  expect(first.files.find((f) => f.path === MAIN)!.status).toBe('conflict');
}

describe('scaffold update after a conflict it left', () => {
  it('a file still holding conflict markers is a conflict again (exit 1), never current, and is not touched', async () => {
    await conflictingUpdate(false);
    const left = read(MAIN);
    for (const dryRun of [true, false]) {
      const again = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER, dryRun });
      const file = again.files.find((f) => f.path === MAIN)!;
      expect(file.status).toBe('conflict');
      expect(file.message).toMatch(/unresolved conflict markers at line\(s\) \d+, \d+/);
      expect(again.failed).toBe(true);
      expect(again.written).toEqual([]);
    }
    expect(read(MAIN)).toBe(left);
  });

  it('a .rej left by --reject is a conflict until it is deleted', async () => {
    await conflictingUpdate(true);
    const again = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(again.files.find((f) => f.path === MAIN)).toMatchObject({
      status: 'conflict',
      reject: `${MAIN}.rej`,
    });
    expect(again.failed).toBe(true);
    rmSync(join(t.dir, `${MAIN}.rej`));
    const done = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(done.files.find((f) => f.path === MAIN)!.status).toBe('current');
    expect(done.failed).toBe(false);
  });
});

describe('scaffold check without answers.json', () => {
  it('a pristine companion test is current by its header, not outdated against another template', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    rmSync(join(t.dir, '.st3', 'scaffold', 'answers.json'));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await checkFiles(t.dir, [], s);
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      [MAIN, 'current'],
      ['test/unit/user-profile.test.ts', 'current'],
    ]);
    expect(report.failed).toBe(false);
  });
});

describe('VirtualTree: a file another writer creates during the commit', () => {
  it('is never overwritten by a create: E_CONFLICT, its text kept, the batch rolled back', async () => {
    const tree = new VirtualTree(t.dir, {
      // another scaffold run creates the same file between this one's plan and its rename
      beforeRename: (path) => {
        if (path === 'b.txt') writeFileSync(join(t.dir, 'b.txt'), 'the other writer\n');
      },
    });
    tree.write('a.txt', 'a\n');
    tree.write('b.txt', 'mine\n');
    const error = await tree.commit().catch((e: unknown) => e);
    expect(isSt3Error(error, 'E_CONFLICT')).toBe(true);
    expect((error as Error).message).toContain('b.txt was created by another writer');
    expect(read('b.txt')).toBe('the other writer\n');
    expect(() => read('a.txt')).toThrow(/ENOENT/);
  });

  it('with --force the create still replaces it, as asked', async () => {
    const tree = new VirtualTree(t.dir, {
      policy: 'force',
      beforeRename: () => writeFileSync(join(t.dir, 'b.txt'), 'the other writer\n'),
    });
    tree.write('b.txt', 'mine\n');
    await tree.commit();
    expect(read('b.txt')).toBe('mine\n');
  });
});
