// A symbolic link named like a source file is a file of the project, as git stores it. One whose target
// is missing was left out of the walk, and `st3 complexity src --max 5` passed over a file nobody read
// (flake8 fails it with E902, ESLint stops); a glob left out every link, even one to a real file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  atomizeProject,
  complexityFileReport,
  complexityReport,
  type ComplexityRecord,
  type JobResult,
} from '../src/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'st3-links-'));
  mkdirSync(join(dir, 'src/shared'), { recursive: true });
  writeFileSync(join(dir, 'src/a.py'), 'def a(x):\n    return x\n');
  writeFileSync(join(dir, 'src/shared/b.py'), 'def b(x):\n    return x\n');
  symlinkSync(join(dir, 'src/a.py'), join(dir, 'src/alias.py'));
  symlinkSync(join(dir, 'gone/generated.py'), join(dir, 'src/generated.py'));
  // A link to a folder is not entered (its files are measured through their own path).
  symlinkSync(join(dir, 'src/shared'), join(dir, 'src/linked'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function measure(patterns: string[]): Promise<JobResult<ComplexityRecord>[]> {
  const out: JobResult<ComplexityRecord>[] = [];
  for await (const r of atomizeProject(patterns, { cwd: dir, cache: false, mode: 'complexity' })) out.push(r);
  return out.sort((x, y) => x.path.localeCompare(y.path));
}

describe('symbolic links', () => {
  for (const patterns of [['src'], ['src/*.py'], ['src/**/*.py']]) {
    it(`${patterns.join(' ')}: a link to a file is measured, a dangling one is a file not read`, async () => {
      const results = await measure(patterns);
      const measured = results.filter((r) => r.ok).map((r) => r.path);
      expect(measured).toEqual(
        patterns[0] === 'src/*.py' ? ['src/a.py', 'src/alias.py'] : ['src/a.py', 'src/alias.py', 'src/shared/b.py'],
      );
      const skipped = results.filter((r) => !r.ok);
      expect(skipped.map((r) => r.path)).toEqual(['src/generated.py']);
      expect(skipped[0]!.ok === false && skipped[0]!.skipped.diagnostic?.code).toBe('E_FILE_READ');
      expect(skipped[0]!.ok === false && skipped[0]!.skipped.reason).toMatch(
        /^cannot read: a symbolic link to .*gone\/generated\.py, which does not exist$/,
      );
      // st3 complexity --max 5: the file nobody read is not below 5.
      const report = complexityReport(
        results.flatMap((r) => (r.ok ? [complexityFileReport(r.record, { max: 5 })] : [])),
        results.flatMap((r) => (r.ok ? [] : [{ path: r.path, reason: r.skipped.reason }])),
        { max: 5, patterns },
      );
      expect(report).toMatchObject({ passed: false, over: 0, notMeasured: 1 });
    });
  }
});
