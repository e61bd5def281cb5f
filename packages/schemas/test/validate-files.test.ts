import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandInputs, validateFiles, type FileVerdict } from '../src/index.js';

const INVALID_QUALITY = 'version: "1.1"\nactive_gates: [x]\ngates: {}\n';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'st3-validate-files-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(path: string, text: string): Promise<void> {
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text);
}

/** What `st3 validate <inputs>` checks, as `{file: [error codes]}`. */
async function verdicts(...inputs: string[]): Promise<Record<string, string[]>> {
  const found: FileVerdict[] = await validateFiles(await expandInputs(inputs, root), root);
  return Object.fromEntries(found.map((v) => [v.file, v.errors.map((e) => e.code)]));
}

describe('expandInputs + validateFiles: a symbolic link is followed, never skipped', () => {
  it('validates the files of a linked folder (an invalid quality.yaml behind .st3/config is invalid)', async () => {
    await put('elsewhere/quality.yaml', INVALID_QUALITY);
    await put('.st3/state.json', '{}');
    await symlink(join(root, 'elsewhere'), join(root, '.st3/config'));
    expect(await verdicts('.st3')).toEqual({
      [join('.st3', 'config', 'quality.yaml')]: ['E_SCHEMA'],
      [join('.st3', 'state.json')]: expect.any(Array),
    });
  });

  it('validates a linked file under the name of the link', async () => {
    await put('elsewhere/q.yaml', INVALID_QUALITY);
    await mkdir(join(root, '.st3/config'), { recursive: true });
    await symlink(join(root, 'elsewhere/q.yaml'), join(root, '.st3/config/quality.yaml'));
    expect(await verdicts('.st3')).toEqual({ [join('.st3', 'config', 'quality.yaml')]: ['E_SCHEMA'] });
  });

  it('reports a dangling link as E_FILE_NOT_FOUND with its path, whatever its name', async () => {
    await put('.st3/config/artifacts.yaml', 'artifact_types: []\n');
    await symlink(join(root, 'gone'), join(root, '.st3/config/quality.yaml'));
    await symlink(join(root, 'gone-folder'), join(root, '.st3/more'));
    const found = await validateFiles(await expandInputs(['.st3'], root), root);
    const byFile = Object.fromEntries(found.map((v) => [v.file, v]));
    for (const link of [join('.st3', 'config', 'quality.yaml'), join('.st3', 'more')]) {
      expect(byFile[link]).toMatchObject({ valid: false, errors: [{ code: 'E_FILE_NOT_FOUND', file: link }] });
      expect(byFile[link]!.errors[0]!.message).toContain('symbolic link');
    }
  });

  it('reports a link loop (a link to itself) as E_FILE_READ, and walks a folder linked from inside itself once', async () => {
    await put('.st3/config/quality.yaml', INVALID_QUALITY);
    await symlink(join(root, '.st3'), join(root, '.st3/config/up'));
    await symlink('self.yaml', join(root, '.st3/self.yaml'));
    expect(await verdicts('.st3')).toEqual({
      [join('.st3', 'config', 'quality.yaml')]: ['E_SCHEMA'],
      [join('.st3', 'self.yaml')]: ['E_FILE_READ'],
    });
  });
});
