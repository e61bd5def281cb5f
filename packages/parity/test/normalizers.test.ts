import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  NORMALIZERS,
  PRESETS,
  blankLines,
  blockCommentIndent,
  commentIndentHash,
  docstringIndent,
  finalNewline,
  languageOf,
  lineEndings,
  maskProvenance,
  maskTimestamps,
  maskVersionHashes,
  normalize,
  sortImportsPython,
  sortImportsTs,
  trailingWhitespace,
} from '../src/index.js';

describe('basic rules', () => {
  it('turns CRLF and CR into LF', () => {
    expect(lineEndings.apply('a\r\nb\rc\n')).toBe('a\nb\nc\n');
  });
  it('strips trailing spaces and tabs only', () => {
    expect(trailingWhitespace.apply('a  \nb\t\n  c')).toBe('a\nb\n  c');
  });
  it('collapses runs of blank lines and drops leading ones', () => {
    expect(blankLines.apply('\n\na\n\n\n\nb\n \n\t\nc\n')).toBe('a\n\nb\n\nc\n');
  });
  it('ends a file with exactly one newline', () => {
    expect(finalNewline.apply('a\n\n\n')).toBe('a\n');
    expect(finalNewline.apply('a')).toBe('a\n');
    expect(finalNewline.apply('\n\n')).toBe('');
  });
});

describe('masks', () => {
  it('masks the provenance header in each comment syntax and keeps the artifact type', () => {
    const ts =
      '// src/dto/user.ts\n// template=dto version=1a2b3c4d created=2026-11-22T04:00:00Z updated=\nexport {};\n';
    expect(maskProvenance.apply(ts)).toBe('// st3-provenance template=dto\nexport {};\n');
    const md =
      '<!-- docs/plan.md -->\n<!-- template=planning version=deadbeef created=2026-01-01T00:00:00Z updated=2026-01-02T00:00:00Z -->\n# Plan\n';
    expect(maskProvenance.apply(md)).toBe('<!-- st3-provenance template=planning -->\n# Plan\n');
    const py =
      '#!/usr/bin/env python3\n# app/worker.py\n# template=worker version=0badc0de created=2026-11-22T04:00:00Z updated=\nimport os\n';
    expect(maskProvenance.apply(py)).toBe('#!/usr/bin/env python3\n# st3-provenance template=worker\nimport os\n');
  });
  it('leaves files without a header alone', () => {
    const text = '# Title\n# template=x but not a header\n';
    expect(maskProvenance.apply(text)).toBe(text);
  });
  it('masks the ISO timestamps and dates of a generated-at comment, and their repeats', () => {
    expect(
      maskTimestamps.apply(
        '# generated at 2026-11-22T04:09:01.123Z and 2026-11-22 and 2026-11-22 04:09:01+02:00\n2026-11-22 2026-11-23',
      ),
    ).toBe('# generated at <TIMESTAMP> and <DATE> and <TIMESTAMP>\n<DATE> 2026-11-23');
    expect(maskTimestamps.apply('# generated on 2026-13-45')).toBe('# generated on 2026-13-45');
    expect(maskTimestamps.apply('at 2026-11-22T04:09:01.123Z and 2026-11-22')).toBe(
      'at 2026-11-22T04:09:01.123Z and 2026-11-22',
    );
  });
  it('masks 8-hex version hashes after version= or version:', () => {
    expect(maskVersionHashes.apply('template=dto version=1a2b3c4d\nversion: "deadbeef"\nsha=1a2b3c4d')).toBe(
      'template=dto version=<HASH>\nversion: "<HASH>"\nsha=1a2b3c4d',
    );
    expect(maskVersionHashes.apply('version=1a2b3c4d5')).toBe('version=1a2b3c4d5');
  });
});

describe('import sorting keeps groups', () => {
  it('sorts TypeScript imports inside each group and sorts named bindings', () => {
    const input = [
      "import { z } from 'zod';",
      "import { b, a, type C } from './b.js';",
      "import fs from 'node:fs';",
      '',
      'import {',
      '  y,',
      '  x,',
      "} from './local.js';",
      "import './side-effect.js';",
      "import { q } from './a.js';",
      'const x = 1;',
    ].join('\n');
    expect(sortImportsTs.apply(input)).toBe(
      [
        "import { a, b, type C } from './b.js';",
        "import fs from 'node:fs';",
        "import { z } from 'zod';",
        '',
        "import { x, y } from './local.js';",
        "import './side-effect.js';",
        "import { q } from './a.js';",
        'const x = 1;',
      ].join('\n'),
    );
  });
  it('never moves an import across a blank line', () => {
    const input = "import { b } from 'b';\n\nimport { a } from 'a';\n";
    expect(sortImportsTs.apply(input)).toBe(input);
  });
  it('sorts Python imports within groups, __future__ first, parenthesised names collapsed', () => {
    const input = [
      'import sys',
      'from __future__ import annotations',
      'import os',
      '',
      'from pydantic import (',
      '    Field,',
      '    BaseModel,',
      ')',
      'from typing import Any  # noqa',
      'x = 1',
    ].join('\n');
    expect(sortImportsPython.apply(input)).toBe(
      [
        'from __future__ import annotations',
        'import os',
        'import sys',
        '',
        'from pydantic import BaseModel, Field',
        'from typing import Any  # noqa',
        'x = 1',
      ].join('\n'),
    );
  });
  it('never reorders imports whose order decides what a name holds (the last binding wins)', () => {
    const unchanged = [
      'from b import x\nfrom a import x',
      'from b import y as x\nimport x',
      'import b as x\nimport a as x',
      'import b as x, a as x',
      'from a import c as y, b as y',
      // A star import binds names nobody can list: it stays in place.
      'from z import *\nfrom a import x',
    ];
    for (const text of unchanged) expect(sortImportsPython.apply(text)).toBe(text);
    // The same name bound to the same module in any order still sorts.
    expect(sortImportsPython.apply('import os.path\nimport os')).toBe('import os\nimport os.path');
    expect(sortImportsTs.apply("import { x } from './b';\nimport { x as y } from './a';")).toBe(
      "import { x as y } from './a';\nimport { x } from './b';",
    );
  });
});

describe('comment and docstring indentation', () => {
  it('re-indents Python docstrings to their opening quotes', () => {
    const input = [
      'def f():',
      '    """Summary.',
      '',
      '        Details here.',
      '          more.',
      '        """',
      '    return 1',
    ].join('\n');
    expect(docstringIndent.apply(input)).toBe(
      ['def f():', '    """Summary.', '', '    Details here.', '      more.', '    """', '    return 1'].join('\n'),
    );
  });
  it('gives a comment line the indentation of the next code line, not inside strings', () => {
    const input = ['def f():', '# explain', '    return 1', 'X = """', '  # not a comment', '"""'].join('\n');
    expect(commentIndentHash.apply(input)).toBe(
      ['def f():', '    # explain', '    return 1', 'X = """', '  # not a comment', '"""'].join('\n'),
    );
  });
  it('lines up JSDoc continuation lines under the opening /*', () => {
    const input = ['  /**', '     * Doc.', '   */', 'const a = 1;'].join('\n');
    expect(blockCommentIndent.apply(input)).toBe(['  /**', '   * Doc.', '   */', 'const a = 1;'].join('\n'));
  });
});

describe('presets', () => {
  it('picks the language from the extension', () => {
    expect(languageOf('src/a.ts')).toBe('typescript');
    expect(languageOf('app/x.py')).toBe('python');
    expect(languageOf('docs/x.md')).toBe('markdown');
    expect(languageOf('a.yml')).toBe('yaml');
    expect(languageOf('dir.v2/README')).toBe('text');
  });
  it('keeps Markdown hard line breaks (two trailing spaces)', () => {
    expect(normalize('line one  \nline two\n', PRESETS.markdown).text).toBe('line one  \nline two\n');
  });
  it('keeps blank lines inside Markdown fenced code blocks (``` and ~~~), collapses them elsewhere', () => {
    const text = 'a\n\n\n````md\nx\n\n\n```\n\n\n````\n\n\n~~~\ny\n\n\n~~~\n\n\nb\n';
    expect(normalize(text, PRESETS.markdown).text).toBe('a\n\n````md\nx\n\n\n```\n\n\n````\n\n~~~\ny\n\n\n~~~\n\nb\n');
  });
  it('keeps blank lines and trailing spaces inside Python triple-quoted strings (they are its value)', () => {
    const text = 'MSG = """line one   \n\n\n\nline two  \n"""\n\n\n\nx = 1   \n';
    expect(normalize(text, PRESETS.python).text).toBe('MSG = """line one   \n\n\n\nline two  \n"""\n\nx = 1\n');
  });
  it('keeps blank lines, trailing spaces and // lines inside TypeScript template literals', () => {
    const text =
      "const a = 1;   \n\n\n\nconst sql = `select  \n\n\n  // not a comment\n${x.map((y) => `${y}`).join('')}  \n\n\nend`;\n\n\n\n  // a comment\nconst b = '`';   \n\n\nconst c = 2;\n";
    expect(normalize(text, PRESETS.typescript).text).toBe(
      "const a = 1;\n\nconst sql = `select  \n\n\n  // not a comment\n${x.map((y) => `${y}`).join('')}  \n\n\nend`;\n\n// a comment\nconst b = '`';\n\nconst c = 2;\n",
    );
  });
  it('keeps blank lines and trailing spaces inside YAML block scalars, collapses them elsewhere', () => {
    // the blank lines after a strip (`-`) or clip scalar's last text line are no part of its value: they collapse
    const text = 'a: 1   \n\n\n\nnote: |\n  line one  \n\n\n  line two\nlist:\n  - >-\n    x\n\n\n    y\n\n\n\nb: 2\n';
    expect(normalize(text, PRESETS.yaml).text).toBe(
      'a: 1\n\nnote: |\n  line one  \n\n\n  line two\nlist:\n  - >-\n    x\n\n\n    y\n\nb: 2\n',
    );
  });
  it('reports which rules changed the text', () => {
    const result = normalize('b\r\n\r\n\r\n\r\nc  \r\n', PRESETS.text);
    expect(result.text).toBe('b\n\nc\n');
    expect(result.applied).toEqual(expect.arrayContaining(['line-endings', 'blank-lines', 'trailing-whitespace']));
  });
});

const codeish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        'import { b, a } from "x";',
        "import z from 'z';",
        'from os import path, sep',
        'import sys',
        '"""',
        "'''",
        '    """doc',
        '# comment',
        '  // c',
        '/**',
        ' * j',
        ' */',
        '',
        '   ',
        '\t',
        'def f():',
        '    return 1',
        '// a.ts',
        '// template=dto version=1a2b3c4d created=2026-01-01T00:00:00Z updated=',
        '2026-01-01T00:00:00Z',
        'version: deadbeef',
        '\r',
        'from (',
        ')',
        '{',
        '}',
      ),
      fc.string({ maxLength: 12 }),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join(fc.sample(fc.constantFrom('\n', '\r\n'), 1)[0]));

describe('properties (fast-check)', () => {
  for (const [name, rule] of Object.entries(NORMALIZERS)) {
    it(`${name} never throws and is idempotent`, () => {
      fc.assert(
        fc.property(fc.oneof(codeish, fc.string({ maxLength: 200 })), (text) => {
          const once = rule.apply(lineEndings.apply(text));
          expect(rule.apply(once)).toBe(once);
        }),
        { numRuns: 300 },
      );
    });
  }
  for (const [language, rules] of Object.entries(PRESETS)) {
    it(`the ${language} preset is idempotent`, () => {
      fc.assert(
        fc.property(fc.oneof(codeish, fc.string({ maxLength: 200 })), (text) => {
          const once = normalize(text, rules).text;
          expect(normalize(once, rules).text).toBe(once);
        }),
        { numRuns: 300 },
      );
    });
  }
});
