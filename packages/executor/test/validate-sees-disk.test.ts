import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createScratchPool, createValidator, createWorkspaceFiles } from '../src/index.js';
import { changeOfB, FILE, IMPORT_GATE, IMPORT_GATE_QUALITY, KEEPS_B, RENAMES_B } from './import-gate.js';
import { makeWorkspace, qualityYaml, TSCONFIG } from './workspace.js';

/**
 * Validators live long (a worker's run, `st3 review serve`) while other processes write the workspace:
 * each validation must see the workspace as it is now. Two WorkspaceFiles on one temp workspace stand
 * for two processes; the validator belongs to the first, the second writes after the first validation
 * made the scratch copy and the import index.
 */

const CALLS_B = "import { b } from './f';\nexport const g = b(1);\n";

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A workspace, the validator of "this process" (`mine`) and the files of "another process" (`other`). */
async function setup(gate: 'tsc' | 'script', options: { dryRun?: boolean; slots?: number } = {}) {
  const ws = await makeWorkspace({
    'src/f.ts': FILE,
    'src/g.ts': 'export const g = 1;\n',
    ...(gate === 'tsc'
      ? { 'tsconfig.json': TSCONFIG, '.st3/config/quality.yaml': qualityYaml() }
      : { 'gate.mjs': IMPORT_GATE, '.st3/config/quality.yaml': IMPORT_GATE_QUALITY }),
  });
  const pool = createScratchPool(ws.root, options.slots ?? 1);
  cleanup.push(ws.dispose, pool.dispose);
  const mine = createWorkspaceFiles(ws.root, { dryRun: options.dryRun === true });
  const other = createWorkspaceFiles(ws.root);
  const validator = createValidator({ root: ws.root, files: mine, pool, env: { PATH: process.env.PATH } });
  return { root: ws.root, mine, other, validator };
}

describe('validation sees what other processes wrote after the scratch copy was made', () => {
  it('a caller another process edited is type-checked as it is now (tsc on the whole copy)', async () => {
    const { other, validator } = await setup('tsc');
    expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    await other.replace('src/g.ts', () => CALLS_B);
    const renamed = await validator.validate(changeOfB(RENAMES_B));
    expect(renamed.ok).toBe(false);
    expect(renamed.failure!.message).toMatch(/src\/g\.ts.*TS2305|TS2724/);
  }, 120_000);

  it('an importer another process created is found and checked; one it deleted no longer fails the change', async () => {
    const { root, other, validator } = await setup('script');
    expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    await other.replace('src/h.ts', () => CALLS_B);
    const renamed = await validator.validate(changeOfB(RENAMES_B));
    expect(renamed.ok).toBe(false);
    expect(renamed.failure!.message).toContain('src/h.ts:1:1: TS2305 Module has no exported member b');
    // Deleted on disk: neither the copy nor the index keeps it (no false red).
    await rm(join(root, 'src/h.ts'));
    expect((await validator.validate(changeOfB(RENAMES_B))).ok).toBe(true);
  }, 60_000);

  it('a file git ignores that another process writes is no importer (built output, say)', async () => {
    const { root, validator } = await setup('script');
    await writeFile(join(root, '.gitignore'), 'out/\n');
    expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    await mkdir(join(root, 'out'), { recursive: true });
    await writeFile(join(root, 'out/h.ts'), "import { b } from '../src/f';\nexport const h = b(1);\n");
    expect((await validator.validate(changeOfB(RENAMES_B))).ok).toBe(true);
  }, 60_000);

  it("a dry run's own edits win over the disk; other files are taken from the disk", async () => {
    const { root, mine, validator } = await setup('script', { dryRun: true });
    await mine.replace('src/g.ts', () => 'export const g = 2;\n');
    expect((await validator.validate(changeOfB(KEEPS_B))).ok).toBe(true);
    // On disk g.ts now calls b, but this dry run's g.ts does not: the rename passes.
    await writeFile(join(root, 'src/g.ts'), CALLS_B);
    expect((await validator.validate(changeOfB(RENAMES_B))).ok).toBe(true);
    // A caller created on disk (not edited by the dry run) counts.
    await writeFile(join(root, 'src/h.ts'), CALLS_B);
    const renamed = await validator.validate(changeOfB(RENAMES_B));
    expect(renamed.ok).toBe(false);
    expect(renamed.failure!.message).toContain('src/h.ts:1:1: TS2305');
    expect(renamed.failure!.message).not.toContain('src/g.ts:');
  }, 60_000);

  it('every slot of the pool catches up, validations running at once', async () => {
    const { other, validator } = await setup('script', { slots: 2 });
    const warm = await Promise.all([validator.validate(changeOfB(KEEPS_B)), validator.validate(changeOfB(KEEPS_B))]);
    expect(warm.map((w) => w.ok)).toEqual([true, true]);
    await other.replace('src/g.ts', () => CALLS_B);
    const both = await Promise.all([
      validator.validate(changeOfB(RENAMES_B)),
      validator.validate(changeOfB(RENAMES_B)),
    ]);
    expect(both.map((r) => r.ok)).toEqual([false, false]);
    for (const r of both) expect(r.failure!.message).toContain('src/g.ts:1:1: TS2305');
  }, 60_000);
});
