import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIELDS = 'fields=[{"name":"id","type":"string"}]';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-greens-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

async function st3(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const at = (path: string) => join(root, path);
const write = (path: string, text: string) => {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), text);
};

/** Scaffolds the UserProfile DTO for real; returns the paths written (main file first). */
async function scaffoldUserProfile(): Promise<string[]> {
  const r = await st3('scaffold', 'dto', 'UserProfile', '--set', FIELDS, '--no-interactive', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).written as string[];
}

describe('st3 scaffold check: no hand edit and no recorded file hidden', () => {
  it('a corrupt answers.json is E_CONFIG_INVALID (exit 2) at file:1:2, as for scaffold update', async () => {
    const [main] = await scaffoldUserProfile();
    writeFileSync(at(main!), `${readFileSync(at(main!), 'utf8')}// edited\n`);
    write('.st3/scaffold/answers.json', '{bad');
    for (const verb of [['check'], ['update', '--dry-run']]) {
      const r = await st3('scaffold', ...verb, '--json');
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({
        code: 'E_CONFIG_INVALID',
        file: at('.st3/scaffold/answers.json'),
        line: 1,
        column: 2,
      });
    }
  });

  it('reports a deleted header and a deleted file (exit 1); asked about one file, never an empty pass', async () => {
    const [main, test] = await scaffoldUserProfile();
    writeFileSync(at(main!), readFileSync(at(main!), 'utf8').split('\n').slice(2).join('\n'));
    rmSync(at(test!));
    const text = await st3('scaffold', 'check');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(new RegExp(`^MALFORMED ${main}  dto [0-9a-f]{8} - provenance header missing`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^MALFORMED ${test}  unit_test [0-9a-f]{8} - missing: `, 'm'));
    expect(text.stdout).toContain('2 generated file(s): 0 current, 0 modified, 0 outdated, 0 unknown, 2 malformed');
    const one = await st3('scaffold', 'check', main!, '--json');
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: false, files: [{ path: main, status: 'malformed' }] });
  });
});

describe('st3 scaffold <type>: a failed command writes nothing', () => {
  for (const file of ['.st3/scaffold/answers.json', '.st3/template_registry.json'])
    it(`a corrupt ${file} exits 2 with E_CONFIG_INVALID and no file written`, async () => {
      write(file, '{bad');
      const r = await st3('scaffold', 'dto', 'Foo', '--set', FIELDS, '--no-interactive', '--json');
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_CONFIG_INVALID', file: at(file), line: 1 });
      expect(existsSync(at('src'))).toBe(false);
      expect(existsSync(at('test'))).toBe(false);
    });
});

describe('st3 scaffold update: unreadable is not missing', () => {
  it('a folder in place of a recorded file is an ERROR saying unreadable (exit 1)', async () => {
    const [main] = await scaffoldUserProfile();
    rmSync(at(main!));
    mkdirSync(at(main!));
    const r = await st3('scaffold', 'update', '--dry-run');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`^ERROR +${main} - unreadable: `, 'm'));
    expect(r.stdout).toContain('0 missing, 1 error');
  });
});

describe('st3 scaffold batch', () => {
  const REGISTRY =
    'doc_id: DOC-INDEX-001\nversion: 1.0.0\npatterns:\n- pattern_id: PAT-GREET-HELLO-001\n  name: greet\n- name: nameless\n  version: 1.0.0\n';

  it('an unknown id in --only is E_USAGE naming it, with the closest ids (exit 2)', async () => {
    write('patterns/PATTERN_INDEX.yaml', REGISTRY);
    const r = await st3('scaffold', 'batch', 'patterns', '--dry-run', '--only', 'PAT-NOPE-999', '--json');
    expect(r.code).toBe(2);
    const { error } = JSON.parse(r.stdout);
    expect(error).toMatchObject({ code: 'E_USAGE', message: expect.stringContaining('PAT-NOPE-999') });
    expect(error.hint).toContain('PAT-GREET-HELLO-001');
  });

  it('text output names the entries skipped for having no pattern_id', async () => {
    write('patterns/PATTERN_INDEX.yaml', REGISTRY);
    const r = await st3('scaffold', 'batch', 'patterns', '--dry-run', '--phase', '1');
    expect(r.stderr).toContain('1 registry entry has no pattern_id and was skipped: patterns[1] (nameless) at line 6');
    expect(r.stdout).toMatch(/; 1 entry without a pattern_id skipped$/m);
  });
});

describe('st3 parity run: a side whose workspace is not there never passes', () => {
  const suite = (left: string, right: string) => {
    mkdirSync(at('s1/cases'), { recursive: true });
    copyFileSync(
      join(repoRoot, 'packages/scaffolder/parity-suites/dto/cases/audit-event-ts.yaml'),
      at('s1/cases/audit-event-ts.yaml'),
    );
    write(
      's1/suite.yaml',
      `name: t\nleft: { label: old, pipeline: v2${left} }\nright: { label: new, pipeline: v2${right} }\n`,
    );
  };

  it('a workspace that does not exist is E_FILE_NOT_FOUND at its workspace: value in suite.yaml (exit 2)', async () => {
    suite(', workspace: ./does-not-exist', ', workspace: ./typo');
    const r = await st3('parity', 'run', 's1', '--no-speed', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: at('s1/suite.yaml'),
      line: 2,
      column: 46,
      message: expect.stringContaining('left.workspace "./does-not-exist" does not exist'),
    });
  });

  it('checks the right side too, and refuses a folder without .st3/ (E_CONFIG_INVALID)', async () => {
    suite('', ', workspace: ./typo');
    const missing = JSON.parse((await st3('parity', 'run', 's1', '--no-speed', '--json')).stdout);
    expect(missing.error).toMatchObject({ code: 'E_FILE_NOT_FOUND', line: 3, column: 47 });
    mkdirSync(at('s1/typo'));
    const empty = await st3('parity', 'run', 's1', '--no-speed', '--json');
    expect(empty.code).toBe(2);
    expect(JSON.parse(empty.stdout).error).toMatchObject({
      code: 'E_CONFIG_INVALID',
      line: 3,
      message: expect.stringContaining('holds no .st3/'),
    });
    mkdirSync(at('s1/typo/.st3'));
    const real = await st3('parity', 'run', 's1', '--no-speed', '--json');
    expect(real.code, real.stdout).toBe(0);
  });
});
