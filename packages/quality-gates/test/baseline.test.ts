import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { updateBaseline } from '../src/index.js';
import { tempDir } from './helpers.js';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function stateFile(initial: unknown): string {
  const t = tempDir();
  cleanup = t.cleanup;
  const path = join(t.dir, 'state.json');
  writeFileSync(path, JSON.stringify(initial));
  return path;
}

describe('updateBaseline', () => {
  it('all passed on a complete run → baseline = HEAD, failed_files = []; other keys untouched', async () => {
    const path = stateFile({
      branch: 'feature/x',
      transitions: [{ a: 1 }],
      quality_gates: { baseline_sha: 'old', failed_files: ['a.py'], extra: 1 },
    });
    await updateBaseline(path, { allPassed: true, complete: true, head: 'abc', failedFiles: [] });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      branch: 'feature/x',
      transitions: [{ a: 1 }],
      quality_gates: { baseline_sha: 'abc', failed_files: [], extra: 1 },
    });
  });

  it('a failure keeps the baseline and unions failed files, sorted', async () => {
    const path = stateFile({ quality_gates: { baseline_sha: 'old', failed_files: ['z.py', 'a.py'] } });
    await updateBaseline(path, { allPassed: false, complete: true, head: 'new', failedFiles: ['m.py', 'a.py'] });
    expect(JSON.parse(readFileSync(path, 'utf8')).quality_gates).toEqual({
      baseline_sha: 'old',
      failed_files: ['a.py', 'm.py', 'z.py'],
    });
  });

  it('a partial run never moves the baseline but clears files it saw pass', async () => {
    const path = stateFile({ quality_gates: { baseline_sha: 'old', failed_files: ['a.py', 'b.py'] } });
    await updateBaseline(path, {
      allPassed: true,
      complete: false,
      head: 'new',
      failedFiles: [],
      passedFiles: ['a.py'],
    });
    expect(JSON.parse(readFileSync(path, 'utf8')).quality_gates).toEqual({
      baseline_sha: 'old',
      failed_files: ['b.py'],
    });
  });

  it('refuses to overwrite a corrupt state file', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const path = join(t.dir, 'state.json');
    writeFileSync(path, '{"branch": "x", ');
    await expect(
      updateBaseline(path, { allPassed: true, complete: true, head: 'h', failedFiles: [] }),
    ).rejects.toMatchObject({ code: 'E_PARSE' });
    expect(readFileSync(path, 'utf8')).toBe('{"branch": "x", ');
  });

  it('8 concurrent processes never corrupt the file or lose an update', async () => {
    const path = stateFile({ keep: true, quality_gates: { baseline_sha: 'base', failed_files: [] } });
    const entry = new URL('../dist/index.js', import.meta.url).pathname;
    const script = `import(${JSON.stringify(entry)}).then((m) => m.updateBaseline(process.argv[1], { allPassed: false, complete: true, head: 'h', failedFiles: ['f' + process.argv[2] + '.py'] }))`;
    const runs = Array.from(
      { length: 8 },
      (_, i) =>
        new Promise<number | null>((resolve) => {
          spawn(process.execPath, ['-e', script, path, String(i)], { stdio: 'inherit' }).on('close', resolve);
        }),
    );
    expect(await Promise.all(runs)).toEqual(Array(8).fill(0));
    const state = JSON.parse(readFileSync(path, 'utf8'));
    expect(state.keep).toBe(true);
    expect(state.quality_gates).toEqual({
      baseline_sha: 'base',
      failed_files: Array.from({ length: 8 }, (_, i) => `f${i}.py`),
    });
  });
});
