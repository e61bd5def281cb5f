import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { St3Error } from '@st3/schemas/errors';
import type { CommonFlags } from './common.js';
import type { CliIO } from './io.js';

export interface Workspace {
  /** The folder holding `.st3/` (or the start folder when none was found). */
  root: string;
  /** `<root>/.st3`, which may not exist. */
  st3Dir: string;
  /** Whether a `.st3/` folder was found. */
  found: boolean;
  /** `--config` resolved against the start folder, when given. */
  configPath?: string;
}

/** Finds the nearest ancestor with a `.st3/` folder, starting from --cwd or the process cwd. */
export function resolveWorkspace(io: CliIO, flags: Pick<CommonFlags, 'cwd' | 'config'>): Workspace {
  const start = resolve(io.cwd, flags.cwd ?? '.');
  if (!existsSync(start) || !statSync(start).isDirectory()) {
    throw new St3Error('E_FILE_NOT_FOUND', `--cwd folder not found: ${start}`, { hint: 'pass an existing folder' });
  }
  const configPath = flags.config ? resolve(start, flags.config) : undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.st3')) && statSync(join(dir, '.st3')).isDirectory()) {
      return { root: dir, st3Dir: join(dir, '.st3'), found: true, configPath };
    }
    if (dirname(dir) === dir) break;
  }
  return { root: start, st3Dir: join(start, '.st3'), found: false, configPath };
}
