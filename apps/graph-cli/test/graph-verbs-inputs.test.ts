// st3 graph, waves and validate-plan on inputs with a problem: source files the atomizer skips (a plan
// with them never passes; the graph verbs list them), keys repeated in a JSON graph, JSON that ends early.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-graph-verbs-'));
  const files: Record<string, string | Buffer> = {
    '.st3/.keep': '',
    'src/a.ts': 'export function a(n: number): number {\n  return n + 1;\n}\n',
    'src/b.ts': "import { a } from './a.js';\n\nexport function b(): number {\n  return a(1);\n}\n",
    'lib/c.ts': 'export function c(): number {\n  return 3;\n}\n',
    // A NUL byte: skipped by the atomizer as a binary file.
    'lib/bin.ts': Buffer.from('export const z = 1;\0\n'),
    'foo.rb': 'puts 1\n',
    'notes.txt': 'hello\n',
    'd.json': '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b","from":"b"}]}',
    'n.json': '{"nodes":[{"id":"a"},{"id":"b","id":"c"}],"edges":[]}',
    't.json': '{"nodes":[{"id":"a"}],\n "edges":[',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function st3(...argv: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}
const json = (r: { stdout: string }): any => JSON.parse(r.stdout);

describe('a source file the atomizer skipped', () => {
  it('validate-plan: not passed (exit 1), the verdict line and the JSON name it', async () => {
    for (const inputs of [['lib'], ['src', 'foo.rb']]) {
      const text = await st3('validate-plan', ...inputs);
      expect(text.code, text.stdout + text.stderr).toBe(1);
      const skipped = inputs[0] === 'lib' ? 'lib/bin.ts' : 'foo.rb';
      expect(text.stdout).toContain(`: failed (1 source file not atomized, so not validated: ${skipped})`);
      expect(text.stdout).not.toMatch(/: passed/);
      expect(text.stderr).toContain(`${skipped}: warning: skipped:`);
      const r = await st3('validate-plan', ...inputs, '--json');
      expect(r.code).toBe(1);
      expect(json(r)).toMatchObject({ ok: false, passed: false, skipped: [{ path: skipped }] });
      expect(json(r).results).toContainEqual(
        expect.objectContaining({ check: 'plan.sources-atomized', passed: false }),
      );
    }
    // Without them the same code passes.
    const clean = await st3('validate-plan', 'src', 'lib/c.ts', '--json');
    expect(clean.code, clean.stdout).toBe(0);
    expect(json(clean)).toMatchObject({ ok: true, passed: true, skipped: [] });
  });

  it('graph and waves: the graph of the others (exit 0), the skipped files in the JSON and warned about', async () => {
    const g = await st3('graph', 'src', 'lib', '--json');
    expect(g.code).toBe(0);
    expect(json(g).skipped).toEqual([{ path: 'lib/bin.ts', reason: 'binary file (NUL bytes)' }]);
    expect(json(g).stats.nodes).toBeGreaterThan(0);
    const w = await st3('waves', 'src', 'foo.rb', '--json');
    expect(w.code).toBe(0);
    expect(json(w).skipped).toEqual([{ path: 'foo.rb', reason: expect.stringContaining('unknown language') }]);
    const text = await st3('waves', 'src', 'foo.rb');
    expect(text.stderr).toContain('1 source file not atomized, so not in the graph: foo.rb');
    // A graph file (the fast path) has nothing skipped.
    writeFileSync(join(dir, 'ok.json'), '{"nodes":[{"id":"a"}],"edges":[]}');
    expect(json(await st3('graph', 'ok.json', '--json')).skipped).toEqual([]);
  });

  it('nothing left to atomize: E_ATOMIZE_NO_FILES (exit 2) for every verb', async () => {
    for (const verb of ['graph', 'waves', 'validate-plan']) {
      const r = await st3(verb, 'notes.txt', '--json');
      expect(r.code).toBe(2);
      expect(json(r).error.code).toBe('E_ATOMIZE_NO_FILES');
    }
  });
});

describe('a JSON graph with a problem', () => {
  it('a key repeated in an edge or a node: E_PARSE at the repeated key, never a graph of the last value', async () => {
    for (const verb of ['graph', 'waves']) {
      const edge = await st3(verb, 'd.json', '--json');
      expect(edge.code).toBe(1);
      expect(json(edge).error).toMatchObject({ code: 'E_PARSE', file: 'd.json', line: 1, column: 64 });
      expect(json(edge).error.message).toContain('"from" appears more than once');
      const node = await st3(verb, 'n.json');
      expect(node.code).toBe(1);
      expect(node.stderr).toContain('E_PARSE n.json:1:32');
    }
  });

  it('JSON that ends early: E_PARSE at its end', async () => {
    const r = await st3('graph', 't.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('E_PARSE t.json:2:10');
  });
});
