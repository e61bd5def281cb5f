import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { St3Error } from '@st3/schemas';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  expectSuiteOk,
  formatSuiteReport,
  loadParitySuite,
  loadParitySuiteOrThrow,
  percentile,
  runParitySuite,
  storedRenderer,
  type SuiteCase,
} from '../src/index.js';

const files = (content: string) => ({ files: [{ path: 'out.ts', content }] });
const mk = (id: string, data: Partial<SuiteCase['data']> = {}): SuiteCase => ({ id, data: { context: {}, ...data } });

/** A fake monotonic clock: each call advances by the next step. */
function fakeClock(steps: number[]) {
  let t = 0;
  let i = 0;
  return () => {
    const now = t;
    t += steps[i++ % steps.length]!;
    return now;
  };
}

describe('runParitySuite categories', () => {
  it('sorts cases into pass, improvement, regression and fail', async () => {
    const cases = [
      mk('equal'),
      mk('equivalent'),
      mk('improvement'),
      mk('regression'),
      mk('different'),
      mk('both-fail'),
    ];
    const left = (c: SuiteCase) => {
      if (c.id === 'improvement')
        return {
          files: [{ path: 'out.ts', content: 'name: undefined' }],
          warnings: ['"name" not given; using a default'],
        };
      if (c.id === 'both-fail') throw new Error('boom');
      return files(c.id === 'equivalent' ? 'x\r\n' : 'x\n');
    };
    const right = (c: SuiteCase) => {
      if (c.id === 'improvement' || c.id === 'regression') throw new St3Error('E_CONTEXT_INVALID', 'name: required');
      if (c.id === 'both-fail') throw new St3Error('E_CONTEXT_INVALID', 'bad');
      return files(c.id === 'different' ? 'y\n' : 'x\n');
    };
    const report = await runParitySuite({ cases, left, right, now: fakeClock([1]), speed: false });
    const byId = Object.fromEntries(report.cases.map((c) => [c.id, c]));
    expect(byId.equal!.category).toBe('pass');
    expect(byId.equal!.reason).toBe('identical');
    expect(byId.equivalent!.category).toBe('pass');
    expect(byId.equivalent!.reason).toContain('line-endings');
    expect(byId.improvement!.category).toBe('improvement');
    expect(byId.regression!.category).toBe('regression');
    expect(byId.different!.category).toBe('fail');
    expect(byId.different!.files[0]!.verdict.kind).toBe('different');
    expect(byId['both-fail']!.category).toBe('improvement');
    expect(report.counts).toEqual({ pass: 2, improvement: 2, regression: 1, fail: 1 });
    expect(report.ok).toBe(false);
    expect(() => expectSuiteOk(report)).toThrowError(/REGRESSION +regression/);
  });

  it('counts a v1 fallback as broken only when v2 rejects that same field', async () => {
    const left = () => ({ files: [{ path: 'a.ts', content: 'x\n' }], warnings: ['"frozen" not given; using true'] });
    const right = () => {
      throw new St3Error('E_CONTEXT_INVALID', 'invalid context for dto: name: a name starting with a letter');
    };
    expect((await runParitySuite({ cases: [mk('a')], left, right, speed: false })).cases[0]!.category).toBe(
      'regression',
    );
    const rightFrozen = () => {
      throw new St3Error('E_CONTEXT_INVALID', 'invalid context for dto: frozen: expected boolean');
    };
    const report = await runParitySuite({ cases: [mk('a')], left, right: rightFrozen, speed: false });
    expect(report.cases[0]!.category).toBe('improvement');
    expect(report.cases[0]!.left.broken).toContain('fell back on a field v2 rejects');
  });

  it('calls a v1 document that prints undefined broken, and v2 fixing it an improvement', async () => {
    const left = () => ({ files: [{ path: 'docs/t.md', content: '| a | undefined |\n' }] });
    const right = () => ({ files: [{ path: 'docs/t.md', content: '| a | open |\n' }] });
    const report = await runParitySuite({ cases: [mk('a')], left, right, speed: false });
    expect(report.cases[0]!.category).toBe('improvement');
    expect(report.cases[0]!.reason).toContain('renders "undefined" in docs/t.md (line 1)');
    // in code, undefined is a legitimate word
    const code = await runParitySuite({
      speed: false,
      cases: [mk('a')],
      left: () => files('let x = undefined;\n'),
      right: () => files('let x = 1;\n'),
    });
    expect(code.cases[0]!.category).toBe('fail');
  });

  it('fails when v1 renders fine and v2 crashes with a non-validation error', async () => {
    const report = await runParitySuite({
      speed: false,
      cases: [mk('a')],
      left: () => files('x\n'),
      right: () => {
        throw new Error('template crashed');
      },
    });
    expect(report.cases[0]!.category).toBe('regression');
  });

  it('an input v2 rejects by schema that v1 rendered cleanly is a regression saying so, naming the rule', async () => {
    const rejected = new St3Error('E_CONTEXT_INVALID', 'invalid context for dto: fields: at least one field', {
      diagnostics: [{ code: 'E_CONTEXT_INVALID', severity: 'error', path: ['fields'], message: 'at least one field' }],
    });
    const report = await runParitySuite({
      speed: false,
      cases: [mk('empty')],
      // a fallback on a field v2 does not reject does not excuse the rejection
      left: () => ({ ...files('export const x = 1;\n'), warnings: ['"description" not given; using ""'] }),
      right: () => {
        throw rejected;
      },
    });
    expect(report.cases[0]).toMatchObject({
      category: 'regression',
      reason: "input accepted by v1 is rejected by v2's schema: fields: at least one field",
      right: { error: { rules: ['fields: at least one field'], validation: true } },
    });
    const noDiagnostics = await runParitySuite({
      speed: false,
      cases: [mk('empty')],
      left: () => files('x\n'),
      right: () => {
        throw new St3Error('E_SCHEMA', 'name: required');
      },
    });
    expect(noDiagnostics.cases[0]!.reason).toBe("input accepted by v1 is rejected by v2's schema: name: required");
  });

  it('compares both sides with the expected output when one is given', async () => {
    const report = await runParitySuite({
      speed: false,
      cases: [mk('a', { expected: { 'out.ts': 'z\n' } })],
      left: () => files('x\n'),
      right: () => files('x\n'),
    });
    expect(report.cases[0]!.category).toBe('fail');
    expect(report.cases[0]!.reason).toContain('differs from expected out.ts');
  });

  it('treats a declared category that was not reached as not ok', async () => {
    const report = await runParitySuite({
      speed: false,
      cases: [mk('a', { expect: 'improvement' })],
      left: () => files('x\n'),
      right: () => files('x\n'),
    });
    expect(report.cases[0]!.expectedCategory).toBe('improvement');
    expect(report.ok).toBe(false);
  });

  it('reports median and p95 render times and their ratio', async () => {
    // left renders take 1ms, right ones 2ms (fake clock: start/end pairs alternate per side)
    const cases = Array.from({ length: 20 }, (_, i) => mk(`c${i}`));
    const report = await runParitySuite({
      speed: false,
      cases,
      left: () => files('x\n'),
      right: () => files('x\n'),
      now: fakeClock([1, 0, 2, 0]),
    });
    expect(report.timing.left).toEqual({ median: 1, p95: 1, count: 20 });
    expect(report.timing.right).toEqual({ median: 2, p95: 2, count: 20 });
    expect(report.timing.ratio).toEqual({ median: 2, p95: 2 });
    expect(formatSuiteReport(report).at(-2)).toContain('ratio median 2.00 p95 2.00');
  });

  it('warm-up renders are neither timed nor judged', async () => {
    let calls = 0;
    const report = await runParitySuite({
      speed: false,
      cases: [mk('a')],
      warmup: 2,
      left: () => {
        calls++;
        if (calls === 1) throw new Error('cold');
        return files('x\n');
      },
      right: () => files('x\n'),
    });
    expect(calls).toBe(3);
    expect(report.cases[0]!.left.times).toHaveLength(1);
    expect(report.cases[0]!.category).toBe('pass');
  });

  it('renders each case `repeat` times', async () => {
    let calls = 0;
    const report = await runParitySuite({
      speed: false,
      cases: [mk('a')],
      repeat: 5,
      left: () => {
        calls++;
        return files('x\n');
      },
      right: () => files('x\n'),
    });
    expect(calls).toBe(5);
    expect(report.cases[0]!.left.times).toHaveLength(5);
  });
});

describe('percentile', () => {
  it('uses the median for p50 and nearest rank otherwise', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
    ).toBe(95);
    expect(percentile([], 95)).toBe(0);
  });
});

describe('suite folders', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'st3-parity-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads suite.yaml and cases/ and replays stored outputs', async () => {
    await mkdir(join(dir, 'cases'));
    await writeFile(join(dir, 'suite.yaml'), 'name: stored\nrenderer: files\n');
    await writeFile(
      join(dir, 'cases', 'b.yaml'),
      'left:\n  a.py: "import b\\nimport a\\n"\nright:\n  a.py: "import a\\nimport b\\n"\n',
    );
    await writeFile(
      join(dir, 'cases', 'a.yaml'),
      'expect: improvement\nleft:\n  a.md: "hi"\nleft_warnings: [\'"title" not given\']\nright:\n  error: "title: required"\n  validation: true\n',
    );
    const loaded = await loadParitySuite(dir);
    expect(loaded.errors).toEqual([]);
    const suite = loaded.value!;
    expect(suite.config.name).toBe('stored');
    expect(suite.cases.map((c) => c.id)).toEqual(['a', 'b']);
    const report = await runParitySuite({
      speed: false,
      cases: suite.cases,
      left: storedRenderer('left'),
      right: storedRenderer('right'),
    });
    expect(report.cases.map((c) => c.category)).toEqual(['improvement', 'pass']);
    expect(report.ok).toBe(true);
  });

  it('reports invalid case files with line and column', async () => {
    await mkdir(join(dir, 'cases'));
    await writeFile(join(dir, 'cases', 'bad.yaml'), 'context: {}\nexpect: maybe\n');
    const loaded = await loadParitySuite(dir);
    expect(loaded.value).toBeUndefined();
    expect(loaded.errors[0]).toMatchObject({ code: 'E_SCHEMA', line: 2, path: ['expect'] });
  });

  it('loads a symlinked case file; a dangling case or suite.yaml link is an error, never fewer cases or the defaults', async () => {
    await mkdir(join(dir, 'cases'));
    await mkdir(join(dir, 'elsewhere'));
    await writeFile(join(dir, 'elsewhere', 'a.yaml'), 'left:\n  a.md: "x"\nright:\n  a.md: "y"\n');
    await symlink(join(dir, 'elsewhere', 'a.yaml'), join(dir, 'cases', 'a.yaml'));
    const linked = await loadParitySuite(dir);
    expect(linked.value?.cases.map((c) => c.id)).toEqual(['a']);
    await symlink(join(dir, 'gone.yaml'), join(dir, 'cases', 'b.yaml'));
    expect((await loadParitySuite(dir)).errors[0]).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: join(dir, 'cases', 'b.yaml'),
    });
    await rm(join(dir, 'cases', 'b.yaml'));
    await symlink(join(dir, 'gone-suite.yaml'), join(dir, 'suite.yaml'));
    expect((await loadParitySuite(dir)).errors[0]).toMatchObject({
      code: 'E_FILE_NOT_FOUND',
      file: join(dir, 'suite.yaml'),
    });
  });

  it('loads the cases of a symlinked folder under cases/ (never fewer cases)', async () => {
    await mkdir(join(dir, 'cases'));
    await mkdir(join(dir, 'shared', 'deep'), { recursive: true });
    await writeFile(join(dir, 'cases', 'a.yaml'), 'left:\n  a.md: "x"\nright:\n  a.md: "x"\n');
    await writeFile(join(dir, 'shared', 'deep', 'b.yaml'), 'left:\n  a.md: "x"\nright:\n  a.md: "y"\n');
    await symlink(join(dir, 'shared'), join(dir, 'cases', 'common'));
    const loaded = await loadParitySuite(dir);
    expect(loaded.errors).toEqual([]);
    expect(loaded.value?.cases.map((c) => c.id)).toEqual(['a', 'common/deep/b']);
  });

  it('a file only one side writes is a difference, even empty; two empty renderings never pass', async () => {
    await mkdir(join(dir, 'cases'));
    await writeFile(join(dir, 'suite.yaml'), 'renderer: files\n');
    // v2 no longer writes the (empty) package marker: a lost file, not an empty one
    await writeFile(
      join(dir, 'cases', 'lost-init.yaml'),
      'left:\n  pkg/__init__.py: ""\n  pkg/user.py: "class User: pass\\n"\nright:\n  pkg/user.py: "class User: pass\\n"\n',
    );
    await writeFile(join(dir, 'cases', 'lost-blank.yaml'), 'left: {}\nright:\n  notes.txt: "\\n\\n"\n');
    await writeFile(join(dir, 'cases', 'nothing.yaml'), 'left: {}\nright: {}\n');
    const suite = (await loadParitySuite(dir)).value!;
    const report = await runParitySuite({
      speed: false,
      cases: suite.cases,
      left: storedRenderer('left'),
      right: storedRenderer('right'),
    });
    expect(report.cases.map((c) => [c.id, c.category])).toEqual([
      ['lost-blank', 'fail'],
      ['lost-init', 'fail'],
      ['nothing', 'fail'],
    ]);
    expect(report.cases[0]!.reason).toBe('notes.txt: only v2 writes it');
    expect(report.cases[1]!.reason).toBe('pkg/__init__.py: only v1 writes it');
    expect(report.cases[1]!.files[0]).toMatchObject({ path: 'pkg/__init__.py', onlyIn: 'left' });
    expect(report.cases[2]!.reason).toContain('nothing was compared');
    expect(report.ok).toBe(false);
  });

  it('refuses a stored-output case that leaves out a side (it read as an improvement, v2 never compared)', async () => {
    await mkdir(join(dir, 'cases'));
    await writeFile(join(dir, 'suite.yaml'), 'renderer: files\n');
    await writeFile(
      join(dir, 'cases', 'no-right.yaml'),
      'expect: improvement\nleft:\n  out.md: "name: undefined\\n"\n',
    );
    await writeFile(join(dir, 'cases', 'ok.yaml'), 'left:\n  a.md: "x"\nright:\n  a.md: "x"\n');
    const loaded = await loadParitySuite(dir);
    expect(loaded.value).toBeUndefined();
    expect(loaded.errors).toEqual([
      expect.objectContaining({
        code: 'E_CONFIG_INVALID',
        file: join(dir, 'cases', 'no-right.yaml'),
        line: 1,
        message: 'case no-right has no stored "right" output (renderer: files)',
      }),
    ]);
    await expect(loadParitySuiteOrThrow(dir)).rejects.toMatchObject({ code: 'E_CONFIG_INVALID' });
    // the scaffold renderer renders both sides itself: stored outputs are not needed there
    await writeFile(join(dir, 'suite.yaml'), 'renderer: scaffold\n');
    expect((await loadParitySuite(dir)).errors).toEqual([]);
  });

  it('refuses a folder without cases', async () => {
    const loaded = await loadParitySuite(dir);
    expect(loaded.errors[0]!.message).toContain('no cases');
  });
});
