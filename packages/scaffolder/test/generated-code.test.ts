import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScaffolder, type Language, type RenderedFile } from '../src/index.js';
import { CODE_TYPES, SAMPLE_CONTEXTS } from './fixtures/contexts.js';

// The generated project lives in a temp folder whose node_modules links to the real zod, vitest and @types/node.
const pkgRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repoRoot = resolve(pkgRoot, '..', '..');
let dir: string;
const files: Record<Language, RenderedFile[]> = { ts: [], py: [] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'st3-generated-'));
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(realpathSync(join(pkgRoot, 'node_modules', 'zod')), join(dir, 'node_modules', 'zod'), 'dir');
  symlinkSync(realpathSync(join(repoRoot, 'node_modules', 'vitest')), join(dir, 'node_modules', 'vitest'), 'dir');
  symlinkSync(
    realpathSync(join(repoRoot, 'node_modules', '@types', 'node')),
    join(dir, 'node_modules', '@types', 'node'),
    'dir',
  );
  const s = await createScaffolder({ now: () => new Date('2026-01-02T03:04:05Z') });
  for (const lang of ['ts', 'py'] as const) {
    for (const type of CODE_TYPES) {
      for (const sample of SAMPLE_CONTEXTS[type]!) {
        for (const pipeline of ['v2'] as const) {
          const r = s.render({ type, name: sample.name, context: sample.context, language: lang, pipeline });
          expect(r.warnings).toEqual([]);
          files[lang].push(...r.files);
        }
      }
    }
  }
  for (const f of [...files.ts, ...files.py]) {
    mkdirSync(dirname(join(dir, f.path)), { recursive: true });
    writeFileSync(join(dir, f.path), f.content);
  }
  writeFileSync(join(dir, 'package.json'), '{ "type": "module", "private": true }\n');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('generated TypeScript', () => {
  it('covers every code type and the companion tests', () => {
    expect(new Set(files.ts.map((f) => f.artifactType))).toEqual(new Set(CODE_TYPES));
    expect(files.ts.filter((f) => f.path.endsWith('.test.ts')).length).toBeGreaterThanOrEqual(8);
  });

  it('compiles with tsc --strict (NodeNext)', async () => {
    const ts = (await import('typescript')).default;
    const roots = files.ts.map((f) => join(dir, f.path));
    const program = ts.createProgram(roots, {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts'],
      noUnusedLocals: false,
      exactOptionalPropertyTypes: false,
    });
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) =>
          `${d.file?.fileName.slice(dir.length + 1)}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(diagnostics).toEqual([]);
  }, 120_000);

  it('passes its generated vitest tests (one combined run)', () => {
    const vitest = join(dir, 'node_modules', 'vitest', 'vitest.mjs');
    const run = spawnSync(process.execPath, [vitest, 'run', '--root', dir, '--reporter', 'dot', '--pool', 'threads'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', CI: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    expect(output, output).toMatch(/Tests\s+\d+ passed/);
    expect(run.status, output).toBe(0);
  }, 120_000);
});

describe('generated Python', () => {
  it('compiles with python3 -m py_compile', () => {
    const paths = files.py.map((f) => join(dir, f.path));
    expect(paths.length).toBeGreaterThanOrEqual(CODE_TYPES.length + 2);
    const run = spawnSync('python3', ['-m', 'py_compile', ...paths], {
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', PYTHONPYCACHEPREFIX: join(dir, '.pycache') },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
