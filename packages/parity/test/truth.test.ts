import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compareFiles,
  formatSuiteReport,
  loadParitySuiteOrThrow,
  normalize,
  PRESETS,
  runParitySuite,
  storedRenderer,
} from '../src/index.js';
import { yamlValues } from './helpers/yaml-oracle.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-parity-truth-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function put(path: string, text: string): Promise<string> {
  const file = join(dir, path);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

describe('a speed check that measured nothing is not met', () => {
  it('fails the suite whose only case renders on one side (nothing to time), and the text says so', async () => {
    // v1 prints `[object Object]`, v2 rejects the input: an improvement, but no case renders on both sides
    const suiteDir = join(dir, 'one-sided');
    await put(
      'one-sided/cases/rejected.yaml',
      [
        'expect: improvement',
        'left:',
        '  out.txt: "name: [object Object]\\n"',
        'right:',
        '  error: "fields: expected array"',
        '  validation: true',
        '',
      ].join('\n'),
    );
    const suite = await loadParitySuiteOrThrow(suiteDir);
    const report = await runParitySuite({
      cases: suite.cases,
      left: storedRenderer('left'),
      right: storedRenderer('right'),
      speed: {},
    });
    expect(report.counts).toEqual({ pass: 0, improvement: 1, regression: 0, fail: 0 });
    expect(report.speed).toMatchObject({ status: 'not measured', reason: 'no case renders on both sides' });
    expect(report.ok).toBe(false);
    expect(formatSuiteReport(report).at(-1)).toMatch(/^speed: NOT MEASURED .*no case renders on both sides \(not met:/);
  });

  it('a check skipped on purpose still does not fail the suite (skipped is no pass, and no failure)', async () => {
    const suite = await loadParitySuiteOrThrow(join(dir, 'one-sided'));
    const report = await runParitySuite({
      cases: suite.cases,
      left: storedRenderer('left'),
      right: storedRenderer('right'),
      speed: { skip: 'stored outputs' },
    });
    expect(report.speed.status).toBe('skipped');
    expect(report.ok).toBe(true);
  });
});

describe('YAML: layout inside quoted and multi-line plain scalars is the value', () => {
  it('two files that differ only in a blank-line run inside a double-quoted scalar are different', async () => {
    const a = await put('quoted/a.yaml', 'key: "a\n\n  b"\nother: 1\n');
    const b = await put('quoted/b.yaml', 'key: "a\n\n\n  b"\nother: 1\n');
    const verdict = await compareFiles(a, b);
    expect(verdict.kind).toBe('different');
  });

  it('keeps single-quoted and plain multi-line scalars and escaped trailing spaces; collapses outside', () => {
    const yaml = (text: string) => normalize(text, PRESETS.yaml).text;
    expect(yaml("k: 'it''s\n\n\n  b'\n\n\nother: it's\n\n\nz: 1\n")).toBe(
      "k: 'it''s\n\n\n  b'\n\nother: it's\n\nz: 1\n",
    );
    expect(yaml('- a\n\n\n  b\n\n\n- c\n')).toBe('- a\n\n\n  b\n\n- c\n');
    expect(yaml('key:\n    a\n\n\n  b\nother: 1\n')).toBe('key:\n    a\n\n\n  b\nother: 1\n');
    // `\ ` is an escaped space: trimming it would leave `\` escaping the line break
    expect(yaml('a: "x\\ \n  y"  \nb: [p, "q\n\n\n r"]\n\n\nc: 1\n')).toBe(
      'a: "x\\ \n  y"\nb: [p, "q\n\n\n r"]\n\nc: 1\n',
    );
    // a key after a plain value at the same indentation starts a new entry: the run between collapses
    expect(yaml('- name: x\n  description: some text\n\n\n  other: y\n')).toBe(
      '- name: x\n  description: some text\n\n  other: y\n',
    );
  });
});

describe('YAML: a block scalar is its own value wherever it stands', () => {
  // each pair differs only inside a block scalar's content (blank-line runs, trailing spaces), so the values differ
  it.each([
    ['a root `|` with content at column 0', '|\nkey: 1\n\nother: 2\n', '|\nkey: 1\n\n\nother: 2\n'],
    [
      'a `--- >` document (its `#` lines are text)',
      '--- >\n# not a comment\n\nlast\n',
      '--- >\n# not a comment\n\n\nlast\n',
    ],
    ['a tagged `!!str |` value', 'script: !!str |\n  - one\n\n  - two\n', 'script: !!str |\n  - one\n\n\n  - two\n'],
    ['a header after two spaces', 'script:  |\n  a: 1\n\n  b: 2\n', 'script:  |\n  a: 1\n\n\n  b: 2\n'],
    [
      'an anchored value with trailing spaces',
      'script: &s |\n  echo ok  \n  done\n',
      'script: &s |\n  echo ok\n  done\n',
    ],
    // (passed before too: a guard that the owner of `&k key: |` is the mapping at column 0, not the key's text)
    ['an anchored key', '&k script: |\n  a: 1\n\n  b: 2\n', '&k script: |\n  a: 1\n\n\n  b: 2\n'],
  ])('%s: different', async (name, left, right) => {
    const slug = name.replace(/\W+/g, '-');
    const verdict = await compareFiles(
      await put(`block/${slug}/a.yaml`, left),
      await put(`block/${slug}/b.yaml`, right),
    );
    expect(verdict.kind).toBe('different');
  });

  it.each([
    ['`|+` keeps its trailing blank lines', 'note: |+\n  x\n\n', 'note: |+\n  x\n\n\n\n'],
    ['the last line of a `|` keeps its trailing spaces', 'note: |\n  x   \n', 'note: |\n  x\n'],
    ['a trailing line deeper than the content is text', 'note: |\n  x\n     \n', 'note: |\n  x\n'],
    ['a root `|+` document', '--- |+\nx\n\n', '--- |+\nx\n'],
  ])('at the end of the file, %s: different', async (name, left, right) => {
    const slug = name.replace(/\W+/g, '-');
    const verdict = await compareFiles(await put(`tail/${slug}/a.yaml`, left), await put(`tail/${slug}/b.yaml`, right));
    expect(verdict.kind).toBe('different');
  });

  it('still collapses blank-line runs between entries and drops blank lines that no value holds', async () => {
    const a = await put(
      'layout/a.yaml',
      'a: 1\n\n\nnote: |\n  x\n\n  y\n\n\n\n--- |\nz\n---\nb: 2\n\n\nc: |-\n  w\n\n\n',
    );
    const b = await put('layout/b.yaml', 'a: 1\n\nnote: |\n  x\n\n  y\n\n\n\n--- |\nz\n---\nb: 2\n\nc: |-\n  w');
    expect(await compareFiles(a, b)).toMatchObject({
      kind: 'equivalent',
      rules: expect.arrayContaining(['blank-lines-yaml', 'final-newline-yaml']),
    });
    const clip = await put('layout/clip.yaml', 'note: |\n  x\n  \n\n');
    expect(await compareFiles(clip, await put('layout/clip-b.yaml', 'note: |\n  x\n'))).toMatchObject({
      kind: 'equivalent',
    });
  });

  it('property: the lines of a block scalar come out of the YAML rules as they went in', () => {
    const owners = ['', '--- ', '!!str ', 'key: ', 'key:  ', 'key:\t!!str ', 'key: &a ', '- ', '- k: ', '&k key: '];
    const line = fc.oneof(fc.constantFrom('', '', ' '), fc.stringMatching(/^[a-z#:"' -]{1,8} {0,2}$/));
    const doc = fc.record({
      owner: fc.constantFrom(...owners.keys()),
      indicators: fc.constantFrom('', '-', '+', '+2', '2-'),
      lines: fc.array(line, { minLength: 1, maxLength: 8 }),
      after: fc.constantFrom('', '\n', '\n\n\n', '  \n', 'next: 1\n', '\n\n\nnext: "a\n\n b"\n'),
    });
    fc.assert(
      fc.property(doc, ({ owner, indicators, lines, after }) => {
        const root = owner < 3;
        const parent = root ? -1 : owner === 8 ? 2 : 0;
        const indent = ' '.repeat(root ? 0 : parent + 2);
        const chomp = root ? indicators.replace(/\d/g, '') : indicators; // an explicit indent at the root is not tested
        const body = lines.map((text) => (text.trim() === '' ? text : `${indent}x${text}`));
        const header = `${owners[owner]}|${chomp}`;
        const text = `${header}\n${body.join('\n')}\n${root && after.startsWith('next') ? `---\n${after}` : after}`;
        const out = normalize(text, PRESETS.yaml).text;
        let last = body.length - 1;
        while (last >= 0 && body[last]!.trim() === '') last--;
        expect(out).toContain(`${header}\n${body.slice(0, last + 1).join('\n')}`);
        // and the document reads the same (`|+` at the end of the file: its line breaks, not their spaces)
        const value = yamlValues(text);
        if (value !== undefined) expect(yamlValues(out)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});
