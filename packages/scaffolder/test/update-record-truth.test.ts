import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { builtinTemplatesDir, checkFiles, createScaffolder, readAnswers, updateFiles } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const PATH = 'src/dtos/user-profile.ts';
const dtoRequest = {
  type: 'dto',
  name: 'UserProfile',
  context: { fields: [{ name: 'id', type: 'string' }] },
  language: 'ts' as const,
  withTest: false,
};
const read = () => readFileSync(join(t.dir, PATH), 'utf8');

/** Scaffolds the DTO, then edits the template so that the recorded version is outdated; returns both hashes. */
async function outdatedDto(): Promise<{ recorded: string; current: string }> {
  await scaffoldInto(t.dir, dtoRequest);
  const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
  mkdirSync(join(t.dir, '.st3/templates/concrete'), { recursive: true });
  writeFileSync(join(t.dir, '.st3/templates/concrete/dto.ts.eta'), `${original}// v2\n`);
  const recorded = (await readAnswers(t.dir)).files[PATH]!.version_hash;
  const current = (await createScaffolder({ workspace: t.dir })).currentVersion(
    (await readAnswers(t.dir)).files[PATH]!,
  );
  expect(current).not.toBe(recorded);
  return { recorded, current };
}

async function checkAndUpdate(dryRun: boolean) {
  const s = await createScaffolder({ workspace: t.dir });
  const check = (await checkFiles(t.dir, [], s)).files.find((f) => f.path === PATH);
  const update = (await updateFiles(t.dir, s, { dryRun })).files.find((f) => f.path === PATH);
  return { check, update };
}

it('update judges by the record, as check does: a header edited to the current version is refused, not CURRENT', async () => {
  const { recorded, current } = await outdatedDto();
  writeFileSync(join(t.dir, PATH), read().replace(`version=${recorded}`, `version=${current}`));
  const before = read();
  for (const dryRun of [true, false]) {
    const { check, update } = await checkAndUpdate(dryRun);
    expect(check).toMatchObject({ status: 'malformed' });
    expect(update).toMatchObject({ status: 'error', from: recorded, message: expect.stringContaining('malformed') });
    expect(update!.message).toContain(`the header says version ${current}, but ${recorded} is recorded`);
  }
  expect(read()).toBe(before);
});

it('a header naming a version nobody kept, or deleted, is refused too (not merged from a wrong base)', async () => {
  const { recorded } = await outdatedDto();
  const original = read();
  writeFileSync(join(t.dir, PATH), original.replace(`version=${recorded}`, 'version=deadbeef'));
  let { check, update } = await checkAndUpdate(false);
  expect(check).toMatchObject({ status: 'malformed' });
  expect(update).toMatchObject({ status: 'error', from: recorded, message: expect.stringContaining('deadbeef') });
  writeFileSync(join(t.dir, PATH), original.split('\n').slice(2).join('\n'));
  ({ check, update } = await checkAndUpdate(false));
  expect(check).toMatchObject({ status: 'malformed' });
  expect(update).toMatchObject({ status: 'error', message: expect.stringContaining('provenance header missing') });
  expect(read()).toBe(original.split('\n').slice(2).join('\n'));
  // the header the record names: updated from the recorded version
  writeFileSync(join(t.dir, PATH), original);
  ({ update } = await checkAndUpdate(false));
  expect(update).toMatchObject({ status: 'updated', from: recorded });
  expect(read()).toContain('// v2');
});
