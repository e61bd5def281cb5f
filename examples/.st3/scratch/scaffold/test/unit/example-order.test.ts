// .st3/scratch/scaffold/test/unit/example-order.test.ts
// template=unit_test version=6c70ce0f created=2026-11-22T04:56:44Z updated=
import { describe, expect, it } from 'vitest';
import { parseExampleOrder, safeParseExampleOrder } from '../../src/dtos/example-order.js';

describe('ExampleOrder', () => {
  const valid = { id: 'example', quantity: 1 };

  it('accepts a valid value', () => {
    expect(parseExampleOrder(valid)).toEqual(valid);
  });

  it('rejects unknown fields', () => {
    expect(safeParseExampleOrder({ ...valid, unexpected: true }).success).toBe(false);
  });

  it('requires id', () => {
    const { id: _omitted, ...rest } = valid;
    expect(safeParseExampleOrder(rest).success).toBe(false);
  });
});
