import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QualityConfig } from '@st3/schemas';
import { gatesState, readState, resolveScope, statePath } from '../src/index.js';
import { prefetchAutoScope } from '../src/prefetch.js';
import { commitAll, git, tempDir, write } from './helpers.js';

// `prefetchAutoScope` gives auto scope's git runs a head start (a CLI overlaps them with module loading).
// It must never change a verdict: the scope is the same with or without it, and a prefetch the run does
// not ask for is never used.
const config = { version: '1.1', active_gates: [], gates: {} } as unknown as QualityConfig;
let cleanups: (() => void)[] = [];
let savedPath: string | undefined;
let log = '';

beforeEach(() => {
  // A `git` first on PATH that logs each call, then runs the real one: what ran, and how often.
  const shim = tempDir('st3-git-shim-');
  cleanups.push(shim.cleanup);
  log = join(shim.dir, 'calls.log');
  writeFileSync(log, '');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  writeFileSync(join(shim.dir, 'git'), `#!/bin/sh\necho "$*" >> ${JSON.stringify(log)}\nexec ${realGit} "$@"\n`);
  chmodSync(join(shim.dir, 'git'), 0o755);
  savedPath = process.env.PATH;
  process.env.PATH = `${shim.dir}:${savedPath ?? ''}`;
});
afterEach(() => {
  process.env.PATH = savedPath;
  for (const c of cleanups) c();
  cleanups = [];
});

const calls = () => readFileSync(log, 'utf8').split('\n').filter(Boolean);
const settled = async (n: number) => {
  for (let i = 0; i < 200 && calls().length < n; i++) await new Promise((r) => setTimeout(r, 25));
};

function workspace(stateSection: unknown): { dir: string; baseline: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  git(t.dir, 'init', '-q');
  write(t.dir, { 'a.py': 'a', 'b.py': 'b', '.gitignore': '.st3/\n' });
  const baseline = commitAll(t.dir, 'base');
  write(t.dir, { 'a.py': 'a2', 'new.py': 'n' });
  mkdirSync(join(t.dir, '.st3'), { recursive: true });
  const section = typeof stateSection === 'function' ? stateSection(baseline) : stateSection;
  writeFileSync(statePath(t.dir), JSON.stringify({ quality_gates: section }));
  writeFileSync(log, ''); // the calls of this setup are not the run's
  return { dir: t.dir, baseline };
}

async function autoScope(dir: string) {
  const state = gatesState(await readState(statePath(dir)));
  return resolveScope({ root: dir, config, request: { kind: 'auto' }, state });
}

describe('prefetchAutoScope', () => {
  it('starts the diff against the baseline, and the run takes it instead of asking git again', async () => {
    const { dir, baseline } = workspace((b: string) => ({ baseline_sha: b, failed_files: [] }));
    const without = await autoScope(dir);
    const callsWithout = calls().length;
    // diff, ls-files --others, ls-files .gitattributes (tracked), ls-files .gitattributes (ignored)
    expect(callsWithout).toBe(4);
    prefetchAutoScope(dir);
    await settled(callsWithout + 4);
    expect(
      calls()
        .slice(callsWithout)
        .some((c) => c.includes(`diff --raw -z`) && c.includes(baseline)),
    ).toBe(true);
    const withPrefetch = await autoScope(dir);
    expect(calls().length).toBe(callsWithout + 4); // nothing more ran
    expect(withPrefetch).toEqual(without);
    expect(withPrefetch.changed).toEqual(['a.py', 'new.py']);
  });

  it('a head start older than a few seconds is dropped: the run asks git again', async () => {
    const { dir } = workspace((b: string) => ({ baseline_sha: b, failed_files: [] }));
    prefetchAutoScope(dir);
    await settled(4);
    const now = performance.now();
    const clock = vi.spyOn(performance, 'now').mockReturnValue(now + 6_000);
    try {
      await autoScope(dir);
    } finally {
      clock.mockRestore();
    }
    expect(calls().length).toBe(8);
  });

  it('a prefetch the run does not ask for is never used: a state the schema refuses means the whole project', async () => {
    // baseline_sha is well-formed but the section is invalid (failed_files not a list): the run ignores it.
    const { dir } = workspace((b: string) => ({ baseline_sha: b, failed_files: 'a.py' }));
    prefetchAutoScope(dir);
    const scope = await autoScope(dir);
    expect(scope.mode).toBe('project');
    expect(scope.description).toBe('whole project (no baseline yet)');
  });

  it('no state, no baseline, a damaged state or no repository: nothing is started and nothing throws', async () => {
    const { dir } = workspace({ failed_files: [] });
    prefetchAutoScope(dir);
    writeFileSync(statePath(dir), '{ not json');
    prefetchAutoScope(dir);
    const outside = tempDir();
    cleanups.push(outside.cleanup);
    prefetchAutoScope(outside.dir);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls()).toEqual([]);
  });
});
