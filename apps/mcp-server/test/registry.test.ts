import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listing, renderToolsMarkdown, TOOL_NAMES, TOOLS } from '../src/index.js';
import { DOCS_END, DOCS_START } from '../src/docs.js';

/** The tools issue 18 requires: the contract. `exceptions_*` and `quarantine_*` are expanded to the verbs of their CLI. */
const REQUIRED = [
  'run_quality_gates',
  'list_gates',
  'init_gates',
  'run_tests',
  'scaffold_artifact',
  'list_artifact_types',
  'check_scaffolded',
  'update_scaffolded',
  'scaffold_batch',
  'check_patterns',
  'parity_compare',
  'atomize',
  'atom_context',
  'complexity',
  'dependency_graph',
  'waves',
  'validate_plan',
  'execute',
  'run_status',
  'review_list',
  'review_show',
  'review_action',
  'task_list',
  'task_show',
  'task_validate',
  'task_init_context',
  'task_context_diff',
  'evidence_attach',
  'evidence_list',
  'evidence_verify',
  'standards_attach',
  'exceptions_add',
  'exceptions_list',
  'exceptions_resolve',
  'exceptions_cleanup',
  'quarantine_list',
  'quarantine_repair',
  'quarantine_release',
  'run_validation',
  'worktree_snapshot',
  'worktree_verify',
  'qa_record',
  'qa_drift',
  'telemetry_record',
  'metrics_collect',
  'metrics_compare',
  'validate_files',
  'export_schemas',
];

/**
 * Required tools whose library function has not landed yet, with what each waits for. A tool listed
 * here must not exist (remove it from here when it lands); a required tool neither here nor
 * registered fails the test.
 */
const WAITING: Record<string, string> = {};

describe('the tool registry', () => {
  it('has every required tool, or names what it waits for', () => {
    const names = new Set(TOOL_NAMES);
    const missing = REQUIRED.filter((n) => !names.has(n) && !(n in WAITING));
    expect(missing, 'required tools with no definition').toEqual([]);
    const landed = Object.keys(WAITING).filter((n) => names.has(n));
    expect(landed, 'these landed: remove them from WAITING').toEqual([]);
    expect(Object.keys(WAITING).every((n) => REQUIRED.includes(n))).toBe(true);
  });

  it('lists each tool once, with input and output JSON Schemas of type object', () => {
    expect(new Set(TOOL_NAMES).size).toBe(TOOL_NAMES.length);
    for (const tool of TOOLS) {
      const l = listing(tool);
      expect(l.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(l.inputSchema.type, tool.name).toBe('object');
      expect(l.outputSchema?.type, tool.name).toBe('object');
      // Every result carries its verdict as `ok` (dispatch checks it says what isError says).
      expect(l.outputSchema?.required, tool.name).toContain('ok');
      expect(tool.description.length, tool.name).toBeGreaterThan(30);
    }
  });

  it('apps/mcp-server/README.md carries the generated tool reference (regenerate: pnpm --filter @st3/mcp-server gen:docs)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const start = readme.indexOf(DOCS_START);
    const end = readme.indexOf(DOCS_END);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start, end + DOCS_END.length)).toBe(renderToolsMarkdown());
    for (const name of TOOL_NAMES) expect(readme).toContain(`### \`${name}\``);
  });
});
