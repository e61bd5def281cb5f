import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinTemplatesDir, checkFiles, createScaffolder, runPatternBatch, updateFiles } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const LATER = new Date('2026-02-03T04:05:06Z');
const dtoRequest = {
  type: 'dto',
  name: 'UserProfile',
  context: { fields: [{ name: 'id', type: 'string' }] },
  language: 'ts' as const,
};
const MAIN = 'src/dtos/user-profile.ts';
const TEST = 'test/unit/user-profile.test.ts';
const answersFile = () => join(t.dir, '.st3', 'scaffold', 'answers.json');
const registryFile = () => join(t.dir, '.st3', 'template_registry.json');
const at = (path: string) => join(t.dir, path);

/** An St3Error with this code, at file:1:2 (where `{bad` stops being JSON). */
const locatedAt = (code: string, file: string) => expect.objectContaining({ code, file, line: 1, column: 2 });

describe('scaffold check never judges without its records', () => {
  it('a corrupt answers.json or template registry is E_CONFIG_INVALID at its line:col, not a CURRENT hand edit', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    writeFileSync(at(MAIN), `${readFileSync(at(MAIN), 'utf8')}// edited by hand\n`);
    const s = await createScaffolder({ workspace: t.dir });
    expect((await checkFiles(t.dir, [], s)).counts.modified).toBe(1);
    const answers = readFileSync(answersFile(), 'utf8');
    writeFileSync(answersFile(), '{bad');
    await expect(checkFiles(t.dir, [], s)).rejects.toThrow(locatedAt('E_CONFIG_INVALID', answersFile()));
    writeFileSync(answersFile(), answers);
    writeFileSync(registryFile(), '{bad');
    await expect(checkFiles(t.dir, [], s)).rejects.toThrow(locatedAt('E_CONFIG_INVALID', registryFile()));
  });

  it('reports a recorded file whose header was deleted, and one that is gone; exit-worthy (failed)', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    writeFileSync(at(MAIN), readFileSync(at(MAIN), 'utf8').split('\n').slice(2).join('\n'));
    rmSync(at(TEST));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await checkFiles(t.dir, [], s);
    expect(report.failed).toBe(true);
    expect(report.counts).toMatchObject({ current: 0, malformed: 2 });
    const by = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(by[MAIN]).toMatchObject({
      status: 'malformed',
      artifactType: 'dto',
      problems: [expect.stringMatching(/^provenance header missing/)],
    });
    expect(by[TEST]).toMatchObject({
      status: 'malformed',
      artifactType: 'unit_test',
      problems: [expect.stringMatching(/^missing: /)],
    });
    // asked about one file each: never an empty, passing report; a gone recorded file is no E_FILE_NOT_FOUND
    const one = await checkFiles(t.dir, [MAIN], s);
    expect(one).toMatchObject({ failed: true, files: [{ path: MAIN, status: 'malformed' }] });
    const gone = await checkFiles(t.dir, [TEST], s);
    expect(gone).toMatchObject({ failed: true, files: [{ path: TEST, status: 'malformed' }] });
    await expect(checkFiles(t.dir, ['nowhere'], s)).rejects.toThrow(
      expect.objectContaining({ code: 'E_FILE_NOT_FOUND' }),
    );
  });

  it('a recorded file that cannot be read is E_FILE_READ naming it', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    rmSync(at(TEST));
    mkdirSync(at(TEST)); // a folder where the file was: exists, cannot be read as a file (also as root)
    const s = await createScaffolder({ workspace: t.dir });
    await expect(checkFiles(t.dir, [], s)).rejects.toThrow(
      expect.objectContaining({ code: 'E_FILE_READ', file: at(TEST) }),
    );
  });
});

describe('a failed scaffold writes nothing', () => {
  for (const [name, file] of [
    ['answers.json', answersFile],
    ['template_registry.json', registryFile],
  ] as const) {
    it(`a corrupt ${name} stops the scaffold (and its dry run) before any file is written`, async () => {
      mkdirSync(join(t.dir, '.st3', 'scaffold'), { recursive: true });
      writeFileSync(file(), '{bad');
      await expect(scaffoldInto(t.dir, dtoRequest)).rejects.toThrow(locatedAt('E_CONFIG_INVALID', file()));
      await expect(scaffoldInto(t.dir, dtoRequest, { dryRun: true })).rejects.toThrow(
        locatedAt('E_CONFIG_INVALID', file()),
      );
      expect(existsSync(at(MAIN))).toBe(false);
      expect(existsSync(at(TEST))).toBe(false);
      expect(readFileSync(file(), 'utf8')).toBe('{bad');
    });
  }

  it('scaffold update with a corrupt template registry leaves every file as it was', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const before = readFileSync(at(MAIN), 'utf8');
    // a template edit makes the file outdated: update would write it
    const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
    mkdirSync(join(t.dir, '.st3', 'templates', 'concrete'), { recursive: true });
    writeFileSync(join(t.dir, '.st3', 'templates', 'concrete', 'dto.ts.eta'), `${original}// new footer\n`);
    writeFileSync(registryFile(), '{bad');
    const s = await createScaffolder({ workspace: t.dir });
    await expect(updateFiles(t.dir, s, { now: LATER })).rejects.toThrow(locatedAt('E_CONFIG_INVALID', registryFile()));
    expect(readFileSync(at(MAIN), 'utf8')).toBe(before);
  });
});

describe('scaffold update tells an unreadable file from a missing one', () => {
  it('a folder in place of a recorded file is an error saying unreadable; a deleted one is restored', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    rmSync(at(MAIN));
    mkdirSync(at(MAIN));
    rmSync(at(TEST));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await updateFiles(t.dir, s, { dryRun: true, now: LATER });
    const by = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(by[MAIN]).toMatchObject({ status: 'error', message: expect.stringMatching(/^unreadable: .*EISDIR/) });
    // gone: the run would write it again (see update-missing.test.ts), never "unreadable"
    expect(by[TEST]).toMatchObject({ status: 'updated', message: expect.stringMatching(/gone.*writes it again/) });
    expect(report.failed).toBe(true);
  });
});

describe('createScaffolder', () => {
  it('refuses a workspace that does not exist instead of rendering the built-ins', async () => {
    await expect(createScaffolder({ workspace: join(t.dir, 'typo') })).rejects.toThrow(
      expect.objectContaining({ code: 'E_FILE_NOT_FOUND', file: join(t.dir, 'typo') }),
    );
  });
});

describe('runPatternBatch: only', () => {
  it('an id the registry does not hold is E_USAGE naming it, with the closest ids', async () => {
    mkdirSync(at('patterns'));
    const registry = at('patterns/PATTERN_INDEX.yaml');
    writeFileSync(
      registry,
      'doc_id: DOC-INDEX-001\nversion: 1.0.0\npatterns:\n- pattern_id: PAT-GREET-HELLO-001\n  name: greet\n- pattern_id: PAT-OTHER-ONE-002\n  name: other\n- name: nameless\n',
    );
    const error = await runPatternBatch(registry, {
      dryRun: true,
      only: ['PAT-GREET-HELO-001', 'PAT-OTHER-ONE-002'],
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'E_USAGE',
      message: 'pattern id not in the registry: PAT-GREET-HELO-001',
      file: registry,
      details: { unknown: ['PAT-GREET-HELO-001'], suggestions: ['PAT-GREET-HELLO-001', 'PAT-OTHER-ONE-002'] },
    });
    expect((error as { hint: string }).hint).toContain('PAT-GREET-HELLO-001');
    const ok = await runPatternBatch(registry, { dryRun: true, phases: [1], only: ['PAT-OTHER-ONE-002'] });
    expect(ok.skipped).toEqual([
      expect.objectContaining({ line: 8, message: 'patterns[2] (nameless) has no pattern_id: skipped' }),
    ]);
  });
});
