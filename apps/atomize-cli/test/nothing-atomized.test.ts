// `st3 atomize` over files that are all skipped (unknown language, binary) atomized nothing: that is no
// verdict, E_ATOMIZE_NO_FILES (exit 2) as graph, waves, validate-plan and complexity say it, never
// "0 files, 0 functions, 0 atoms (0 not atomic)" with exit 0.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function folder(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'st3-atomize-nothing-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

async function atomize(dir: string, ...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: dir });
  const code = await runCli(cli, ['atomize', ...args, '--no-cache'], io);
  return { code, stdout: stdout(), stderr: stderr() };
}

describe('st3 atomize: nothing atomized is no verdict', () => {
  it('a README only: E_ATOMIZE_NO_FILES naming the skipped file, exit 2', async () => {
    const dir = folder({ 'README.md': '# hi\n' });
    const r = await atomize(dir, 'README.md');
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('0 atoms');
    expect(r.stderr).toContain('E_ATOMIZE_NO_FILES no source file of README.md could be atomized (1 skipped)');
    expect(r.stderr).toContain('README.md: unknown language');
  });

  it('a folder holding only a binary .ts, --json: the error document, not {"files": []}', async () => {
    const dir = folder({ 'src/a.ts': new Uint8Array([0x61, 0, 0x62]) });
    const r = await atomize(dir, 'src', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('E_ATOMIZE_NO_FILES');
    expect(doc.error.message).toBe('no source file of src could be atomized (1 skipped)');
  });

  it('a source file beside the skipped one is atomized as before (exit 0)', async () => {
    const dir = folder({ 'README.md': '# hi\n', 'a.ts': 'export function f(a: number) {\n  return a + 1;\n}\n' });
    const r = await atomize(dir, 'README.md', 'a.ts');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 files, 1 functions');
    expect(r.stdout).toContain('1 skipped');
  });
});
