import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** The built binary (build first: `pnpm turbo run build --filter=@st3/gates-cli`). */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
/** Each test starts the binary several times; leave room on a loaded machine. */
const SLOW = 120_000;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    'git',
    [
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@t',
      '-c',
      'init.defaultBranch=main',
      '-c',
      'commit.gpgsign=false',
      ...args,
    ],
    { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  ).trim();
}

/**
 * A committed git workspace with one gate on `.js` files that records the files it was given in a file
 * outside the workspace (so a run that should not happen is seen), logging to `logs/` (max_files 2).
 */
function workspace(): { dir: string; ran: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'st3-gates-bin-'));
  const outside = mkdtempSync(join(tmpdir(), 'st3-gates-ran-'));
  dirs.push(dir, outside);
  const marker = join(outside, 'ran.txt');
  const tool = `require('fs').appendFileSync(${JSON.stringify(marker)}, process.argv.slice(1).join(' ') + '\\n')`;
  mkdirSync(join(dir, '.st3/config'), { recursive: true });
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, '.st3/config/quality.yaml'),
    `version: "1.1"
active_gates: [lint]
artifact_logging: {enabled: true, output_dir: "logs", max_files: 2}
gates:
  lint:
    name: "Lint"
    execution: {command: [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(tool)}]}
    success: {exit_codes_ok: [0]}
    capabilities: {file_types: [".js"], parsing_strategy: "exit_code"}
`,
  );
  writeFileSync(join(dir, 'src/a.js'), 'x = 1\n');
  writeFileSync(join(dir, 'src/b.js'), 'y = 1\n');
  writeFileSync(join(dir, '.gitignore'), 'logs/\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
  return { dir, ran: () => (existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : []) };
}

function st3(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'gates', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('st3 gates with listed files (built binary)', () => {
  it(
    'a listed file that does not exist is exit 2 with E_FILE_NOT_FOUND, its path and a hint; nothing runs',
    () => {
      const { dir, ran } = workspace();
      const state = () =>
        existsSync(join(dir, '.st3/state.json')) ? readFileSync(join(dir, '.st3/state.json'), 'utf8') : null;
      const before = state();
      for (const args of [
        ['src/typo.js'],
        ['src/a.js', 'src/typo.js'],
        ['--files', 'src/a.js,src/typo.js'],
        ['--scope', 'files', '--files', 'src/typo.js', '--gate', 'lint'],
        ['--dry-run', 'src/a.js', 'src/typo.js'],
      ]) {
        const r = st3(dir, '--json', ...args);
        expect(r.code, args.join(' ')).toBe(2);
        expect(JSON.parse(r.stdout), args.join(' ')).toEqual({
          ok: false,
          error: {
            code: 'E_FILE_NOT_FOUND',
            message: 'listed file not found: src/typo.js (nothing was run)',
            file: 'src/typo.js',
            hint: expect.stringContaining('relative paths are resolved from the workspace root'),
            details: { missing: ['src/typo.js'] },
          },
        });
      }
      expect(ran()).toEqual([]);
      expect(existsSync(join(dir, 'logs'))).toBe(false);
      expect(state()).toBe(before);
    },
    SLOW,
  );

  it(
    'the text report names the missing file with a hint; paths are taken from the current folder; a folder is refused',
    () => {
      const { dir, ran } = workspace();
      // The text report: the error and its hint on stderr, nothing on stdout.
      const text = st3(dir, '--no-state', 'src/typo.js');
      expect(text.code).toBe(2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toMatch(
        /^error E_FILE_NOT_FOUND .*listed file not found: src\/typo\.js \(nothing was run\)$/m,
      );
      expect(text.stderr).toContain('hint: fix or drop the path');
      // From a subfolder, paths are taken from there and named from the workspace root.
      const sub = st3(join(dir, 'src'), '--json', 'a.js', 'typo.js');
      expect(sub.code).toBe(2);
      expect(JSON.parse(sub.stdout).error).toMatchObject({
        file: 'src/typo.js',
        hint: expect.stringContaining('from src'),
      });
      // A listed folder is a usage error too.
      const folder = st3(dir, '--json', 'src');
      expect(folder.code).toBe(2);
      expect(JSON.parse(folder.stdout).error).toMatchObject({ code: 'E_USAGE', file: 'src' });
      expect(ran()).toEqual([]);
      expect(existsSync(join(dir, 'logs'))).toBe(false);
    },
    SLOW,
  );

  it(
    'a listed file that no gate checks fails the run (exit 2), naming it and why; nothing runs',
    () => {
      const { dir, ran } = workspace();
      writeFileSync(join(dir, 'tool.py'), 'x = (\n');
      const text = st3(dir, '--no-state', 'tool.py');
      expect(text.code).toBe(2);
      expect(text.stdout).toBe('');
      expect(text.stderr).toMatch(
        /^error E_USAGE .*listed file checked by no gate: tool\.py \(lint: takes only file types \.js\) \(nothing was run\)$/m,
      );
      const json = st3(dir, '--no-state', '--json', 'src/a.js', 'tool.py');
      expect(json.code).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        error: { code: 'E_USAGE', file: 'tool.py', details: { unchecked: [{ file: 'tool.py' }] } },
      });
      expect(ran()).toEqual([]);
    },
    SLOW,
  );

  it(
    'listed files that exist are checked; exit 0',
    () => {
      const { dir, ran } = workspace();
      const r = st3(dir, '--no-state', '--json', 'src/b.js', 'src/a.js');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ overall_pass: true, gates: [{ id: 'lint', status: 'passed' }] });
      expect(ran()).toEqual(['src/a.js src/b.js']);
    },
    SLOW,
  );

  it(
    'auto scope: a tracked file deleted in the working tree is part of the diff, not an error',
    () => {
      const { dir } = workspace();
      expect(st3(dir).code).toBe(0); // records the baseline
      rmSync(join(dir, 'src/b.js'));
      const r = st3(dir, '--no-state', '--json');
      expect(r.code).toBe(0);
      const gate = JSON.parse(r.stdout).gates[0];
      expect(gate).toMatchObject({ id: 'lint', status: 'skipped' });
      expect(gate.reason).toContain('1 deleted');
    },
    SLOW,
  );
});

describe('st3 gates log rotation (built binary)', () => {
  it(
    "keeps the application's own logs in the log folder; ST3's logs are rotated at max_files",
    () => {
      const { dir } = workspace();
      const user: Record<string, string> = {
        '2024-05-01.log': 'd1\n',
        '2024-05-02.log': 'd2\n',
        'server.log': 's\n',
        'app-2024-05-03.log': 'a\n',
        '2024-05-01T00-00-00Z-app.log': 'close to ST3 names\n',
        '2024-05-01T00-00-00-000Z-app.log': 'named like ST3 logs, written by the app\n',
      };
      mkdirSync(join(dir, 'logs'));
      for (const [name, text] of Object.entries(user)) writeFileSync(join(dir, 'logs', name), text);
      for (let i = 0; i < 4; i++) expect(st3(dir, '--scope', 'project', '--no-state').code).toBe(0);
      for (const [name, text] of Object.entries(user)) expect(readFileSync(join(dir, 'logs', name), 'utf8')).toBe(text);
      const own = readdirSync(join(dir, 'logs')).filter((n) => !(n in user));
      expect(own).toHaveLength(2);
      for (const n of own) expect(n).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z-lint\.log$/);
    },
    SLOW,
  );
});
