import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { builtinTemplatesDir, checkFiles, createScaffolder, readAnswers, updateFiles } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

// `scaffold check` says "current" only of a file that is what its record says, where it says, with no
// unfinished update: every way found to make it lie is one test here.

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
};
const read = (path: string) => readFileSync(join(t.dir, path), 'utf8');
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(t.dir, path)), { recursive: true });
  writeFileSync(join(t.dir, path), text);
};
const check = async (paths: string[] = []) => checkFiles(t.dir, paths, await createScaffolder({ workspace: t.dir }));
const fileOf = (report: Awaited<ReturnType<typeof check>>, path: string) => report.files.find((f) => f.path === path);

/** A workspace override of the built-in TS DTO template: a new current version. */
function editTemplate(change: (text: string) => string): void {
  const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
  write('.st3/templates/concrete/dto.ts.eta', change(original));
}

describe('scaffold check: a header that says something else than the record', () => {
  it('an outdated file whose header version was edited to the current one is not current (judged by its record)', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const recorded = (await readAnswers(t.dir)).files[MAIN]!.version_hash;
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// v2"));
    const outdated = fileOf(await check(), MAIN)!;
    expect(outdated).toMatchObject({ status: 'outdated', version: recorded });
    const now = outdated.currentVersion!;
    const lines = read(MAIN).split('\n');
    lines[1] = lines[1]!.replace(`version=${recorded}`, `version=${now}`);
    write(MAIN, `${lines.join('\n')}export const mine = 1;\n`);

    const report = await check();
    const file = fileOf(report, MAIN)!;
    expect(file).toMatchObject({ status: 'malformed', modified: true, currentVersion: now });
    expect(file.problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`the header says version ${now}, but ${recorded} is recorded`),
        `outdated: ${recorded} -> ${now}`,
      ]),
    );
    expect(report.counts).toMatchObject({ current: 1, malformed: 1 });
    expect(report.failed).toBe(true);
  });

  it('a current file whose header names another version is malformed too, even unedited otherwise', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    write(MAIN, read(MAIN).replace(/version=[0-9a-f]{8}/, 'version=00000000'));
    const report = await check();
    expect(fileOf(report, MAIN)).toMatchObject({ status: 'malformed', modified: true });
    expect(report.failed).toBe(true);
  });

  it('a header whose template= names another type than the record is malformed, and update does not merge it', async () => {
    await scaffoldInto(t.dir, { ...dtoRequest, withTest: true });
    const test = Object.keys((await readAnswers(t.dir)).files).find((p) => p !== MAIN)!;
    const pristine = read(MAIN);
    write(MAIN, pristine.replace(/template=dto /, 'template=worker '));
    const report = await check();
    const file = fileOf(report, MAIN)!;
    expect(file).toMatchObject({ status: 'malformed', modified: true });
    expect(file.problems).toEqual([
      expect.stringContaining('the header says template=worker, but it was generated as dto (recorded in'),
    ]);
    // the companion test's header says unit_test, which is what its record makes it
    expect(fileOf(report, test)).toMatchObject({ status: 'current', artifactType: 'unit_test' });
    expect(report.failed).toBe(true);

    const update = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(update.files.find((f) => f.path === MAIN)).toMatchObject({ status: 'error' });
    expect(update.failed).toBe(true);
    expect(read(MAIN)).toBe(pristine.replace(/template=dto /, 'template=worker '));
  });
});

describe('scaffold check: copies, conflict markers and .rej files', () => {
  it('a copy (its header names the original) is malformed, and its conflict markers are found though unrecorded', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    copyFileSync(join(t.dir, MAIN), join(t.dir, 'src/dtos/copy.ts'));
    write('src/dtos/copy.ts', `${read('src/dtos/copy.ts')}export const evil = 1;\n<<<<<<< mine\n`);
    const report = await check();
    const copy = fileOf(report, 'src/dtos/copy.ts')!;
    const markerLine = read('src/dtos/copy.ts').split('\n').indexOf('<<<<<<< mine') + 1;
    expect(copy).toMatchObject({ status: 'malformed', conflictMarkers: [markerLine] });
    expect(copy.problems).toEqual(
      expect.arrayContaining([
        `the header names ${MAIN}, not src/dtos/copy.ts: a copied or moved file, not generated here`,
        `unresolved conflict markers at line(s) ${markerLine}`,
      ]),
    );
    expect(fileOf(report, MAIN)).toMatchObject({ status: 'current' });
    expect(report.failed).toBe(true);
  });

  it('an unrecorded file at its own path with conflict markers is a conflict, never current', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const lines = read(MAIN).split('\n');
    const mine = [`// src/dtos/other.ts`, lines[1]!, ...lines.slice(2), '>>>>>>> template', ''].join('\n');
    write('src/dtos/other.ts', mine);
    const report = await check(['src/dtos/other.ts']);
    expect(report.files).toEqual([
      expect.objectContaining({ path: 'src/dtos/other.ts', status: 'conflict', conflictMarkers: [expect.any(Number)] }),
    ]);
    expect(report.counts.conflict).toBe(1);
    expect(report.failed).toBe(true);
  });

  it('after update --reject, the file with a .rej beside it is a conflict (exit 1), not a green modified', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    write(MAIN, read(MAIN).replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"));
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs"));
    const update = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), {
      now: LATER,
      reject: true,
    });
    expect(update.files.find((f) => f.path === MAIN)).toMatchObject({ reject: `${MAIN}.rej` });
    const report = await check();
    const file = fileOf(report, MAIN)!;
    expect(file).toMatchObject({ status: 'conflict', reject: `${MAIN}.rej`, modified: true });
    expect(file.problems).toEqual([
      expect.stringContaining(`${MAIN}.rej holds template changes that were not applied`),
    ]);
    expect(report.failed).toBe(true);
  });
});

describe('scaffold check: no made-up verdict', () => {
  it('a registry without the recorded type gives an error status with the typed reason, not "outdated X -> X"', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    write(
      '.st3/config/artifacts.yaml',
      [
        'artifact_types:',
        '  - type: code',
        '    type_id: widget',
        '    name: Widget',
        '    file_extension: .ts',
        '',
      ].join('\n'),
    );
    const report = await check();
    const file = fileOf(report, MAIN)!;
    expect(file).toMatchObject({ status: 'error', error: { code: 'E_ARTIFACT_UNKNOWN' } });
    expect(file.currentVersion).toBeUndefined();
    expect(file.problems).toEqual([expect.stringMatching(/^cannot work out the current version: .*dto/)]);
    expect(report.counts.error).toBe(2);
    expect(report.failed).toBe(true);
  });
});

describe('scaffold check: the folder walk stays in the workspace', () => {
  it('a link loop is not followed; a link to an outside folder is not judged; the files are checked', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    mkdirSync(join(t.dir, 'src/loop'));
    symlinkSync('..', join(t.dir, 'src/loop/up'));
    const outside = tempDir();
    try {
      writeFileSync(join(outside.dir, 'x.ts'), read(MAIN).replace(/version=[0-9a-f]{8}/, 'version=deadbeef'));
      symlinkSync(outside.dir, join(t.dir, 'src/out'));
      const report = await check();
      expect(report.files.map((f) => f.path)).toEqual([MAIN, 'test/unit/user-profile.test.ts']);
      expect(report.failed).toBe(false);
      // asked for by name, a link that leads out is refused like any path outside
      await expect(check(['src/out'])).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
      await expect(check([outside.dir])).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
      await expect(check(['../'])).rejects.toMatchObject({ code: 'E_PATH_ESCAPE' });
    } finally {
      outside.cleanup();
    }
  });

  it('honours .gitignore as every other walk does', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    write('build/stale.ts', read(MAIN).replace(/version=[0-9a-f]{8}/, 'version=deadbeef'));
    expect(fileOf(await check(), 'build/stale.ts')).toMatchObject({ status: 'malformed' });
    write('.gitignore', 'build/\n');
    const report = await check();
    expect(fileOf(report, 'build/stale.ts')).toBeUndefined();
    expect(report.failed).toBe(false);
  });
});
