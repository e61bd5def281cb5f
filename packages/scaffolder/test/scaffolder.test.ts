import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSt3Error, loadText, TemplateRegistrySchema } from '@st3/schemas';
import {
  checkFiles,
  createScaffolder,
  parseHeader,
  stageRendered,
  VirtualTree,
  type RenderedFile,
} from '../src/index.js';
import { CODE_TYPES, DOC_TYPES, SAMPLE_CONTEXTS } from './fixtures/contexts.js';
import { FIXED_NOW, realWorld, tempDir } from './helpers.js';
import { itWithFixtures } from '@st3/tooling/fixtures';

let t: ReturnType<typeof tempDir>;
beforeEach(() => {
  t = tempDir();
  mkdirSync(join(t.dir, '.st3'));
});
afterEach(() => t.cleanup());

const dto = SAMPLE_CONTEXTS.dto![0]!;

describe('rendering', () => {
  it('renders every built-in type through both pipelines with a provenance header', async () => {
    const s = await createScaffolder({ now: () => FIXED_NOW });
    for (const type of [...CODE_TYPES, ...DOC_TYPES, 'tracking']) {
      for (const sample of SAMPLE_CONTEXTS[type]!) {
        const v2 = s.render({ type, name: sample.name, context: sample.context, pipeline: 'v2' });
        const v1 = s.render({ type, name: sample.name, context: sample.context, pipeline: 'v1' });
        const main = v2.files[0]!;
        const header = parseHeader(main.content, main.path);
        expect(header, `${type}`).toMatchObject({
          status: 'ok',
          path: main.path,
          template: type,
          version: main.versionHash,
          created: '2026-01-02T03:04:05Z',
          updated: '',
        });
        expect(main.versionHash).toMatch(/^[0-9a-f]{8}$/);
        expect(
          v1.files.map((f) => f.content),
          type,
        ).toEqual(v2.files.map((f) => f.content));
      }
    }
  });

  it('writes the header in the comment syntax of the extension', async () => {
    const s = await createScaffolder({ now: () => FIXED_NOW });
    const [ts] = s.render({ type: 'dto', name: 'A', context: dto.context, language: 'ts' }).files;
    const [py] = s.render({ type: 'dto', name: 'A', context: dto.context, language: 'py' }).files;
    const [md] = s.render({ type: 'research', name: 'A' }).files;
    expect(ts!.content.split('\n').slice(0, 2)).toEqual([
      '// src/dtos/a.ts',
      `// template=dto version=${ts!.versionHash} created=2026-01-02T03:04:05Z updated=`,
    ]);
    expect(py!.content.split('\n').slice(0, 2)).toEqual([
      '# src/dtos/a.py',
      `# template=dto version=${py!.versionHash} created=2026-01-02T03:04:05Z updated=`,
    ]);
    expect(md!.content.split('\n').slice(0, 2)).toEqual([
      '<!-- docs/research/a.md -->',
      `<!-- template=research version=${md!.versionHash} created=2026-01-02T03:04:05Z updated= -->`,
    ]);
  });

  it('returns ephemeral artifacts as text and writes no file', async () => {
    const s = await createScaffolder();
    const r = s.render({
      type: 'commit',
      name: 'add scaffold check',
      context: { type: 'feat', scope: 'scaffold', breaking: 'new header format', refs: ['#3'] },
    });
    expect(r.files).toEqual([]);
    expect(r.ephemeral).toBe('feat(scaffold)!: add scaffold check\n\nBREAKING CHANGE: new header format\nRefs: #3\n');
  });

  it('shapes the planning document like the planning seeds', async () => {
    const s = await createScaffolder({ now: () => FIXED_NOW });
    const text = s.render({ type: 'planning', name: 'State Snapshot', context: SAMPLE_CONTEXTS.planning![0]!.context })
      .files[0]!.content;
    const headings = text.split('\n').filter((l) => /^#{1,3} /.test(l));
    expect(headings).toEqual([
      '# State Snapshot',
      '## Purpose',
      '## Scope',
      '## Prerequisites',
      '## Summary',
      '## Phases',
      '### Phase 1: Schema',
      '### Phase 2: API',
      '## Related Documentation',
      '## Version History',
    ]);
    expect(text).toContain('**Status:** DRAFT');
  });
});

describe('schema-first (v2) and loose (v1) pipelines', () => {
  it('v2 names each bad field and renders nothing', async () => {
    const s = await createScaffolder();
    try {
      s.render({
        type: 'dto',
        name: 'Bad',
        context: {
          fields: [
            { name: '1bad', type: 'string' },
            { name: 'ok', type: 'nope' },
          ],
          colour: 'red',
        },
        pipeline: 'v2',
      });
      expect.unreachable();
    } catch (error) {
      expect(isSt3Error(error, 'E_CONTEXT_INVALID')).toBe(true);
      const paths = (error as { diagnostics: { path: unknown[] }[] }).diagnostics.map((d) => d.path.join('.'));
      expect(paths.sort()).toEqual(['colour', 'fields.0.name', 'fields.1.type']);
    }
  });

  it('v2 honours the state machine of the artifact type', async () => {
    const s = await createScaffolder();
    expect(() => s.render({ type: 'architecture', name: 'X', context: { status: 'DONE' } })).toThrow(
      expect.objectContaining({ code: 'E_CONTEXT_INVALID' }),
    );
    expect(s.render({ type: 'architecture', name: 'X', context: { status: 'REVIEW' } }).files[0]!.content).toContain(
      '**Status:** REVIEW',
    );
  });

  it('v1 falls back to defaults with one warning per fallback', async () => {
    const s = await createScaffolder();
    const r = s.render({ type: 'dto', name: 'Loose', context: {}, pipeline: 'v1' });
    expect(r.warnings.map((w) => w.path?.[0]).sort()).toEqual(['description', 'fields', 'frozen']);
    expect(r.warnings.every((w) => w.code === 'W_DEFAULT_FALLBACK')).toBe(true);
  });

  it('selects the pipeline per call, then by option, then by config (schema_first in artifacts.yaml)', async () => {
    writeFileSync(join(t.dir, '.st3', 'config.yaml'), '');
    mkdirSync(join(t.dir, '.st3', 'config'));
    writeFileSync(
      join(t.dir, '.st3', 'config', 'artifacts.yaml'),
      'schema_first: false\nartifact_types:\n  - type: code\n    type_id: dto\n    name: DTO\n    file_extension: .ts\n',
    );
    expect(
      (await createScaffolder({ workspace: t.dir })).render({ type: 'dto', name: 'A', context: dto.context }).pipeline,
    ).toBe('v1');
    expect(
      (await createScaffolder({ workspace: t.dir, schemaFirst: true })).render({
        type: 'dto',
        name: 'A',
        context: dto.context,
      }).pipeline,
    ).toBe('v2');
    expect(
      (await createScaffolder({ workspace: t.dir, schemaFirst: true })).render({
        type: 'dto',
        name: 'A',
        context: dto.context,
        pipeline: 'v1',
      }).pipeline,
    ).toBe('v1');
  });
});

describe('artifact registry', () => {
  itWithFixtures(
    'reads the real registry, warns about legacy fields, and renders its types in their language',
    async () => {
      mkdirSync(join(t.dir, '.st3', 'config'));
      cpSync(join(realWorld, 'st3-config', 'artifacts.yaml'), join(t.dir, '.st3', 'config', 'artifacts.yaml'));
      const s = await createScaffolder({ workspace: t.dir });
      expect(s.warnings.filter((w) => w.code === 'W_DEPRECATED').length).toBeGreaterThan(10);
      expect(s.warnings[0]!.line).toBeGreaterThan(1);
      const r = s.render({ type: 'dto', name: 'Trade', context: dto.context });
      // the companion test goes where the registry's unit_test base_path says
      expect(r.files.map((f) => f.path)).toEqual(['src/dtos/trade.py', 'tests/mcp_server/unit/test_trade.py']);
      // its template_path (concrete/dto.py.jinja2) is not there: the built-in renders, never silently
      expect(r.warnings).toEqual([
        expect.objectContaining({
          code: 'W_TEMPLATE_FALLBACK',
          message:
            'template concrete/dto.py.jinja2 (template_path of "dto") is not under .st3/templates: rendering the built-in concrete/dto.py (eta)',
        }),
      ]);
      const types = s.listArtifactTypes();
      expect(types.find((a) => a.type === 'adapter')!.templates).toEqual([]);
      expect(() => s.render({ type: 'adapter', name: 'X' })).toThrow(
        expect.objectContaining({ code: 'E_ARTIFACT_UNKNOWN' }),
      );
      expect(() => s.render({ type: 'nope', name: 'X' })).toThrow(
        expect.objectContaining({ code: 'E_ARTIFACT_UNKNOWN' }),
      );
    },
  );
});

describe('version hash and user templates', () => {
  it('changes when any tier of the chain changes, and user templates override built-ins', async () => {
    const base = (await createScaffolder()).render({ type: 'research', name: 'R' }).files[0]!.versionHash;
    const same = (await createScaffolder({ workspace: t.dir })).render({ type: 'research', name: 'R' }).files[0]!
      .versionHash;
    expect(same).toBe(base);
    mkdirSync(join(t.dir, '.st3', 'templates', 'partials', 'md'), { recursive: true });
    writeFileSync(
      join(t.dir, '.st3', 'templates', 'partials', 'md', 'list.eta'),
      '<% for (const item of it.items) { %>\n* <%= item %>\n<% } %>\n',
    );
    const changed = (await createScaffolder({ workspace: t.dir })).render({
      type: 'research',
      name: 'R',
      context: { questions: ['q'] },
    }).files[0]!;
    expect(changed.versionHash).not.toBe(base);
    expect(changed.content).toContain('* q');
  });

  it('validates user templates against their JSON Schema (ajv)', async () => {
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
        required: ['name', 'service'],
        properties: { name: { type: 'string' }, service: { type: 'string', minLength: 1 } },
        additionalProperties: false,
      }),
    );
    writeFileSync(
      join(t.dir, '.st3', 'templates', 'concrete', 'runbook.md.eta'),
      "<%/*\nversion: 2.0.0\ncontext_schema: runbook.schema.json\n*/%>\n<% layout('@lang/markdown') %>\nService: <%= it.service %>\n",
    );
    const s = await createScaffolder({ workspace: t.dir });
    expect(s.render({ type: 'runbook', name: 'Deploy', context: { service: 'api' } }).files[0]!.content).toContain(
      'Service: api',
    );
    try {
      s.render({ type: 'runbook', name: 'Deploy', context: { servic: 'api' } });
      expect.unreachable();
    } catch (error) {
      expect((error as { diagnostics: { path: unknown[] }[] }).diagnostics.map((d) => d.path.join('.')).sort()).toEqual(
        ['servic', 'service'],
      );
    }
  });
});

async function scaffoldOnce(root: string, name: string, now = FIXED_NOW): Promise<RenderedFile[]> {
  const s = await createScaffolder({ workspace: root, now: () => now });
  const r = s.render({ type: 'dto', name, context: dto.context });
  const tree = new VirtualTree(root);
  const staged = await stageRendered(tree, r.files, { now });
  const report = await tree.commit();
  await s.recordVersions(staged.filter((f) => report.written.includes(f.path)));
  return staged;
}

describe('template registry, re-runs and check', () => {
  it('records hashes in the real format; an identical re-run changes nothing', async () => {
    const files = await scaffoldOnce(t.dir, 'Account');
    const path = join(t.dir, '.st3', 'template_registry.json');
    const text = readFileSync(path, 'utf8');
    const registry = loadText(text, { file: path, schema: TemplateRegistrySchema }).value!;
    expect(registry.current_versions.dto).toBe(files[0]!.versionHash);
    expect(registry.version_hashes[files[0]!.versionHash]).toMatchObject({
      artifact_type: 'dto',
      hash_algorithm: 'SHA256',
      concrete: { template_id: 'dto.ts', version: '1.0.0' },
      tier0: { template_id: 'base/artifact' },
    });
    const before = readFileSync(join(t.dir, files[0]!.path), 'utf8');
    const later = new Date('2026-02-01T00:00:00Z');
    await scaffoldOnce(t.dir, 'Account', later);
    expect(readFileSync(join(t.dir, files[0]!.path), 'utf8')).toBe(before);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('10 parallel scaffolds give 10 files and a consistent registry', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `Item${i}`);
    const all = await Promise.all(names.map((n) => scaffoldOnce(t.dir, n)));
    expect(all.flat().length).toBe(20);
    for (const files of all) for (const f of files) expect(readFileSync(join(t.dir, f.path), 'utf8')).toBe(f.content);
    const registry = JSON.parse(readFileSync(join(t.dir, '.st3', 'template_registry.json'), 'utf8'));
    expect(Object.keys(registry.version_hashes).sort()).toEqual(
      [...new Set(all.flat().map((f) => f.versionHash))].sort(),
    );
  });

  it('check tells current, outdated (with the version it came from), unknown and malformed apart', async () => {
    const [current] = await scaffoldOnce(t.dir, 'Fresh');
    mkdirSync(join(t.dir, 'src', 'old'), { recursive: true });
    writeFileSync(
      join(t.dir, 'src', 'old', 'outdated.ts'),
      '// src/old/outdated.ts\n// template=dto version=0badc0de created=2025-01-01T00:00:00Z updated=\nexport {};\n',
    );
    writeFileSync(
      join(t.dir, 'src', 'old', 'unknown.ts'),
      '// src/old/unknown.ts\n// template=dto version=12345678 created=2025-01-01T00:00:00Z updated=\nexport {};\n',
    );
    writeFileSync(
      join(t.dir, 'src', 'old', 'broken.ts'),
      '// src/old/broken.ts\n// template=dto version=XYZ created=yesterday updated=\nexport {};\n',
    );
    writeFileSync(join(t.dir, 'src', 'old', 'plain.ts'), 'export {};\n');
    const registryPath = join(t.dir, '.st3', 'template_registry.json');
    const registry = JSON.parse(readFileSync(registryPath, 'utf8'));
    registry.version_hashes['0badc0de'] = {
      artifact_type: 'dto',
      created: '2025-01-01T00:00:00',
      hash_algorithm: 'SHA256',
      concrete: { template_id: 'dto.ts', version: '0.9.0' },
    };
    writeFileSync(registryPath, JSON.stringify(registry));
    const s = await createScaffolder({ workspace: t.dir });
    const report = await checkFiles(t.dir, [], s);
    const by = Object.fromEntries(report.files.map((f) => [f.path, f]));
    expect(by[current!.path]!.status).toBe('current');
    expect(by['src/old/outdated.ts']).toMatchObject({
      status: 'outdated',
      from: { template_id: 'dto.ts', version: '0.9.0' },
    });
    expect(by['src/old/unknown.ts']!.status).toBe('unknown');
    expect(by['src/old/broken.ts']!.status).toBe('malformed');
    expect(by['src/old/plain.ts']).toBeUndefined();
    expect(report.failed).toBe(true);
  });
});
