import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { schemaFirstFromEnv } from '../src/commands/scaffold.js';
import { SCRATCH_DIR, stage } from '../src/index.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-stage-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('scaffold stage of st3 run', () => {
  it('plans a DTO and its test in the scratch area and writes nothing on a dry run', async () => {
    const report = await stage.run({ root, io: memoryIO({ cwd: root }).io, dryRun: true, quiet: true });
    expect(report.ok).toBe(true);
    expect(report.summary).toMatch(/^would write 2 of 2 file/);
    expect(report.lines).toEqual([
      `CREATE    ${SCRATCH_DIR}/src/dtos/example-order.ts`,
      `CREATE    ${SCRATCH_DIR}/test/unit/example-order.test.ts`,
    ]);
    expect(existsSync(join(root, SCRATCH_DIR))).toBe(false);
  });

  it('writes them, with provenance, when not a dry run; a second run changes nothing', async () => {
    await stage.run({ root, io: memoryIO({ cwd: root }).io, dryRun: false, quiet: true });
    const dto = readFileSync(join(root, SCRATCH_DIR, 'src/dtos/example-order.ts'), 'utf8');
    expect(dto.split('\n')[0]).toBe(`// ${SCRATCH_DIR}/src/dtos/example-order.ts`);
    expect(readFileSync(join(root, SCRATCH_DIR, 'test/unit/example-order.test.ts'), 'utf8')).toContain(
      "from '../../src/dtos/example-order.js'",
    );
    expect(existsSync(join(root, '.st3/template_registry.json'))).toBe(true);
    const again = await stage.run({ root, io: memoryIO({ cwd: root }).io, dryRun: false, quiet: true });
    expect(again.summary).toMatch(/^wrote 0 of 2/);
  });
});

describe('ST3_SCHEMA_FIRST', () => {
  it('maps to the schemaFirst option and rejects other values', () => {
    expect(schemaFirstFromEnv({})).toBeUndefined();
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'true' })).toBe(true);
    expect(schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'FALSE' })).toBe(false);
    expect(() => schemaFirstFromEnv({ ST3_SCHEMA_FIRST: 'maybe' })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});
