import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
