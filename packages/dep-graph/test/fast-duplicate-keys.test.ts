// A key given twice in a `{nodes, edges}` JSON graph: JSON.parse keeps the last value without a word, so
// the fast loader must give up and the full loader report it (E_PARSE at the repeated key), as it does for
// the same document in YAML. And JSON that ends early is located at its end, not at 1:1.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { indexGraphBytes, indexGraphFile, loadGraphDocument, parseGraphDocument } from '../src/index.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const dir = mkdtempSync(join(tmpdir(), 'st3-dup-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const REPEATED: [string, string, string][] = [
  // [what, document, the repeated key]
  ['an edge end', '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b","from":"b"}]}', 'from'],
  ['an edge type', '{"nodes":[{"id":"a"},{"id":"b"}],"edges":[{"from":"a","to":"b","type":"x","type":"y"}]}', 'type'],
  ['a node id', '{"nodes":[{"id":"a"},{"id":"b","id":"c"}],"edges":[]}', 'id'],
  ['a node cost', '{"nodes":[{"id":"a","cost":1,"cost":2}],"edges":[]}', 'cost'],
  ['another node key', '{"nodes":[{"id":"a","label":"x","note":1,"label":"y"}],"edges":[]}', 'label'],
  ['another edge key', '{"nodes":[{"id":"a"}],"edges":[{"from":"a","to":"a","why":1,"why":2}]}', 'why'],
  ['a key nested in a node', '{"nodes":[{"id":"a","meta":{"k":1,"j":[{}],"k":2}}],"edges":[]}', 'k'],
  ['a non-ASCII key', '{"nodes":[{"id":"a","clé":1,"clé":2}],"edges":[]}', 'clé'],
  ['a top-level key', '{"nodes":[{"id":"a"}],"edges":[],"note":1,"note":2}', 'note'],
  ['"edges"', '{"nodes":[{"id":"a"}],"edges":[],"edges":[{"from":"a","to":"a"}]}', 'edges'],
];

describe('a repeated key in a JSON graph', () => {
  it.each(REPEATED)('%s: the fast loader gives up (it took the last value, or the first)', (_what, text) => {
    expect(indexGraphBytes(bytes(text))).toBeUndefined();
    const file = join(dir, 'g.json');
    writeFileSync(file, text);
    expect(indexGraphFile(file)).toBeUndefined();
  });

  it.each(REPEATED)('%s: the full loader says E_PARSE at the repeated key', async (_what, text, key) => {
    const file = join(dir, 'g.json');
    writeFileSync(file, text);
    const loaded = await loadGraphDocument(file, 'g.json');
    expect(loaded.value).toBeUndefined();
    const offset = text.lastIndexOf(`"${key}"`);
    expect(loaded.errors[0]).toMatchObject({
      code: 'E_PARSE',
      file: 'g.json',
      line: 1,
      column: offset + 1,
      message: `Map keys must be unique: "${key}" appears more than once`,
    });
  });

  it('the same keys in different objects, and keys that only look alike, are fine', () => {
    const text =
      '{"nodes":[{"id":"a","label":"x","meta":{"label":1,"lab":2}},{"id":"b","label":"y"}],' +
      '"edges":[{"from":"a","to":"b","why":1,"whY":2,"meta":{"why":3}}],"note":{"note":1}}';
    const fast = indexGraphBytes(bytes(text));
    expect(fast?.ids).toEqual(['a', 'b']);
    expect(parseGraphDocument(text, 'g.json').errors).toEqual([]);
  });

  it('in a JSON graph over 8 MiB (read by JSON.parse, not the YAML path): E_PARSE, located', async () => {
    const nodes = Array.from({ length: 300_000 }, (_, i) => `{"id":"node-${i}","label":"a node of the graph"}`);
    const text = `{"nodes":[${nodes.join(',\n')}],\n"edges":[{"from":"node-1","to":"node-2","from":"node-3"}]}`;
    expect(text.length).toBeGreaterThan(8 * 1024 * 1024);
    const file = join(dir, 'big.json');
    writeFileSync(file, text);
    expect(indexGraphFile(file)).toBeUndefined();
    const loaded = await loadGraphDocument(file, 'big.json');
    expect(loaded.value).toBeUndefined();
    expect(loaded.errors[0]).toMatchObject({
      code: 'E_PARSE',
      line: 300_001,
      column: text.length - text.lastIndexOf('\n') - '"from":"node-3"}]}'.length,
      message: 'Map keys must be unique: "from" appears more than once',
    });
  });
});

describe('JSON that ends early', () => {
  it('is located at its last character, where the rest should have followed', async () => {
    const file = join(dir, 't.json');
    writeFileSync(file, '{"nodes":[{"id":"a"}],\n "edges":[');
    const loaded = await loadGraphDocument(file, 't.json');
    expect(loaded.errors[0]).toMatchObject({ code: 'E_PARSE', file: 't.json', line: 2, column: 10 });
    expect(loaded.errors[0]!.message).toContain('Unexpected end of JSON input');
    // Trailing whitespace does not move it past the text.
    expect(parseGraphDocument('{"nodes":[{"id":"a"}],\n "edges":[\n\n', 't.json').errors[0]).toMatchObject({
      line: 2,
      column: 10,
    });
  });
});
