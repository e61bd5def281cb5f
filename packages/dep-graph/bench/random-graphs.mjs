// Seeded random graphs shared by the dep-graph benchmarks.

/** mulberry32: a small, fast, seeded PRNG (uniform floats in [0, 1)). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random DAG: a random topological order (a permutation) and `m` distinct edges, each from the
 * earlier to the later of two random positions. Returns int32 edge arrays.
 */
export function randomDag(n, m, seed) {
  const rand = rng(seed);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  const seen = new Set();
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let k = 0;
  while (k < m) {
    const a = Math.floor(rand() * n);
    const b = Math.floor(rand() * n);
    if (a === b) continue;
    const u = perm[Math.min(a, b)];
    const v = perm[Math.max(a, b)];
    const key = u * n + v;
    if (seen.has(key)) continue;
    seen.add(key);
    src[k] = u;
    dst[k] = v;
    k++;
  }
  return { n, src, dst };
}

/** A random directed graph with cycles: `m` distinct random edges, no self-loops. */
export function randomDigraph(n, m, seed) {
  const rand = rng(seed);
  const seen = new Set();
  const src = new Int32Array(m);
  const dst = new Int32Array(m);
  let k = 0;
  while (k < m) {
    const u = Math.floor(rand() * n);
    const v = Math.floor(rand() * n);
    if (u === v || seen.has(u * n + v)) continue;
    seen.add(u * n + v);
    src[k] = u;
    dst[k] = v;
    k++;
  }
  return { n, src, dst };
}

/** A random DAG whose edges are reversed with probability `p`: mostly ordered, like real code with a few cycles. */
export function nearlyAcyclic(n, m, p, seed) {
  const dag = randomDag(n, m, seed);
  const rand = rng(seed ^ 0x9e3779b9);
  for (let e = 0; e < m; e++) {
    if (rand() < p) {
      const t = dag.src[e];
      dag.src[e] = dag.dst[e];
      dag.dst[e] = t;
    }
  }
  return dag;
}

export function time(fn, runs = 3) {
  let best = Infinity;
  let value;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    value = fn();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (ms < best) best = ms;
  }
  return { ms: best, value };
}

export const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
