import { describe, expect, it } from 'vitest';
import { applyDiscount, formatCents, lineTotal, orderTotal } from '../src/pricing.js';

describe('pricing', () => {
  it('multiplies unit price by quantity', () => {
    expect(lineTotal({ sku: 'a', unitCents: 250, quantity: 3 })).toBe(750);
  });

  it('rejects negative or fractional inputs', () => {
    expect(() => lineTotal({ sku: 'a', unitCents: -1, quantity: 1 })).toThrow(RangeError);
    expect(() => lineTotal({ sku: 'a', unitCents: 1, quantity: 1.5 })).toThrow(RangeError);
  });

  it('applies percent and fixed discounts, never below zero', () => {
    expect(applyDiscount(1000, { kind: 'percent', percent: 15 })).toBe(850);
    expect(applyDiscount(1000, { kind: 'fixed', cents: 1500 })).toBe(0);
    expect(applyDiscount(1000, { kind: 'none' })).toBe(1000);
  });

  it('totals an order', () => {
    const items = [{ sku: 'a', unitCents: 199, quantity: 2 }, { sku: 'b', unitCents: 1000, quantity: 1 }];
    expect(orderTotal(items, { kind: 'percent', percent: 10 })).toBe(1258);
  });

  it('formats cents', () => {
    expect(formatCents(123456)).toBe('1234.56 EUR');
    expect(formatCents(-5, 'USD')).toBe('-0.05 USD');
  });
});
