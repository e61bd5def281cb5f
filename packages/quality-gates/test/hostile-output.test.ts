import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { St3Error, ViolationSchema, type GateConfig } from '@st3/schemas';
import {
  createOutputParser,
  evaluateGate,
  MYPY_PATTERN,
  parseIstanbulSummary,
  parseJestJson,
  parseJestText,
  parseLcov,
  parsePytestJunit,
  parseQualityConfig,
  parseVitestText,
  PRESETS,
  processResult,
  type ProcessResult,
} from '../src/index.js';
import { itWithFixtures, realWorld } from '@st3/tooling/fixtures';

/**
 * Issue 20.4: every preset and config-driven parser, under arbitrary JSON and text (prototype-ish keys,
 * wrong types, huge lines, deep nesting, mutated real outputs), returns violations or a located "output
 * not understood" gate error — never a TypeError.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = '/tmp/st3-fixture-project';
const CAPTURES: Record<string, string> = {
  eslint: 'eslint.json',
  tsc: 'tsc.txt',
  biome: 'biome.json',
  oxlint: 'oxlint.json',
  ruff: 'ruff.json',
  'ruff-format': 'ruff-format.txt',
  flake8: 'flake8.txt',
  mypy: 'mypy-columns.txt',
  pyright: 'pyright.json',
};
const capture = (id: string): string => readFileSync(join(here, 'fixtures/outputs', CAPTURES[id]!), 'utf8');

const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'length',
  '0',
  '',
];
const FIELD_KEYS = [
  'file',
  'filename',
  'filePath',
  'path',
  'line',
  'column',
  'row',
  'start',
  'range',
  'character',
  'location',
  'messages',
  'message',
  'diagnostics',
  'generalDiagnostics',
  'severity',
  'code',
  'rule',
  'ruleId',
  'category',
  'fix',
  'applicability',
  'advices',
  'text',
  'labels',
  'span',
];
const key = fc.oneof(fc.constantFrom(...HOSTILE_KEYS, ...FIELD_KEYS), fc.string({ maxLength: 8 }));
const leaf = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(...HOSTILE_KEYS, 'error', 'warning', '1', 'file:///x', '/abs/path.py', '../../etc/passwd'),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e300, -1, 0, 2 ** 53, -0),
  fc.boolean(),
  fc.constant(null),
);

/** A JSON value as text, with object keys written out verbatim (so `"__proto__"` really is in the text). */
type Node = { leaf: unknown } | { arr: Node[] } | { obj: [string, Node][] };
const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf.map((v) => ({ leaf: v })),
    fc.array(tie('node'), { maxLength: 4 }).map((arr) => ({ arr })),
    fc.array(fc.tuple(key, tie('node')), { maxLength: 5 }).map((obj) => ({ obj })),
  ),
}));
function toJson(n: Node): string {
  if ('leaf' in n) return JSON.stringify(n.leaf) ?? 'null';
  if ('arr' in n) return `[${n.arr.map(toJson).join(',')}]`;
  return `{${n.obj.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
}
function fromJson(value: unknown): Node {
  if (Array.isArray(value)) return { arr: value.map(fromJson) };
  if (value !== null && typeof value === 'object')
    return { obj: Object.entries(value).map(([k, v]) => [k, fromJson(v)] as [string, Node]) };
  return { leaf: value };
}
/** Replaces the `at`-th node (pre-order, modulo the count) of a tree by `by`. */
function mutate(tree: Node, at: number, by: Node): Node {
  const nodes: Node[] = [];
  const collect = (n: Node): void => {
    nodes.push(n);
    if ('arr' in n) n.arr.forEach(collect);
    if ('obj' in n) n.obj.forEach(([, v]) => collect(v));
  };
  collect(tree);
  const target = nodes[at % nodes.length];
  const swap = (n: Node): Node =>
    n === target
      ? by
      : 'arr' in n
        ? { arr: n.arr.map(swap) }
        : 'obj' in n
          ? { obj: n.obj.map(([k, v]) => [k, swap(v)] as [string, Node]) }
          : n;
  return swap(tree);
}

const deep = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const hugeLine = (n: number): string => `a.py:1: error: ${' '.repeat(n)}x`;
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(deep(5000), '{"a":' + deep(3000) + '}', hugeLine(150_000), '\u0000'.repeat(1000), 'x'.repeat(70_000)),
  node.map(toJson),
);

const run = (stdout: string, exitCode = 1): ProcessResult =>
  processResult({ exitCode, stdout, stdoutBytes: stdout.length, durationMs: 1 });

/** The contract under fuzzing: valid violations, or a located gate error that is not an internal one. */
function checkGate(gate: GateConfig, output: string): void {
  const parser = createOutputParser(gate);
  const direct = parser?.(output, { root, supportsAutofix: true });
  for (const v of direct?.violations ?? []) expect(ViolationSchema.safeParse(v).success).toBe(true);
  for (const exitCode of [0, 1]) {
    const e = evaluateGate(gate, [run(output, exitCode)], { root, supportsAutofix: true }, parser);
    expect(['passed', 'failed', 'error']).toContain(e.status);
    if (e.status === 'error') {
      expect(e.errorCode).toBe('E_GATE_OUTPUT');
      expect(e.reason).toMatch(/output not understood|nothing was parsed/);
    }
    for (const v of e.violations) expect(ViolationSchema.safeParse(v).success).toBe(true);
  }
}

const gates = PRESETS.map((p) => [p.id, p.gate] as const);

describe('hostile tool output (issue 20.4)', () => {
  it.each(gates)('%s: arbitrary JSON and text (property)', (_id, gate) => {
    fc.assert(
      fc.property(text, (out) => checkGate(gate, out)),
      { numRuns: 150 },
    );
  });

  it.each(gates)('%s: its real output with one node or line replaced by something hostile (property)', (id, gate) => {
    const real = capture(id);
    const isJson = gate.capabilities.parsing_strategy === 'json_violations';
    const tree = isJson ? fromJson(JSON.parse(real)) : undefined;
    const lines = real.split('\n');
    fc.assert(
      fc.property(fc.nat(), node, text, (at, by, line) => {
        const out = tree
          ? toJson(mutate(tree, at, by))
          : lines.map((l, i) => (i === at % lines.length ? line : l)).join('\n');
        checkGate(gate, out);
      }),
      { numRuns: 200 },
    );
  });

  it('the prototype-word severity and object file name that used to throw are handled', () => {
    const biome = PRESETS.find((p) => p.id === 'biome')!.gate;
    const e = evaluateGate(
      biome,
      [run('{"diagnostics":[{"severity":"constructor","message":"m","location":{"path":{"file":"a.ts"}}}]}')],
      { root },
    );
    expect(e).toMatchObject({ status: 'error', errorCode: 'E_GATE_OUTPUT' });
    expect(e.reason).toBe(
      'output not understood: json_violations: $.diagnostics[0] file: expected a path, found an object',
    );
  });

  it('a 150 KB mypy-style line is cut at the documented cap, not backtracked over (was 22 s)', () => {
    const mypy = PRESETS.find((p) => p.id === 'mypy')!.gate;
    const parser = createOutputParser(mypy)!;
    const started = performance.now();
    const out = parser(`${hugeLine(150_000)}\n${'b.py:2: error: ' + ' '.repeat(150_000) + '[x\n'}`, { root });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(out.violations.map((v) => [v.file, v.line])).toEqual([
      ['a.py', 1],
      ['b.py', 2],
    ]);
    // The same with the seed's own pattern.
    const started2 = performance.now();
    createOutputParser({
      ...mypy,
      capabilities: {
        ...mypy.capabilities,
        text_violations: { pattern: MYPY_PATTERN.replace('[^:\\n]+', '[^:]+'), severity_default: 'error' },
      },
    })!(hugeLine(150_000), { root });
    expect(performance.now() - started2).toBeLessThan(2000);
  });

  itWithFixtures('the gates of the real v1.1 quality.yaml: arbitrary JSON and text (property)', () => {
    const real = parseQualityConfig(readFileSync(join(realWorld, 'st3-config/quality.yaml'), 'utf8')).value!;
    for (const gate of Object.values(real.gates)) {
      fc.assert(
        fc.property(text, (out) => checkGate(gate, out)),
        { numRuns: 60 },
      );
    }
  });

  it('the report readers of `st3 test` / `st3 qa` return counts or a typed St3Error, never a TypeError', () => {
    const readers: ((t: string) => unknown)[] = [
      (t) => parseJestJson(t, root),
      (t) => parsePytestJunit(t, root),
      (t) => parseVitestText(t, root),
      (t) => parseJestText(t, root),
      (t) => parseIstanbulSummary(t, root),
      (t) => parseLcov(t, root),
    ];
    fc.assert(
      fc.property(text, fc.nat({ max: readers.length - 1 }), (out, i) => {
        try {
          readers[i]!(out);
        } catch (error) {
          expect(error).toBeInstanceOf(St3Error);
        }
      }),
      { numRuns: 400 },
    );
  });
});
