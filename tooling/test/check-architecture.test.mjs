import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkArchitecture, findCycle } from '../scripts/check-architecture.mjs';

const dirs = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake workspace: `files` maps relative paths to contents (objects are written as JSON). */
function workspace(files) {
  const root = mkdtempSync(join(tmpdir(), 'st3-arch-'));
  dirs.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const scope = '@' + 'st3';
const pkg = (name, deps = {}, exports = { '.': './dist/index.js' }) => ({
  name,
  version: '0.0.0',
  private: true,
  exports,
  dependencies: deps,
});

describe('findCycle', () => {
  it('finds a cycle and returns it closed', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(findCycle(graph)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('returns undefined for a DAG, including diamonds', () => {
    const graph = new Map([
      ['a', ['b', 'c']],
      ['b', ['d']],
      ['c', ['d']],
      ['d', []],
    ]);
    expect(findCycle(graph)).toBeUndefined();
  });
});

describe('checkArchitecture', () => {
  it('accepts a clean workspace', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg('@st3/schemas'),
      'packages/atomizer/package.json': pkg('@st3/atomizer', { '@st3/schemas': 'workspace:^' }),
      'packages/atomizer/src/index.ts': `import { z } from '${scope}/schemas';\n`,
    });
    expect((await checkArchitecture(root, { packaging: false, codes: false })).problems).toEqual([]);
  });

  it('reports a dependency cycle between packages', async () => {
    const root = workspace({
      'packages/a/package.json': pkg('@st3/a', { '@st3/b': 'workspace:^' }),
      'packages/b/package.json': pkg('@st3/b', { '@st3/a': 'workspace:^' }),
    });
    const { problems } = await checkArchitecture(root, { packaging: false, layers: false, codes: false });
    expect(problems).toEqual(['dependency cycle between workspace packages: @st3/a → @st3/b → @st3/a']);
  });

  it('reports a deep import past the public exports, but allows exported subpaths', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg(
        '@st3/schemas',
        {},
        { '.': './dist/index.js', './errors': './dist/errors.js', './json/*': './json/*' },
      ),
      'packages/gates/package.json': pkg('@st3/gates', { '@st3/schemas': 'workspace:^' }),
      'packages/gates/src/ok.ts': `import { St3Error } from '${scope}/schemas/errors';\nimport q from '${scope}/schemas/json/quality.schema.json';\n`,
      // Built from pieces so that this test file itself contains no deep import for the real check to find.
      'packages/gates/src/deep.ts': `import { loadText } from '${scope}/schemas/src/load/load-document.js';\nconst lazy = () => import('${scope}/schemas/dist/index.js');\n`,
    });
    const { problems } = await checkArchitecture(root, { packaging: false, layers: false, codes: false });
    expect(problems).toEqual([
      'packages/gates/src/deep.ts imports @st3/schemas/src/load/load-document.js, which is not in the public exports of @st3/schemas',
      'packages/gates/src/deep.ts imports @st3/schemas/dist/index.js, which is not in the public exports of @st3/schemas',
    ]);
  });

  it('reports a package that depends on an app', async () => {
    const root = workspace({
      'apps/gates-cli/package.json': pkg('@st3/gates-cli'),
      'packages/gates/package.json': pkg('@st3/gates', { '@st3/gates-cli': 'workspace:^' }),
    });
    const { problems } = await checkArchitecture(root, { packaging: false, layers: false, codes: false });
    expect(problems).toEqual([
      '@st3/gates depends on the app @st3/gates-cli: apps depend on packages, never the reverse',
    ]);
  });

  it('reports an unbuilt publishable package when packaging is checked', async () => {
    const root = workspace({ 'packages/x/package.json': { ...pkg('@st3/x'), private: false } });
    const { problems } = await checkArchitecture(root, { layers: false, codes: false });
    expect(problems).toEqual(['@st3/x: not built (run pnpm build before this check)']);
  });

  it('enforces the layering: the ground uses only schemas, an unplaced package is reported', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg('@st3/schemas'),
      'packages/fs/package.json': pkg('@st3/fs', {
        '@st3/schemas': 'workspace:^',
        '@st3/quality-gates': 'workspace:^',
      }),
      'packages/quality-gates/package.json': pkg('@st3/quality-gates', { '@st3/fs': 'workspace:^' }),
      'packages/newcomer/package.json': pkg('@st3/newcomer', { '@st3/schemas': 'workspace:^' }),
    });
    const { problems } = await checkArchitecture(root, { packaging: false, codes: false });
    expect(problems).toEqual([
      '@st3/fs depends on @st3/quality-gates, which the layering does not allow (it may use: @st3/schemas)',
      '@st3/newcomer has no place in the layering: add it to LAYERS in check-architecture.mjs',
      'dependency cycle between workspace packages: @st3/fs → @st3/quality-gates → @st3/fs',
    ]);
  });

  it('allows any package as a devDependency, but not an app and not a cycle through it', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg('@st3/schemas'),
      'packages/telemetry/package.json': pkg('@st3/telemetry', { '@st3/schemas': 'workspace:^' }),
      'packages/atomizer/package.json': {
        ...pkg('@st3/atomizer', { '@st3/schemas': 'workspace:^' }),
        devDependencies: { '@st3/telemetry': 'workspace:*' },
      },
    });
    expect((await checkArchitecture(root, { packaging: false, codes: false })).problems).toEqual([]);
  });

  it('reports a source import of a workspace package the package.json does not declare', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg('@st3/schemas'),
      'packages/process/package.json': pkg('@st3/process', { '@st3/schemas': 'workspace:^' }),
      'packages/evidence/package.json': {
        ...pkg('@st3/evidence', { '@st3/schemas': 'workspace:^' }),
        devDependencies: { '@st3/process': 'workspace:*' },
      },
      'packages/evidence/src/run.ts': `import { runProcess } from '${scope}/process';\n`,
      'packages/evidence/test/run.test.ts': `import { runProcess } from '${scope}/process';\n`,
    });
    const { problems } = await checkArchitecture(root, { packaging: false, codes: false });
    expect(problems).toEqual([
      'packages/evidence/src/run.ts imports @st3/process, which @st3/evidence does not declare in its dependencies',
    ]);
  });

  it('reports an error or warning code the sources use that is not registered (tests and doc examples aside)', async () => {
    const root = workspace({
      'packages/schemas/package.json': pkg('@st3/schemas'),
      'packages/evidence/package.json': pkg('@st3/evidence', { '@st3/schemas': 'workspace:^' }),
      'packages/evidence/src/a.ts':
        "throw new St3Error('E_KNOWN', 'x'); warn({ code: 'W_NEW' }); warn({ code: 'W_NEW' });\n",
      'packages/evidence/src/b.ts':
        "const e = { code: `E_FRESH` }; code.startsWith('E_KNO'); code.startsWith('E_OTHER_');\n",
      // A prefix of registered codes is no code of its own; one no registered code has is.
      'packages/evidence/src/c.ts': "if (code.startsWith('E_KNOWN_')) retry();\n",
      'packages/evidence/test/a.test.ts': "expect(code).toBe('E_ONLY_IN_TESTS');\n",
    });
    const { problems } = await checkArchitecture(root, {
      packaging: false,
      codes: new Set(['E_KNOWN', 'E_KNOWN_MORE']),
    });
    expect(problems).toEqual([
      'packages/evidence/src/a.ts uses W_NEW, which is not registered: add it to WARNING_CODES in @st3/schemas (cause and fix)',
      'packages/evidence/src/b.ts uses E_FRESH, which is not registered: add it to ERROR_CODES in @st3/schemas (cause and fix)',
      'packages/evidence/src/b.ts uses E_KNO, which is not registered: add it to ERROR_CODES in @st3/schemas (cause and fix)',
      'packages/evidence/src/b.ts uses E_OTHER_, which is not registered: add it to ERROR_CODES in @st3/schemas (cause and fix)',
    ]);
    // Without the registry (schemas not built) the rule cannot run: that is a problem, not a pass.
    expect((await checkArchitecture(root, { packaging: false })).problems).toContain(
      '@st3/schemas: not built (its error codes are needed for the code rule)',
    );
  });
});
