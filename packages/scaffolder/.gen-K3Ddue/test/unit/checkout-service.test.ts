// test/unit/checkout-service.test.ts
// template=unit_test version=478fb7af created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { CheckoutService, type CheckoutServiceDependencies, type CheckoutServiceInput } from '../../src/services/checkout-service.js';

describe('CheckoutService', () => {
  const input = {  } as CheckoutServiceInput;
  const deps = { payments: {} } as CheckoutServiceDependencies;

  it('runs every step in order', async () => {
    const order: string[] = [];
    const service = new CheckoutService([
      { name: 'first', run: async () => void order.push('first') },
      { name: 'second', run: async () => void order.push('second') },
    ], deps);
    await expect(service.run(input)).resolves.toEqual({ ok: true, completed: ['first', 'second'] });
    expect(order).toEqual(['first', 'second']);
  });

  it('compensates completed steps when one fails', async () => {
    const undone: string[] = [];
    const service = new CheckoutService([
      { name: 'first', run: async () => {}, compensate: async () => void undone.push('first') },
      { name: 'second', run: async () => { throw new Error('boom'); } },
    ], deps);
    const outcome = await service.run(input);
    expect(outcome).toMatchObject({ ok: false, failedStep: 'second', compensated: ['first'] });
    expect(undone).toEqual(['first']);
  });
});
