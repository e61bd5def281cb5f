import { spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * Records that cannot be written (`.st3/` not writable by the user running st3) fail the command before any
 * generated file is written: E_WRITE naming the folder, exit 3, never E_INTERNAL after the files are in place.
 * The built binary, run as "nobody" when the tests run as root (root writes anywhere).
 */
const bin = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/bin.js');
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const FIELDS = 'fields=[{"name":"a","type":"number"}]';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'st3-scaffold-unwritable-'));
  mkdirSync(join(root, '.st3'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const at = (path: string) => join(root, path);
const st3 = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args, '--json'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', HOME: root },
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });

/** Everything under the workspace to "nobody" but `locked` (a folder nobody may write then). */
function handOver(dir: string, locked: string): void {
  if (!asRoot) return;
  chownSync(dir, dir === locked ? 0 : NOBODY, dir === locked ? 0 : NOBODY);
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) handOver(p, locked);
    else chownSync(p, NOBODY, NOBODY);
  }
}

describe.runIf(asRoot)('records st3 cannot write (built binary, as nobody)', () => {
  it('scaffold <type>: exit 3 E_WRITE at .st3, and the file is not written', () => {
    mkdirSync(at('src'));
    handOver(root, at('.st3'));
    const r = st3(
      'scaffold',
      'dto',
      'Money',
      '--set',
      FIELDS,
      '--out',
      'src/money.ts',
      '--no-test',
      '--no-interactive',
    );
    expect(r.status, r.stderr).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_WRITE', file: at('.st3') });
    expect(existsSync(at('src/money.ts'))).toBe(false);
    expect(readdirSync(at('.st3'))).toEqual([]);
  });

  it('scaffold update: exit 3 E_WRITE at .st3/scaffold; the file and answers.json are as they were', () => {
    handOver(root, '');
    const made = st3(
      'scaffold',
      'dto',
      'Money',
      '--set',
      FIELDS,
      '--out',
      'src/money.ts',
      '--no-test',
      '--no-interactive',
    );
    expect(made.status, made.stderr).toBe(0);
    const template = readFileSync(
      resolve(dirname(bin), '../../../packages/scaffolder/templates/concrete/dto.ts.eta'),
      'utf8',
    );
    mkdirSync(at('.st3/templates/concrete'), { recursive: true });
    writeFileSync(at('.st3/templates/concrete/dto.ts.eta'), `${template}// new footer\n`);
    const before = readFileSync(at('src/money.ts'), 'utf8');
    const answers = readFileSync(at('.st3/scaffold/answers.json'), 'utf8');
    chownSync(at('.st3/scaffold'), 0, 0);
    const r = st3('scaffold', 'update');
    expect(r.status, r.stdout).toBe(3);
    expect(JSON.parse(r.stdout).error).toMatchObject({ code: 'E_WRITE', file: at('.st3/scaffold') });
    expect(readFileSync(at('src/money.ts'), 'utf8')).toBe(before);
    expect(readFileSync(at('.st3/scaffold/answers.json'), 'utf8')).toBe(answers);
  });

  it('a dry run fails as the run it previews would: exit 3 E_WRITE saying so (scaffold <type> and update)', () => {
    mkdirSync(at('src'));
    handOver(root, at('.st3'));
    const args = [
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
    const dry = st3(...args, '--dry-run');
    expect(dry.status, dry.stdout).toBe(3);
    expect(JSON.parse(dry.stdout).error).toMatchObject({
      code: 'E_WRITE',
      file: at('.st3'),
      message: expect.stringContaining(
        'dry run: the records of this command cannot be written, so a real run would fail',
      ),
    });
    const update = st3('scaffold', 'update', '--dry-run');
    expect(update.status, update.stdout).toBe(3);
    expect(JSON.parse(update.stdout).error).toMatchObject({ code: 'E_WRITE', file: at('.st3') });
    expect(readdirSync(at('src'))).toEqual([]);
    expect(readdirSync(at('.st3'))).toEqual([]);
  });
});
