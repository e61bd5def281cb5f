// Prices are integer cents so that sums never drift.

export interface LineItem {
  sku: string;
  unitCents: number;
  quantity: number;
}

export type Discount = { kind: 'percent'; percent: number } | { kind: 'fixed'; cents: number } | { kind: 'none' };

export function lineTotal(item: LineItem): number {
  if (!Number.isInteger(item.unitCents) || item.unitCents < 0) throw new RangeError(`bad unit price for ${item.sku}`);
  if (!Number.isInteger(item.quantity) || item.quantity < 0) throw new RangeError(`bad quantity for ${item.sku}`);
  return item.unitCents * item.quantity;
}

export function applyDiscount(cents: number, discount: Discount): number {
  switch (discount.kind) {
    case 'percent': {
      if (discount.percent < 0 || discount.percent > 100) throw new RangeError('percent must be 0..100');
      return cents - Math.round((cents * discount.percent) / 100);
    }
    case 'fixed':
      return Math.max(0, cents - discount.cents);
    case 'none':
      return cents;
  }
}

/** Sales tax on an amount in cents at a rate in percent, rounded half up to a whole cent. */
export function taxCents(cents: number, ratePercent: number): number {
  // TODO: implement (the example agent of `st3 run` writes this atom)
  throw new Error(`taxCents(${cents}, ${ratePercent}) is not implemented yet`);
}

export function orderTotal(items: readonly LineItem[], discount: Discount = { kind: 'none' }): number {
  const subtotal = items.reduce((sum, item) => sum + lineTotal(item), 0);
  return applyDiscount(subtotal, discount);
}

export function formatCents(cents: number, currency = 'EUR'): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}
