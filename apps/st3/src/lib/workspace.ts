import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveWorkspace, type CliIO, type CommonFlags } from '@st3/cli-kit';
import { St3Error } from '@st3/schemas';

export interface RunWorkspace {
  root: string;
  st3Dir: string;
  /** How the workspace was chosen, for the report. */
  source: 'cwd-flag' | 'ancestor' | 'bundled-example';
}

/**
 * The workspace `st3 run` works on: `--cwd DIR` (which must hold `.st3/` or have an ancestor
 * that does), else the nearest ancestor of the current folder with `.st3/`, else the example
 * workspace of the ST3 repository this binary was built in (`examples/`), so `pnpm start` works
 * in a fresh clone.
 */
export function chooseRunWorkspace(io: CliIO, flags: Pick<CommonFlags, 'cwd' | 'config'>): RunWorkspace {
  const ws = resolveWorkspace(io, flags);
  if (ws.found) return { root: ws.root, st3Dir: ws.st3Dir, source: flags.cwd ? 'cwd-flag' : 'ancestor' };
  if (flags.cwd) {
    throw new St3Error('E_CONFIG_INVALID', `no .st3/ folder in ${ws.root} or above it`, {
      hint: 'st3 run works on a workspace with a .st3/ folder; see examples/ in the ST3 repository',
    });
  }
  const example = findBundledExample();
  if (!example) {
    throw new St3Error('E_CONFIG_INVALID', `no .st3/ folder in ${ws.root} or above it`, {
      hint: 'run inside a workspace with .st3/, or pass --cwd DIR',
    });
  }
  return { root: example, st3Dir: join(example, '.st3'), source: 'bundled-example' };
}

/** `examples/` of the repository holding this module (absent in a published install). */
export function findBundledExample(from = dirname(fileURLToPath(import.meta.url))): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const candidate = join(dir, 'examples');
    if (
      existsSync(join(candidate, '.st3')) &&
      statSync(join(candidate, '.st3')).isDirectory() &&
      existsSync(join(dir, 'pnpm-workspace.yaml'))
    )
      return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
