import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answersPath, checkFiles, createScaffolder, readAnswers, updateFiles } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(async () => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
  await scaffoldInto(t.dir, {
    type: 'dto',
    name: 'UserProfile',
    context: { fields: [{ name: 'id', type: 'string' }] },
    language: 'ts',
    withTest: false,
  });
});
afterEach(() => t.cleanup());

const PATH = 'src/dtos/user-profile.ts';

/** answers.json with the record of PATH keyed `key` instead (a hand edit, another tool), plus `extra` records. */
function rekey(key: string, extra: string[] = []): void {
  const text = readFileSync(answersPath(t.dir), 'utf8');
  const answers = JSON.parse(text) as { files: Record<string, unknown> };
  const [record] = Object.values(answers.files); // the one record, however it is keyed now
  answers.files = Object.fromEntries([[key, record], ...extra.map((k) => [k, record])]);
  writeFileSync(answersPath(t.dir), `${JSON.stringify(answers, null, 2)}\n`);
}

/** The 1-based line and column of `"key"` in answers.json, where a located error must point. */
function keyAt(key: string): { line: number; column: number } {
  const lines = readFileSync(answersPath(t.dir), 'utf8').split('\n');
  const line = lines.findIndex((l) => l.trimStart().startsWith(`${JSON.stringify(key)}:`));
  return { line: line + 1, column: lines[line]!.indexOf('"') + 1 };
}

async function checkAndUpdate() {
  const s = await createScaffolder({ workspace: t.dir });
  return { check: await checkFiles(t.dir, [], s), update: await updateFiles(t.dir, s, { dryRun: true }) };
}

describe('answers.json keys are read in their canonical workspace-relative form', () => {
  it('a key spelled ./src/x.ts (or src//x.ts) is the record of src/x.ts: current, never MALFORMED', async () => {
    for (const key of [`./${PATH}`, PATH.replace('/', '//'), `src/./dtos/../dtos/user-profile.ts`]) {
      rekey(key);
      expect(Object.keys((await readAnswers(t.dir)).files)).toEqual([PATH]);
      const { check, update } = await checkAndUpdate();
      expect(check.files).toEqual([expect.objectContaining({ path: PATH, status: 'current' })]);
      expect(check.failed).toBe(false);
      expect(update.files).toEqual([expect.objectContaining({ path: PATH, status: 'current' })]);
    }
  });

  it('two keys naming one file are E_CONFIG_INVALID at the second key', async () => {
    rekey(PATH, [`./${PATH}`]);
    const where = keyAt(`./${PATH}`);
    await expect(readAnswers(t.dir)).rejects.toMatchObject({
      code: 'E_CONFIG_INVALID',
      file: answersPath(t.dir),
      ...where,
      message: expect.stringContaining(`"${PATH}" and "./${PATH}" are the same file`),
    });
  });

  it('a key out of the workspace (.., absolute) is a located error: check and update judge nothing', async () => {
    for (const key of [`../${PATH}`, `src/../../${PATH}`, '/etc/passwd']) {
      rekey(key);
      const where = keyAt(key);
      const s = await createScaffolder({ workspace: t.dir });
      for (const run of [() => checkFiles(t.dir, [], s), () => updateFiles(t.dir, s)]) {
        const error = await run().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: 'E_CONFIG_INVALID', file: answersPath(t.dir), ...where });
        expect(error).toMatchObject({ diagnostics: [expect.objectContaining({ code: 'E_PATH_ESCAPE' })] });
      }
    }
  });
});
