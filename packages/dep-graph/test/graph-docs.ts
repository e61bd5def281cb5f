import fc from 'fast-check';

// Graphs with parallel edges, self-loops, cycles, typed and weighted edges, node costs and extra fields.
export const graphDoc = fc
  .tuple(
    fc.integer({ min: 1, max: 30 }),
    fc.array(
      fc.record({
        a: fc.nat(),
        b: fc.nat(),
        type: fc.option(fc.constantFrom('import', 'function_call', 'type', 'variable', 'custom'), { nil: undefined }),
        weight: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
        symbols: fc.option(fc.array(fc.constantFrom('x', 'y', 'z'), { maxLength: 2 }), { nil: undefined }),
        // Keys in another order than from, to, type, weight (JSON.parse keeps the document's order).
        reversed: fc.boolean(),
      }),
      { maxLength: 80 },
    ),
    fc.array(fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }), { maxLength: 30 }),
    fc.boolean(),
    // Node keys in another order than id, cost, for some nodes.
    fc.nat(4),
  )
  .map(([n, edges, costs, extras, reversedNodes]) => ({
    nodes: Array.from({ length: n }, (_, i) => {
      const node = {
        id: `n${(i * 7919) % 1000}é`,
        ...(costs[i] !== undefined ? { cost: costs[i] } : {}),
        ...(extras && i % 3 === 0 ? { label: `node ${i}`, tags: [i, { deep: [true, null] }] } : {}),
      };
      return reversedNodes > 0 && i % reversedNodes === 0 ? Object.fromEntries(Object.entries(node).reverse()) : node;
    }),
    edges: edges.map((e) => {
      const edge = {
        from: `n${((e.a % n) * 7919) % 1000}é`,
        to: `n${((e.b % n) * 7919) % 1000}é`,
        ...(e.type !== undefined ? { type: e.type } : {}),
        ...(e.weight !== undefined ? { weight: e.weight } : {}),
        ...(e.symbols !== undefined ? { symbols: e.symbols } : {}),
        ...(extras ? { note: 'x' } : {}),
      };
      return e.reversed ? Object.fromEntries(Object.entries(edge).reverse()) : edge;
    }),
    ...(extras ? { stats: { anything: [1, 2.5e3, -0.5] } } : {}),
  }));
