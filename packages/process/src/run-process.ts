import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { St3Error } from '@st3/schemas';

export interface RunProcessOptions {
  /** The program and its arguments. Never run through a shell: no quoting, globbing or injection. */
  argv: readonly string[];
  /** Working folder (default: the current one). A missing folder is an `E_FILE_NOT_FOUND` error, not a "tool not found". */
  cwd?: string;
  /** The complete environment of the child; absent = inherit the parent's. */
  env?: Record<string, string | undefined>;
  /** Kill the whole process tree after this many milliseconds (absent or 0 = no limit). */
  timeoutMs?: number;
  /** Keep at most this many bytes of each of stdout and stderr (default 16 MiB); the rest is read and dropped. */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is then closed (absent = stdin is closed at once). */
  input?: string | Uint8Array;
  /** Aborting kills the whole process tree; the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** How long a tree gets between SIGTERM and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
}

export interface ProcessResult {
  /** The exit code, or null when the process was killed by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  /** True when stdout or stderr passed `maxOutputBytes` (see the per-stream flags). */
  truncated: boolean;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** Bytes the child wrote to each stream, including dropped ones. */
  stdoutBytes: number;
  stderrBytes: number;
  durationMs: number;
  /** Why the process did not run to completion: `E_TOOL_NOT_FOUND`, `E_TOOL_SPAWN`, `E_FILE_NOT_FOUND`, `E_TIMEOUT`, `E_INTERRUPTED`. */
  error?: St3Error;
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
const DEFAULT_KILL_GRACE = 2000;

/**
 * Runs one program to completion and collects its output. It never throws and never rejects:
 * every failure (missing program, timeout, abort) is described in the result, so a caller running
 * many tools can report each one.
 *
 * The child is started in its own process group (POSIX), so a timeout or abort can stop the whole
 * tree it started (`npx` → `node` → workers), not just the first process.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const [program, ...args] = options.argv;
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const base = (extra: Partial<ProcessResult>): ProcessResult => ({
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    timedOut: false,
    aborted: false,
    truncated: false,
    stdoutTruncated: false,
    stderrTruncated: false,
    stdoutBytes: 0,
    stderrBytes: 0,
    durationMs: Math.round(performance.now() - started),
    ...extra,
  });
  if (!program) {
    return Promise.resolve(
      base({ error: new St3Error('E_USAGE', 'empty command: argv needs at least the program name') }),
    );
  }
  if (options.cwd !== undefined && !isDirectory(options.cwd)) {
    return Promise.resolve(
      base({
        error: new St3Error('E_FILE_NOT_FOUND', `working folder not found: ${options.cwd}`, {
          hint: 'check working_dir (relative to the workspace root)',
        }),
      }),
    );
  }
  if (options.signal?.aborted) {
    return Promise.resolve(base({ aborted: true, error: interrupted(program) }));
  }

  return new Promise((resolve) => {
    const stdout = new Collector(maxBytes);
    const stderr = new Collector(maxBytes);
    let timedOut = false;
    let aborted = false;
    let spawnError: St3Error | undefined;
    let settled = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;

    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv | undefined,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });

    const killTree = (sig: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        if (process.platform === 'win32')
          spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
        else process.kill(-child.pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    const stop = (): void => {
      killTree('SIGTERM');
      graceTimer ??= setTimeout(() => killTree('SIGKILL'), options.killGraceMs ?? DEFAULT_KILL_GRACE);
      graceTimer.unref?.();
    };
    const onAbort = (): void => {
      aborted = true;
      stop();
    };

    if (options.timeoutMs && options.timeoutMs > 0) {
      timeoutTimer = setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs);
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A child that exits without reading its input makes the write fail with EPIPE: that is not our error.
    child.stdin.on('error', () => undefined);
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();

    child.on('error', (error: NodeJS.ErrnoException) => {
      spawnError = spawnFailure(program, error);
      if (child.pid === undefined) finish(null, null);
    });
    // Descendants that outlive the child would keep the pipes open; they belong to the gate run, so they go too.
    child.on('exit', () => killTree('SIGKILL'));
    child.on('close', (code, sig) => finish(code, sig));

    function finish(code: number | null, sig: NodeJS.Signals | null): void {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      let error = spawnError;
      if (!error && timedOut) {
        error = new St3Error('E_TIMEOUT', `${program} ran past its ${options.timeoutMs} ms timeout and was stopped`, {
          hint: 'raise timeout_seconds or narrow the scope',
        });
      } else if (!error && aborted) {
        error = interrupted(program);
      }
      resolve(
        base({
          exitCode: code,
          signal: sig,
          stdout: stdout.text(),
          stderr: stderr.text(),
          timedOut,
          aborted,
          truncated: stdout.truncated || stderr.truncated,
          stdoutTruncated: stdout.truncated,
          stderrTruncated: stderr.truncated,
          stdoutBytes: stdout.total,
          stderrBytes: stderr.total,
          ...(error ? { error } : {}),
        }),
      );
    }
  });
}

/** Keeps the first `max` bytes of a stream and counts the rest. */
class Collector {
  private chunks: Buffer[] = [];
  private kept = 0;
  total = 0;
  truncated = false;
  constructor(private readonly max: number) {}
  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.kept >= this.max) {
      this.truncated = true;
      return;
    }
    const room = this.max - this.kept;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.kept = this.max;
      this.truncated = true;
    } else {
      this.chunks.push(chunk);
      this.kept += chunk.length;
    }
  }
  text(): string {
    return Buffer.concat(this.chunks, this.kept).toString('utf8');
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function interrupted(program: string): St3Error {
  return new St3Error('E_INTERRUPTED', `${program} was cancelled`);
}

function spawnFailure(program: string, error: NodeJS.ErrnoException): St3Error {
  if (error.code === 'ENOENT') {
    return new St3Error('E_TOOL_NOT_FOUND', `tool not found: "${program}" is not installed or not on PATH`, {
      hint: `install ${program} or correct the command in configuration`,
      cause: error,
    });
  }
  return new St3Error('E_TOOL_SPAWN', `cannot start "${program}": ${error.message}`, {
    hint: error.code === 'EACCES' ? `make ${program} executable` : 'check the command in configuration',
    cause: error,
  });
}

/** The last `lines` lines of a text (for showing a failing tool's stderr). */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split(/\r?\n/);
  return all.slice(-lines).join('\n');
}
