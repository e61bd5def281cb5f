import { describe, expect, it } from 'vitest';
import { Inventory } from '../src/inventory.js';

describe('Inventory', () => {
  it('keys stock by the slug of the name', () => {
    const inv = new Inventory();
    inv.add('Blue Mug', 3);
    inv.add('blue mug', 2);
    expect(inv.available('blue-mug')).toBe(5);
  });

  it('reserves only what is available', () => {
    const inv = new Inventory();
    inv.add('Lamp', 2);
    expect(inv.reserve('lamp', 2)).toBe(true);
    expect(inv.reserve('lamp', 1)).toBe(false);
    expect(inv.available('lamp')).toBe(0);
  });

  it('ships reserved stock and lists low stock', () => {
    const inv = new Inventory();
    inv.add('Chair', 5);
    inv.add('Desk', 1);
    inv.reserve('chair', 4);
    inv.ship('chair', 4);
    expect(inv.lowStock(1).map((e) => e.sku)).toEqual(['chair', 'desk']);
    expect(() => inv.ship('chair', 1)).toThrow(/only 0 reserved/);
  });
});
