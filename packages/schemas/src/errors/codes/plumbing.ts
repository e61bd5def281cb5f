import type { ErrorCodeInfo } from '../codes.js';

/** Errors of the ground packages: @st3/process (commands) and @st3/fs (locks). */
export const PLUMBING_CODES = {
  E_COMMAND_SYNTAX: {
    exit: 2,
    area: 'core',
    cause:
      'A command given as one string uses shell syntax (`;`, `|`, `&&`, `$(`, backticks, redirections, `$VAR`, globs) or has an unterminated quote; ST3 runs commands without a shell unless told to.',
    fix: 'Write the command as a list of arguments, or set `shell: true` to run it through `sh -c` on purpose.',
  },
  E_LOCK_COMPROMISED: {
    exit: 3,
    area: 'core',
    cause:
      'A file lock this process held was taken over or removed by another process (its holder stalled past the stale age, or someone deleted the lock file), so the update it guarded may race with another writer.',
    fix: 'Run the command again; if it keeps happening, look for a process stalled while holding the lock or a tool deleting `*.lock` files.',
  },
} as const satisfies Record<string, ErrorCodeInfo>;
