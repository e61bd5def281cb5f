import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * A file standing where a records folder (`.st3/scaffold`, `.st3/templates/.versions`) or a folder on its
 * way should be cannot take records: the command refuses before writing (E_WRITE naming it, exit 3), the
 * dry run too, instead of writing, failing to record and rolling back. Built binary, real files.
 */
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
const FIELDS = 'fields=[{"name":"a","type":"number"}]';
const SCAFFOLD = [
  'scaffold',
  'dto',
  'Money',
  '--set',
  FIELDS,
  '--out',
  'src/money.ts',
  '--no-test',
  '--no-interactive',
];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-records-file-'));
  mkdirSync(join(root, '.st3', 'templates'), { recursive: true });
  mkdirSync(join(root, 'src'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const at = (path: string) => join(root, path);
const st3 = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: root },
  });
  return { status: r.status, out: r.stdout, json: JSON.parse(r.stdout) as { ok: boolean; error?: unknown } };
};

/** A regular file at `path`; executable, so that a writability probe (access W_OK|X_OK) alone passes it. */
function fileAt(path: string): void {
  rmSync(at(path), { recursive: true, force: true });
  writeFileSync(at(path), 'not a folder\n');
  chmodSync(at(path), 0o755);
}

describe('a file where a records folder should be (built binary)', () => {
  it.each(['.st3/templates/.versions', '.st3/scaffold', '.st3'])(
    '%s: dry run and run exit 3, E_WRITE naming it with a hint, nothing written',
    (records) => {
      fileAt(records);
      const dry = st3(...SCAFFOLD, '--dry-run');
      expect(dry.status, dry.out).toBe(3);
      expect(dry.json.error).toMatchObject({
        code: 'E_WRITE',
        file: at(records),
        message: expect.stringMatching(/^dry run: .*a real run would fail.* is not a folder/),
        hint: expect.stringContaining(`move or remove the file at ${at(records)}`),
      });
      const run = st3(...SCAFFOLD);
      expect(run.status, run.out).toBe(3);
      expect(run.json.error).toMatchObject({
        code: 'E_WRITE',
        file: at(records),
        message: expect.stringMatching(
          /^the records of this command cannot be written, so nothing was: .* is not a folder/,
        ),
      });
      expect(readdirSync(at('src'))).toEqual([]);
      expect(existsSync(at('.st3/template_registry.json'))).toBe(false);
    },
  );

  it('a file on the way to a records folder (.st3/templates) is a typed error naming it, not E_INTERNAL', () => {
    fileAt('.st3/templates');
    for (const r of [st3(...SCAFFOLD, '--dry-run'), st3(...SCAFFOLD)]) {
      expect(r.status, r.out).not.toBe(0);
      expect(r.json.error).toMatchObject({
        file: at('.st3/templates'),
        hint: expect.stringContaining('move or remove'),
      });
      expect(r.json.error).not.toMatchObject({ code: 'E_INTERNAL' });
    }
    expect(readdirSync(at('src'))).toEqual([]);
  });

  it('a link to a folder is a folder: the scaffold records through it (no false red)', () => {
    mkdirSync(at('elsewhere'));
    symlinkSync(at('elsewhere'), at('.st3/scaffold'));
    const r = st3(...SCAFFOLD);
    expect(r.status, r.out).toBe(0);
    expect(existsSync(at('elsewhere/answers.json'))).toBe(true);
  });
});
