import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memoryIO, runCli } from '@st3/cli-kit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cli } from '../src/index.js';

// `st3 scaffold check` shows a status word for every way a file can fail to be what its record says, and
// stays inside the workspace: its walk is the one of @st3/fs.

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
const FIELDS = 'fields=[{"name":"id","type":"string"}]';
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-check-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => {
  chmodSync(root, 0o755);
  rmSync(root, { recursive: true, force: true });
});

async function st3(...args: string[]) {
  const { io, stdout, stderr } = memoryIO({ cwd: root });
  const code = await runCli(cli, args, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

const at = (path: string) => join(root, path);
const write = (path: string, text: string) => {
  mkdirSync(dirname(at(path)), { recursive: true });
  writeFileSync(at(path), text);
};

async function scaffoldUserProfile(): Promise<string[]> {
  const r = await st3('scaffold', 'dto', 'UserProfile', '--set', FIELDS, '--no-interactive', '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).written as string[];
}

/** Hands the tree to "nobody" (when root, who lists any folder) so that only the locked folder is out of reach. */
function own(dir: string): void {
  chownSync(dir, NOBODY, NOBODY);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) own(p);
    else chownSync(p, NOBODY, NOBODY);
  }
}

describe('st3 scaffold check: status words and exit codes', () => {
  it('a copy with conflict markers is MALFORMED, a file beside a .rej is CONFLICT (exit 1)', async () => {
    const [main] = await scaffoldUserProfile();
    copyFileSync(at(main!), at('src/copy.ts'));
    writeFileSync(
      at('src/copy.ts'),
      `${readFileSync(at('src/copy.ts'), 'utf8')}export const evil = 1;\n<<<<<<< mine\n`,
    );
    write(`${main}.rej`, '@@ -1,1 +1,1 @@\n');
    const r = await st3('scaffold', 'check');
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /^MALFORMED src\/copy\.ts +dto [0-9a-f]{8} - the header names .*unresolved conflict markers/m,
    );
    expect(r.stdout).toMatch(
      new RegExp(`^CONFLICT +${main} +dto [0-9a-f]{8} - ${main}\\.rej holds template changes`, 'm'),
    );
    expect(r.stdout).toContain('1 malformed, 1 conflict, 0 error');
  });

  it('a registry without the recorded type: ERROR with the reason (exit 1), never "OUTDATED X -> X"', async () => {
    const [main] = await scaffoldUserProfile();
    write(
      '.st3/config/artifacts.yaml',
      'artifact_types:\n  - type: code\n    type_id: widget\n    name: Widget\n    file_extension: .ts\n',
    );
    const r = await st3('scaffold', 'check', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.files.find((f: { path: string }) => f.path === main)).toMatchObject({
      status: 'error',
      error: { code: 'E_ARTIFACT_UNKNOWN' },
    });
    expect(doc.counts).toMatchObject({ outdated: 0, error: 2 });
  });

  it('a path outside the workspace is E_PATH_ESCAPE (exit 2); a link loop is no crash', async () => {
    await scaffoldUserProfile();
    mkdirSync(at('loop'));
    symlinkSync('..', at('loop/up'));
    expect((await st3('scaffold', 'check')).code).toBe(0);
    const r = await st3('scaffold', 'check', '../', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatchObject({
      code: 'E_PATH_ESCAPE',
      message: expect.stringContaining('".."'),
    });
  });
});

describe('st3 scaffold check: a folder it cannot list (built binary)', () => {
  it('is E_FILE_READ naming the folder (exit 3), never E_INTERNAL nor a pass', async () => {
    await scaffoldUserProfile();
    write('src/locked/hidden.ts', '// src/locked/hidden.ts\n');
    if (asRoot) own(root);
    chmodSync(at('src/locked'), 0o000);
    try {
      const run = spawnSync(process.execPath, [BIN, 'scaffold', 'check', '--json'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, HOME: root, NO_COLOR: '1' },
        ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
      });
      expect(run.status, run.stderr).toBe(3);
      expect(JSON.parse(run.stdout).error).toMatchObject({ code: 'E_FILE_READ', file: at('src/locked') });
    } finally {
      chmodSync(at('src/locked'), 0o755);
    }
  });
});
