import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadText } from '../src/index.js';

const Schema = z.object({ name: z.string(), items: z.array(z.object({ id: z.number() })) }).strict();

describe('loadText', () => {
  it('a .json file must be strict JSON: what only YAML accepts is a located E_PARSE', () => {
    for (const [text, line, column] of [
      ['{"nodes": [],\n "x": [1 2]}', 2, 10],
      ['{"a": 1,}', 1, 9],
      ['// comment\n{}', 1, 1],
    ] as const) {
      const r = loadText(text, { file: 'graph.json' });
      expect(r.value).toBeUndefined();
      expect(r.errors[0]).toMatchObject({ code: 'E_PARSE', file: 'graph.json', line, column });
    }
    // The same text is fine YAML, and strict JSON still loads with positions for schema errors.
    expect(loadText('{"x": [1 2]}', { file: 'a.yaml' }).errors).toEqual([]);
    const r = loadText('{\n  "name": "a",\n  "items": [{"id": "two"}]\n}', { schema: Schema, file: 'x.json' });
    expect(r.errors[0]).toMatchObject({ code: 'E_SCHEMA', line: 3 });
  });

  it('names an empty file (blank lines, comments, a lone ---) as empty, at 1:1, once', () => {
    for (const text of ['', '\n\n', '# nothing yet\n', '---\n# x\n']) {
      const r = loadText(text, { schema: Schema, file: 'x.yaml' });
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ code: 'E_SCHEMA', file: 'x.yaml', line: 1, column: 1, path: [] });
      expect(r.errors[0]!.message).toMatch(/^the file is empty/);
    }
    // An explicit null is a value: it keeps the schema's own message.
    expect(loadText('~\n', { schema: Schema, file: 'x.yaml' }).errors[0]!.message).not.toMatch(/empty/);
  });

  it('returns the typed value of a valid document', () => {
    const r = loadText('name: a\nitems:\n  - id: 1\n', { schema: Schema, file: 'x.yaml' });
    expect(r.errors).toEqual([]);
    expect(r.value).toEqual({ name: 'a', items: [{ id: 1 }] });
  });

  it('points a schema error at the line and column of the bad value', () => {
    const r = loadText('name: a\nitems:\n  - id: 1\n  - id: two\n', { schema: Schema, file: 'x.yaml' });
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({
      code: 'E_SCHEMA',
      file: 'x.yaml',
      line: 4,
      column: 9,
      path: ['items', 1, 'id'],
    });
  });

  it('points an unknown key at the key itself', () => {
    const r = loadText('name: a\nitems: []\nextra: 1\n', { schema: Schema });
    expect(r.errors[0]).toMatchObject({ line: 3, column: 1, path: [] });
    expect(r.errors[0]?.hint).toContain('extra');
  });

  it('reports duplicate keys and tab indentation as parse errors with positions', () => {
    const dup = loadText('a: 1\na: 2\n');
    expect(dup.errors[0]).toMatchObject({ code: 'E_PARSE', line: 2, column: 1 });
    const tab = loadText('a:\n\tb: 1\n');
    expect(tab.errors[0]?.code).toBe('E_PARSE');
    expect(tab.errors[0]?.line).toBe(2);
  });

  it('resolves anchors and aliases', () => {
    const r = loadText('base: &b {id: 1}\nother: *b\n');
    expect(r.value).toEqual({ base: { id: 1 }, other: { id: 1 } });
  });

  it('locates errors in JSON text', () => {
    const r = loadText('{\n  "name": 3,\n  "items": []\n}\n', { schema: Schema, file: 'x.json' });
    expect(r.errors[0]).toMatchObject({ line: 2, column: 11, path: ['name'] });
  });
});
