import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersPath, checkFiles, createScaffolder, readAnswers, updateFiles } from '../src/index.js';
import { FIXED_NOW, scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
  await scaffoldInto(t.dir, {
    type: 'dto',
    name: 'UserProfile',
    context: { fields: [{ name: 'id', type: 'string' }] },
    language: 'ts',
  });
});
afterEach(() => t.cleanup());

const MAIN = 'src/dtos/user-profile.ts';
const TEST = 'test/unit/user-profile.test.ts';
const LATER = new Date('2026-02-03T04:05:06Z');
const at = (p: string) => join(t.dir, p);

async function update(dryRun = false) {
  return updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER, dryRun });
}

describe('scaffold update over a recorded file that was deleted', () => {
  it('writes it again from its record (created kept, updated set): after the run everything is current', async () => {
    const original = readFileSync(at(MAIN), 'utf8');
    rmSync(at(MAIN));
    const preview = await update(true);
    expect(preview.files.find((f) => f.path === MAIN)).toMatchObject({
      status: 'updated',
      message: expect.stringContaining('a real run writes it again'),
    });
    expect(existsSync(at(MAIN))).toBe(false);
    const report = await update();
    expect(report.failed).toBe(false);
    expect(report.written).toEqual([MAIN]);
    expect(report.files.find((f) => f.path === MAIN)).toMatchObject({
      status: 'updated',
      message: expect.stringMatching(/^restored: the file was gone/),
    });
    const restored = readFileSync(at(MAIN), 'utf8');
    expect(restored).toContain(`created=${FIXED_NOW.toISOString().replace(/\.\d+Z$/, 'Z')}`);
    expect(restored).toContain('updated=2026-02-03T04:05:06Z');
    expect(restored.split('\n').slice(2)).toEqual(original.split('\n').slice(2));
    const check = await checkFiles(t.dir, [], await createScaffolder({ workspace: t.dir }));
    expect(check.failed).toBe(false);
    expect(check.files.map((f) => [f.path, f.status])).toEqual([
      [MAIN, 'current'],
      [TEST, 'current'],
    ]);
    expect((await readAnswers(t.dir)).files[MAIN]).toMatchObject({ updated: '2026-02-03T04:05:06Z' });
  });

  it('one that cannot be written again (its type gone) stays missing, with the reason, and fails the run', async () => {
    rmSync(at(MAIN));
    const answers = JSON.parse(readFileSync(answersPath(t.dir), 'utf8'));
    answers.files[MAIN].artifact_type = 'gone_type';
    writeFileSync(answersPath(t.dir), JSON.stringify(answers, null, 2));
    const report = await update();
    expect(report.files.find((f) => f.path === MAIN)).toMatchObject({
      status: 'missing',
      message: expect.stringMatching(/gone .*cannot be written again: .*gone_type/),
    });
    expect(report.failed).toBe(true);
    expect(existsSync(at(MAIN))).toBe(false);
  });
});
