import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, symlink } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { repoRoot } from './run-cli.js';

/** What `st3 run` and the gate tools write into the example; never copied. */
const GENERATED =
  /(^|\/)(node_modules|\.turbo|\.st3\/(cache|metrics|scratch|runs|review|telemetry|tasks|logs|quarantine)|\.st3\/state\.json|\.st3\/template_registry\.json|__pycache__|\.pytest_cache|\.mypy_cache|\.ruff_cache)(\/|$)/;

/**
 * Copies the example workspace (sources and config, not what a run generates) to a fresh git repository
 * inside tests-e2e/, as a user's project would be: the gates list its files through git, and its
 * `node_modules` is the example's own install (a symlink), as after `npm install` there.
 */
export async function copyExample(): Promise<string> {
  const examples = join(repoRoot, 'examples');
  const dir = await mkdtemp(join(repoRoot, 'tests-e2e', '.tmp-example-'));
  await cp(examples, dir, { recursive: true, filter: (src) => !GENERATED.test(relative(examples, src)) });
  await symlink(join(examples, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'example');
  return dir;
}

/** Is `program` on PATH? */
export function onPath(program: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', program], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
