import { describe, expect, it } from 'vitest';
import { checkSyntax, detectIssues, languageOf } from '../src/index.js';

const python = `import json

DATA = "/home/alice/data/input.csv"
counter = 0

def load():
    global counter
    try:
        with open(DATA) as f:
            return json.load(f)
    except:
        print("failed")
    finally:
        counter += 1

def safe():
    try:
        pass
    except ValueError:
        pass
    return "/api/users"
`;

const ts = `var total = 0;
export function parse(x: any): number {
  console.log("parsing", x);
  if (x == 1) return 1;
  if (x == null) return 0;
  return x === 2 ? 2 : Number(x != "3");
}
`;

describe('issue detectors', () => {
  it('finds Python bare except, print, global and absolute paths from the syntax tree', async () => {
    const issues = await detectIssues(python, 'python');
    expect(issues.map((i) => [i.rule, i.line])).toEqual([
      ['python/absolute-path', 3],
      ['python/global', 7],
      ['python/bare-except', 11],
      ['python/print', 12],
    ]);
    const bare = issues.find((i) => i.rule === 'python/bare-except')!;
    expect(bare.fix).toEqual({ before: '    except:', after: '    except Exception:' });
    expect(bare.explanation).toMatch(/KeyboardInterrupt/);
    expect(issues.find((i) => i.rule === 'python/print')!.fix.after).toBe('        logger.info("failed")');
    expect(issues.find((i) => i.rule === 'python/absolute-path')!.fix.after).toBe(
      'DATA = str(Path(__file__).resolve().parent / "input.csv")',
    );
  });

  it('does not flag a print inside a string or comment, or a `print` method', async () => {
    expect(await detectIssues('# print("x")\ns = "print(1)"\nlogger.print(2)\n', 'python')).toEqual([]);
  });

  it('finds TS any, console.log, var and loose equality (but allows == null)', async () => {
    const issues = await detectIssues(ts, 'typescript');
    expect(issues.map((i) => [i.rule, i.line])).toEqual([
      ['ts/var', 1],
      ['ts/any', 2],
      ['ts/console-log', 3],
      ['ts/loose-equality', 4],
      ['ts/loose-equality', 6],
    ]);
    const eq = issues.find((i) => i.rule === 'ts/loose-equality')!;
    expect(eq.fix).toEqual({ before: '  if (x == 1) return 1;', after: '  if (x === 1) return 1;' });
    expect(issues.at(-1)!.fix.after).toBe('  return x === 2 ? 2 : Number(x !== "3");');
    expect(issues[0]!.fix.after).toBe('let total = 0;');
  });

  it('checks syntax of Python and TypeScript code', async () => {
    expect(await checkSyntax('def f(:\n  pass\n', 'python')).toMatchObject({ ok: false });
    expect(await checkSyntax('def f():\n    return 1\n', 'python')).toEqual({ ok: true, errors: [] });
    const bad = await checkSyntax('function f( {', 'typescript');
    expect(bad.ok).toBe(false);
    expect(bad.errors[0]).toMatch(/^1:\d+ TS\d+/);
    expect(await checkSyntax('const x: number = 1;', 'typescript')).toEqual({ ok: true, errors: [] });
  });

  it('maps file extensions to languages', () => {
    expect(['a.py', 'b.tsx', 'c.mjs', 'd.rs', undefined].map(languageOf)).toEqual([
      'python',
      'typescript',
      'javascript',
      'other',
      'other',
    ]);
  });
});
