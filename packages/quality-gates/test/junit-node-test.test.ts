// The JUnit reader on node's own test runner (`node --test --test-reporter=junit`), run for real: a
// test file that reported no test is no pass, a failing todo is no failure, and `>` left unescaped in
// a test's name does not merge it with the next test.
import { afterEach, describe, expect, it } from 'vitest';
import { runTests } from '../src/index.js';
import { tempDir, write } from './helpers.js';

const NODE_JUNIT = [process.execPath, '--test', '--test-reporter=junit', '--test-reporter-destination=r.xml'];

describe('runTests on node --test JUnit reports', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  const run = async (files: Record<string, string>) => {
    const t = tempDir();
    cleanup = t.cleanup;
    write(t.dir, files);
    return runTests({ cwd: t.dir, config: { command: NODE_JUNIT, format: 'pytest', report_file: 'r.xml' } });
  };

  it('a test file with no test, or one that exits before reporting its tests, is not a pass', async () => {
    const empty = await run({ 'test/empty.test.mjs': 'export const helper = 1;\n' });
    expect(empty).toMatchObject({ ok: false, exit_code: 0, total: 1, passed: 0, failed: 0, skipped: 1 });
    expect(empty.summary).toMatch(/^✗ no test passed: 0 passed, 1 skipped \(1 test\)/);

    const exitsEarly = await run({
      'test/exits.test.mjs': [
        "import { test } from 'node:test';",
        "test('ok', () => {});",
        "test('exits', () => { process.exit(0); });",
        "test('never runs', () => { throw new Error('never checked'); });",
      ].join('\n'),
    });
    expect(exitsEarly).toMatchObject({ ok: false, exit_code: 0, passed: 0, skipped: 1 });
  });

  it('a failing todo test is skipped, as node counts it; `>` in a name keeps each test apart', async () => {
    const r = await run({
      'test/a.test.mjs': [
        "import { test } from 'node:test';",
        "test('a > b', () => {});",
        "test('todo', { todo: true }, () => { throw new Error('not yet'); });",
        "test('c > d', () => {});",
        "test('fails', () => { throw new Error('boom'); });",
      ].join('\n'),
    });
    expect(r).toMatchObject({ ok: false, exit_code: 1, total: 4, passed: 2, failed: 1, skipped: 1 });
    expect(r.failures.map((f) => f.name)).toEqual(['test::fails']);
    expect(r.failures[0]!.message).toMatch(/boom/);
  });

  it('a clean run with a failing todo is green', async () => {
    const r = await run({
      'test/a.test.mjs': [
        "import { test } from 'node:test';",
        "test('ok', () => {});",
        "test('todo', { todo: true }, () => { throw new Error('not yet'); });",
      ].join('\n'),
    });
    expect(r).toMatchObject({ ok: true, exit_code: 0, passed: 1, failed: 0, skipped: 1 });
  });
});
