import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastQualityGatesState, QualityGatesStateSchema } from '../src/index.js';

// The zod-free reader of state.json's `quality_gates` must never disagree with the schema: whatever it
// reads, the schema reads the same way; whatever the schema refuses, it refuses too.
const almost = <T>(valid: fc.Arbitrary<T>) =>
  fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.jsonValue() },
  );
const strings = fc.array(fc.string(), { maxLength: 4 });
const gate = fc.record(
  {
    failed_files: almost(strings),
    config_hash: almost(fc.oneof(fc.string(), fc.constant(null))),
    project_failed: almost(fc.boolean()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
const section = fc.record(
  {
    baseline_sha: almost(
      fc.oneof(
        fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 40, maxLength: 40 }),
        fc.constant(null),
      ),
    ),
    failed_files: almost(strings),
    unverified_files: almost(strings),
    gates: almost(fc.dictionary(fc.string(), almost(gate), { maxKeys: 3 })),
    parent_note: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

describe('fastQualityGatesState', () => {
  it('property: reads a section exactly as QualityGatesStateSchema does, or leaves it to the schema', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.oneof(section, fc.jsonValue()), (input) => {
        // As it comes from JSON.parse (no undefined values, plain objects).
        const value = input === undefined ? undefined : JSON.parse(JSON.stringify(input) ?? 'null');
        const fast = fastQualityGatesState(value);
        const parsed = QualityGatesStateSchema.safeParse(value);
        if (fast === undefined) return;
        read++;
        expect(parsed.success).toBe(true);
        expect(fast).toStrictEqual(parsed.data);
      }),
      { numRuns: 2000 },
    );
    expect(read).toBeGreaterThan(200); // the fast path is taken, not only refused
  });

  it('copies: changing what it returns leaves the input alone', () => {
    const input = { baseline_sha: 'a'.repeat(40), failed_files: ['x.py'], gates: { ruff: { failed_files: ['y.py'] } } };
    const out = fastQualityGatesState(input)!;
    out.failed_files.push('z.py');
    out.gates!.ruff!.failed_files.push('z.py');
    expect(input.failed_files).toEqual(['x.py']);
    expect(input.gates.ruff.failed_files).toEqual(['y.py']);
  });

  it('leaves a __proto__ key to the schema, at every level (the counterexample CI found)', () => {
    expect(fastQualityGatesState(JSON.parse('{"gates": {"__proto__": {"failed_files": []}}}'))).toBeUndefined();
    expect(fastQualityGatesState(JSON.parse('{"__proto__": null}'))).toBeUndefined();
    expect(fastQualityGatesState(JSON.parse('{"gates": {"ruff": {"__proto__": 1}}}'))).toBeUndefined();
  });
});
