import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  analyzeGraph,
  criticalPath,
  csr,
  feedbackArcSet,
  indexGraph,
  indexGraphBytes,
  kahnLevels,
  planWaves,
  scanGraph,
  stronglyConnectedComponents,
  type IndexedGraph,
} from '../src/index.js';
import { ByteTable } from '../src/fast/byte-table.js';
import { graphDoc } from './graph-docs.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('the fast graph loader', () => {
  it('gives exactly what JSON.parse + indexGraph give, for the analysis and the wave plan', () => {
    fc.assert(
      fc.property(graphDoc, fc.integer({ min: 0, max: 2 }), (doc, indent) => {
        const text = JSON.stringify(doc, null, indent);
        const fast = indexGraphBytes(bytes(text));
        expect(fast).toBeDefined();
        const slow = indexGraph(JSON.parse(text));
        expect(fast!.ids).toEqual(slow.ids);
        expect(Array.from(fast!.src)).toEqual(Array.from(slow.src));
        expect(Array.from(fast!.dst)).toEqual(Array.from(slow.dst));
        expect(Array.from(fast!.weights)).toEqual(Array.from(slow.weights));
        expect(Array.from(fast!.typeCodes, (c) => fast!.typeNames[c])).toEqual(
          Array.from(slow.typeCodes, (c) => slow.typeNames[c]),
        );
        // The edge objects too, key order included (most are made from the scan, not parsed).
        expect(JSON.stringify(fast!.edges)).toBe(JSON.stringify(slow.edges));
        expect(JSON.stringify(fast!.nodes)).toBe(JSON.stringify(slow.nodes));
        expect(JSON.stringify(planWaves(fast!))).toBe(JSON.stringify(planWaves(slow)));
        expect(JSON.stringify(analyzeGraph(indexGraphBytes(bytes(text))!))).toBe(JSON.stringify(analyzeGraph(slow)));
      }),
      { numRuns: 300 },
    );
  });

  it('ranks ASCII ids by their bytes exactly as strings sort (prefixes, long ids, all printable bytes)', () => {
    // Ids of any printable ASCII except the quote and backslash (escapes make the scanner give up),
    // short and long, many sharing prefixes, so both the radix passes and the insertion sort run.
    const idChar = fc.integer({ min: 0x20, max: 0x7e }).filter((c) => c !== 0x22 && c !== 0x5c);
    const id = fc.oneof(
      fc.array(idChar, { minLength: 1, maxLength: 12 }).map((cs) => String.fromCharCode(...cs)),
      fc.tuple(fc.constantFrom('src/a/', 'src/ab', 'src/a', 'x'), fc.nat(300)).map(([p, k]) => `${p}${k}`),
    );
    fc.assert(
      fc.property(fc.uniqueArray(id, { minLength: 1, maxLength: 400 }), fc.nat(), (ids, seed) => {
        const edges = ids.map((from, i) => ({ from, to: ids[(i * 31 + seed) % ids.length]! }));
        const text = JSON.stringify({ nodes: ids.map((i) => ({ id: i })), edges });
        const fast = indexGraphBytes(bytes(text));
        expect(fast).toBeDefined();
        const slow = indexGraph(JSON.parse(text));
        expect(fast!.ids).toEqual(slow.ids);
        expect(Array.from(fast!.src)).toEqual(Array.from(slow.src));
        expect(Array.from(fast!.dst)).toEqual(Array.from(slow.dst));
        expect([...fast!.index]).toEqual([...slow.index]);
        expect(fast!.nodes).toEqual(slow.nodes);
      }),
      { numRuns: 200 },
    );
  });

  it('interns ids by their bytes: ids equal up to 8 bytes, of 8 bytes and longer, differing only in length', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.oneof(
            fc.stringMatching(/^[ab]{1,11}$/),
            // Seven shared bytes then 0 to 4 more: lengths 7 to 11 around the 8 bytes kept in the table.
            fc.stringMatching(/^[ab]{0,4}$/).map((tail) => `abcdefg${tail}`),
          ),
          { minLength: 1, maxLength: 60 },
        ),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 120 }),
        (ids, pairs) => {
          const edges = pairs.map(([a, b]) => ({ from: ids[a % ids.length]!, to: ids[b % ids.length]! }));
          const text = JSON.stringify({ nodes: ids.map((i) => ({ id: i })), edges });
          const fast = indexGraphBytes(bytes(text));
          const slow = indexGraph(JSON.parse(text));
          expect(fast!.ids).toEqual(slow.ids);
          expect(Array.from(fast!.src)).toEqual(Array.from(slow.src));
          expect(Array.from(fast!.dst)).toEqual(Array.from(slow.dst));
          expect(Array.from(fast!.weights)).toEqual(Array.from(slow.weights));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes any JSON value in a field it skips, and gives up whenever JSON.parse fails on a damaged document', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.nat(), (extra, at, cut) => {
        const text = JSON.stringify({ nodes: [{ id: 'a', extra }], edges: [{ from: 'a', to: 'a', extra }], extra });
        const fast = scanGraph(bytes(text));
        expect(fast).toBeDefined();
        // One byte removed, or one byte repeated: the scanner must never accept what JSON.parse rejects.
        const i = at % text.length;
        const damaged = cut % 2 ? text.slice(0, i) + text.slice(i + 1) : text.slice(0, i + 1) + text.slice(i);
        let parses = true;
        try {
          JSON.parse(damaged);
        } catch {
          parses = false;
        }
        if (!parses) expect(scanGraph(bytes(damaged)), damaged).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('the byte table tells keys apart even when every hash collides', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[ab]{6,10}$/), { minLength: 1, maxLength: 80 }), (keys) => {
        const text = keys.join(' ');
        const buf = bytes(text);
        const table = new ByteTable(4);
        const first = new Map<string, number>();
        let at = 0;
        for (const key of keys) {
          // The table mixes the length into the hash: cancel it, so all keys land in one probe chain.
          const k = table.intern(buf, at, at + key.length, key.length);
          if (!first.has(key)) first.set(key, first.size);
          expect(k).toBe(first.get(key));
          at += key.length + 1;
        }
        expect(table.size).toBe(first.size);
      }),
      { numRuns: 300 },
    );
  });

  it('gives up on anything it should not judge, so the full loader reports it with line and column', () => {
    const ok = '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b"}]}';
    expect(scanGraph(bytes(ok))).toBeDefined();
    for (const bad of [
      '{"nodes":[{"id":"a"}],"edges":[{"from":"a","to":"zz"}]}', // unknown node
      '{"nodes":[{"id":"a"},{"id":"a"}],"edges":[]}', // duplicate node
      '{"nodes":[{"id":"a\\u0062"}],"edges":[]}', // an escape in an id
      '{"nodes":[{"id":""}],"edges":[]}', // empty id
      '{"nodes":[{"id":3}],"edges":[]}', // not a string
      '{"nodes":[{"id":"a"}],"edges":[{"from":"a","to":"a","weight":-1}]}', // negative weight
      '{"nodes":[{"id":"a"}],"edges":[{"from":"a","to":"a","symbols":[1]}]}', // symbols not strings
      '{"nodes":[{"id":"a"}],"edges":[],"x":tru}', // not JSON
      '{"nodes":[{"id":"a"}],"edges":[]', // truncated
      '{"nodes":[{"id":"a"}]}', // no edges
      '{"files":[]}', // atomizer output
      '{"nodes":[{"id":"a"}],"edges":[],"nodes":[{"id":"b"}]}', // a repeated key (JSON.parse keeps the last)
      '{"nodes":[{"id":"a"}],"edges":[],"x":[1 2]}', // malformed JSON inside a skipped value
      '{"nodes":[{"id":"a","x":{"k" 1}}],"edges":[]}',
      '{"nodes":[{"id":"a"}],"edges":[],"x":{"a":1,}}',
      '{"nodes":[{"id":"a"}],"edges":[],"x":[1,]}',
      '{"nodes":[{"id":"a"}],"edges":[],"x":"\\q"}', // a bad escape
      '{"nodes":[{"id":"a"}],"edges":[],"x":"\\u12G4"}',
      '{"nodes":[{"id":"a"}],"edges":[],"x":"tab\there"}', // a raw control character
      '[1,2]',
      '',
    ])
      expect(scanGraph(bytes(bad)), bad).toBeUndefined();
    // Bytes that are not UTF-8, in an id, a type or a skipped value: the full loader says E_FILE_ENCODING.
    for (const bad of ['a\xff', 'a', 'a'].map((id, i) =>
      Buffer.from(
        `{"nodes":[{"id":"${id}"}],"edges":[{"from":"${id}","to":"${id}"${i === 1 ? ',"type":"t\xe9"' : ''}}]${i === 2 ? ',"x":"\xc3"' : ''}}`,
        'latin1',
      ),
    ))
      expect(scanGraph(bad), bad.toString('latin1')).toBeUndefined();
    expect(scanGraph(bytes('{"nodes":[{"id":"é"}],"edges":[{"from":"é","to":"é","type":"ü"}]}'))).toBeDefined();
  });

  it('a chain of a million nodes closed by one cheap edge, from bytes to the wave plan', () => {
    const n = 1_000_000;
    // Node i is named by a shuffled number, so sorted ids are not chain order.
    const name = (i: number) => `v${((i * 611953) % n).toString(36)}`;
    const parts: string[] = ['{"nodes":['];
    for (let i = 0; i < n; i++) parts.push(`${i ? ',' : ''}{"id":"${name(i)}"}`);
    parts.push('],"edges":[');
    for (let i = 0; i + 1 < n; i++) parts.push(`${i ? ',' : ''}{"from":"${name(i)}","to":"${name(i + 1)}"}`);
    parts.push(`,{"from":"${name(n - 1)}","to":"${name(0)}","type":"type"}]}`);
    const g = indexGraphBytes(bytes(parts.join('')));
    expect(g).toBeDefined();
    const plan = planWaves(g!, { maxCycles: 1 });
    expect(plan.waves).toHaveLength(n);
    expect(plan.stats.criticalPathLength).toBe(n);
    expect(plan.criticalPath[0]).toBe(name(0));
    expect(plan.removedEdges.map((e) => `${e.from}>${e.to} ${e.type}`)).toEqual([`${name(n - 1)}>${name(0)} type`]);
  }, 300_000);

  // The property at 10^6 nodes once (depth: no recursion, no spread), and on many smaller chains.
  it.each([
    { n: 1_000_000, numRuns: 1 },
    { n: 20_000, numRuns: 25 },
  ])(
    'deep chains of $n nodes in random order, with shortcuts and cycles: the algorithms hold',
    ({ n, numRuns }) => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 2 }), fc.integer({ min: 0, max: 3 }), (seed, backs) => {
          let x = seed;
          const rand = () => (x = Math.imul(x, 48271) >>> 0) % n;
          // A random permutation: position k of the chain is node perm[k].
          const perm = new Int32Array(n);
          for (let i = 0; i < n; i++) perm[i] = i;
          for (let i = n - 1; i > 0; i--) {
            const j = rand() % (i + 1);
            const t = perm[i]!;
            perm[i] = perm[j]!;
            perm[j] = t;
          }
          const src: number[] = [];
          const dst: number[] = [];
          for (let k = 0; k + 1 < n; k++) {
            src.push(perm[k]!);
            dst.push(perm[k + 1]!);
          }
          for (let s = 0; s < 2000; s++) {
            const a = rand();
            const b = rand();
            if (a === b) continue;
            src.push(perm[Math.min(a, b)]!);
            dst.push(perm[Math.max(a, b)]!);
          }
          for (let b = 0; b < backs; b++) {
            src.push(perm[n - 1 - b]!);
            dst.push(perm[b]!);
          }
          const g = compact(n, Int32Array.from(src), Int32Array.from(dst));
          const scc = stronglyConnectedComponents(g);
          expect(scc.cyclic.length).toBe(backs > 0 ? 1 : 0);
          const fas = feedbackArcSet(g, scc);
          const alive = new Uint8Array(g.src.length).fill(1);
          for (const e of fas.edges) alive[e] = 0;
          const levels = kahnLevels(g, alive);
          expect(levels.acyclic).toBe(true);
          if (backs === 0) expect(levels.count).toBe(n);
          expect(criticalPath(g, levels.order, undefined, alive).path).toHaveLength(levels.count);
        }),
        { numRuns },
      );
    },
    300_000,
  );
});

/** The compact form straight from integer edges (no string ids, no edge objects). */
function compact(n: number, src: Int32Array, dst: Int32Array): IndexedGraph {
  const m = src.length;
  return {
    n,
    ids: [],
    index: new Map(),
    nodes: [],
    edges: [],
    src,
    dst,
    cost: new Int32Array(m).fill(2),
    weights: new Float64Array(m).fill(2),
    typeCodes: new Uint16Array(m),
    typeNames: ['dependency'],
    nodeCosts: new Float64Array(n).fill(NaN),
    ...csr(n, src, dst),
  };
}
