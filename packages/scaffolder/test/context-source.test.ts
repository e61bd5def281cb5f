import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Diagnostic } from '@st3/schemas';
import {
  checkPlacement,
  createScaffolder,
  loadContextText,
  stageRendered,
  VirtualTree,
  type PlacementPolicy,
  type RenderRequest,
} from '../src/index.js';
import { FIXED_NOW, tempDir } from './helpers.js';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

/** The St3Error a render throws (or a failed expectation when it renders). */
function renderError(
  s: Awaited<ReturnType<typeof createScaffolder>>,
  request: RenderRequest,
): {
  code: string;
  file?: string;
  line?: number;
  column?: number;
  diagnostics: Diagnostic[];
} {
  try {
    s.render(request);
  } catch (error) {
    return error as ReturnType<typeof renderError>;
  }
  return expect.unreachable('the render should have failed');
}

const where = (d: Diagnostic) => `${d.path?.join('.')}@${d.file ?? '-'}:${d.line ?? '-'}:${d.column ?? '-'}`;

describe('context files: schema-first errors at file:line:col', () => {
  it('loadContextText keeps where each value is; a document that does not parse has no source', () => {
    const loaded = loadContextText('fields:\n  - name: 5\n', 'ctx.yaml');
    expect(loaded.errors).toEqual([]);
    expect(loaded.value).toEqual({ fields: [{ name: 5 }] });
    expect(loaded.source?.file).toBe('ctx.yaml');
    expect(loaded.source?.locate(['fields', 0, 'name'])).toEqual({ line: 2, column: 11 });
    const bad = loadContextText('fields: [\n', 'bad.yaml');
    expect(bad.source).toBeUndefined();
    expect(bad.errors[0]).toMatchObject({ code: 'E_PARSE', file: 'bad.yaml', line: expect.any(Number) });
  });

  it('locates each diagnostic of a value from the file; the error takes the first', async () => {
    const s = await createScaffolder();
    const { value, source } = loadContextText(
      'fields:\n  - name: 5\n  - name: ok\n    type: nope\ncolour: red\n',
      'ctx.yaml',
    );
    const error = renderError(s, {
      type: 'dto',
      name: 'Foo',
      context: value as Record<string, unknown>,
      contextSource: source!,
    });
    expect(error.code).toBe('E_CONTEXT_INVALID');
    expect(error.diagnostics.map(where).sort()).toEqual([
      'colour@ctx.yaml:5:1', // an unknown key: at the key
      'fields.0.name@ctx.yaml:2:11',
      'fields.1.type@ctx.yaml:4:11',
    ]);
    const first = error.diagnostics[0]!;
    expect(error).toMatchObject({ file: 'ctx.yaml', line: first.line, column: first.column });
  });

  it('does not locate values given another way (not in keys), nor the name the request sets', async () => {
    const s = await createScaffolder();
    const { value, source } = loadContextText('name: 5\nfields:\n  - name: 6\ndescription: 7\n', 'ctx.yaml');
    const context = { ...(value as Record<string, unknown>), fields: [{ name: 8 }] };
    const error = renderError(s, {
      type: 'dto',
      name: 'Foo',
      context,
      contextSource: { ...source!, keys: ['name', 'description'] },
    });
    expect(error.diagnostics.map(where).sort()).toEqual(['description@ctx.yaml:4:14', 'fields.0.name@-:-:-']);
    expect(error).toMatchObject({ file: 'ctx.yaml', line: 4, column: 14 });
  });

  it('a missing required field points at the mapping that lacks it', async () => {
    mkdirSync(join(t.dir, '.st3', 'config'), { recursive: true });
    mkdirSync(join(t.dir, '.st3', 'templates', 'concrete'), { recursive: true });
    writeFileSync(
      join(t.dir, '.st3', 'config', 'artifacts.yaml'),
      'artifact_types:\n  - type: doc\n    type_id: runbook\n    name: Runbook\n    file_extension: .md\n',
    );
    writeFileSync(
      join(t.dir, '.st3', 'templates', 'concrete', 'runbook.schema.json'),
      JSON.stringify({
        type: 'object',
        required: ['service'],
        properties: { name: { type: 'string' }, service: { type: 'string' }, owner: { type: 'string' } },
      }),
    );
    writeFileSync(
      join(t.dir, '.st3', 'templates', 'concrete', 'runbook.md.eta'),
      "<%/*\nversion: 1.0.0\ncontext_schema: runbook.schema.json\n*/%>\n<% layout('@lang/markdown') %>\n<%= it.service %>\n",
    );
    const s = await createScaffolder({ workspace: t.dir });
    const { value, source } = loadContextText('# notes\nowner: 3\n', 'runbook.yaml');
    const error = renderError(s, {
      type: 'runbook',
      name: 'Deploy',
      context: value as Record<string, unknown>,
      contextSource: source!,
    });
    expect(error.diagnostics.map(where).sort()).toEqual(['owner@runbook.yaml:2:8', 'service@runbook.yaml:2:1']);
  });

  it('without a source, diagnostics stay by path only', async () => {
    const s = await createScaffolder();
    const error = renderError(s, { type: 'dto', name: 'Foo', context: { fields: [{ name: 5 }] } });
    expect(error.diagnostics.map(where)).toEqual(['fields.0.name@-:-:-']);
    expect(error.file).toBeUndefined();
  });
});

describe('checkPlacement and recordVersions for a scratch folder', () => {
  const policy: PlacementPolicy = {
    file: 'project_structure.yaml',
    directories: [{ path: 'src', policy: { parent: null, allowed_artifact_types: ['dto'] }, order: 0 }],
  } as PlacementPolicy;

  it('checkPlacement names the directory that allowed a path, and undefined for a path none governs', () => {
    expect(checkPlacement(policy, 'src/dtos/a.ts', 'dto')).toBe('src');
    expect(checkPlacement(policy, 'lib/a.ts', 'dto')).toBeUndefined();
    expect(() => checkPlacement(policy, 'src/a.ts', 'worker')).toThrow(
      expect.objectContaining({ code: 'E_PLACEMENT' }),
    );
  });

  it('recordVersions({ workspace }) records in that folder, not in the scaffolder workspace', async () => {
    const scratch = tempDir();
    try {
      const s = await createScaffolder({ workspace: t.dir, now: () => FIXED_NOW });
      const r = s.render({ type: 'dto', name: 'A', context: { fields: [{ name: 'id' }] }, now: FIXED_NOW });
      const tree = new VirtualTree(scratch.dir);
      const staged = await stageRendered(tree, r.files, { now: FIXED_NOW });
      await tree.commit();
      await s.recordVersions(staged, { workspace: scratch.dir });
      const registry = JSON.parse(readFileSync(join(scratch.dir, '.st3', 'template_registry.json'), 'utf8'));
      expect(registry.current_versions.dto).toBe(staged[0]!.versionHash);
      expect(existsSync(join(scratch.dir, '.st3', 'scaffold', 'answers.json'))).toBe(true);
      expect(existsSync(join(t.dir, '.st3', 'template_registry.json'))).toBe(false);
      expect(existsSync(join(t.dir, '.st3', 'scaffold'))).toBe(false);
    } finally {
      scratch.cleanup();
    }
  });
});
