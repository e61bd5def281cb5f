import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferKind, KINDS, loadKind, LifecycleSchema, ViolationSchema } from '../src/index.js';

describe('inferKind', () => {
  it.each([
    ['.st3/config/quality.yaml', 'quality'],
    ['a/artifacts.yml', 'artifacts'],
    ['scaffold_metadata.yaml', 'scaffold-metadata'],
    ['project_structure.yaml', 'project-structure'],
    ['.st3/template_registry.json', 'template-registry'],
    ['.st3/state.json', 'state'],
    ['docs/tasks/TASK-0001-x.task.yaml', 'task'],
    ['C:\\repo\\patterns\\registry\\PATTERN_INDEX.yaml', 'pattern-registry'],
    ['ws/.st3/config/tasks.yaml', 'tasks-config'],
    ['.st3/review/queue.json', 'review-queue'],
    ['C:\\ws\\.st3\\runs\\run-1.json', 'run-state'],
    ['telemetry-agent-a.json', 'telemetry-record'],
  ])('%s is %s', (path, kind) => {
    expect(inferKind(path)?.name).toBe(kind);
  });

  it('claims no kind for other names', () => {
    expect(inferKind('package.json')).toBeUndefined();
    expect(inferKind('quality.yaml.bak')).toBeUndefined();
    expect(inferKind('docs/tasks.yaml')).toBeUndefined();
    expect(inferKind('queue.json')).toBeUndefined();
  });

  it('claims no kind for the JSON Schemas `st3 schema export` writes', () => {
    expect(inferKind('.st3/schemas/telemetry-record.schema.json')).toBeUndefined();
    for (const k of KINDS) expect(inferKind(`.st3/schemas/${k.name}.schema.json`)).toBeUndefined();
  });

  it('has unique kind names', () => {
    expect(new Set(KINDS.map((k) => k.name)).size).toBe(KINDS.length);
  });
});

describe('loadKind', () => {
  const dir = mkdtempSync(join(tmpdir(), 'st3-kinds-'));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('returns E_KIND_UNKNOWN for an unclaimed name or an unknown --kind', async () => {
    expect((await loadKind(write('notes.yaml', 'a: 1\n'))).errors[0]?.code).toBe('E_KIND_UNKNOWN');
    const r = await loadKind(write('quality.yaml', 'a: 1\n'), { kind: 'nope' });
    expect(r.errors[0]).toMatchObject({ code: 'E_KIND_UNKNOWN' });
    expect(r.errors[0]?.hint).toContain('quality');
  });

  it('uses an explicit kind over the name', async () => {
    const r = await loadKind(write('x.yaml', 'nodes: [{id: a}]\nedges: []\n'), { kind: 'graph-input' });
    expect(r).toMatchObject({ kind: 'graph-input', errors: [] });
  });

  it('locates a quality gate whose parsing strategy lacks its section', async () => {
    const text =
      'version: "1.1"\nactive_gates: [lint, missing]\ngates:\n  lint:\n    name: Lint\n    execution:\n      command: [ruff]\n    capabilities:\n      file_types: [".py"]\n      parsing_strategy: json_violations\n';
    const r = await loadKind(write('quality.yaml', text));
    const lines = r.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
    expect(lines).toEqual([
      '9:7 parsing_strategy "json_violations" needs a json_violations section',
      '2:22 active gate "missing" is not defined under gates',
    ]);
  });

  it('reports an active gate that is not defined', async () => {
    const text =
      'version: "1.1"\nactive_gates: [lint, missing]\ngates:\n  lint:\n    name: Lint\n    execution:\n      command: [ruff]\n    capabilities:\n      file_types: [".py"]\n      parsing_strategy: exit_code\n';
    const r = await loadKind(write('quality.yaml', text));
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '2:22 active gate "missing" is not defined under gates',
    ]);
  });

  it('reports duplicate artifact ids and unknown states, and warns on legacy fields', async () => {
    const entry = (id: string, extra = '') =>
      `  - type: code\n    type_id: ${id}\n    name: X\n    file_extension: ".py"\n${extra}`;
    const text = `artifact_types:\n${entry('dto', '    scaffolder_class: X\n')}${entry('dto', '    state_machine:\n      states: [A]\n      initial_state: B\n')}`;
    const r = await loadKind(write('artifacts.yaml', text));
    expect(r.warnings.map((w) => `${w.line}:${w.column} ${w.code}`)).toEqual(['6:5 W_DEPRECATED']);
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '8:14 duplicate type_id "dto" (first defined at artifact_types[0])',
      '13:22 state "B" is not one of the machine\'s states',
    ]);
  });

  it('requires the 1.1 task sections', async () => {
    const text =
      'schema_version: "1.1"\nid: TASK-0001\ntitle: T\nstatus: todo\npriority: P1\narea: backend\ndescription: d\nplan:\n  - id: 1\n    actor: agent\n    inputs: []\n    outputs: []\n    definition_of_done: [x]\n    estimate: S\n';
    const r = await loadKind(write('TASK-0001-x.task.yaml', text));
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '1:1 schema 1.1 requires a validation section',
      '12:14 schema 1.1 plan steps require non-empty outputs',
    ]);
  });

  it('rejects a project structure whose parent is undeclared', async () => {
    const r = await loadKind(write('project_structure.yaml', 'directories:\n  a/b:\n    parent: a\n'));
    expect(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`)).toEqual([
      '3:13 parent "a" is not a declared directory',
    ]);
  });

  it('rejects an invalid regex in scaffold metadata', async () => {
    const text =
      'comment_patterns:\n  - syntax: hash\n    prefix: "#"\n    filepath_line_regex: "(unclosed"\n    metadata_line_regex: "^#"\n    extensions: [".py"]\nmetadata_fields: []\n';
    const r = await loadKind(write('scaffold_metadata.yaml', text));
    expect(r.errors[0]).toMatchObject({ line: 4, column: 26, path: ['comment_patterns', 0, 'filepath_line_regex'] });
  });
});

describe('shared records', () => {
  it('Violation has exactly the contract fields', () => {
    const v = { file: 'a.py', line: 1, col: 2, rule: 'E1', message: 'm', severity: 'error', fixable: false };
    expect(ViolationSchema.parse(v)).toEqual(v);
    expect(ViolationSchema.safeParse({ ...v, extra: 1 }).success).toBe(true);
    expect(ViolationSchema.safeParse({ ...v, severity: 'fatal' }).success).toBe(false);
  });

  it('Violation: absent fields are null, never "" or 0 (positions are 1-based)', () => {
    const v = { file: null, line: null, col: null, rule: null, message: 'm', severity: 'error', fixable: false };
    expect(ViolationSchema.parse(v)).toEqual(v);
    expect(ViolationSchema.safeParse({ ...v, col: 0 }).success).toBe(false);
    expect(ViolationSchema.safeParse({ ...v, line: 0 }).success).toBe(false);
    expect(ViolationSchema.safeParse({ ...v, rule: '' }).success).toBe(false);
  });

  it('Lifecycle requires an 8-hex version hash', () => {
    const l = {
      output_path: 'a.py',
      scaffold_created: '2026-01-01T00:00:00Z',
      template_id: 'dto',
      version_hash: '65005d3d',
    };
    expect(LifecycleSchema.parse(l)).toEqual(l);
    expect(LifecycleSchema.safeParse({ ...l, version_hash: 'XYZ' }).success).toBe(false);
  });
});

describe('error model', () => {
  it('isSt3Error accepts ST3 codes and refuses Node error codes', async () => {
    const { isSt3Error, St3Error, errorToJson } = await import('../src/index.js');
    expect(isSt3Error(new St3Error('E_USAGE', 'x'), 'E_USAGE')).toBe(true);
    expect(isSt3Error({ code: 'E_SCHEMA', message: 'duck' })).toBe(true);
    expect(isSt3Error(Object.assign(new Error('m'), { code: 'ERR_MODULE_NOT_FOUND' }))).toBe(false);
    expect(isSt3Error(Object.assign(new Error('m'), { code: 'ENOENT' }))).toBe(false);
    expect(errorToJson({ code: 'E_X', message: 'm' } as never)).toEqual({ code: 'E_X', message: 'm' });
  });
});
