import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createAjv,
  deriveInstanceSchema,
  generateInstance,
  INSTANCE_KINDS,
  validateInstance,
} from '../../src/index.js';

const name = fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/);
const leaf = fc.oneof(
  fc.record({ type: fc.constantFrom('string', 'str', 'path'), required: fc.boolean() }),
  fc.record({
    type: fc.constantFrom('integer', 'int', 'number'),
    required: fc.boolean(),
    minimum: fc.integer({ min: -5, max: 5 }),
    maximum: fc.integer({ min: 6, max: 50 }),
  }),
  fc.record({ type: fc.constantFrom('boolean', 'bool'), required: fc.boolean(), default: fc.boolean() }),
  fc.record({
    type: fc.constant('string'),
    required: fc.boolean(),
    enum: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
  }),
  fc.record({ type: fc.constant('string'), required: fc.boolean(), min_length: fc.integer({ min: 0, max: 12 }) }),
);
const input = fc.oneof(
  leaf,
  fc.record({
    type: fc.constantFrom('array', 'list'),
    required: fc.boolean(),
    min_items: fc.integer({ min: 0, max: 2 }),
    max_items: fc.integer({ min: 2, max: 6 }),
    items: leaf,
  }),
  fc.record({
    type: fc.constant('object'),
    required: fc.boolean(),
    properties: fc.dictionary(name, leaf, { maxKeys: 4 }),
  }),
);

describe('instance schemas derived from spec inputs', () => {
  it('translates spec keywords and collects required inputs', () => {
    const { schema, warnings } = deriveInstanceSchema({
      pattern_id: 'PAT-X-Y-001',
      name: 'x',
      inputs: { a: { type: 'list', required: true, min_items: 1, items: { type: 'str' } }, b: { type: 'weird' } },
    });
    expect(schema.required).toEqual(['pattern_id', 'a']);
    expect((schema.properties as Record<string, unknown>).a).toEqual({
      type: 'array',
      minItems: 1,
      items: { type: 'string' },
    });
    expect(warnings.map((w) => w.message)).toEqual(['unknown input type "weird"; any value is accepted']);
  });

  it('every generated example validates against the derived schema (property)', () => {
    const ajv = createAjv();
    fc.assert(
      fc.property(fc.dictionary(name, input, { minKeys: 1, maxKeys: 6 }), (inputs) => {
        const { schema } = deriveInstanceSchema({ pattern_id: 'PAT-GEN-PROP-001', name: 'prop', inputs });
        for (const kind of INSTANCE_KINDS) {
          const result = validateInstance(ajv, schema, generateInstance(schema, kind));
          expect(result.errors).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
