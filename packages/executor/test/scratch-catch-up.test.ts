import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchPool } from '../src/index.js';
import { scanWorkspace } from '../src/validate/workspace-scan.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const inSlot = (dir: string, path: string) => readFile(join(dir, path), 'utf8').catch(() => undefined);

describe('a scratch slot catches up with the workspace', () => {
  it('copies changed and new files, removes deleted ones, and leaves what the validator or the gates wrote', async () => {
    const ws = await makeWorkspace({
      'src/a.ts': 'aaaa\n',
      'src/b.ts': 'bbbb\n',
      'src/c.ts': 'cccc\n',
      'src/mine.ts': 'disk\n',
      'lib/x.ts': 'x\n',
      '.st3/runs/r.json': '{}',
    });
    const pool = createScratchPool(ws.root, 1);
    cleanup.push(ws.dispose, pool.dispose);
    const dir = await pool.use(async (slot) => {
      await slot.write('src/mine.ts', 'validator\n');
      await writeFile(join(slot.dir, 'gate.cache'), 'made by a gate');
      return slot.dir;
    });
    // Another process: an edit in place of the same size, a new file in a new folder, a deletion, a
    // folder replaced by a file, and the file the validator holds changed too.
    await writeFile(join(ws.root, 'src/a.ts'), 'AAAA\n');
    await mkdir(join(ws.root, 'src/new'), { recursive: true });
    await writeFile(join(ws.root, 'src/new/n.ts'), 'n\n');
    await rm(join(ws.root, 'src/b.ts'));
    await rm(join(ws.root, 'lib'), { recursive: true });
    await writeFile(join(ws.root, 'lib'), 'now a file\n');
    await writeFile(join(ws.root, 'src/mine.ts'), 'disk again\n');
    await writeFile(join(ws.root, '.st3/runs/s.json'), '{}');
    await pool.use(async (slot) => slot.catchUp(await scanWorkspace(ws.root)));
    expect(await inSlot(dir, 'src/a.ts')).toBe('AAAA\n');
    expect(await inSlot(dir, 'src/new/n.ts')).toBe('n\n');
    expect(await inSlot(dir, 'src/b.ts')).toBeUndefined();
    expect(await inSlot(dir, 'lib')).toBe('now a file\n');
    expect(await inSlot(dir, 'src/c.ts')).toBe('cccc\n');
    expect(await inSlot(dir, 'src/mine.ts')).toBe('validator\n');
    expect(await inSlot(dir, 'gate.cache')).toBe('made by a gate');
    expect(await inSlot(dir, '.st3/runs/s.json')).toBeUndefined();
    // Given back, the validator's file is the workspace's again.
    await pool.use(async (slot) => {
      await slot.release('src/mine.ts');
      await slot.catchUp(await scanWorkspace(ws.root));
    });
    expect(await inSlot(dir, 'src/mine.ts')).toBe('disk again\n');
  });
});
