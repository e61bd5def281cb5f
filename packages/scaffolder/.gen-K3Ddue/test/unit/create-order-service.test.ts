// test/unit/create-order-service.test.ts
// template=unit_test version=478fb7af created=2026-01-02T03:04:05Z updated=
import { describe, expect, it } from 'vitest';
import { CreateOrderService, type CreateOrderServiceDependencies, type CreateOrderServiceInput } from '../../src/services/create-order-service.js';

describe('CreateOrderService', () => {
  const input = { orderId: 'example' } as CreateOrderServiceInput;
  const deps = { orders: {} } as CreateOrderServiceDependencies;

  it('executes a valid command', async () => {
    await expect(new CreateOrderService(deps).execute(input)).resolves.toEqual({ ok: true });
  });

  it('refuses a command that is not an object', async () => {
    const result = await new CreateOrderService(deps).execute(null as unknown as CreateOrderServiceInput);
    expect(result.ok).toBe(false);
  });
});
