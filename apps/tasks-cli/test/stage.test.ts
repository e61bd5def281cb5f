import { readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIO } from '@st3/cli-kit';
import { describe, expect, it } from 'vitest';
import { stage } from '../src/index.js';

const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples');

describe('st3 run evidence stage', () => {
  it('takes the example task through init, attach, validation and verify without writing to the workspace', async () => {
    const before = await readdir(join(examples, '.st3'));
    const { io } = memoryIO({ cwd: examples, env: { PATH: process.env.PATH } });
    const report = await stage!.run({ root: examples, io, dryRun: true, quiet: true });
    expect(report).toMatchObject({ stage: 'evidence', ok: true });
    expect(report.summary).toMatch(
      /^TASK-0001: 1\/1 validation command\(s\) passed; 1 attachment\(s\) verified intact; 2 standards excerpt\(s\)$/,
    );
    expect(await readdir(join(examples, '.st3'))).toEqual(before);
  });
});
