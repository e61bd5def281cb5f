import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { renderQualityConfig, runGates, type GateProgress, type RunGatesOptions } from '../src/index.js';
import { commitAll, git, itWithTools, tempDir, TOOL_PATH, write } from './helpers.js';

/**
 * `--new-only` against a branch's merge base, or a baseline the gate's config changed since (no verdict
 * recorded there): a violation is pre-existing only when the gate, run again on the reference commit's
 * tree, reports it too. Real tsc, real git repositories: `main` with one commit, `feature` checked out
 * with the change.
 */
const env = { ...process.env, PATH: TOOL_PATH };
let cleanups: (() => void)[] = [];
/** The run's temp folders go here, to see that the reference checkout is removed. */
let tmp: string;
let savedTmp: string | undefined;
beforeEach(() => {
  const t = tempDir('st3-refrun-tmp-');
  cleanups.push(t.cleanup);
  tmp = t.dir;
  savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (savedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmp;
  for (const c of cleanups) c();
  cleanups = [];
});

const TSCONFIG = '{"compilerOptions": {"strict": true, "lib": ["es5"], "types": []}, "include": ["src"]}\n';
const GREET = 'export function greet(name: string): string {\n  return "hi " + name;\n}\n';

/** A repository whose `main` holds `files`, with `feature` checked out and `change` committed on it. */
function branchRepo(files: Record<string, string>, change: Record<string, string>): string {
  const t = tempDir('st3-refrun-');
  cleanups.push(t.cleanup);
  write(t.dir, {
    '.gitignore': '.st3/state.json\n.st3/cache/\n.st3/logs/\n',
    '.st3/config/quality.yaml': renderQualityConfig(['tsc']),
    'tsconfig.json': TSCONFIG,
    ...files,
  });
  git(t.dir, 'init', '-q');
  commitAll(t.dir, 'base');
  git(t.dir, 'checkout', '-q', '-b', 'feature');
  write(t.dir, change);
  commitAll(t.dir, 'change');
  return t.dir;
}

/** Reference checkouts left in the temp folder. */
const references = () => readdirSync(tmp).filter((name) => name.startsWith('st3-reference-'));

const newOnly = (dir: string, extra: Partial<RunGatesOptions> = {}) =>
  runGates({
    cwd: dir,
    env,
    logOutput: false,
    updateState: false,
    newOnly: true,
    scope: { kind: 'branch', parentBranch: 'main' },
    ...extra,
  });
const at = (vs: readonly { file: string | null; line: number | null; rule: string | null }[] | undefined) =>
  (vs ?? []).map((v) => [v.file, v.line, v.rule]);

describe('--new-only: pre-existing only when the gate, run again at the reference, reports it too', () => {
  itWithTools(
    ['tsc', 'git'],
    "a signature changed in a.ts breaks b.ts's unchanged call: new, and the gate fails",
    async () => {
      const dir = branchRepo(
        { 'src/a.ts': GREET, 'src/b.ts': 'import { greet } from "./a";\n\nexport const x: string = greet("bob");\n' },
        { 'src/a.ts': GREET.replace('name: string)', 'name: string, greeting: string)') },
      );
      const r = await newOnly(dir);
      expect(r.overall_pass).toBe(false);
      const tsc = r.gates[0]!;
      expect(tsc.status).toBe('failed');
      expect(at(tsc.violations)).toEqual([['src/b.ts', 3, 'TS2554']]);
      expect(tsc.preexisting_violations ?? []).toEqual([]);
      expect(r.new_only).toEqual({
        reference: git(dir, 'merge-base', 'HEAD', 'main'),
        method: 'reference-run',
        preexisting: 0,
      });
      expect(references()).toEqual([]);
    },
    120_000,
  );

  itWithTools(
    ['tsc', 'git'],
    'an error present at the merge base stays pre-existing, also moved down by lines inserted above it; a new one is new',
    async () => {
      const old = 'export const n: number = "x";\n';
      const dir = branchRepo(
        { 'src/a.ts': GREET, 'src/b.ts': old },
        {
          'src/b.ts': `// one\n// two\n${old}`,
          'src/c.ts': 'export const s: string = 1;\n',
        },
      );
      const r = await newOnly(dir);
      const tsc = r.gates[0]!;
      expect(at(tsc.violations)).toEqual([['src/c.ts', 1, 'TS2322']]);
      expect(at(tsc.preexisting_violations)).toEqual([['src/b.ts', 3, 'TS2322']]);
      expect(r.new_only).toMatchObject({ method: 'reference-run', preexisting: 1 });
      expect(r.overall_pass).toBe(false);
      expect(references()).toEqual([]);

      // Only the old one left: the gate passes, with it set aside.
      write(dir, { 'src/c.ts': 'export const s: string = "1";\n' });
      const held = await newOnly(dir);
      expect(held.overall_pass).toBe(true);
      expect(at(held.gates[0]!.preexisting_violations)).toEqual([['src/b.ts', 3, 'TS2322']]);
    },
    120_000,
  );

  itWithTools(
    ['tsc', 'git'],
    'the same error on a line that changed is new (the message alone does not make it old)',
    async () => {
      const dir = branchRepo(
        { 'src/a.ts': GREET, 'src/b.ts': 'export const n: number = "x";\n' },
        { 'src/b.ts': 'export const n: number = "y";\n' },
      );
      const r = await newOnly(dir);
      expect(at(r.gates[0]!.violations)).toEqual([['src/b.ts', 1, 'TS2322']]);
      expect(r.overall_pass).toBe(false);
    },
    120_000,
  );

  itWithTools(
    ['tsc', 'git'],
    "a workspace package linked in node_modules is the reference's own copy: a break it causes in an unchanged importer is new",
    async () => {
      const dir = branchRepo(
        {
          '.gitignore': '.st3/state.json\n.st3/cache/\n.st3/logs/\nnode_modules/\n',
          'tsconfig.json': TSCONFIG.replace('["src"]', '["app", "packages"]'),
          'packages/lib/index.ts': GREET,
          'app/main.ts': 'import { greet } from "lib";\n\nexport const x: string = greet("bob");\n',
        },
        { 'packages/lib/index.ts': GREET.replace('name: string)', 'name: string, greeting: string)') },
      );
      // As pnpm links a workspace package: a relative link from app/node_modules into the repository.
      mkdirSync(join(dir, 'app/node_modules'));
      symlinkSync('../../packages/lib', join(dir, 'app/node_modules/lib'));
      const r = await newOnly(dir);
      expect(at(r.gates[0]!.violations)).toEqual([['app/main.ts', 3, 'TS2554']]);
      expect(r.overall_pass).toBe(false);
      expect(r.new_only).toMatchObject({ method: 'reference-run', preexisting: 0 });
      expect(references()).toEqual([]);
    },
    120_000,
  );

  itWithTools(
    ['tsc', 'git'],
    "auto scope, the gate's config changed since the green baseline: it runs at the baseline with today's config",
    async () => {
      const old = 'export function f(): number {\n  const unused = 1;\n  return 2;\n}\n';
      const dir = branchRepo({ 'src/a.ts': old }, { 'README.md': 'a feature\n' });
      expect((await runGates({ cwd: dir, env, logOutput: false })).overall_pass).toBe(true);
      const config = renderQualityConfig(['tsc']).replace('--noEmit,', '--noEmit, --noUnusedLocals,');
      expect(config).toContain('--noUnusedLocals');
      // The rule newly enabled: its hit in the old code (moved down a line) was there; the one added is new.
      write(dir, {
        '.st3/config/quality.yaml': config,
        'src/a.ts': old.replace('{\n', '{\n  const fresh = 2;\n'),
      });
      const r = await newOnly(dir, { scope: 'auto' });
      const tsc = r.gates[0]!;
      expect(at(tsc.violations)).toEqual([['src/a.ts', 2, 'TS6133']]);
      expect(at(tsc.preexisting_violations)).toEqual([['src/a.ts', 3, 'TS6133']]);
      expect(r.new_only).toMatchObject({ method: 'reference-run', preexisting: 1 });
      expect(references()).toEqual([]);
    },
    120_000,
  );

  itWithTools(
    ['tsc', 'git'],
    'without a git binary the reference cannot be checked out: every violation is new, and a warning says why',
    async () => {
      const dir = branchRepo(
        { 'src/a.ts': GREET, 'src/b.ts': 'export const n: number = "x";\n' },
        { 'src/c.ts': 'export const s: string = "s";\n' },
      );
      // What tsc needs on PATH (node, and what pnpm's .bin shim calls) but no git.
      const bin = join(tmp, 'bin');
      mkdirSync(bin);
      symlinkSync(process.execPath, join(bin, 'node'));
      for (const tool of ['sed', 'dirname', 'uname'])
        symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
      const path = [...TOOL_PATH.split(':').filter((p) => p.includes('node_modules')), bin].join(':');
      const events: GateProgress[] = [];
      const r = await newOnly(dir, { env: { ...env, PATH: path }, onProgress: (e) => events.push(e) });
      expect(at(r.gates[0]!.violations)).toEqual([['src/b.ts', 1, 'TS2322']]);
      expect(r.overall_pass).toBe(false);
      expect(r.new_only).toMatchObject({ method: 'none', preexisting: 0 });
      expect(events).toContainEqual({
        type: 'warning',
        message: expect.stringMatching(
          /^--new-only: cannot check out the reference [0-9a-f]{8} \(.*\): every violation counts as new$/,
        ),
      });
      expect(references()).toEqual([]);
    },
    120_000,
  );
});
