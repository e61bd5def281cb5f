import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memoryIO } from '@st3/cli-kit';
import { atomizeProject } from '@st3/atomizer';
import { executeStage, stage } from '../src/index.js';
import { workspaceSources } from '../src/workspace-sources.js';

// `st3 run`'s graph and execute stages see the workspace's sources as `st3 atomize .` does: one walk
// (@st3/fs, through the atomizer's file finder), .gitignore honoured, an unlistable folder an error.

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-ws-sources-'));
  // A git repository: the .gitignore cascade starts at its top, as in git.
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
const fn = (name: string, body = 'return 1;') => `export function ${name}(): number {\n  ${body}\n}\n`;
const rel = (files: readonly string[]) => files.map((f) => relative(root, f).split('\\').join('/'));
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

/** The paths `st3 atomize .` atomizes (or skips) in `root`, sorted. */
async function atomizedPaths(): Promise<string[]> {
  const paths: string[] = [];
  for await (const r of atomizeProject(['.'], { cwd: root, cache: false, detail: 'summary' })) paths.push(r.path);
  return paths.sort();
}

describe('workspaceSources', () => {
  it('leaves out what .gitignore ignores (a generated folder, a nested rule, info/exclude)', async () => {
    write('.gitignore', 'generated/\n*.gen.ts\n');
    write('.git/info/exclude', 'scratch.ts\n');
    write('src/a.ts', fn('a'));
    write('src/a.gen.ts', fn('aGen'));
    write('generated/g.ts', fn('g'));
    write('lib/.gitignore', 'out/\n');
    write('lib/out/o.ts', fn('o'));
    write('lib/keep.py', 'def keep():\n    return 1\n');
    write('scratch.ts', fn('scratch'));
    expect(rel(await workspaceSources(root))).toEqual(['lib/keep.py', 'src/a.ts']);
  });

  it('is the set of files `st3 atomize .` atomizes on the same tree', async () => {
    write('.gitignore', 'generated/\ncoverage/\n');
    write('src/a.ts', fn('a'));
    write('src/types.d.ts', 'export declare const x: number;\n');
    write('vitest.config.ts', 'export default {};\n');
    write('dist/bundle.js', 'export function b() { return 1; }\n');
    write('build/out.mjs', 'export const o = 1;\n');
    write('py/mod.py', 'def f():\n    return 1\n');
    write('py/mod.pyi', 'def f() -> int: ...\n');
    write('generated/g.ts', fn('g'));
    write('coverage/c.js', 'export const c = 1;\n');
    write('node_modules/dep/index.js', 'module.exports = 1;\n');
    write('.hidden/h.ts', fn('h'));
    write('notes.md', '# notes\n');
    symlinkSync('src', join(root, 'linked'));
    const sources = rel(await workspaceSources(root));
    expect(sources).toEqual(await atomizedPaths());
    expect(sources).toContain('src/a.ts');
    expect(sources).not.toContain('generated/g.ts');
  });

  it('a folder it cannot list is E_FILE_READ naming it (run as "nobody": root lists any folder)', () => {
    write('src/a.ts', fn('a'));
    write('src/locked/l.ts', fn('l'));
    if (asRoot) chownTree(root);
    chmodSync(join(root, 'src/locked'), 0o000);
    try {
      // The built stage, in a child process that can drop privileges.
      const script = `const { stage } = await import(${JSON.stringify(`file://${DIST}`)});
        try { const r = await stage.run({ root: ${JSON.stringify(root)}, dryRun: true, quiet: true, io: {} });
          console.log(JSON.stringify({ report: r })); }
        catch (e) { console.log(JSON.stringify({ code: e.code, file: e.file, message: e.message })); }`;
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env,
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({
        code: 'E_FILE_READ',
        file: join(root, 'src/locked'),
        message: expect.stringContaining('EACCES'),
      });
    } finally {
      chmodSync(join(root, 'src/locked'), 0o755);
    }
  });
});

/** Hands the tree to "nobody" so that only the locked folder is out of its reach. */
function chownTree(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const e of readdirSync(dir, { withFileTypes: true }))
    if (e.isDirectory()) chownTree(join(dir, e.name));
    else chownSync(join(dir, e.name), NOBODY, NOBODY);
}

describe("st3 run's stages on a tree with ignored sources", () => {
  it('the graph stage graphs only the files `st3 atomize .` atomizes', async () => {
    write('.gitignore', 'generated/\n');
    write('src/a.ts', fn('a'));
    write('generated/g.ts', fn('g1') + fn('g2'));
    const { io } = memoryIO({ cwd: root, env });
    const report = await stage.run({ root, io, dryRun: true, quiet: true });
    expect(report.ok, JSON.stringify(report)).toBe(true);
    const files = (report.data as { files: { nodes: { id: string }[] } }).files.nodes.map((n) => n.id);
    expect(files).toEqual(await atomizedPaths());
    expect(files).toEqual(['src/a.ts']);
  }, 60_000);

  it('the execute stage gives no ignored atom to the agent', async () => {
    write('.gitignore', 'generated/\n');
    write('src/a.ts', fn('a'));
    write('generated/g.ts', fn('g', '// TODO implement\n  return 0;'));
    write(
      '.st3/config/agents.yaml',
      'version: 1\ndefault: failing\nagents:\n  failing:\n    kind: command\n    command: [node, -e, "process.exit(1)"]\n',
    );
    const { io } = memoryIO({ cwd: root, env });
    const report = await executeStage.run({ root, io, dryRun: true, quiet: true });
    expect(report).toMatchObject({ ok: true, skipped: true, summary: 'skipped: no atom holds a TODO' });
  }, 60_000);
});
