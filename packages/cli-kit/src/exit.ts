/** DESIGN.md exit codes. */
export const EXIT = {
  ok: 0,
  /** The check ran and found problems. */
  problems: 1,
  /** Usage or configuration error. */
  usage: 2,
  /** A tool or runtime failure. */
  failure: 3,
  interrupted: 130,
  /** Stopped by SIGTERM (128 + 15). */
  terminated: 143,
} as const;

/**
 * Thrown by a command that has already reported what went wrong and only needs the process
 * to end with `exitCode`. Only the entry file turns it into an exit.
 */
export class ExitError extends Error {
  readonly code = 'E_EXIT';
  constructor(readonly exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitError';
  }
}

export function isExitError(error: unknown): error is ExitError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === 'E_EXIT' &&
    typeof (error as { exitCode?: unknown }).exitCode === 'number'
  );
}
