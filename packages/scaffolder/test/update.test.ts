import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadKind } from '@st3/schemas';
import { builtinTemplatesDir, checkFiles, createScaffolder, readAnswers, updateFiles } from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const LATER = new Date('2026-02-03T04:05:06Z');
const fields = [
  { name: 'id', type: 'string', description: 'Stable identifier' },
  { name: 'age', type: 'integer', optional: true },
];
const dtoRequest = { type: 'dto', name: 'UserProfile', context: { fields }, language: 'ts' as const };
const read = (path: string) => readFileSync(join(t.dir, path), 'utf8');
const write = (path: string, text: string) => writeFileSync(join(t.dir, path), text);

/** A workspace override of the built-in TS DTO template, edited by `change`. */
function editTemplate(change: (text: string) => string): void {
  const original = readFileSync(join(builtinTemplatesDir(), 'concrete', 'dto.ts.eta'), 'utf8');
  mkdirSync(join(t.dir, '.st3', 'templates', 'concrete'), { recursive: true });
  writeFileSync(join(t.dir, '.st3', 'templates', 'concrete', 'dto.ts.eta'), change(original));
}

describe('answers and kept versions', () => {
  it('records every written file: its request, template version and a hash of what was generated', async () => {
    const { written } = await scaffoldInto(t.dir, dtoRequest);
    expect(written).toEqual(['src/dtos/user-profile.ts', 'test/unit/user-profile.test.ts']);
    const answers = await readAnswers(t.dir);
    const main = answers.files['src/dtos/user-profile.ts']!;
    expect(main).toMatchObject({
      artifact_type: 'dto',
      role: 'main',
      name: 'UserProfile',
      language: 'ts',
      pipeline: 'v2',
      context: { fields },
      out_path: 'src/dtos/user-profile.ts',
      test_path: 'test/unit/user-profile.test.ts',
      template_id: 'concrete/dto.ts',
      engine: 'eta',
      created: '2026-01-02T03:04:05Z',
    });
    expect(answers.files['test/unit/user-profile.test.ts']).toMatchObject({ role: 'test' });
    // the file validates as its kind, and the template chain is kept by its hash
    const loaded = await loadKind(join(t.dir, '.st3/scaffold/answers.json'));
    expect(loaded).toMatchObject({ kind: 'scaffold-answers', errors: [] });
    const kept = join(t.dir, '.st3/templates/.versions', main.version_hash);
    expect(JSON.parse(readFileSync(join(kept, 'manifest.json'), 'utf8'))).toMatchObject({
      hash: main.version_hash,
      engine: 'eta',
      concrete: 'concrete/dto.ts',
    });
    expect(existsSync(join(kept, 'lang', 'typescript.eta'))).toBe(true);
  });

  it('rebuilds a file from a kept version byte for byte, and refuses a kept version that was edited', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const answer = (await readAnswers(t.dir)).files['src/dtos/user-profile.ts']!;
    const s = await createScaffolder({ workspace: t.dir });
    expect(s.rerender(answer, { version: answer.version_hash }).content).toBe(read('src/dtos/user-profile.ts'));
    const kept = join(t.dir, '.st3/templates/.versions', answer.version_hash, 'concrete', 'dto.ts.eta');
    writeFileSync(kept, `${readFileSync(kept, 'utf8')}// edited\n`);
    expect(() => s.rerender(answer, { version: answer.version_hash })).toThrow(
      expect.objectContaining({ code: 'E_TEMPLATE' }),
    );
  });
});

describe('scaffold update (3-way)', () => {
  it('keeps a hand edit and takes a template edit in another region; check sees each state', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const s0 = await createScaffolder({ workspace: t.dir });
    expect((await checkFiles(t.dir, [], s0)).counts).toMatchObject({ current: 2, modified: 0 });
    // a hand edit: a helper at the end of the file
    write('src/dtos/user-profile.ts', `${read('src/dtos/user-profile.ts')}\nexport const answer = 42;\n`);
    const edited = await checkFiles(t.dir, [], s0);
    expect(edited.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({
      status: 'modified',
      modified: true,
    });
    expect(edited.failed).toBe(false);
    // a template edit near the top
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// schema first"));
    const s1 = await createScaffolder({ workspace: t.dir });
    const check = await checkFiles(t.dir, [], s1);
    const before = check.files.find((f) => f.path === 'src/dtos/user-profile.ts')!;
    expect(before).toMatchObject({ status: 'outdated', modified: true });
    expect(before.currentVersion).not.toBe(before.version);
    expect(check.failed).toBe(true);

    const dry = await updateFiles(t.dir, s1, { dryRun: true, now: LATER });
    expect(dry.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({ status: 'updated' });
    expect(dry.files.find((f) => f.path === 'test/unit/user-profile.test.ts')).toMatchObject({ status: 'current' });
    expect(dry.written).toEqual([]);
    expect(read('src/dtos/user-profile.ts')).not.toContain('// schema first');

    const report = await updateFiles(t.dir, s1, { now: LATER });
    expect(report.failed).toBe(false);
    expect(report.written).toEqual(['src/dtos/user-profile.ts']);
    const text = read('src/dtos/user-profile.ts');
    expect(text).toContain('// schema first');
    expect(text).toContain('export const answer = 42;');
    expect(text.split('\n')[1]).toBe(
      `// template=dto version=${before.currentVersion} created=2026-01-02T03:04:05Z updated=2026-02-03T04:05:06Z`,
    );
    // now current in version, still modified by hand; a second update changes nothing
    const after = await checkFiles(t.dir, [], await createScaffolder({ workspace: t.dir }));
    expect(after.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({ status: 'modified' });
    const again = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(again.written).toEqual([]);
    expect(again.counts.current).toBe(2);
  });

  it('a conflicting edit gets standard markers and fails the run; check reports the markers', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    write(
      'src/dtos/user-profile.ts',
      read('src/dtos/user-profile.ts').replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"),
    );
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs"));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await updateFiles(t.dir, s, { now: LATER });
    const file = report.files.find((f) => f.path === 'src/dtos/user-profile.ts')!;
    expect(file.status).toBe('conflict');
    expect(report.failed).toBe(true);
    const lines = read('src/dtos/user-profile.ts').split('\n');
    const at = file.conflicts![0]! - 1;
    expect(lines[at]).toBe('<<<<<<< src/dtos/user-profile.ts (your edits)');
    expect(lines.slice(at + 1, at + 5)).toEqual([
      "import { z } from 'zod'; // mine",
      '=======',
      "import { z } from 'zod'; // theirs",
      `>>>>>>> template ${file.to}`,
    ]);
    const check = await checkFiles(t.dir, [], s);
    expect(check.files.find((f) => f.path === 'src/dtos/user-profile.ts')!.conflictMarkers).toEqual([at + 1, at + 5]);
    expect(check.failed).toBe(true);
  });

  it('--reject keeps your text in the conflict, applies the rest, and writes <file>.rej', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const original = read('src/dtos/user-profile.ts');
    write('src/dtos/user-profile.ts', original.replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"));
    editTemplate((text) =>
      text
        .replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs")
        .replace(/\n$/, '\n// appended by the template\n'),
    );
    const report = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER, reject: true });
    const file = report.files.find((f) => f.path === 'src/dtos/user-profile.ts')!;
    expect(file).toMatchObject({ status: 'conflict', reject: 'src/dtos/user-profile.ts.rej' });
    const text = read('src/dtos/user-profile.ts');
    expect(text).toContain("import { z } from 'zod'; // mine");
    expect(text).not.toMatch(/^<{7}/m);
    expect(text).toContain('// appended by the template');
    const rej = read('src/dtos/user-profile.ts.rej');
    expect(rej).toContain("-import { z } from 'zod';");
    expect(rej).toContain("+import { z } from 'zod'; // theirs");
  });

  it('a file made before versions were kept: a pristine one takes the new text, an edited one is no-base', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const { rmSync } = await import('node:fs');
    rmSync(join(t.dir, '.st3/templates/.versions'), { recursive: true });
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// v2"));
    const report = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(report.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({ status: 'updated' });
    expect(read('src/dtos/user-profile.ts')).toContain('// v2');

    write('src/dtos/user-profile.ts', `${read('src/dtos/user-profile.ts')}// mine\n`);
    rmSync(join(t.dir, '.st3/templates/.versions'), { recursive: true });
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// v3"));
    const again = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    const file = again.files.find((f) => f.path === 'src/dtos/user-profile.ts')!;
    expect(file.status).toBe('no-base');
    expect(file.message).toContain('is not kept');
    expect(again.failed).toBe(true);
    expect(read('src/dtos/user-profile.ts')).not.toContain('// v3');
  });

  it('only the paths given, and a file gone from disk is written again (restored)', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    await scaffoldInto(t.dir, { ...dtoRequest, name: 'Order' });
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// v2"));
    const { rmSync } = await import('node:fs');
    rmSync(join(t.dir, 'src/dtos/order.ts'));
    const report = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), {
      now: LATER,
      paths: ['src/dtos'],
    });
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      ['src/dtos/order.ts', 'updated'],
      ['src/dtos/user-profile.ts', 'updated'],
    ]);
    expect(report.files[0]!.message).toMatch(/^restored: /);
    expect(read('src/dtos/order.ts')).toContain('// v2');
  });

  it('a file that is no longer UTF-8 is an error, left byte for byte (a merge of a lossy copy would rewrite it)', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const path = join(t.dir, 'src/dtos/user-profile.ts');
    const edited = Buffer.concat([readFileSync(path), Buffer.from('// caf\xe9\n', 'latin1')]);
    writeFileSync(path, edited);
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// v2"));
    const report = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { now: LATER });
    expect(report.failed).toBe(true);
    expect(report.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({
      status: 'error',
      message: expect.stringContaining('is not UTF-8 text'),
    });
    expect(readFileSync(path).equals(edited)).toBe(true);
  });
});

describe('scaffold update: where conflicts are, and line endings', () => {
  it('--reject: the .rej hunk names the lines of the whole files (header included), as the report does', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const original = read('src/dtos/user-profile.ts');
    write('src/dtos/user-profile.ts', original.replace("import { z } from 'zod';", "import { z } from 'zod'; // mine"));
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod'; // theirs"));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await updateFiles(t.dir, s, { now: LATER, reject: true });
    const file = report.files.find((f) => f.path === 'src/dtos/user-profile.ts')!;
    const at = file.conflicts![0]!;
    expect(read('src/dtos/user-profile.ts').split('\n')[at - 1]).toBe("import { z } from 'zod'; // mine");
    const baseLine = original.split('\n').indexOf("import { z } from 'zod';") + 1;
    expect(read('src/dtos/user-profile.ts.rej')).toContain(`@@ -${baseLine},1 +${at},1 @@ your lines ${at}-${at}\n`);
  });

  it('a CRLF checkout merges line by line and is written back in CRLF', async () => {
    await scaffoldInto(t.dir, dtoRequest);
    const lf = `${read('src/dtos/user-profile.ts')}export const mine = 1;\n`;
    write('src/dtos/user-profile.ts', lf.replace(/\n/g, '\r\n'));
    editTemplate((text) => text.replace("import { z } from 'zod';", "import { z } from 'zod';\n// schema first"));
    const s = await createScaffolder({ workspace: t.dir });
    const dry = await updateFiles(t.dir, s, { dryRun: true, now: LATER });
    expect(dry.files.find((f) => f.path === 'src/dtos/user-profile.ts')).toMatchObject({ status: 'updated' });
    const report = await updateFiles(t.dir, s, { now: LATER });
    expect(report.failed).toBe(false);
    const text = read('src/dtos/user-profile.ts');
    expect(text).toContain('// schema first\r\n');
    expect(text).toContain('export const mine = 1;\r\n');
    expect(text.match(/(?<!\r)\n/g)).toBeNull(); // every line break CRLF: no mix
    expect(text.split('\r\n')[1]).toMatch(
      /^\/\/ template=dto version=[0-9a-f]{8} created=\S+ updated=2026-02-03T04:05:06Z$/,
    );
  });
});

describe('update: the paths given', () => {
  it.each([['./src/dtos/'], ['src/dtos/./'], ['src//dtos'], ['ABS'], ['./src/dtos/user-profile.ts']])(
    '%s selects what src/dtos does (relative to the root or absolute, any spelling)',
    async (given) => {
      await scaffoldInto(t.dir, { ...dtoRequest, withTest: false });
      const paths = [given === 'ABS' ? join(t.dir, 'src', 'dtos') : given];
      const report = await updateFiles(t.dir, await createScaffolder({ workspace: t.dir }), { paths, dryRun: true });
      expect(report.files.map((f) => f.path)).toEqual(['src/dtos/user-profile.ts']);
    },
  );

  it('a path outside the root selects nothing', async () => {
    await scaffoldInto(t.dir, { ...dtoRequest, withTest: false });
    const s = await createScaffolder({ workspace: t.dir });
    expect((await updateFiles(t.dir, s, { paths: ['../src/dtos'], dryRun: true })).files).toEqual([]);
    expect((await updateFiles(t.dir, s, { paths: ['.'], dryRun: true })).files).toHaveLength(1);
  });
});

describe('scaffold check', () => {
  it('judges a file against the hash of its own language (a TS dto is not current by the Python hash)', async () => {
    await scaffoldInto(t.dir, { ...dtoRequest, withTest: false });
    const s = await createScaffolder({ workspace: t.dir });
    const py = s.versionsOf('dto', 'py')[0]!;
    const ts = s.versionsOf('dto', 'ts')[0]!;
    expect(py).not.toBe(ts);
    // a TS file claiming the Python dto hash, with no answers for it
    mkdirSync(join(t.dir, 'lib'));
    write('lib/x.ts', `// lib/x.ts\n// template=dto version=${py} created=2026-01-02T03:04:05Z updated=\nexport {};\n`);
    const report = await checkFiles(t.dir, ['lib'], s);
    expect(report.files[0]).toMatchObject({ path: 'lib/x.ts', status: 'unknown', currentVersion: ts });
  });
});
