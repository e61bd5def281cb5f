// loadGraphInputs / atomizeSources / validatePlanInputs: the one reader of the graph verbs' inputs (the CLI
// and the MCP tools call it) and the plan verdict on them. A source file the atomizer skips is listed, told,
// and fails a plan: what was not atomized was not validated.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '@st3/schemas';
import {
  atomizeSources,
  CheckRegistry,
  loadGraphInputs,
  planValidationJson,
  SOURCES_ATOMIZED,
  validatePlanInputs,
} from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-graph-inputs-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

const CODE = {
  'src/a.ts': 'export function a(n: number): number {\n  return n + 1;\n}\n',
  'src/b.ts': "import { a } from './a.js';\n\nexport function b(): number {\n  return a(1);\n}\n",
  // A NUL byte: the atomizer skips it as binary.
  'src/bin.ts': Buffer.from('export const z = 1;\0\n'),
  'foo.rb': 'puts 1\n',
};

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe('loadGraphInputs', () => {
  it('lists and tells the source files the atomizer skipped; the graph is of the others', async () => {
    const dir = workspace(CODE);
    const told: Diagnostic[] = [];
    const inputs = await loadGraphInputs(['src', 'foo.rb'], {
      cwd: dir,
      root: dir,
      cache: false,
      onDiagnostic: (d) => told.push(d),
    });
    expect(inputs.skipped).toEqual([
      { path: 'foo.rb', reason: expect.stringContaining('unknown language') },
      { path: 'src/bin.ts', reason: 'binary file (NUL bytes)' },
    ]);
    expect(told.map((d) => d.file)).toEqual(expect.arrayContaining(['foo.rb', 'src/bin.ts']));
    expect(inputs.warnings).toEqual(told);
    expect(inputs.atoms?.files.map((f) => f.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(inputs.graph.edges.length).toBeGreaterThan(0);
  });

  it('nothing atomized is E_ATOMIZE_NO_FILES, never an empty graph', async () => {
    const dir = workspace({ 'notes.txt': 'hello\n', 'src/bin.ts': CODE['src/bin.ts'] });
    expect(await codeOf(loadGraphInputs(['notes.txt'], { cwd: dir, root: dir, cache: false }))).toBe(
      'E_ATOMIZE_NO_FILES',
    );
    expect(await codeOf(atomizeSources([join(dir, 'src')], dir, { cache: false }))).toBe('E_ATOMIZE_NO_FILES');
    expect(await codeOf(loadGraphInputs([], { cwd: dir, root: dir }))).toBe('E_GRAPH_INPUT');
    expect(await codeOf(loadGraphInputs(['missing'], { cwd: dir, root: dir }))).toBe('E_FILE_NOT_FOUND');
  });

  it('an atoms document carries its own skipped list; resolvePath may refuse a path', async () => {
    const dir = workspace(CODE);
    const atoms = await atomizeSources([join(dir, 'src')], dir, { cache: false });
    writeFileSync(join(dir, 'atoms.json'), JSON.stringify(atoms));
    const inputs = await loadGraphInputs(['atoms.json'], { cwd: dir, root: dir });
    expect(inputs.skipped).toEqual([{ path: 'src/bin.ts', reason: 'binary file (NUL bytes)' }]);
    const refuse = (p: string) => {
      if (p.startsWith('..')) throw Object.assign(new Error('outside'), { code: 'E_PATH_ESCAPE' });
      return join(dir, p);
    };
    expect(await codeOf(loadGraphInputs(['../x.json'], { cwd: dir, root: dir, resolvePath: refuse }))).toBe(
      'E_PATH_ESCAPE',
    );
  });
});

describe('syntax errors of the files atomized', () => {
  const BROKEN = {
    'src/ok.ts': 'export function ok(): number {\n  return 1;\n}\n',
    'src/user.ts': "import { ok } from './ok';\nexport function user( {\n  return ok( +;\n}\n",
    'bad.py': 'def f(:\n    return 1\n',
  };
  const located = (d: Diagnostic) => `${d.file}:${d.line}:${d.column}: ${d.code}`;

  it("atomizeSources tells each file's diagnostics, once, in path order", async () => {
    const dir = workspace(BROKEN);
    const told: Diagnostic[] = [];
    const atoms = await atomizeSources(['src', 'bad.py'], dir, { cache: false, onDiagnostic: (d) => told.push(d) });
    const expected = atoms.files.flatMap((f) => (f as { diagnostics?: Diagnostic[] }).diagnostics ?? []);
    expect(told).toEqual(expected);
    expect(told.map(located)).toEqual([
      'bad.py:1:7: E_ATOMIZE_SYNTAX',
      'src/user.ts:3:10: E_ATOMIZE_SYNTAX',
      'src/user.ts:3:12: E_ATOMIZE_SYNTAX',
      'src/user.ts:3:15: E_ATOMIZE_SYNTAX',
      'src/user.ts:4:1: E_ATOMIZE_SYNTAX',
    ]);
    expect(told.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('loadGraphInputs tells them and lists them in warnings, from sources and from an atoms document', async () => {
    const dir = workspace(BROKEN);
    const told: Diagnostic[] = [];
    const inputs = await loadGraphInputs(['src', 'bad.py'], {
      cwd: dir,
      root: dir,
      cache: false,
      onDiagnostic: (d) => told.push(d),
    });
    expect(inputs.warnings).toEqual(told);
    const syntax = told.filter((d) => d.code === 'E_ATOMIZE_SYNTAX').map(located);
    expect(syntax).toEqual([...new Set(syntax)]);
    expect(syntax).toHaveLength(5);
    expect(syntax).toContain('bad.py:1:7: E_ATOMIZE_SYNTAX');

    const atoms = await atomizeSources(['src', 'bad.py'], dir, { cache: false });
    // A hand-edited document: an entry that is no diagnostic is left out, not passed on.
    const files = atoms.files.map((f) =>
      f.path === 'src/ok.ts' ? { ...f, diagnostics: [{ message: 1 }, null, 'x'] } : f,
    );
    writeFileSync(join(dir, 'atoms.json'), JSON.stringify({ files }));
    const fromDoc = await loadGraphInputs(['atoms.json'], { cwd: dir, root: dir });
    expect(fromDoc.warnings.filter((d) => d.code === 'E_ATOMIZE_SYNTAX').map(located)).toEqual(syntax);
    expect(fromDoc.warnings.some((d) => d.file === 'src/ok.ts')).toBe(false);
  });
});

describe('validatePlanInputs', () => {
  it('a plan with a skipped source file does not pass, whichever checks run', async () => {
    const dir = workspace(CODE);
    const inputs = await loadGraphInputs(['src', 'foo.rb'], { cwd: dir, root: dir, cache: false });
    for (const only of [undefined, ['atom.syntax']]) {
      const report = validatePlanInputs(inputs, ['src', 'foo.rb'], only ? { only } : {});
      expect(report.passed).toBe(false);
      expect(report.levels.find((l) => l.level === 'plan')).toMatchObject({ passed: false, errors: 2 });
      const result = report.results.find((r) => r.check === SOURCES_ATOMIZED);
      expect(result?.issues.map((i) => [i.severity, i.file])).toEqual([
        ['error', 'foo.rb'],
        ['error', 'src/bin.ts'],
      ]);
      const json = planValidationJson(report);
      expect(json).toMatchObject({ ok: false, passed: false, skipped: inputs.skipped });
    }
    // The same code without the skipped files passes.
    const clean = await loadGraphInputs(['src/a.ts', 'src/b.ts'], { cwd: dir, root: dir, cache: false });
    const report = validatePlanInputs(clean, ['src/a.ts', 'src/b.ts'], { registry: new CheckRegistry() });
    expect(report.skipped).toEqual([]);
    expect(planValidationJson(report)).toMatchObject({ ok: true, passed: true, skipped: [] });
  });

  it('a {nodes, edges} graph alone, or atoms of no code, is E_GRAPH_INPUT', async () => {
    const dir = workspace({ 'g.json': '{"nodes":[{"id":"a"}],"edges":[]}', 'blank.ts': '' });
    const graph = await loadGraphInputs(['g.json'], { cwd: dir, root: dir });
    expect(() => validatePlanInputs(graph, ['g.json'])).toThrow(expect.objectContaining({ code: 'E_GRAPH_INPUT' }));
    const blank = await loadGraphInputs(['blank.ts'], { cwd: dir, root: dir, cache: false });
    expect(() => validatePlanInputs(blank, ['blank.ts'])).toThrow(/no atoms to validate in blank\.ts/);
  });
});
