// st3 validate-plan on sources with syntax errors: such a file is validated only as far as it parsed (its
// atoms and edges may be missing). The warnings are printed on stderr, located, each once, and the --json
// document lists them in `warnings` (the Diagnostic shape), as the validate_plan MCP tool does
// (apps/mcp-server/test/tools-graph-syntax-warnings.test.ts). Run through the built binary.
import type { Diagnostic } from '@st3/schemas';
import { describe, expect, it } from 'vitest';
import { brokenSourcesWorkspace } from './broken-sources.js';
import { st3Graph } from './run-bin.js';

const workspace = brokenSourcesWorkspace('st3-validate-plan-syntax-');

const EXPECTED = [
  'src/bad.py:1:7 missing )',
  "src/user.ts:3:10 ':' expected.",
  "src/user.ts:3:12 ',' expected.",
  'src/user.ts:3:15 Expression expected.',
  'src/user.ts:4:1 Declaration or statement expected.',
];

/** The located warnings on stderr (`file:line:col: warning: …`) as `file:line:col message`, in order, repeats kept. */
const stderrWarnings = (stderr: string) =>
  stderr
    .split('\n')
    .map((line) => /^([\w./-]+:\d+:\d+): warning: (.*)$/.exec(line))
    .filter((m) => m !== null)
    .map((m) => `${m[1]} ${m[2]}`);

describe('st3 validate-plan on a source file with syntax errors', () => {
  it('--json lists them in `warnings`, located (the Diagnostic shape), each once; stderr tells each once', async () => {
    const r = await st3Graph(workspace(), ['validate-plan', 'src', '--json']);
    // The plan fails on the syntax errors (atom.syntax).
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(r.stdout) as { passed: boolean; warnings: Diagnostic[] };
    expect(doc.passed).toBe(false);
    expect(doc.warnings.every((w) => w.severity === 'warning' && w.code === 'E_ATOMIZE_SYNTAX')).toBe(true);
    expect(doc.warnings.map((w) => `${w.file}:${w.line}:${w.column} ${w.message}`)).toEqual(EXPECTED);
    expect(stderrWarnings(r.stderr)).toEqual(EXPECTED);
  }, 60_000);

  it('the text report tells each warning once, on stderr', async () => {
    const r = await st3Graph(workspace(), ['validate-plan', 'src']);
    expect(r.code, r.stderr).toBe(1);
    expect(stderrWarnings(r.stderr)).toEqual(EXPECTED);
    expect(r.stdout).not.toMatch(/: warning: /);
  }, 60_000);

  it('a clean file: `warnings` is empty, and the plan passes', async () => {
    const r = await st3Graph(workspace(), ['validate-plan', 'src/ok.ts', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ passed: true, warnings: [] });
    expect(stderrWarnings(r.stderr)).toEqual([]);
  }, 60_000);
});
