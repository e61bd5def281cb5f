import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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

  it('a task with no validation command to run is not a pass: nothing was validated', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'st3-stage-'));
    try {
      await cp(examples, dir, { recursive: true, filter: (src) => !src.includes('node_modules') });
      const file = join(dir, 'tasks/TASK-0001-example-evidence.task.yaml');
      const text = await readFile(file, 'utf8');
      await writeFile(
        file,
        text.replace(
          / {2}pipeline:\n {4}- command: node --version\n {6}description: .*\n/,
          '  pipeline:\n    - description: a check nobody wrote down\n',
        ),
      );
      const { io } = memoryIO({ cwd: dir, env: { PATH: process.env.PATH } });
      const report = await stage!.run({ root: dir, io, dryRun: true, quiet: true });
      expect(report.summary).toMatch(/^TASK-0001: no validation command to run \(nothing validated\)/);
      expect(report.ok).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
