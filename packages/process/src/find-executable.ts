import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, resolve } from 'node:path';

/** Where a command is looked up: its working folder and its environment (PATH as the process gets it). */
export interface ExecutableLookup {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

const WINDOWS = process.platform === 'win32';

/**
 * The file spawn runs for `program`, found without starting anything: a path with a separator is taken
 * relative to `cwd`, a bare name is the first executable file of that name in PATH (an empty PATH entry
 * is the working folder, as execvp has it; on Windows PATHEXT's extensions are tried). Undefined when
 * none is found.
 */
export function findExecutable(program: string, lookup: ExecutableLookup): string | undefined {
  const exts = WINDOWS ? ['', ...(envValue(lookup.env, 'PATHEXT') ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  const candidates = /[\\/]/.test(program)
    ? [resolve(lookup.cwd, program)]
    : (envValue(lookup.env, 'PATH') ?? '').split(delimiter).map((dir) => resolve(lookup.cwd, dir, program));
  for (const base of candidates) for (const ext of exts) if (isExecutableFile(base + ext)) return base + ext;
  return undefined;
}

/** An environment variable by name, case-insensitively as Windows has them. */
export function envValue(env: ExecutableLookup['env'], name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (!WINDOWS) accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
