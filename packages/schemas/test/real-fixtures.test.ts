import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { loadKind } from '../src/index.js';
import { finding, fixture } from './helpers.js';
import { describeWithFixtures } from '@st3/tooling/fixtures';

describeWithFixtures('st3-config fixtures', () => {
  const files = readdirSync(fixture('st3-config')).sort();

  it('has every config kind of the seed', () => {
    expect(files).toEqual([
      'artifacts.yaml',
      'project_structure.yaml',
      'quality.yaml',
      'scaffold_metadata.yaml',
      'state.json',
      'template_registry.json',
    ]);
  });

  it.each(files)('%s loads as valid', async (name) => {
    const r = await loadKind(fixture('st3-config', name));
    expect(r.errors).toEqual([]);
    expect(r.value).toBeDefined();
  });

  it('reports each legacy scaffolder field of artifacts.yaml as a located deprecation warning', async () => {
    const r = await loadKind(fixture('st3-config', 'artifacts.yaml'));
    // 11 code artifacts carry scaffolder_class and scaffolder_module.
    expect(r.warnings).toHaveLength(22);
    expect(r.warnings.every((w) => w.code === 'W_DEPRECATED')).toBe(true);
    expect(r.warnings[0]).toMatchObject({ line: 22, column: 5, path: ['artifact_types', 0, 'scaffolder_class'] });
    expect(r.warnings[1]).toMatchObject({ line: 23, column: 5, path: ['artifact_types', 0, 'scaffolder_module'] });
  });

  it('reads quality.yaml gates with their parsing strategies', async () => {
    const r = await loadKind(fixture('st3-config', 'quality.yaml'));
    const value = r.value as {
      active_gates: string[];
      gates: Record<string, { capabilities: { parsing_strategy: string; json_violations?: { line_offset?: number } } }>;
    };
    expect(value.active_gates).toHaveLength(7);
    expect(value.gates.gate4_pyright?.capabilities.json_violations?.line_offset).toBe(1);
    expect(value.gates.gate0_ruff_format?.capabilities.parsing_strategy).toBe('text_violations');
  });
});

describeWithFixtures('the 149 task files', () => {
  const files = readdirSync(fixture('tasks'))
    .filter((f) => f.endsWith('.task.yaml'))
    .sort();

  /**
   * The verdicts, derived by hand from the template's documented rules: nine files are not
   * well-formed YAML (unquoted backticks, a `key: value: value` in the template itself, list items
   * dedented out of their block), and TASK-9006 is `blocked` without a `blocked_reason`.
   */
  const INVALID: Record<string, string> = {
    'TASK-0000-template.task.yaml': '158:11 E_PARSE',
    'TASK-0210-qa-suite-alignment.task.yaml': '131:5 E_PARSE',
    'TASK-0602-contract-first-routing.task.yaml': '128:5 E_PARSE',
    'TASK-0703-provider-mutation-coverage.task.yaml': '129:5 E_PARSE',
    'TASK-0819-rtk-query-xstate-integration.task.yaml': '154:1 E_PARSE',
    'TASK-0820-services-ports-adapters.task.yaml': '231:1 E_PARSE',
    'TASK-0821-storybook-chromatic-setup.task.yaml': '236:1 E_PARSE',
    'TASK-0822-rtk-query-xstate.task.yaml': '206:1 E_PARSE',
    'TASK-0822-sst-adr-module-parity.task.yaml': '145:7 E_PARSE',
    'TASK-9006-blocked-task.task.yaml': '3:9 E_SCHEMA',
  };

  it('are 149', () => {
    expect(files).toHaveLength(149);
  });

  it('get the documented verdict each, with the first error located', async () => {
    const verdicts: Record<string, string> = {};
    let noVersion = 0;
    for (const name of files) {
      const r = await loadKind(fixture('tasks', name));
      expect(r.kind).toBe('task');
      const first = r.errors[0];
      if (first) verdicts[name] = `${first.line}:${first.column} ${first.code}`;
      if (r.warnings.some((w) => w.code === 'W_TASK_NO_VERSION')) noVersion++;
    }
    expect(verdicts).toEqual(INVALID);
    // 20 files lack schema_version; TASK-9006 is one of them but fails the schema, so its rules never run.
    expect(noVersion).toBe(19);
  });

  it('reads schema 1.1 plans and 1.0 files without 1.1 requirements', async () => {
    const v11 = await loadKind(fixture('tasks', 'TASK-0001-mobile-deps-typecheck-lint.task.yaml'));
    expect(v11.errors).toEqual([]);
    const first = readFileSync(fixture('tasks', 'TASK-0001-mobile-deps-typecheck-lint.task.yaml'), 'utf8');
    expect(first).toMatch(/schema_version: "1\.[01]"/);
  });
});

describeWithFixtures('the pattern registry', () => {
  it('is invalid with exactly the pinned findings (ids, status enum, missing versions, names, proven_uses)', async () => {
    const r = await loadKind(fixture('patterns', 'PATTERN_INDEX.yaml'));
    expect(r.kind).toBe('pattern-registry');
    const pinned = readFileSync(new URL('./fixtures/pattern-index.findings.txt', import.meta.url), 'utf8')
      .trimEnd()
      .split('\n');
    expect(r.errors.map(finding)).toEqual(pinned);
  });

  it('flags the known rule breaks the registry README documents', async () => {
    const r = await loadKind(fixture('patterns', 'PATTERN_INDEX.yaml'));
    const text = readFileSync(fixture('patterns', 'PATTERN_INDEX.yaml'), 'utf8').split('\n');
    const idError = r.errors.find((e) => e.path?.at(-1) === 'pattern_id');
    expect(text[idError!.line! - 1]).toContain('PAT-MODULE-REFACTOR-SCAN-001');
    const statusErrors = r.errors.filter((e) => e.path?.at(-1) === 'status');
    const statuses = statusErrors.map((e) => text[e.line! - 1]!.trim());
    expect(new Set(statuses)).toEqual(new Set(['status: spec_only', 'status: migrated']));
    expect(statuses.filter((s) => s === 'status: spec_only')).toHaveLength(6);
  });
});
