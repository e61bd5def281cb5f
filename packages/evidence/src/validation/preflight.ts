import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { ValidationCommand } from '@st3/schemas';
import { isInside } from '../util.js';
import type { RunValidationOptions } from './commands.js';

/**
 * Why a command cannot run now, or undefined when it can: its blocker task is not completed (the wait
 * the task file asks for), or a pre-flight problem (cwd missing, not a folder or outside the workspace,
 * an expected path missing). The command is then `skipped` with this as its `skip_reason`; see
 * {@link tallyValidation} for which of these count as a pass (none does).
 */
export async function preflight(
  command: ValidationCommand,
  options: RunValidationOptions,
): Promise<string | undefined> {
  if (command.blocker_id) {
    const status = await options.taskStatus?.(command.blocker_id);
    // A blocker that names no task is a mistake in the task file, not a wait: the command would never
    // run, so it is "not run" (a failure), never a neutral skip.
    if (status === undefined)
      return `blocker ${command.blocker_id} names no task: no single task file with that id has a status`;
    if (status !== 'completed') return `blocker ${command.blocker_id} is ${status}, not completed`;
  }
  const cwd = resolve(options.root, command.cwd);
  if (!isInside(resolve(options.root), cwd)) return `cwd ${command.cwd} is outside the workspace`;
  try {
    if (!(await stat(cwd)).isDirectory()) return `cwd ${command.cwd} is not a folder`;
  } catch {
    return `cwd ${command.cwd} does not exist`;
  }
  for (const pattern of command.expected_paths) {
    if (!(await globExists(cwd, pattern))) return `expected path ${pattern} is missing`;
  }
  return undefined;
}

/** Does anything under `base` match `pattern` (a path or a glob, relative to base)? */
async function globExists(base: string, pattern: string): Promise<boolean> {
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) {
    try {
      await stat(resolve(base, pattern));
      return true;
    } catch {
      return false;
    }
  }
  const match = picomatch(pattern, { dot: true });
  const start = resolve(base, scan.base || '.');
  const walk = async (dir: string, depth: number): Promise<boolean> => {
    if (depth > 32) return false;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
    for (const e of entries) {
      const abs = join(dir, e.name);
      const rel = abs
        .slice(base.length + 1)
        .split('\\')
        .join('/');
      if (match(rel)) return true;
      if (e.isDirectory() && e.name !== 'node_modules' && e.name !== '.git' && (await walk(abs, depth + 1)))
        return true;
    }
    return false;
  };
  return walk(start, 0);
}
