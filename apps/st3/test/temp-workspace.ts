// Temp workspaces for the command tests, removed after each test file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/**
 * A folder holding `files` (paths relative to it). Inside the package, not the system temp folder: a
 * stray /tmp/.st3 would count as a workspace.
 */
export function tempWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(import.meta.dirname, '..', '.tmp-'));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}
