import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import AjvDraft04 from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { GateRunResult } from '../src/index.js';
import { summarize, toGithubAnnotations, toSarif, toText } from '../src/index.js';
import { describeWithFixtures, sharedFixtures } from '@st3/tooling/fixtures';

// Both packages are CommonJS with a `default` export: unwrap it whichever way the loader hands it over.
const unwrap = <T>(m: T): T => (m as { default?: T }).default ?? m;
const Ajv = unwrap(AjvDraft04) as unknown as new (o: object) => {
  compile(s: object): ((d: unknown) => boolean) & { errors?: unknown[] | null };
};
const addFormats = unwrap(addFormatsModule) as unknown as (ajv: object) => void;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
// The official SARIF 2.1.0 schema is one of the shared fixtures: compiled on first use.
let compiled: ReturnType<typeof ajv.compile> | undefined;
const validate = Object.assign(
  (data: unknown): boolean => {
    compiled ??= ajv.compile(JSON.parse(readFileSync(join(sharedFixtures, 'specs/sarif-schema-2.1.0.json'), 'utf8')));
    const ok = compiled(data);
    validate.errors = compiled.errors;
    return ok;
  },
  { errors: undefined as unknown[] | null | undefined },
);

const result: GateRunResult = {
  overall_pass: false,
  summary: '✗ 2/3 gates failed (eslint: 2, pyright: error) · 1 skipped · 1.5s',
  gates: [
    {
      id: 'eslint',
      name: 'ESLint',
      passed: false,
      skipped: false,
      status: 'failed',
      duration_ms: 900,
      violations: [
        {
          file: 'src/a b.ts',
          line: 3,
          col: 5,
          rule: 'no-unused-vars',
          message: "'x' is unused, really: 100%",
          severity: 'error',
          fixable: true,
        },
        {
          file: 'src/a b.ts',
          line: 1,
          col: null,
          rule: 'eqeqeq',
          message: 'Expected ===\nsecond line',
          severity: 'warning',
          fixable: false,
        },
      ],
    },
    {
      id: 'pyright',
      name: 'Pyright',
      passed: false,
      skipped: false,
      status: 'error',
      duration_ms: 10,
      violations: [],
      reason: 'tool not found: "pyright"',
    },
    {
      id: 'mypy',
      name: 'mypy',
      passed: true,
      skipped: true,
      status: 'skipped',
      duration_ms: 0,
      violations: [],
      reason: 'no files in scope',
    },
    {
      id: 'fmt',
      name: 'Format',
      passed: true,
      skipped: false,
      status: 'passed',
      duration_ms: 1,
      violations: [
        { file: 'x.py', line: null, col: null, rule: null, message: 'note', severity: 'info', fixable: false },
      ],
    },
  ],
};

describeWithFixtures('SARIF 2.1.0', () => {
  it('validates against the official schema, one run per gate that ran, rules listed', () => {
    const sarif = toSarif(result, { baselineFailedFiles: ['src/a b.ts'], version: '0.1.0' });
    const valid = validate(sarif);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const runs = sarif.runs as {
      tool: { driver: { name: string; rules: { id: string }[] } };
      results: Record<string, unknown>[];
      invocations: { executionSuccessful: boolean }[];
    }[];
    expect(runs.map((r) => r.tool.driver.name)).toEqual(['ESLint', 'Pyright', 'Format']);
    expect(runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['eqeqeq', 'no-unused-vars']);
    expect(runs[0]!.results[0]).toMatchObject({
      ruleId: 'no-unused-vars',
      ruleIndex: 1,
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'src/a%20b.ts', uriBaseId: 'SRCROOT' },
            region: { startLine: 3, startColumn: 5 },
          },
        },
      ],
    });
    expect(runs[1]!.invocations[0]!.executionSuccessful).toBe(false);
    // A file that failed before may or may not have had this result: no claim either way (never `unchanged`).
    expect(runs[0]!.results[0]).not.toHaveProperty('baselineState');
    expect(runs[2]!.results[0]).toMatchObject({ level: 'note', ruleId: 'fmt', baselineState: 'new' });
  });

  it("per gate: a file another gate failed on does not make this gate's new result unchanged", () => {
    type Run = { results: { baselineState?: string }[] };
    const states = (options: Parameters<typeof toSarif>[1]) =>
      (toSarif(result, options).runs as Run[]).map((r) => r.results.map((x) => x.baselineState));
    // Only mypy failed on src/a b.ts and x.py at the baseline: ESLint's and Format's results there are new.
    const baselineGates = { eslint: { failed_files: [] }, fmt: { failed_files: [] }, mypy: { failed_files: ['x.py'] } };
    expect(states({ baselineFailedFiles: ['src/a b.ts', 'x.py'], baselineGates })).toEqual([
      ['new', 'new'],
      [],
      ['new'],
    ]);
    // A gate that failed without naming a file says nothing about any file.
    const projectFailed = { ...baselineGates, fmt: { failed_files: [], project_failed: true } };
    expect(states({ baselineFailedFiles: [], baselineGates: projectFailed })[2]).toEqual([undefined]);
    // No baseline: no comparison.
    expect(states({})).toEqual([[undefined, undefined], [], [undefined]]);
  });

  it('--new-only: reported results are new, pre-existing ones unchanged; regions stay valid (1-based, column only with a line)', () => {
    const newOnly: GateRunResult = {
      ...result,
      gates: [
        {
          ...result.gates[0]!,
          violations: [result.gates[0]!.violations[0]!],
          preexisting_violations: [
            result.gates[0]!.violations[1]!,
            {
              file: null,
              line: null,
              col: null,
              rule: null,
              message: 'no location',
              severity: 'error',
              fixable: false,
            },
            {
              file: 'b.ts',
              line: null,
              col: 4,
              rule: 'r',
              message: 'column without line',
              severity: 'error',
              fixable: false,
            },
          ],
        },
      ],
    };
    const sarif = toSarif(newOnly);
    expect(validate(sarif)).toBe(true);
    const results = (sarif.runs as { results: Record<string, unknown>[] }[])[0]!.results;
    expect(results.map((r) => r.baselineState)).toEqual(['new', 'unchanged', 'unchanged', 'unchanged']);
    expect(results[1]).toMatchObject({ locations: [{ physicalLocation: { region: { startLine: 1 } } }] });
    expect(JSON.stringify(results[1])).not.toContain('startColumn');
    expect(results[2]!.locations).toEqual([]);
    expect(JSON.stringify(results[3])).not.toContain('region');
  });

  it('without a baseline, no baselineState; still valid', () => {
    const sarif = toSarif(result);
    expect(validate(sarif)).toBe(true);
    expect(JSON.stringify(sarif)).not.toContain('baselineState');
  });
});

describe('GitHub annotations', () => {
  it('writes one escaped workflow command per violation, gate errors and the summary', () => {
    expect(toGithubAnnotations(result).split('\n')).toEqual([
      "::error file=src/a b.ts,line=3,col=5,title=eslint%3A no-unused-vars::'x' is unused, really: 100%25",
      '::warning file=src/a b.ts,line=1,title=eslint%3A eqeqeq::Expected ===%0Asecond line',
      '::error title=pyright%3A gate error::tool not found: "pyright"',
      '::notice file=x.py,title=fmt::note',
      `::notice title=st3 gates::${result.summary}`,
      '',
    ]);
  });
});

describe('text report', () => {
  it('groups violations by file, sorted by line, then gate lines and the summary', () => {
    const text = toText(result);
    expect(text).toBe(
      [
        'src/a b.ts',
        '  1        warning  Expected ===  eqeqeq (eslint)',
        '           second line',
        "  3:5      error    'x' is unused, really: 100%  no-unused-vars (eslint) [fixable]",
        '',
        'x.py',
        '  -        info     note  (fmt)',
        '',
        '✗ ESLint (eslint): failed, 2 violations, 0.9s',
        '✗ Pyright (pyright): error, 0 violations, 0.0s',
        '    tool not found: "pyright"',
        '○ mypy (mypy): skipped',
        '    no files in scope',
        '✓ Format (fmt): passed, 1 violation, 0.0s',
        '',
        result.summary,
        '',
      ].join('\n'),
    );
  });
});

describe('summary', () => {
  it('is one deterministic line', () => {
    expect(summarize(result.gates, 1500)).toBe('✗ 2/4 gates failed (eslint: 2, pyright: error) · 1 skipped · 1.5s');
    expect(summarize([result.gates[3]!], 4210)).toBe('✓ 1/1 gates passed · 4.2s');
    expect(summarize([], 0)).toBe('✓ no gates to run · 0.0s');
  });
});
