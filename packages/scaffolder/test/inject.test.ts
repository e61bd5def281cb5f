import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyInjections,
  createScaffolder,
  parsePromptAnswer,
  VirtualTree,
  type PlannedInjection,
} from '../src/index.js';
import { scaffoldInto, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3', 'config'), { recursive: true });
});
afterEach(() => t.cleanup());

const fields = [{ name: 'id', type: 'string' }];

/** A registry whose dto registers itself in src/dtos/index.ts (TS) or src/dtos/__init__.py (Python). */
function registryWithInjections(extra = ''): void {
  writeFileSync(
    join(t.dir, '.st3/config/artifacts.yaml'),
    [
      'artifact_types:',
      '  - type: code',
      '    type_id: dto',
      '    name: DTO',
      '    file_extension: .ts',
      '    injections:',
      '      - to: "<%= it.dir %>/index.ts"',
      '        language: ts',
      '        marker: "// st3:exports"',
      '        text: "export * from \'<%= it.module %>\';"',
      '      - to: "<%= it.dir %>/__init__.py"',
      '        language: py',
      '        create: true',
      '        text: "from <%= it.module %> import <%= it.h.pascal(it.name) %>"',
      extra,
    ].join('\n'),
  );
}

describe('injections (Plop modify/append, Hygen inject)', () => {
  it('registers a new DTO in the index module through the tree: dry-run, atomic, idempotent', async () => {
    registryWithInjections();
    mkdirSync(join(t.dir, 'src/dtos'), { recursive: true });
    writeFileSync(join(t.dir, 'src/dtos/index.ts'), "export * from './existing.js';\n// st3:exports\n");
    const dry = await scaffoldInto(t.dir, { type: 'dto', name: 'UserProfile', context: { fields } }, { dryRun: true });
    expect(dry.injected).toEqual([{ to: 'src/dtos/index.ts', action: 'inject', line: 2 }]);
    expect(dry.plan.find((c) => c.path === 'src/dtos/index.ts')).toMatchObject({ action: 'update' });
    expect(readFileSync(join(t.dir, 'src/dtos/index.ts'), 'utf8')).toBe(
      "export * from './existing.js';\n// st3:exports\n",
    );

    await scaffoldInto(t.dir, { type: 'dto', name: 'UserProfile', context: { fields } }, { policy: 'force' });
    await scaffoldInto(t.dir, { type: 'dto', name: 'Order', context: { fields } }, { policy: 'force' });
    const again = await scaffoldInto(t.dir, { type: 'dto', name: 'Order', context: { fields } }, { policy: 'force' });
    expect(again.injected).toEqual([{ to: 'src/dtos/index.ts', action: 'skip' }]);
    expect(readFileSync(join(t.dir, 'src/dtos/index.ts'), 'utf8')).toBe(
      [
        "export * from './existing.js';",
        "export * from './user-profile.js';",
        "export * from './order.js';",
        '// st3:exports',
        '',
      ].join('\n'),
    );
  });

  it('creates a Python package init when allowed, and refuses a missing anchor with E_INJECT writing nothing', async () => {
    registryWithInjections();
    await scaffoldInto(t.dir, { type: 'dto', name: 'Trade', context: { fields }, language: 'py' });
    expect(readFileSync(join(t.dir, 'src/dtos/__init__.py'), 'utf8')).toBe('from dtos.trade import Trade\n');
    // the TS index exists but has no marker: the whole scaffold is refused
    mkdirSync(join(t.dir, 'src/dtos'), { recursive: true });
    writeFileSync(join(t.dir, 'src/dtos/index.ts'), 'export {};\n');
    await expect(scaffoldInto(t.dir, { type: 'dto', name: 'Nope', context: { fields } })).rejects.toMatchObject({
      code: 'E_INJECT',
      file: 'src/dtos/index.ts',
    });
    expect(() => readFileSync(join(t.dir, 'src/dtos/nope.ts'))).toThrow();
  });

  it('applying the same injections twice changes nothing the second time (property)', async () => {
    const line = fc.stringMatching(/^[a-z ]{0,12}$/);
    // lines that hold the text as a part of a longer line must not count as "already there"
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 8 }),
        line,
        fc.constantFrom('append', 'prepend', 'after'),
        async (lines, text, kind) => {
          const file = join(t.dir, 'target.txt');
          writeFileSync(file, `${['anchor', ...lines, `x added ${text} x`].join('\n')}\n`);
          const inj: PlannedInjection = {
            to: 'target.txt',
            text: `added ${text}`,
            where: kind === 'after' ? { kind, pattern: '^anchor$' } : { kind },
            create: false,
            artifactType: 'x',
          };
          const tree = new VirtualTree(t.dir, { policy: 'force' });
          expect((await applyInjections(tree, [inj]))[0]!.action).toBe('inject');
          await tree.commit();
          const once = readFileSync(file, 'utf8');
          const second = new VirtualTree(t.dir, { policy: 'force' });
          expect((await applyInjections(second, [inj]))[0]!.action).toBe('skip');
          expect(second.size).toBe(0);
          expect(once.split('\n').filter((l) => l === `added ${text}`)).toHaveLength(1);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('prompt fields', () => {
  it('lists the required fields a request lacks, with description, default and choices', async () => {
    const s = await createScaffolder();
    expect(s.promptFields({ type: 'dto', name: 'X' })).toEqual([
      expect.objectContaining({ name: 'fields', type: 'json' }),
    ]);
    expect(s.promptFields({ type: 'dto', name: 'X', context: { fields } })).toEqual([]);
    expect(s.promptFields({ type: 'tool', name: 'X' })).toEqual([
      expect.objectContaining({ name: 'description', type: 'string' }),
    ]);
    expect(s.promptFields({ type: 'research', name: 'X' })).toEqual([]);
  });

  it('parses answers by type: numbers, yes/no, choices (by value or number), JSON; rejects the rest', () => {
    expect(parsePromptAnswer({ name: 'n', type: 'integer' }, '42')).toBe(42);
    expect(() => parsePromptAnswer({ name: 'n', type: 'integer' }, '4.2')).toThrow(/whole number/);
    expect(parsePromptAnswer({ name: 'b', type: 'boolean' }, 'y')).toBe(true);
    expect(parsePromptAnswer({ name: 'c', type: 'string', choices: ['command', 'query'] }, '2')).toBe('query');
    expect(parsePromptAnswer({ name: 'c', type: 'string', choices: ['command', 'query'] }, 'query')).toBe('query');
    expect(() => parsePromptAnswer({ name: 'c', type: 'string', choices: ['a'] }, 'b')).toThrow(/one of "a"/);
    expect(parsePromptAnswer({ name: 'f', type: 'json' }, '[{"name":"id"}]')).toEqual([{ name: 'id' }]);
    expect(parsePromptAnswer({ name: 'd', type: 'string', default: 'x' }, '')).toBe('x');
  });
});
