/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  env: Record<string, string | undefined>;
  /** The directory the command was started in (before --cwd). */
  cwd: string;
  /** Aborted on Ctrl-C; long work must stop and the command return 130. */
  signal: AbortSignal;
}

/** The real process's IO; only entry files call this. */
export function processIO(signal: AbortSignal): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd(), signal };
}

/** An IO that records what was written, for tests. */
export function memoryIO(
  options: { cwd?: string; env?: Record<string, string | undefined>; tty?: boolean; signal?: AbortSignal } = {},
) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: { write: (c: string) => out.push(c), isTTY: options.tty ?? false },
    stderr: { write: (c: string) => err.push(c), isTTY: options.tty ?? false },
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    signal: options.signal ?? new AbortController().signal,
  };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}
