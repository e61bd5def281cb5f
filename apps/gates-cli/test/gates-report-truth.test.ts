import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

/** The built binary (build first: `pnpm turbo run build --filter=@st3/gates-cli`). */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
const SLOW = 120_000;

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A linter reporting each line holding its word (argv[2]) in the files it is given, as JSON. */
const TOOL = `const fs = require('fs'); const [word, ...files] = process.argv.slice(2); const out = [];
for (const f of files) fs.readFileSync(f, 'utf8').split('\\n').forEach((l, i) => { if (l.includes(word)) out.push({ path: f, row: i + 1, code: word }); });
process.stdout.write(JSON.stringify(out)); process.exit(out.length ? 1 : 0);`;

const gate = (word: string, fieldMap = 'file: path, line: row, rule: code') => `  ${word.toLowerCase()}:
    name: ${word}
    execution: { command: [${JSON.stringify(process.execPath)}, tool.cjs, ${word}] }
    capabilities:
      file_types: [".js"]
      parsing_strategy: json_violations
      json_violations: { field_map: { ${fieldMap} } }
`;

/** A committed workspace with gates `lint` (word LINT) and `style` (word STYLE) and a recorded baseline. */
function workspace(state: object, fieldMap?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-gates-report-'));
  dirs.push(dir);
  mkdirSync(join(dir, '.st3/config'), { recursive: true });
  const config = `version: "1.1"\nactive_gates: [lint, style]\ngates:\n${gate('LINT', fieldMap)}${gate('STYLE')}`;
  writeFileSync(join(dir, '.st3/config/quality.yaml'), config);
  writeFileSync(join(dir, 'tool.cjs'), TOOL);
  writeFileSync(join(dir, 'a.js'), 'LINT\nSTYLE\n');
  writeFileSync(join(dir, '.gitignore'), '.st3/state.json\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'init');
  const head = git('rev-parse', 'HEAD');
  writeFileSync(join(dir, '.st3/state.json'), JSON.stringify({ quality_gates: { baseline_sha: head, ...state } }));
  return dir;
}

const st3 = (dir: string, ...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'gates', ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });

describe('st3 gates reports say only what the state backs (built binary)', () => {
  it(
    "SARIF: a file another gate failed on before does not make this gate's result unchanged",
    () => {
      // Only lint failed on a.js before: style's result there is new; lint's may be old or new (no claim).
      const dir = workspace({
        failed_files: ['a.js'],
        gates: { lint: { failed_files: ['a.js'] }, style: { failed_files: [] } },
      });
      const r = st3(dir, '--scope', 'project', '--no-state', '--format', 'sarif');
      expect(r.status, r.stderr).toBe(1);
      const sarif = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; baselineState?: string }[] }[] };
      const states = sarif.runs.flatMap((run) => run.results.map((x) => [x.ruleId, x.baselineState ?? null]));
      expect(states).toEqual([
        ['LINT', null],
        ['STYLE', 'new'],
      ]);
    },
    SLOW,
  );

  it(
    "quality.yaml's warnings are printed by a run and a dry run, on stderr only",
    () => {
      const dir = workspace({}, 'fiel: path, file: path, line: row, rule: code');
      for (const args of [['--json'], ['--dry-run', '--json'], []]) {
        const r = st3(dir, '--scope', 'project', '--no-state', ...args);
        expect(r.stderr, args.join(' ')).toMatch(
          /quality\.yaml:\d+:\d+: .*field_map key "fiel" is not a violation field/,
        );
        if (args.includes('--json')) expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
      }
    },
    SLOW,
  );
});
