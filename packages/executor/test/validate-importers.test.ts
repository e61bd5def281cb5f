import { afterEach, describe, expect, it } from 'vitest';
import { createScratchPool, createValidator, createWorkspaceFiles, type WorkspaceFiles } from '../src/index.js';
import { changeOfB, FILE, IMPORT_GATE, IMPORT_GATE_QUALITY, KEEPS_B, RENAMES_B } from './import-gate.js';
import { makeWorkspace } from './workspace.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace with `others` files that import nothing, and a validator whose reads are counted per file. */
async function setup(options: { dryRun?: boolean; others?: number } = {}) {
  const others = Object.fromEntries(
    Array.from({ length: options.others ?? 0 }, (_, i) => [`src/other${i}.ts`, `export const o${i} = ${i};\n`]),
  );
  const ws = await makeWorkspace({
    'src/f.ts': FILE,
    'src/g.ts': 'export const g = 1;\n',
    'gate.mjs': IMPORT_GATE,
    '.st3/config/quality.yaml': IMPORT_GATE_QUALITY,
    ...others,
  });
  const pool = createScratchPool(ws.root, 1);
  cleanup.push(ws.dispose, pool.dispose);
  const inner = createWorkspaceFiles(ws.root, { dryRun: options.dryRun === true });
  const reads = new Map<string, number>();
  const files: WorkspaceFiles = {
    ...inner,
    read(path) {
      reads.set(path, (reads.get(path) ?? 0) + 1);
      return inner.read(path);
    },
  };
  const validator = createValidator({ root: ws.root, files, pool, env: { PATH: process.env.PATH } });
  return { files, reads, validator };
}

describe('validation sees the importers of a change as the run left them', () => {
  for (const dryRun of [false, true])
    it(`finds an importer edited and one created earlier in the same run (${dryRun ? 'dry run' : 'on disk'})`, async () => {
      const { files, validator } = await setup({ dryRun });
      // A first validation, before the run's edits (the run's import index is built here).
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
      // Earlier atoms of the run: g.ts now calls b, h.ts is created calling b.
      await files.replace('src/g.ts', () => "import { b } from './f';\nexport const g = b(1);\n");
      await files.replace('src/h.ts', () => "import { b } from './f';\nexport const h = b(2);\n");
      const renamed = await validator.validate(changeOfB(RENAMES_B));
      expect(renamed.ok).toBe(false);
      expect(renamed.failure!.message).toContain('src/g.ts:1:1: TS2305 Module has no exported member b');
      expect(renamed.failure!.message).toContain('src/h.ts:1:1: TS2305 Module has no exported member b');
      expect(renamed.failure!.message).toContain('src/g.ts, src/h.ts import the changed file');
      // And a change keeping b passes with both importers checked.
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    }, 60_000);

  it('reads the project once per run: each file the run did not change is read once, however many changes', async () => {
    const { files, reads, validator } = await setup({ others: 30 });
    for (let i = 0; i < 4; i++) {
      if (i === 2) await files.replace('src/g.ts', () => "import { b } from './f';\nexport const g = b(1);\n");
      expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    }
    const untouched = [...reads].filter(([p]) => p !== 'src/g.ts');
    expect(untouched.map(([p]) => p)).toContain('src/other29.ts');
    expect(Object.fromEntries(untouched.filter(([, n]) => n !== 1))).toEqual({});
  }, 60_000);
});
