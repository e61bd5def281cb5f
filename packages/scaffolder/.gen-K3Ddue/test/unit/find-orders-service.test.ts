// test/unit/find-orders-service.test.ts
// template=unit_test version=478fb7af created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { FindOrdersService, type FindOrdersServiceDependencies, type FindOrdersServiceInput } from '../../src/services/find-orders-service.js';

describe('FindOrdersService', () => {
  const input = { customerId: 'example' } as FindOrdersServiceInput;
  const deps = { } as FindOrdersServiceDependencies;

  it('returns at most limit items', async () => {
    const service = new FindOrdersService({ list: async () => [1, 2, 3] }, deps);
    await expect(service.query(input, 2)).resolves.toEqual([1, 2]);
  });

  it('refuses a negative limit', async () => {
    const service = new FindOrdersService({ list: async () => [] }, deps);
    await expect(service.query(input, -1)).rejects.toThrow(RangeError);
  });
});
