import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFiles } from '../src/index.js';
import { multiLineStringLines } from '../src/normalize/python-strings.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'st3-parity-comments-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
/** Writes the two texts as real files with the extension and compares them as `st3 parity compare` does. */
async function verdictOf(ext: string, left: string, right: string) {
  n++;
  const a = join(dir, `a${n}.${ext}`);
  const b = join(dir, `b${n}.${ext}`);
  await writeFile(a, left);
  await writeFile(b, right);
  return compareFiles(a, b);
}

describe('comments: content is kept, alignment ignored, the same in Python and TypeScript', () => {
  // the seed: "Comments: preserve content, ignore alignment"; each row is one difference in both languages
  const rows: { what: string; equivalent: boolean; py: [string, string]; ts: [string, string] }[] = [
    {
      what: 'a comment line indented differently',
      equivalent: true,
      py: ['class A:\n        # doc\n    x = 1\n', 'class A:\n    # doc\n    x = 1\n'],
      ts: ['class A {\n      // doc\n  x = 1;\n}\n', 'class A {\n  // doc\n  x = 1;\n}\n'],
    },
    {
      what: 'a one-line doc comment indented differently',
      equivalent: true,
      py: ['class A:\n        # doc\n    x = 1\n', 'class A:\n    # doc\n    x = 1\n'],
      ts: ['class A {\n      /** doc */\n  x = 1;\n}\n', 'class A {\n  /** doc */\n  x = 1;\n}\n'],
    },
    {
      what: 'a multi-line doc comment indented differently',
      equivalent: true,
      // a docstring's own line is code (indentation is Python syntax): a block of # lines is the match
      py: [
        'class A:\n        # Doc.\n        #   more\n    x = 1\n',
        'class A:\n    # Doc.\n    #   more\n    x = 1\n',
      ],
      ts: [
        'class A {\n      /**\n       * Doc.\n       */\n  x = 1;\n}\n',
        'class A {\n  /**\n   * Doc.\n   */\n  x = 1;\n}\n',
      ],
    },
    {
      what: 'the words of a comment',
      equivalent: false,
      py: ['x = 1\n# hello\n', 'x = 1\n# world\n'],
      ts: ['const x = 1;\n/* hello */\n', 'const x = 1;\n/* world */\n'],
    },
    {
      what: 'a comment line added',
      equivalent: false,
      py: ['x = 1\ny = 2\n', 'x = 1\n# note\ny = 2\n'],
      ts: ['const x = 1;\nconst y = 2;\n', 'const x = 1;\n/** note */\nconst y = 2;\n'],
    },
    {
      what: 'one blank line against two',
      equivalent: true,
      py: ['x = 1\n\ny = 2\n', 'x = 1\n\n\ny = 2\n'],
      ts: ['const x = 1;\n\nconst y = 2;\n', 'const x = 1;\n\n\nconst y = 2;\n'],
    },
    {
      what: 'the relative indentation inside a comment block',
      equivalent: false,
      py: [
        'def f():\n    """Doc.\n\n    - a\n      - b\n    """\n',
        'def f():\n    """Doc.\n\n    - a\n    - b\n    """\n',
      ],
      ts: ['/*\n  - a\n    - b\n*/\nconst x = 1;\n', '/*\n  - a\n  - b\n*/\nconst x = 1;\n'],
    },
  ];
  for (const row of rows)
    it(`${row.what}: ${row.equivalent ? 'equivalent' : 'different'} in both`, async () => {
      const kinds = [await verdictOf('py', ...row.py), await verdictOf('ts', ...row.ts)].map((v) => v.kind);
      expect(kinds).toEqual(row.equivalent ? ['equivalent', 'equivalent'] : ['different', 'different']);
    });
});

describe('text inside strings is a value, never layout', () => {
  it('Python: a "#" in a string does not hide the triple-quoted string after it', async () => {
    const left = 'SEP = "#"; MSG = """a\n\n\nb   \n"""\n';
    const right = 'SEP = "#"; MSG = """a\n\nb\n"""\n';
    expect((await verdictOf('py', left, right)).kind).toBe('different');
    const indented = await verdictOf(
      'py',
      'X = {"k": "#", "m": """\n    # a\n"""}\n',
      'X = {"k": "#", "m": """\n# a\n"""}\n',
    );
    expect(indented.kind).toBe('different');
  });
  it('Python: a quoted string continued by a backslash keeps its lines', async () => {
    const left = 'MSG = "one \\\n        # two"\nx = 1\n';
    const right = 'MSG = "one \\\n# two"\nx = 1\n';
    expect((await verdictOf('py', left, right)).kind).toBe('different');
  });
  it("Python: a ''' inside a quoted string opens nothing (the blank lines after it are layout)", async () => {
    const verdict = await verdictOf('py', "s = \"'''\"\nx = 1\n\n\ny = 2\n", "s = \"'''\"\nx = 1\n\ny = 2\n");
    expect(verdict).toEqual({ kind: 'equivalent', rules: ['blank-lines-python'] });
  });
  it('TypeScript: a /* at the start of a line inside a template literal is its text', async () => {
    const verdict = await verdictOf('ts', 'const s = `\n/*\n      * x\n*/\n`;\n', 'const s = `\n/*\n * x\n*/\n`;\n');
    expect(verdict.kind).toBe('different');
  });
  it('TypeScript: a regular expression holding /* does not hide the template literal after it', async () => {
    const re = 'const trim = (s: string) => s.replace(/\\/*$/, "");\n';
    const verdict = await verdictOf(
      'ts',
      `${re}export const sql = \`select 1   \n\n\nfrom t\`;\n`,
      `${re}export const sql = \`select 1\n\nfrom t\`;\n`,
    );
    expect(verdict.kind).toBe('different');
    // and a division is no regular expression: the blank lines after it are still layout
    const division = 'const half = total / 2; const q = "`";\n';
    expect((await verdictOf('ts', `${division}\n\nconst y = 1;\n`, `${division}\nconst y = 1;\n`)).kind).toBe(
      'equivalent',
    );
  });
});

const python = ['python3', 'python'].find((p) => {
  try {
    execFileSync(p, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
});
const stdlib = python
  ? execFileSync(python, ['-c', 'import sysconfig; print(sysconfig.get_paths()["stdlib"])'], {
      encoding: 'utf8',
    }).trim()
  : '';
// files whose strings fooled the first scan: `#` and quotes inside strings, backslash-continued strings, raw strings
const STDLIB_FILES = ['tokenize.py', 'shlex.py', 'textwrap.py', 'inspect.py', 'argparse.py', 'pydoc.py', 'doctest.py'];

describe.skipIf(!python)('Python string lines agree with the tokenize module (CPython stdlib)', () => {
  it('marks exactly the lines that begin inside a string', async () => {
    const files = STDLIB_FILES.map((f) => join(stdlib, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(3);
    const script = [
      'import sys, tokenize, json',
      'out = []',
      'for path in sys.argv[1:]:',
      '    inside = set()',
      '    with open(path, "rb") as f:',
      '        for t in tokenize.tokenize(f.readline):',
      '            if t.type == tokenize.STRING and t.end[0] > t.start[0]:',
      '                inside.update(range(t.start[0] + 1, t.end[0] + 1))',
      '    out.append(sorted(inside))',
      'print(json.dumps(out))',
    ].join('\n');
    const truth = JSON.parse(execFileSync(python!, ['-c', script, ...files], { encoding: 'utf8' })) as number[][];
    for (const [i, file] of files.entries()) {
      const lines = (await readFile(file, 'utf8')).replace(/\r\n?/g, '\n').split('\n');
      const expected = new Set(truth[i]);
      const wrong = multiLineStringLines(lines).flatMap((inside, k) => (inside === expected.has(k + 1) ? [] : [k + 1]));
      expect({ file, wrong }).toEqual({ file, wrong: [] });
    }
  });
});
