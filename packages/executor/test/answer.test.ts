import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSt3Error } from '@st3/schemas';
import { buildPrompt, parseAnswer, replaceLines, unifiedDiff, type AnswerTarget } from '../src/index.js';

const file =
  'export function add(a: number, b: number): number {\n  throw new Error("TODO");\n}\n\nexport const x = 1;\n';
const target: AnswerTarget = { file: 'src/a.ts', language: 'typescript', text: file, startLine: 1, endLine: 3 };
const fixed = 'export function add(a: number, b: number): number {\n  return a + b;\n}';

function codeOf(f: () => unknown): { code?: string; category?: string; message?: string } {
  try {
    f();
    return {};
  } catch (e) {
    return {
      code: isSt3Error(e) ? e.code : undefined,
      category: (e as { category?: string }).category,
      message: (e as Error).message,
    };
  }
}

describe('parseAnswer', () => {
  it('a fenced block replaces the atom lines, whatever prose surrounds it', () => {
    const r = parseAnswer(`Here you go:\n\n\`\`\`ts\n${fixed}\n\`\`\`\n\nThis adds the numbers.`, target);
    expect(r).toMatchObject({ kind: 'block', text: `${fixed}\n\nexport const x = 1;\n` });
  });

  it('prefers the block in the file language, drops <think> reasoning, re-indents a method given without its class indent', () => {
    const r = parseAnswer(
      `<think>\`\`\`py\nnot this\n\`\`\`</think>\n\`\`\`json\n{}\n\`\`\`\n\`\`\`typescript\n${fixed}\n\`\`\``,
      {
        ...target,
        language: 'typescript',
      },
    );
    expect(r.text.startsWith(fixed)).toBe(true);
    const cls = 'class A:\n    def f(self):\n        pass\n';
    const py = parseAnswer('```python\ndef f(self):\n    return 1\n```', {
      file: 'a.py',
      language: 'python',
      text: cls,
      startLine: 2,
      endLine: 3,
    });
    expect(py).toMatchObject({ text: 'class A:\n    def f(self):\n        return 1\n', reindented: true });
  });

  it("a unified diff (bare or fenced) of the atom is applied to the file; its code is the atom's new lines", () => {
    const after = file.replace('  throw new Error("TODO");', '  return a + b;');
    const diff = unifiedDiff('src/a.ts', file, after);
    expect(parseAnswer(diff, target)).toEqual({ kind: 'diff', text: after, code: fixed });
    expect(parseAnswer(`I changed one place:\n\`\`\`diff\n${diff}\`\`\``, target)).toEqual({
      kind: 'diff',
      text: after,
      code: fixed,
    });
  });

  it('a diff that also changes lines outside the atom is a `context` failure naming them', () => {
    const after = file
      .replace('  throw new Error("TODO");', '  return a + b;')
      .replace('export const x = 1;', 'export const x = 2;');
    const e = codeOf(() => parseAnswer(unifiedDiff('src/a.ts', file, after), target));
    expect(e).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
    expect(e.message).toContain('The diff changes src/a.ts outside the atom: line(s) 5 (the atom is lines 1-3)');
    const inserted = codeOf(() =>
      parseAnswer(unifiedDiff('src/a.ts', file, `// header\n${file}`), { ...target, startLine: 3 }),
    );
    expect(inserted.message).toContain('outside the atom: line(s) before 1 (the atom is lines 3-3)');
  });

  it('anything else is a `context` failure that says what was expected', () => {
    for (const answer of ['', 'just prose, no code', '```ts\n\n```']) {
      const e = codeOf(() => parseAnswer(answer, target));
      expect(e).toMatchObject({ code: 'E_AGENT_ANSWER', category: 'context' });
      expect(e.message).toContain(
        'Expected exactly one fenced code block (```ts … ```) replacing lines 1-3 of src/a.ts',
      );
    }
    const wrongFile = unifiedDiff('src/other.ts', file, file.replace('TODO', 'x'));
    expect(codeOf(() => parseAnswer(wrongFile, target)).message).toContain('The diff is for src/other.ts');
    const stale = unifiedDiff('src/a.ts', 'a\nb\nc\n', 'a\nB\nc\n');
    expect(codeOf(() => parseAnswer(stale, target)).message).toContain('does not apply');
  });

  it('property: any code in a fence, with any prose around it, replaces exactly the atom lines', () => {
    const line = fc
      .string({ maxLength: 20 })
      .filter((s) => !s.includes('`') && !s.includes('\n') && !s.includes('~~~') && s.trim() !== '');
    fc.assert(
      fc.property(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc
          .string({ maxLength: 30 })
          .filter((s) => !s.includes('`') && !s.includes('~~~') && !/^(---|\+\+\+|@@)/m.test(s)),
        (lines, prose) => {
          const code = lines.join('\n');
          const r = parseAnswer(`${prose}\n\`\`\`ts\n${code}\n\`\`\`\n${prose}`, {
            ...target,
            text: 'a\nb\nc\nd\n',
            startLine: 2,
            endLine: 3,
          });
          expect(r.text).toBe(replaceLines('a\nb\nc\nd\n', 2, 3, code));
        },
      ),
    );
  });

  it('property: a diff between any two versions of a file applies back to the second', () => {
    const lines = fc.array(fc.constantFrom('a', 'b', '}', '', 'return x;', '  y();'), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(lines, lines, (x, y) => {
        const before = `${x.join('\n')}\n`;
        const after = `${y.join('\n')}\n`;
        fc.pre(before !== after);
        // The atom is the whole file here: a diff may change only the atom's lines.
        const whole = { ...target, text: before, startLine: 1, endLine: x.length };
        expect(parseAnswer(unifiedDiff('src/a.ts', before, after), whole).text).toBe(after);
      }),
    );
  });
});

describe('parseAnswer: a diff changes only its atom', () => {
  it("property: a diff replacing the atom's lines is accepted exactly; one changing any other line is refused", () => {
    const lines = fc.array(fc.constantFrom('a', 'b', '}', '', 'return x;', '  y();'), { minLength: 1, maxLength: 10 });
    fc.assert(
      fc.property(lines, lines, lines, lines, (pre, atom, post, code) => {
        fc.pre(atom.length > 0 && atom.join('\n') !== code.join('\n'));
        const before = `${[...pre, ...atom, ...post].join('\n')}\n`;
        const t = { ...target, text: before, startLine: pre.length + 1, endLine: pre.length + atom.length };
        const inside = `${[...pre, ...code, ...post].join('\n')}\n`;
        if (inside !== before) {
          const r = parseAnswer(unifiedDiff('src/a.ts', before, inside), t);
          expect(r).toEqual({ kind: 'diff', text: inside, code: code.join('\n') });
        }
        // The same change plus one line outside the atom (before or after it) is refused.
        const outside =
          pre.length > 0
            ? `${['changed', ...pre.slice(1), ...code, ...post].join('\n')}\n`
            : `${[...code, ...post, 'appended'].join('\n')}\n`;
        expect(codeOf(() => parseAnswer(unifiedDiff('src/a.ts', before, outside), t))).toMatchObject({
          code: 'E_AGENT_ANSWER',
          category: 'context',
          message: expect.stringContaining('outside the atom'),
        });
      }),
    );
  });
});

describe('buildPrompt', () => {
  it('holds the instruction, context, code with its place, reviewer feedback and the previous failure', () => {
    const [system, user] = buildPrompt({
      instruction: 'Implement the TODO.',
      file: 'src/a.ts',
      language: 'typescript',
      startLine: 1,
      endLine: 3,
      code: file.split('\n').slice(0, 3).join('\n'),
      context: 'Imports it uses: none',
      reviewerFeedback: 'handle NaN',
      previous: {
        answer: 'return a +',
        category: 'syntax',
        message: '2:12 Expression expected.',
        guidance: 'Return code that parses.',
      },
    });
    expect(system!.role).toBe('system');
    expect(system!.content).toContain(
      'one fenced code block (```ts … ```) holding the new code that replaces lines 1-3 of src/a.ts',
    );
    expect(system!.content).toContain('one unified diff against src/a.ts');
    for (const part of [
      '## Instruction\n\nImplement the TODO.',
      '## Context of the atom\n\nImports it uses: none',
      '## The atom: src/a.ts lines 1-3\n\n```ts\nexport function add',
      '## Reviewer feedback on an earlier version\n\nhandle NaN',
      '## Your previous attempt failed (syntax)',
      'return a +',
      '2:12 Expression expected.',
      'Return code that parses.',
    ])
      expect(user!.content).toContain(part);
  });
});
