import { slugify } from './text.js';

export interface StockEntry {
  sku: string;
  name: string;
  onHand: number;
  reserved: number;
}

/** In-memory stock with reservations: what is reserved cannot be sold twice. */
export class Inventory {
  private readonly entries = new Map<string, StockEntry>();

  add(name: string, quantity: number): StockEntry {
    const sku = slugify(name);
    const entry = this.entries.get(sku) ?? { sku, name, onHand: 0, reserved: 0 };
    entry.onHand += quantity;
    this.entries.set(sku, entry);
    return entry;
  }

  available(sku: string): number {
    const entry = this.entries.get(sku);
    return entry ? entry.onHand - entry.reserved : 0;
  }

  reserve(sku: string, quantity: number): boolean {
    const entry = this.entries.get(sku);
    if (!entry || quantity <= 0 || this.available(sku) < quantity) return false;
    entry.reserved += quantity;
    return true;
  }

  ship(sku: string, quantity: number): void {
    const entry = this.entries.get(sku);
    if (!entry || entry.reserved < quantity) throw new Error(`cannot ship ${quantity} of ${sku}: only ${entry?.reserved ?? 0} reserved`);
    entry.reserved -= quantity;
    entry.onHand -= quantity;
  }

  lowStock(threshold: number): StockEntry[] {
    return [...this.entries.values()].filter((e) => e.onHand - e.reserved <= threshold).sort((a, b) => a.sku.localeCompare(b.sku));
  }
}
