// A Python file may declare its encoding (PEP 263). Python runs such a file; read as UTF-8 its text was
// U+FFFD where it had é, in the atoms an agent regenerates, and a "syntax error" that failed --max.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  atomizeProject,
  complexityFileReport,
  complexityReport,
  type AtomizedFileRecord,
  type ComplexityRecord,
  type JobResult,
} from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-encoding-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const latin1 = (text: string) => Buffer.from(text, 'latin1');

async function one<R>(path: string, mode: 'atomize' | 'complexity', language?: 'python'): Promise<R> {
  const results: JobResult[] = [];
  for await (const r of atomizeProject([path], { cwd: dir, cache: false, mode, language })) results.push(r);
  expect(results).toHaveLength(1);
  const r = results[0]!;
  if (!r.ok) throw new Error(r.skipped.reason);
  return r.record as R;
}

/** Python itself accepts the file (the bytes are what the test claims they are). */
function pythonCompiles(file: string): void {
  execFileSync('python3', ['-c', 'import sys; compile(open(sys.argv[1], "rb").read(), sys.argv[1], "exec")', file]);
}

describe('Python source encodings (PEP 263)', () => {
  const code = '# -*- coding: latin-1 -*-\ndef greet(x):\n    if x:\n        return "café"\n    return "no"\n';

  it('reads a file in the encoding it declares: the text is exact, with no syntax error', async () => {
    writeFileSync(join(dir, 'greet.py'), latin1(code));
    pythonCompiles(join(dir, 'greet.py'));
    const atomized = await one<AtomizedFileRecord>('greet.py', 'atomize');
    expect(atomized.diagnostics).toEqual([]);
    expect(atomized.atoms.map((a) => a.code).join('')).toContain('return "café"');
    const measured = await one<ComplexityRecord>('greet.py', 'complexity');
    expect(measured.diagnostics).toEqual([]);
    // st3 complexity --max 2: 'greet' is 2, and the file is no "syntax error" (flake8 and Python accept it).
    const report = complexityReport([complexityFileReport(measured, { max: 2 })], [], { max: 2, patterns: ['.'] });
    expect(report).toMatchObject({ passed: true, over: 0, filesWithSyntaxErrors: 0 });
  });

  it('takes the declaration on line 2 after a #! line, and other encodings by their Python names', async () => {
    const sjis = Buffer.concat([
      Buffer.from('#!/usr/bin/env python3\n# vim: set fileencoding=shift_jis :\ns = "'),
      Buffer.from([0x93, 0xfa, 0x96, 0x7b]), // 日本 in Shift_JIS
      Buffer.from('"\n'),
    ]);
    writeFileSync(join(dir, 'tool'), sjis);
    pythonCompiles(join(dir, 'tool'));
    const atomized = await one<AtomizedFileRecord>('tool', 'atomize');
    expect(atomized.diagnostics).toEqual([]);
    expect(atomized.atoms.map((a) => a.code).join('')).toContain('s = "日本"');
  });

  it('reads ISO-8859-1 exactly (not as windows-1252), also under --lang python', async () => {
    writeFileSync(
      join(dir, 'script'),
      Buffer.concat([latin1('# coding=latin1\nx = "'), Buffer.from([0x80]), latin1('"\n')]),
    );
    const atomized = await one<AtomizedFileRecord>('script', 'atomize', 'python');
    expect(atomized.atoms.map((a) => a.code).join('')).toContain('x = "\u0080"');
  });

  it('still warns about a file that is not valid UTF-8 and declares nothing, at the first invalid byte', async () => {
    writeFileSync(join(dir, 'plain.py'), latin1(code.slice(code.indexOf('\n') + 1)));
    const measured = await one<ComplexityRecord>('plain.py', 'complexity');
    expect(measured.diagnostics).toEqual([
      {
        code: 'E_ATOMIZE_SYNTAX',
        severity: 'warning',
        file: 'plain.py',
        line: 3,
        column: 20,
        message: 'the file is not valid UTF-8; invalid bytes were read as U+FFFD',
      },
    ]);
  });

  it('only Python files: a JavaScript comment naming an encoding changes nothing', async () => {
    writeFileSync(join(dir, 'a.js'), latin1('// -*- coding: latin-1 -*-\nconst s = "café";\n'));
    const measured = await one<ComplexityRecord>('a.js', 'complexity');
    expect(measured.diagnostics.map((d) => d.message)).toEqual([
      'the file is not valid UTF-8; invalid bytes were read as U+FFFD',
    ]);
  });

  it('bytes invalid in the declared encoding are a located-by-declaration warning', async () => {
    writeFileSync(
      join(dir, 'bad.py'),
      Buffer.concat([Buffer.from('# coding: shift_jis\ns = "'), Buffer.from([0x93]), Buffer.from('"\n')]),
    );
    const measured = await one<ComplexityRecord>('bad.py', 'complexity');
    expect(measured.diagnostics.map((d) => d.message)).toEqual([
      'the file is not valid shift-jis (the encoding it declares on line 1); invalid bytes were read as U+FFFD',
    ]);
  });
});
