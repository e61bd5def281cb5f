import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, json, runSt3, withTempDir } from '../src/run-cli.js';
import { git as sharedGit, writeFiles } from '../src/task-file.js';
import { itWithFixtures } from '@st3/tooling/fixtures';

const node = JSON.stringify(process.execPath);
/** A tiny real linter: every line containing BAD in the given files is a JSON violation. */
const TOOL = `const fs=require('fs');const out=[];for(const f of process.argv.slice(2))fs.readFileSync(f,'utf8').split('\\n').forEach((l,i)=>{if(l.includes('BAD'))out.push({path:f,row:i+1,col:3,code:'NO_BAD',text:'bad: line',sev:'warning'})});process.stdout.write(JSON.stringify(out));process.exit(out.length?1:0)`;
const CONFIG = `version: "1.1"
active_gates: [lint, types]
gates:
  lint:
    name: Lint
    execution: { command: [${node}, tool.cjs] }
    capabilities:
      file_types: [".py"]
      parsing_strategy: json_violations
      json_violations: { field_map: { file: path, line: row, col: col, rule: code, message: text, severity: sev } }
  types:
    name: Types
    execution: { command: [${node}, -e, "process.exit(0)"], pass_files: none }
    capabilities: { file_types: [".ts"], parsing_strategy: exit_code }
`;

const write = writeFiles;
const git = (dir: string, ...args: string[]): string => sharedGit(dir, ...args).trim();

describe('st3 gates', () => {
  it('--help lists the scopes, formats and subcommands with examples', async () => {
    const r = await runSt3(['gates', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--scope');
    expect(r.stdout).toContain('sarif');
    expect(r.stdout).toContain('st3 gates init');
  });

  it('runs gates in a git workspace: JSON contract, exit 1, baseline in state.json, then auto scope', () =>
    withTempDir(async (dir) => {
      write(dir, {
        'tool.cjs': TOOL,
        '.st3/config/quality.yaml': CONFIG,
        '.st3/state.json': '{"branch":"main"}',
        'a.py': 'ok\nBAD\n',
        'b.py': 'fine\n',
      });
      git(dir, 'init', '-q');
      git(dir, 'add', '-A');
      git(dir, 'commit', '-q', '-m', 'init');
      const r = await runSt3(['gates', '--json'], { cwd: dir });
      expect(r.code).toBe(1);
      const doc = json(r);
      expect(Object.keys(doc)).toEqual(['overall_pass', 'summary', 'gates']);
      expect(doc.overall_pass).toBe(false);
      expect(doc.summary).toMatch(/^✗ 1\/2 gates failed \(lint: 1\) · 1 skipped · \d+\.\ds$/);
      expect(doc.gates[0]).toMatchObject({
        id: 'lint',
        name: 'Lint',
        passed: false,
        skipped: false,
        status: 'failed',
        violations: [
          { file: 'a.py', line: 2, col: 3, rule: 'NO_BAD', message: 'bad: line', severity: 'warning', fixable: false },
        ],
      });
      expect(doc.gates[1]).toMatchObject({ id: 'types', status: 'skipped', skipped: true });
      expect(JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8'))).toEqual({
        branch: 'main',
        quality_gates: {
          baseline_sha: null,
          failed_files: ['a.py'],
          gates: { lint: { failed_files: ['a.py'] }, types: { failed_files: [] } },
        },
      });

      write(dir, { 'a.py': 'ok\n' });
      const fixed = await runSt3(['gates'], { cwd: dir });
      expect(fixed.code).toBe(0);
      expect(fixed.stdout).toContain('✓ 1/2 gates passed · 1 skipped');
      const head = git(dir, 'rev-parse', 'HEAD');
      const hash = expect.stringMatching(/^[0-9a-f]{16}$/);
      expect(JSON.parse(readFileSync(join(dir, '.st3/state.json'), 'utf8')).quality_gates).toEqual({
        baseline_sha: head,
        failed_files: [],
        gates: { lint: { failed_files: [], config_hash: hash }, types: { failed_files: [], config_hash: hash } },
        // a.py was checked in its fixed, uncommitted form: HEAD's a.py is still to be checked.
        unverified_files: ['a.py'],
      });
      // Once the fix is committed and checked, nothing changed and nothing failed: every gate is skipped.
      git(dir, 'commit', '-q', '-am', 'fix');
      expect((await runSt3(['gates'], { cwd: dir })).code).toBe(0);
      const idle = json(await runSt3(['gates', '--json'], { cwd: dir }));
      expect(idle.summary).toMatch(
        /^✓ 0\/2 gates run · 2 skipped \(nothing changed since [0-9a-f]{8} and nothing failed\)/,
      );
      expect(idle.gates.every((g: { status: string }) => g.status === 'skipped')).toBe(true);
    }));

  it('--format sarif, github and text; --files and --gate', () =>
    withTempDir(async (dir) => {
      write(dir, { 'tool.cjs': TOOL, '.st3/config/quality.yaml': CONFIG, 'src/a.py': 'BAD\n', 'src/b.py': 'BAD\n' });
      const sarif = await runSt3(['gates', '--scope', 'project', '--format', 'sarif', '--no-state'], { cwd: dir });
      expect(sarif.code).toBe(1);
      const doc = JSON.parse(sarif.stdout);
      expect(doc.version).toBe('2.1.0');
      expect(doc.runs).toHaveLength(1);
      expect(
        doc.runs[0].results.map(
          (r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) =>
            r.locations[0]!.physicalLocation.artifactLocation.uri,
        ),
      ).toEqual(['src/a.py', 'src/b.py']);

      const gh = await runSt3(['gates', '--scope', 'project', '--format', 'github', '--no-state'], { cwd: dir });
      expect(gh.stdout.split('\n')[0]).toBe('::warning file=src/a.py,line=1,col=3,title=lint%3A NO_BAD::bad: line');

      const one = await runSt3(['gates', '--files', 'b.py', '--gate', 'lint', '--no-state', '--no-color'], {
        cwd: join(dir, 'src'),
      });
      expect(one.code).toBe(1);
      expect(one.stdout).toContain('src/b.py\n  1:3      warning  bad: line  NO_BAD (lint)');
      expect(one.stdout).not.toContain('src/a.py');
    }));

  it('unknown gate → exit 2; invalid config → exit 2 with file:line:col in the JSON error', () =>
    withTempDir(async (dir) => {
      write(dir, { 'tool.cjs': TOOL, '.st3/config/quality.yaml': CONFIG });
      const unknown = await runSt3(['gates', '--gate', 'nope', '--json'], { cwd: dir });
      expect(unknown.code).toBe(2);
      expect(json(unknown).error.code).toBe('E_GATE_UNKNOWN');
      write(dir, {
        '.st3/config/quality.yaml': CONFIG.replace('parsing_strategy: exit_code', 'parsing_strategy: magic'),
      });
      const bad = await runSt3(['gates', '--json'], { cwd: dir });
      expect(bad.code).toBe(2);
      expect(json(bad).error).toMatchObject({ code: 'E_CONFIG_INVALID', line: 14, column: 60 });
      expect(json(bad).error.message).toContain('parsing_strategy');
    }));

  itWithFixtures(
    'the real v1.1 quality.yaml runs unchanged; its absent Python tools are "tool not found" errors (exit 3)',
    () =>
      withTempDir(async (dir) => {
        write(dir, {
          '.st3/config/quality.yaml': readFileSync(join(fixtures, 'st3-config/quality.yaml'), 'utf8'),
          'mcp_server/app.py': 'x = 1\n',
          'backend/dtos/d.py': 'y = 1\n',
        });
        const r = await runSt3(['gates', '--scope', 'project', '--json'], { cwd: dir });
        const doc = json(r);
        expect(doc.gates).toHaveLength(7);
        for (const g of doc.gates) expect(g.reason).toMatch(/tool not found/);
        expect(r.code).toBe(3);
      }),
  );

  it('init writes a config with the $schema line from presets; list shows it', () =>
    withTempDir(async (dir) => {
      write(dir, {
        '.st3/.keep': '',
        'package.json': '{"devDependencies":{"eslint":"^9"}}',
        'tsconfig.json': '{}',
        'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
      });
      const init = await runSt3(['gates', 'init', '--json'], { cwd: dir });
      expect(init.code).toBe(0);
      expect(json(init).presets).toEqual(['eslint', 'tsc', 'ruff', 'mypy', 'pyright']);
      const text = readFileSync(join(dir, '.st3/config/quality.yaml'), 'utf8');
      expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./quality.schema.json');
      expect(JSON.parse(readFileSync(join(dir, '.st3/config/quality.schema.json'), 'utf8')).title).toBeDefined();
      const again = await runSt3(['gates', 'init'], { cwd: dir });
      expect(again.code).toBe(2);
      const list = json(await runSt3(['gates', 'list', '--json'], { cwd: dir }));
      expect(list.gates.map((g: { id: string }) => g.id)).toEqual(['eslint', 'tsc', 'ruff', 'mypy', 'pyright']);
    }));
});

describe('st3 test', () => {
  it('runs the configured command, prints the summary first, --json counts', () =>
    withTempDir(async (dir) => {
      const report = {
        numTotalTests: 2,
        numPassedTests: 1,
        numFailedTests: 1,
        numPendingTests: 0,
        testResults: [
          {
            name: join(dir, 't.test.js'),
            status: 'failed',
            assertionResults: [
              { fullName: 'suite fails', status: 'failed', failureMessages: ['Error: nope'] },
              { fullName: 'suite ok', status: 'passed', failureMessages: [] },
            ],
          },
        ],
      };
      write(dir, {
        '.st3/config/quality.yaml': `version: "1.1"\ngates: {}\ntests: { command: [${node}, -e, 'process.stdout.write(process.argv[1]); process.exit(1)', '${JSON.stringify(report)}'], format: vitest }\n`,
      });
      const r = await runSt3(['test'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n')[0]).toMatch(/^✗ 1 failed, 1 passed \(2 tests\)/);
      expect(r.stdout).toContain('✗ suite fails  t.test.js');
      const j = json(await runSt3(['test', '--json'], { cwd: dir }));
      expect(j).toMatchObject({
        ok: false,
        total: 2,
        passed: 1,
        failed: 1,
        failures: [{ name: 'suite fails', file: 't.test.js', message: 'Error: nope' }],
      });
    }));
});
