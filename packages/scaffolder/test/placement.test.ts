import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeWithFixtures } from '@st3/tooling/fixtures';
import { checkPlacement, createScaffolder, directoriesFor, type PlacementPolicy } from '../src/index.js';
import { realWorld, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3', 'config'), { recursive: true });
});
afterEach(() => t.cleanup());

const fields = [{ name: 'symbol', type: 'string' }];

describeWithFixtures('the real artifacts.yaml + project_structure.yaml', () => {
  const real = async () => {
    for (const f of ['artifacts.yaml', 'project_structure.yaml'])
      cpSync(join(realWorld, 'st3-config', f), join(t.dir, '.st3', 'config', f));
    return createScaffolder({ workspace: t.dir });
  };

  it('places each artifact type where the project structure says, and its test beside its own tree', async () => {
    const s = await real();
    const paths = (type: string, name: string, context: Record<string, unknown> = {}) =>
      s.render({ type, name, context }).files.map((f) => f.path);
    expect(paths('dto', 'Trade', { fields })).toEqual(['backend/dtos/trade.py', 'tests/backend/test_trade.py']);
    expect(paths('worker', 'Fill')).toEqual(['backend/workers/fill_worker.py', 'tests/backend/test_fill_worker.py']);
    expect(paths('service', 'Book')).toEqual([
      'backend/services/book_service.py',
      'tests/backend/test_book_service.py',
    ]);
    expect(paths('tool', 'Search', { description: 'Searches' })).toEqual([
      'mcp_server/tools/search_tool.py',
      'tests/mcp_server/unit/test_search_tool.py',
    ]);
    expect(paths('schema', 'Settings', { fields })).toEqual([
      'mcp_server/schemas/settings.py',
      'tests/mcp_server/unit/test_settings.py',
    ]);
    expect(paths('unit_test', 'Parser')).toEqual(['tests/mcp_server/unit/test_parser.py']);
    expect(paths('research', 'Caching')).toEqual(['docs/development/caching.md']);
    expect(paths('architecture', 'Platform')).toEqual(['docs/architecture/platform.md']);
    expect(paths('reference', 'CLI')).toEqual(['docs/reference/cli.md']);
  });

  it('refuses a placement the structure forbids (E_PLACEMENT), naming where the type goes', async () => {
    const s = await real();
    const refused = (type: string, outPath: string, language?: 'ts' | 'py') => {
      try {
        s.render({ type, name: 'Wrong', context: { fields }, outPath, language, withTest: false });
      } catch (error) {
        return error as { code: string; message: string; hint?: string };
      }
      throw new Error(`${type} at ${outPath} was accepted`);
    };
    const dto = refused('dto', 'mcp_server/tools/wrong.py');
    expect(dto.code).toBe('E_PLACEMENT');
    expect(dto.message).toContain('mcp_server/tools/ takes tool, not dto');
    expect(dto.hint).toBe('dto goes in backend/dtos/, backend/');
    expect(refused('dto', 'backend/dtos/wrong.ts', 'ts').message).toContain('takes .py files, not .ts');
    expect(refused('unit_test', 'tests/test_wrong.py').message).toContain('tests/ takes no scaffolded artifacts');
    // paths under no declared directory are not governed
    expect(s.render({ type: 'dto', name: 'Free', context: { fields }, outPath: 'lib/free.py' }).files[0]!.path).toBe(
      'lib/free.py',
    );
  });
});

describe('placement policy (properties)', () => {
  const TYPES = ['dto', 'tool', 'doc', 'unit_test'];
  const EXTS = ['.py', '.ts', '.md'];
  /** A random tree of declared directories: each has a parent among the earlier ones, or none. */
  const policies = fc
    .array(
      fc.record({
        parent: fc.nat(),
        name: fc.constantFrom('a', 'b', 'c', 'dtos', 'tools', 'docs'),
        types: fc.option(fc.subarray(TYPES), { nil: undefined }),
        exts: fc.option(fc.subarray(EXTS), { nil: undefined }),
        root: fc.boolean(),
      }),
      { minLength: 1, maxLength: 10 },
    )
    .map((specs) => {
      const dirs: PlacementPolicy['directories'] = [];
      for (const [i, spec] of specs.entries()) {
        const parent = i === 0 || spec.root ? undefined : dirs[spec.parent % dirs.length];
        const path = parent ? `${parent.path}/${spec.name}` : `${spec.name}${i}`;
        if (dirs.some((d) => d.path === path)) continue;
        dirs.push({
          path,
          order: dirs.length,
          policy: {
            parent: parent?.path ?? null,
            ...(spec.types ? { allowed_artifact_types: spec.types } : parent ? {} : { allowed_artifact_types: [] }),
            ...(spec.exts ? { allowed_extensions: spec.exts } : {}),
          },
        });
      }
      return { file: 'project_structure.yaml', directories: dirs } satisfies PlacementPolicy;
    });

  it('a file directly in a declared directory is accepted exactly when the directory is offered for its type', () => {
    fc.assert(
      fc.property(policies, fc.constantFrom(...TYPES), fc.constantFrom(...EXTS), (policy, type, ext) => {
        const offered = new Set(directoriesFor(policy, type, ext));
        for (const d of policy.directories) {
          let accepted = true;
          try {
            checkPlacement(policy, `${d.path}/file${ext}`, type);
          } catch (error) {
            expect((error as { code: string }).code).toBe('E_PLACEMENT');
            accepted = false;
          }
          expect(accepted, `${type}${ext} in ${d.path}`).toBe(offered.has(d.path));
        }
      }),
      { numRuns: 300 },
    );
  });
});
