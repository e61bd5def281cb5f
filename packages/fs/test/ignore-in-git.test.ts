import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ignoreInGit } from '../src/index.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('ignoreInGit', () => {
  it('a cache folder never shows in git status; an existing .gitignore is left as it is', async () => {
    dir = mkdtempSync(join(tmpdir(), 'st3-ignore-'));
    execFileSync('git', ['init', '-q'], { cwd: dir });
    mkdirSync(join(dir, '.st3', 'cache'), { recursive: true });
    writeFileSync(join(dir, '.st3', 'cache', 'quality-config.json'), '{}');
    const status = () =>
      execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: dir, encoding: 'utf8' });
    expect(status()).toContain('.st3/cache/quality-config.json');
    await ignoreInGit(join(dir, '.st3', 'cache'));
    expect(status()).toBe('');
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', '.gitignore'), 'keep-me\n');
    await ignoreInGit(join(dir, 'other'));
    expect(readFileSync(join(dir, 'other', '.gitignore'), 'utf8')).toBe('keep-me\n');
  });
});
