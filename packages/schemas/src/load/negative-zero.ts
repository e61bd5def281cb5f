/**
 * The value with every -0 made 0, in place (iterative: a deeply nested document cannot overflow the stack).
 * Each object is visited once: YAML aliases share nodes, and one that contains itself (`&a [*a]`) is a cycle.
 */
export function withoutNegativeZero(value: unknown): unknown {
  if (Object.is(value, -0)) return 0;
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    for (const key of Object.keys(node)) {
      const v = (node as Record<string, unknown>)[key];
      // defineProperty, not assignment: a `__proto__` key stays an own property.
      if (Object.is(v, -0))
        Object.defineProperty(node, key, { value: 0, writable: true, enumerable: true, configurable: true });
      else if (v !== null && typeof v === 'object') stack.push(v);
    }
  }
  return value;
}
