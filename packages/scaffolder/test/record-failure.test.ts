import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinTemplatesDir, createScaffolder, readAnswers, updateFiles, writeRendered } from '../src/index.js';
import { FIXED_NOW, scaffoldInto, tempDir } from './helpers.js';

/**
 * A command whose recording fails writes nothing: the files it put in place are rolled back, and the
 * error is typed (E_WRITE at the path), never a raw errno that the CLI would call E_INTERNAL.
 */
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
  withTest: false,
};
const at = (path: string) => join(t.dir, path);
/** A folder where the template registry's lock file goes: the lock cannot be taken (also as root). */
const blockRegistryLock = () => mkdirSync(at('.st3/template_registry.json.lock/x'), { recursive: true });

describe('a scaffold that cannot record what it wrote', () => {
  it('rolls the written files back and fails with E_WRITE (not a raw errno)', async () => {
    blockRegistryLock();
    const error = await scaffoldInto(t.dir, dtoRequest).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'E_WRITE',
      file: at('.st3'),
      message: expect.stringMatching(
        /^cannot record the files written: EISDIR.*every file of the batch was rolled back\)$/,
      ),
    });
    expect(existsSync(at(MAIN))).toBe(false);
    expect(existsSync(at('src'))).toBe(false);
    expect(existsSync(at('.st3/scaffold/answers.json'))).toBe(false);
  });

  it('an overwrite is restored byte for byte when recording fails', async () => {
    const s = await createScaffolder({ workspace: t.dir, now: () => FIXED_NOW });
    const before = Buffer.from('// mine: caf\xe9\n', 'latin1'); // not UTF-8: a text round trip would change it
    mkdirSync(at('src/dtos'), { recursive: true });
    writeFileSync(at(MAIN), before);
    const failing = { ...s, recordVersions: () => Promise.reject(new Error('disk full')) };
    await expect(
      writeRendered(failing, s.render({ ...dtoRequest, now: FIXED_NOW }), { root: t.dir, policy: 'force' }),
    ).rejects.toThrow('disk full');
    expect(readFileSync(at(MAIN)).equals(before)).toBe(true);
  });
});

describe('scaffold update that cannot record the merge', () => {
  it('leaves the file and its answers as they were, with E_WRITE', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const before = readFileSync(at(MAIN), 'utf8');
    const answers = await readAnswers(t.dir);
    const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
    mkdirSync(at('.st3/templates/concrete'), { recursive: true });
    writeFileSync(at('.st3/templates/concrete/dto.ts.eta'), `${original}// new footer\n`);
    blockRegistryLock();
    const s = await createScaffolder({ workspace: t.dir });
    await expect(updateFiles(t.dir, s, { now: LATER })).rejects.toThrow(
      expect.objectContaining({ code: 'E_WRITE', message: expect.stringContaining('rolled back') }),
    );
    expect(readFileSync(at(MAIN), 'utf8')).toBe(before);
    expect(await readAnswers(t.dir)).toEqual(answers);
  });
});

describe('the template registry and answers.json are recorded as a pair', () => {
  /** A folder where answers.json's lock file goes: the answers cannot be written (also as root). */
  const blockAnswersLock = () => mkdirSync(at('.st3/scaffold/answers.json.lock/x'), { recursive: true });

  it('answers that cannot be written take the registry entry back (none there before: no registry)', async () => {
    blockAnswersLock();
    await expect(scaffoldInto(t.dir, dtoRequest)).rejects.toThrow(
      expect.objectContaining({ code: 'E_WRITE', message: expect.stringContaining('rolled back') }),
    );
    expect(existsSync(at(MAIN))).toBe(false);
    expect(existsSync(at('.st3/template_registry.json'))).toBe(false);
    expect(existsSync(at('.st3/scaffold/answers.json'))).toBe(false);
  });

  it('an update whose answers cannot be written leaves the registry byte for byte as it was', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const registry = readFileSync(at('.st3/template_registry.json'));
    const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
    mkdirSync(at('.st3/templates/concrete'), { recursive: true });
    writeFileSync(at('.st3/templates/concrete/dto.ts.eta'), `${original}// new footer\n`);
    blockAnswersLock();
    const s = await createScaffolder({ workspace: t.dir });
    await expect(updateFiles(t.dir, s, { now: LATER })).rejects.toThrow(expect.objectContaining({ code: 'E_WRITE' }));
    expect(readFileSync(at('.st3/template_registry.json')).equals(registry)).toBe(true);
  });
});
