import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { applySplices, insertPair, readDocLink, replaceScalar, setDocLink, verifyEdits } from '../../src/index.js';
import { parseYamlText } from '../../src/patterns/workspace.js';

describe('surgical YAML edits', () => {
  const text = [
    '# registry',
    'patterns:',
    '- pattern_id: PAT-A-001   # first',
    '  name: a',
    '  tags: [x, y]',
    '# between',
    '- name: b',
    '  pattern_id: "PAT-B-002"',
    '',
  ].join('\n');

  it('inserts after a key with its indentation and quoting, keeping comments and flow style', () => {
    const y = parseYamlText('r.yaml', text);
    const out = applySplices(text, [
      insertPair(y, ['patterns', 0], 'doc_id', 'DOC-A-001', 'pattern_id'),
      insertPair(y, ['patterns', 1], 'doc_id', 'DOC-B-002', 'pattern_id'),
    ]);
    expect(out).toBe(
      [
        '# registry',
        'patterns:',
        '- pattern_id: PAT-A-001   # first',
        '  doc_id: DOC-A-001',
        '  name: a',
        '  tags: [x, y]',
        '# between',
        '- name: b',
        '  pattern_id: "PAT-B-002"',
        '  doc_id: "DOC-B-002"',
        '',
      ].join('\n'),
    );
    verifyEdits(y, out, [
      { path: ['patterns', 0, 'doc_id'], value: 'DOC-A-001' },
      { path: ['patterns', 1, 'doc_id'], value: 'DOC-B-002' },
    ]);
  });

  it('inserts as the first key when there is no anchor, and replaces scalars in place', () => {
    const y = parseYamlText('s.yaml', 'a: 1\nb: "x"\n');
    expect(applySplices(y.text, [insertPair(y, [], 'doc_id', 'DOC-X', 'missing')])).toBe(
      'doc_id: DOC-X\na: 1\nb: "x"\n',
    );
    expect(applySplices(y.text, [replaceScalar(y, ['b'], 'DOC-Y')])).toBe('a: 1\nb: "DOC-Y"\n');
  });

  it('verifyEdits refuses an edit that changed more than intended', () => {
    const y = parseYamlText('s.yaml', 'a: 1\nb: 2\n');
    expect(() => verifyEdits(y, 'a: 1\nb: 3\nc: X\n', [{ path: ['c'], value: 'X' }])).toThrowError(/changed more/);
  });

  it('reads and sets DOC_LINK headers after a shebang and provenance header', () => {
    const py =
      '#!/usr/bin/env python3\n# a.py\n# template=x version=1a2b3c4d created=2026-01-01T00:00:00Z updated=\nprint(1)\n';
    const linked = setDocLink(py, 'DOC-A-001');
    expect(linked.split('\n')[3]).toBe('# DOC_LINK: DOC-A-001');
    expect(readDocLink(linked)).toEqual({ value: 'DOC-A-001', line: 4 });
    expect(setDocLink(linked, 'DOC-B-002').split('\n')[3]).toBe('# DOC_LINK: DOC-B-002');
  });

  it('inserting a key into any block mapping adds exactly that key (property)', () => {
    const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);
    const scalar = fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean());
    fc.assert(
      fc.property(
        fc.dictionary(
          key,
          fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(key, scalar, { maxKeys: 3 })),
          { minKeys: 1, maxKeys: 6 },
        ),
        fc.constantFrom('DOC-A-001', 'DOC-X'),
        (data, docId) => {
          fc.pre(!('doc_id' in data));
          const source = stringify({ items: [data] });
          const y = parseYamlText('p.yaml', source);
          const first = Object.keys(data)[0]!;
          const out = applySplices(source, [insertPair(y, ['items', 0], 'doc_id', docId, first)]);
          const parsed = parseDocument(out).toJS() as { items: Record<string, unknown>[] };
          expect(parsed.items[0]).toEqual({ ...data, doc_id: docId });
        },
      ),
      { numRuns: 200 },
    );
  });
});
