import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadQualityConfig, parseQualityConfig, translatePythonRegex } from '../src/index.js';
import { itWithFixtures, realWorld } from '@st3/tooling/fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const realConfig = join(realWorld, 'st3-config/quality.yaml');

const base = (gate: string): string => `version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution:
      command: ["tool"]
${gate}`;

describe('loadQualityConfig', () => {
  itWithFixtures('loads the real v1.1 quality.yaml unchanged', async () => {
    const r = await loadQualityConfig(realConfig);
    expect(r.errors).toEqual([]);
    const c = r.value!;
    expect(c.active_gates).toEqual([
      'gate0_ruff_format',
      'gate1_formatting',
      'gate2_imports',
      'gate3_line_length',
      'gate4_types',
      'gate4_pyright',
      'gate4_types_mcp',
    ]);
    expect(c.artifact_logging).toEqual({ enabled: true, output_dir: 'mcp_server/logs/qa_logs', max_files: 200 });
    expect(c.project_scope?.include_globs).toEqual(['mcp_server/**/*.py', 'tests/mcp_server/**/*.py']);
    expect(c.gates.gate4_pyright!.capabilities.json_violations!.line_offset).toBe(1);
    expect(c.gates.gate1_formatting!.capabilities.json_violations!.fixable_when).toBe('fix/applicability');
  });

  it('checks the ST3 extensions: fixable_when objects, [] field paths, scope_mode, config_files and fix', () => {
    const ok = parseQualityConfig(
      base(`    capabilities:
      file_types: [".js"]
      parsing_strategy: json_violations
      scope_mode: importers
      config_files: ["biome.json", "config/*.json"]
      fix: { command: [tool, --write] }
      json_violations:
        field_map: { file: path, line: labels/0/line }
        fixable_when: { path: "advices[]/text", matches: "^Safe fix" }
`),
    );
    expect(ok.errors).toEqual([]);
    const mode = parseQualityConfig(
      base(`    capabilities:
      file_types: [".js"]
      parsing_strategy: exit_code
      scope_mode: everything
`),
    );
    expect(mode.errors[0]).toMatchObject({ line: 11, path: ['gates', 'lint', 'capabilities', 'scope_mode'] });
    const bad = parseQualityConfig(
      base(`    capabilities:
      file_types: [".js"]
      parsing_strategy: json_violations
      json_violations:
        field_map: { file: path, line: "labels[]/line" }
        fixable_when: { path: "fix", matches: "(unclosed" }
`),
    );
    expect(bad.errors.map((e) => [e.line, e.message.slice(0, 36)])).toEqual([
      [13, 'regex does not compile: Invalid regu'],
      [12, 'field path "labels[]/line" iterates '],
    ]);
    const both = parseQualityConfig(
      base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+): (?P<message>.*)$'
        fixable_when: { path: fixit, equals: yes }
`),
    );
    expect(both.errors).toEqual([]);
    expect(both.warnings[0]?.message).toBe('fixable_when path "fixit" names no capture group of the pattern');
  });

  it('reports an unknown parsing strategy at its line and column', () => {
    const r = parseQualityConfig(
      base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: "xml_violations"
`),
    );
    expect(r.errors[0]).toMatchObject({
      line: 10,
      column: 25,
      path: ['gates', 'lint', 'capabilities', 'parsing_strategy'],
    });
    expect(r.errors[0]!.hint).toContain('json_violations');
  });

  it('reports a regex that does not compile, at the pattern', () => {
    const r = parseQualityConfig(
      base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations:
        pattern: '^(?P<file>[^:]+:(?P<line>\\d+)$'
`),
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ code: 'E_CONFIG_INVALID', line: 12, column: 18 });
    expect(r.errors[0]!.message).toContain('regex does not compile');
  });

  it('reports a checked_files_pattern without a file group, or not a string, at its line', () => {
    const gate = (pattern: string) =>
      parseQualityConfig(
        base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations:
        pattern: '^--- (?P<file>.+)$'
      checked_files_pattern: ${pattern}
`),
      );
    const noGroup = gate(`'format_path; path=(.+)$'`);
    expect(noGroup.errors).toHaveLength(1);
    expect(noGroup.errors[0]).toMatchObject({
      code: 'E_CONFIG_INVALID',
      line: 13,
      path: ['gates', 'lint', 'capabilities', 'checked_files_pattern'],
      message: 'checked_files_pattern needs a named group "file"',
    });
    expect(gate('[a]').errors[0]).toMatchObject({
      line: 13,
      path: ['gates', 'lint', 'capabilities', 'checked_files_pattern'],
    });
    expect(gate(`'format_path; path=(?P<file>.+)$'`).errors).toEqual([]);
  });

  it('reports a checked_count_path that is not one path into JSON output, at its line', () => {
    const gate = (strategy: string, path: string) =>
      parseQualityConfig(
        base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: ${strategy}
      json_violations: {field_map: {file: file}}
      text_violations: {pattern: '^(?P<file>.+)$'}
      checked_count_path: ${path}
`),
      );
    const at = { code: 'E_CONFIG_INVALID', line: 13, path: ['gates', 'lint', 'capabilities', 'checked_count_path'] };
    expect(gate('text_violations', 'summary/filesAnalyzed').errors).toEqual([
      expect.objectContaining({ ...at, message: expect.stringContaining('needs parsing_strategy json_violations') }),
    ]);
    // Not a string: the schema's own error, at the same place.
    expect(gate('json_violations', '3').errors).toEqual([expect.objectContaining({ ...at, code: 'E_SCHEMA' })]);
    expect(gate('json_violations', 'files[]/n').errors).toEqual([expect.objectContaining(at)]);
    expect(gate('json_violations', 'summary/filesAnalyzed').errors).toEqual([]);
  });

  it('reports a {placeholder} in defaults that names no capture group', () => {
    const r = parseQualityConfig(
      base(`    capabilities:
      file_types: [".py"]
      parsing_strategy: text_violations
      text_violations:
        pattern: '^--- (?P<file>.+)$'
        defaults:
          message: "{file} needs formatting ({reason})"
          rule: "FORMAT"
`),
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      line: 14,
      column: 20,
      path: ['gates', 'lint', 'capabilities', 'text_violations', 'defaults', 'message'],
    });
    expect(r.errors[0]!.message).toBe('placeholder {reason} names no capture group of the pattern');
  });

  it('reports an active gate that is not defined, at its entry', () => {
    const r = parseQualityConfig(`version: "1.1"
active_gates: [lint, typo_gate]
gates:
  lint:
    name: Lint
    execution: {command: [tool]}
    capabilities: {file_types: [".py"], parsing_strategy: exit_code}
`);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 2, column: 22, path: ['active_gates', 1] });
    expect(r.errors[0]!.message).toContain('typo_gate');
  });

  it('warns of a mistyped key, located, with the key it likely meant (its setting would have no effect)', () => {
    const r = parseQualityConfig(`version: "1.1"
active_gates: [lint]
gates:
  lint:
    name: Lint
    execution: {command: [tool], timeout_secs: 5}
    capabilities: {file_types: [".py"], parsing_strategy: exit_code}
`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([
      expect.objectContaining({
        code: 'W_UNKNOWN_KEY',
        line: 6,
        path: ['gates', 'lint', 'execution', 'timeout_secs'],
        message: 'unknown key "timeout_secs" is ignored',
        hint: 'did you mean "timeout_seconds"?',
      }),
    ]);
  });

  itWithFixtures('the real quality.yaml has no unknown key', async () => {
    expect((await loadQualityConfig(realConfig)).warnings.filter((w) => w.code === 'W_UNKNOWN_KEY')).toEqual([]);
  });

  it('reports a missing file as E_FILE_NOT_FOUND', async () => {
    const r = await loadQualityConfig(join(here, 'no-such-quality.yaml'));
    expect(r.errors[0]!.code).toBe('E_FILE_NOT_FOUND');
  });
});

describe('translatePythonRegex', () => {
  it('translates named groups, back-references, inline flags and anchors', () => {
    expect(translatePythonRegex('(?i)\\A(?P<a>x)(?P=a)\\Z')).toEqual({ source: '^(?<a>x)\\k<a>$', flags: 'i' });
    expect(translatePythonRegex('\\(?P<not>group')).toEqual({ source: '\\(?P<not>group', flags: '' });
    expect(new RegExp(translatePythonRegex('^(?P<file>[^:]+):(?P<line>\\d+)').source).exec('a.py:3')?.groups).toEqual({
      file: 'a.py',
      line: '3',
    });
  });
});
