import { closeSync, mkdtempSync, openSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { indexGraphBytes, indexGraphFile, planWaves, type IndexedGraph } from '../src/index.js';
import { ByteWindow } from '../src/fast/byte-window.js';
import { scanWindow } from '../src/fast/scan.js';
import { graphDoc } from './graph-docs.js';

const dir = mkdtempSync(join(tmpdir(), 'st3-fast-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bytes = (text: string) => new TextEncoder().encode(text);

/** Everything a reader of the compact graph can see, lazy objects included. */
function view(g: IndexedGraph | undefined) {
  if (!g) return undefined;
  return {
    ids: g.ids,
    src: Array.from(g.src),
    dst: Array.from(g.dst),
    weights: Array.from(g.weights),
    types: Array.from(g.typeCodes, (c) => g.typeNames[c]),
    costs: Array.from(g.nodeCosts),
    nodes: g.nodes,
    edges: g.edges,
    plan: JSON.stringify(planWaves(g)),
  };
}

/** The window scan alone: 'window' when it gave up inside the window (the loader then reads the file whole). */
function windowScan(path: string, windowBytes: number, ahead: number) {
  const fd = openSync(path, 'r');
  try {
    return scanWindow(ByteWindow.file(fd, statSync(path).size, windowBytes, ahead));
  } finally {
    closeSync(fd);
  }
}

let files = 0;
function fileOf(text: string | Uint8Array): string {
  const path = join(dir, `g${files++}.json`);
  writeFileSync(path, text);
  return path;
}

describe('indexGraphFile: the fast loader through a window sliding over the file', () => {
  it('gives exactly what indexGraphBytes gives, whatever the window (items cut at its edge, items larger than it)', () => {
    fc.assert(
      fc.property(graphDoc, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 400 }), (doc, indent, window) => {
        const text = JSON.stringify(doc, null, indent);
        const path = fileOf(text);
        const expected = view(indexGraphBytes(bytes(text)));
        expect(expected).toBeDefined();
        expect(view(indexGraphFile(path, { windowBytes: window, aheadBytes: window >> 1 }))).toEqual(expected);
        expect(view(indexGraphFile(path))).toEqual(expected);
        // Items here are far smaller than 2 KB: the window alone takes the document, no whole read behind it.
        expect(windowScan(path, 4096, 2048)).not.toBe('window');
      }),
      { numRuns: 200 },
    );
  });

  it('slides a small window over a graph of 200 KB without reading it whole', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `src/m${i % 97}.ts#L${i}-${i + 9}`);
    const edges = Array.from({ length: 5000 }, (_, e) => ({
      from: ids[(e * 7919) % ids.length]!,
      to: ids[(e * 104729 + 3) % ids.length]!,
      type: ['import', 'function_call', 'type'][e % 3],
      ...(e % 11 === 0 ? { weight: e % 5, symbols: ['x'] } : {}),
    }));
    const text = JSON.stringify({ nodes: ids.map((id, i) => ({ id, cost: i % 4 })), edges }, null, 2);
    const path = fileOf(text);
    expect(text.length).toBeGreaterThan(200_000);
    expect(windowScan(path, 4096, 1024)).not.toBe('window');
    expect(view(indexGraphFile(path, { windowBytes: 4096, aheadBytes: 1024 }))).toEqual(
      view(indexGraphBytes(bytes(text))),
    );
  });

  it('gives up on a byte that is not UTF-8 wherever the window holds it (the full loader says E_FILE_ENCODING)', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => `n${i}é`);
    const whole = Buffer.from(JSON.stringify({ nodes: ids.map((id) => ({ id })), edges: [] }, null, 2));
    expect(indexGraphFile(fileOf(whole), { windowBytes: 4096, aheadBytes: 1024 })).toBeDefined();
    const firstBytes = [...whole.keys()].filter((i) => whole[i] === 0xc3); // each é's first byte
    for (const i of [firstBytes[0]!, firstBytes[1500]!, firstBytes.at(-1)!]) {
      const damaged = Buffer.from(whole);
      damaged[i] = 0xff; // a lone continuation byte is left behind
      expect(indexGraphFile(fileOf(damaged), { windowBytes: 4096, aheadBytes: 1024 }), `at ${i}`).toBeUndefined();
    }
  });

  it('an empty list whose `]` lies past the window end (a window that ends in whitespace after `[`)', () => {
    // Found by the property below (seed -889471085): `"edges": []` with the window ending between `[` and `]`.
    const doc = { nodes: ['n0é', 'n919é', 'n838é'].map((id) => ({ id, cost: 0 })), edges: [] };
    const text = JSON.stringify(doc, null, 1);
    const path = fileOf(text);
    for (let window = 16; window <= 200; window++)
      expect(view(indexGraphFile(path, { windowBytes: window, aheadBytes: window >> 2 }))).toEqual(
        view(indexGraphBytes(bytes(text))),
      );
  });

  it('gives up (undefined) on a damaged document wherever the damage falls, as the in-memory scan does', () => {
    fc.assert(
      fc.property(graphDoc, fc.nat(), fc.nat(), fc.integer({ min: 16, max: 200 }), (doc, at, cut, window) => {
        const text = JSON.stringify(doc, null, 1);
        const i = at % text.length;
        for (const damaged of [text.slice(0, i) + text.slice(i + 1 + (cut % 3)), text.slice(0, i)]) {
          const path = fileOf(damaged);
          const inMemory = indexGraphBytes(bytes(damaged)) !== undefined;
          expect(indexGraphFile(path, { windowBytes: window, aheadBytes: window >> 2 }) !== undefined, damaged).toBe(
            inMemory,
          );
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an edge object read after the file changed is an E_GRAPH_INPUT_CHANGED error, not another edge', () => {
    const text = JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [{ from: 'a', to: 'b', note: 'x' }] });
    const path = fileOf(text);
    const g = indexGraphFile(path);
    expect(g).toBeDefined();
    writeFileSync(path, `${text}\n\n`);
    expect(() => g!.edges).toThrow(expect.objectContaining({ code: 'E_GRAPH_INPUT_CHANGED', file: path }));
  });

  it('a change that keeps the size is caught too (by the modification time)', () => {
    const text = JSON.stringify({ nodes: [{ id: 'a' }, { id: 'b' }], edges: [{ from: 'a', to: 'b', note: 'x' }] });
    const path = fileOf(text);
    utimesSync(path, 1_000_000, 1_000_000);
    const g = indexGraphFile(path);
    writeFileSync(path, text.replace('"x"', '"y"'));
    utimesSync(path, 2_000_000, 2_000_000);
    expect(() => g!.edges).toThrow(expect.objectContaining({ code: 'E_GRAPH_INPUT_CHANGED' }));
    // Unchanged, the object is rebuilt from the file (its extra field kept).
    const again = indexGraphFile(path);
    expect(again!.edges[0]).toMatchObject({ from: 'a', to: 'b', note: 'y' });
  });
});
