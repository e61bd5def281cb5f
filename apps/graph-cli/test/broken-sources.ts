// A workspace with sources that have syntax errors (TypeScript and Python) next to a clean one: the
// graph verbs atomize them only as far as they parse and must say so, located.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** Made before the file's tests and removed after them; call at the top of a test file. Returns the folder. */
export function brokenSourcesWorkspace(prefix: string): () => string {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    mkdirSync(join(dir, '.st3'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/ok.ts'), 'export function ok(): number {\n  return 1;\n}\n');
    writeFileSync(
      join(dir, 'src/user.ts'),
      "import { ok } from './ok';\nexport function user( {\n  return ok( +;\n}\n",
    );
    writeFileSync(join(dir, 'src/bad.py'), 'def f(:\n    return 1\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}
