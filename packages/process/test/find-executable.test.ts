import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envValue, findExecutable } from '../src/index.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function tool(path: string, mode: number): void {
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
}

describe('findExecutable', () => {
  it.skipIf(process.platform === 'win32')('finds the first executable file of PATH, as spawn would', () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-find-exe-'));
    for (const d of ['a', 'b', 'c']) mkdirSync(join(dir, d));
    tool(join(dir, 'a', 'lint'), 0o644); // not executable: skipped
    mkdirSync(join(dir, 'b', 'lint')); // a folder: skipped
    tool(join(dir, 'c', 'lint'), 0o755);
    const env = { PATH: ['a', 'b', 'c'].map((d) => join(dir, d)).join(delimiter) };
    expect(findExecutable('lint', { cwd: dir, env })).toBe(join(dir, 'c', 'lint'));
    expect(findExecutable('missing-tool', { cwd: dir, env })).toBeUndefined();
    expect(findExecutable('lint', { cwd: dir, env: {} })).toBeUndefined();
  });

  it.skipIf(process.platform === 'win32')('takes a path with a separator relative to cwd, not PATH', () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-find-exe-'));
    mkdirSync(join(dir, 'bin'));
    tool(join(dir, 'bin', 'run'), 0o755);
    expect(findExecutable('./bin/run', { cwd: dir, env: { PATH: '' } })).toBe(join(dir, 'bin', 'run'));
    expect(findExecutable('bin/none', { cwd: dir, env: { PATH: join(dir, 'bin') } })).toBeUndefined();
  });

  it('reads variables case-insensitively', () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-find-exe-'));
    expect(envValue({ Path: '/x' }, 'PATH')).toBe('/x');
    expect(envValue({}, 'PATH')).toBeUndefined();
  });
});
