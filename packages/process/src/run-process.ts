import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { St3Error } from '@st3/schemas/errors';
import { Collector, interrupted, spawnFailure, timedOutError } from './result.js';
import { killTree, runTagVar, signalTree, type TreeHandle } from './tree.js';

export interface RunProcessOptions {
  /** The program and its arguments. Never run through a shell: no quoting, globbing or injection. */
  argv: readonly string[];
  /** Working folder (default: the current one). A missing folder is an `E_FILE_NOT_FOUND` error, not a "tool not found". */
  cwd?: string;
  /**
   * The complete environment of the child; absent = inherit the parent's. Either way one variable
   * is added, `ST3_RUN_<token>=1`, by which descendants that left the process group are found.
   */
  env?: Record<string, string | undefined>;
  /** End the whole process tree after this many milliseconds (absent or 0 = no limit). */
  timeoutMs?: number;
  /** Keep at most this many bytes of each of stdout and stderr (default 16 MiB); the rest is read and dropped. */
  maxOutputBytes?: number;
  /** Written to the child's stdin, which is then closed (absent = stdin is /dev/null: end of input at once). */
  input?: string | Uint8Array;
  /** Aborting ends the whole process tree; the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** How long a tree gets between SIGTERM and SIGKILL (default 2000 ms). */
  killGraceMs?: number;
  /**
   * How long to keep reading stdout/stderr after the child itself is gone (default 500 ms): a
   * descendant nobody could find may hold them open, and the run must still return.
   */
  pipeGraceMs?: number;
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
  /** Descendants still running when the child was gone, and ended then (Linux; 0 elsewhere). */
  strayDescendants: number;
  /** Why the process did not run to completion: `E_TOOL_NOT_FOUND`, `E_TOOL_SPAWN`, `E_FILE_NOT_FOUND`, `E_TIMEOUT`, `E_INTERRUPTED`. */
  error?: St3Error;
}

const DEFAULT_MAX_OUTPUT = 16 * 1024 * 1024;
const DEFAULT_KILL_GRACE = 2000;
const DEFAULT_PIPE_GRACE = 500;
const POSIX = process.platform !== 'win32';
/** After a normal exit, how long the pipes may stay open before the tree is searched for what holds them. */
const STRAY_CHECK_MS = 25;

/** The trees of the runs in progress, for `stopAllRuns`. */
const active = new Set<TreeHandle>();

/**
 * SIGKILLs the whole tree of every run still in progress, synchronously: for an entry point that is
 * about to exit at once (a second Ctrl-C) and must not leave the tools it started running. Returns
 * how many runs it stopped. The runs' promises then settle as killed.
 */
export function stopAllRuns(): number {
  const handles = [...active];
  for (const h of handles) killTree(h);
  return handles.length;
}

/**
 * Runs one program to completion and collects its output. It never throws and never rejects:
 * every failure (missing program, timeout, abort) is described in the result, so a caller running
 * many tools can report each one.
 *
 * Everything the program starts ends with it: the child gets its own process group and a tag in
 * its environment; on timeout or abort the tree (group, descendants by parent pid, tagged
 * processes — see tree.ts) gets SIGTERM, then after `killGraceMs` is frozen and SIGKILLed; when the
 * child exits, what it left running is killed too. Output is read until the pipes close or
 * `pipeGraceMs` after the child is gone, so a run returns within timeout + killGrace + pipeGrace.
 */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  const [program, ...args] = options.argv;
  const base = (extra: Partial<ProcessResult>): ProcessResult =>
    processResult({ durationMs: Math.round(performance.now() - started), ...extra });
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
  if (options.signal?.aborted) return Promise.resolve(base({ aborted: true, error: interrupted(program) }));
  return new Promise((resolve) => supervise(program, args, options, base, resolve));
}

/**
 * One supervised run: what its handlers share. The flags record how it ended, for the result;
 * `settled` makes the first of the ways a run can end (close, pipe grace, spawn failure) the only one.
 */
interface Supervision {
  readonly program: string;
  readonly options: RunProcessOptions;
  /** Builds the result (with the run's duration at the moment it is called). */
  readonly base: (extra: Partial<ProcessResult>) => ProcessResult;
  readonly resolve: (r: ProcessResult) => void;
  readonly stdout: Collector;
  readonly stderr: Collector;
  /** The child's tree, undefined when it never got a pid. */
  readonly tree: TreeHandle | undefined;
  /** Every timer of the run, cleared when it settles. */
  readonly timers: NodeJS.Timeout[];
  /** The abort listener, kept to remove it again. */
  readonly onAbort: () => void;
  timedOut: boolean;
  aborted: boolean;
  stopping: boolean;
  settled: boolean;
  spawnError?: St3Error;
  exited?: { code: number | null; sig: NodeJS.Signals | null };
  strays: number;
}

/** Spawns the child, then arms what ends its tree (timeout, abort) and what settles the run (its events). */
function supervise(
  program: string,
  args: string[],
  options: RunProcessOptions,
  base: (extra: Partial<ProcessResult>) => ProcessResult,
  resolve: (r: ProcessResult) => void,
): void {
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const token = randomBytes(12).toString('hex');
  const child = spawnTagged(program, args, options, token);
  const tree: TreeHandle | undefined = child.pid === undefined ? undefined : { pid: child.pid, token };
  if (tree) active.add(tree);
  const run: Supervision = {
    program,
    options,
    base,
    resolve,
    stdout: new Collector(maxBytes),
    stderr: new Collector(maxBytes),
    tree,
    timers: [],
    onAbort: () => {
      run.aborted = true;
      stopTree(run);
    },
    timedOut: false,
    aborted: false,
    stopping: false,
    settled: false,
    strays: 0,
  };
  armStopTriggers(run);
  wireStreams(run, child);
  watchChild(run, child);
}

/** Starts the child in its own process group (POSIX), tagged with the run's token so descendants can be found. */
function spawnTagged(program: string, args: string[], options: RunProcessOptions, token: string): ChildProcess {
  return spawn(program, args, {
    cwd: options.cwd,
    env: { ...(options.env ?? process.env), [runTagVar(token)]: '1' } as NodeJS.ProcessEnv,
    // No input: stdin is /dev/null (end of input at once, as a closed pipe, without a pipe to set up).
    stdio: [options.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: POSIX,
    windowsHide: true,
  });
}

/** A timer of the run: unref'd (it must not keep the process alive) and cleared when the run settles. */
function later(run: Supervision, ms: number, fn: () => void): void {
  const t = setTimeout(fn, ms);
  t.unref?.();
  run.timers.push(t);
}

/** The timeout and the abort signal both end the tree; the flag each sets decides the result's error. */
function armStopTriggers(run: Supervision): void {
  const { options } = run;
  if (options.timeoutMs && options.timeoutMs > 0)
    later(run, options.timeoutMs, () => {
      run.timedOut = true;
      stopTree(run);
    });
  options.signal?.addEventListener('abort', run.onAbort, { once: true });
}

/** Ends the tree, once: SIGTERM, then SIGKILL after the kill grace (POSIX); taskkill of the whole tree on Windows. */
function stopTree(run: Supervision): void {
  if (run.stopping) return;
  run.stopping = true;
  const h = run.tree;
  if (!h) return;
  if (!POSIX) {
    spawn('taskkill', ['/pid', String(h.pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true });
    return;
  }
  signalTree(h, 'SIGTERM');
  later(run, run.options.killGraceMs ?? DEFAULT_KILL_GRACE, () => killTree(h));
}

/** Collects stdout and stderr, and writes the input (if any) to stdin. */
function wireStreams(run: Supervision, child: ChildProcess): void {
  // stdout and stderr are pipes (see spawnTagged), so never null.
  child.stdout!.on('data', (chunk: Buffer) => run.stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => run.stderr.push(chunk));
  // A child that exits without reading its input makes the write fail with EPIPE: that is not our error.
  child.stdin?.on('error', () => undefined);
  if (run.options.input !== undefined) child.stdin?.end(run.options.input);
}

/** The child's events: a failed spawn, its exit (then what it left running and the pipe grace), and the pipes closing. */
function watchChild(run: Supervision, child: ChildProcess): void {
  child.on('error', (error: NodeJS.ErrnoException) => {
    run.spawnError = spawnFailure(run.program, error);
    if (child.pid === undefined) finish(run);
  });
  child.on('exit', (code, sig) => {
    run.exited = { code, sig };
    endLeftovers(run);
    later(run, run.options.pipeGraceMs ?? DEFAULT_PIPE_GRACE, () => {
      // One more turn of the event loop first: after a long busy stretch the timers run before the
      // pending pipe reads, and the child's last output (already in the pipe) must not be dropped.
      setImmediate(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish(run);
      });
    });
  });
  child.on('close', () => finish(run));
}

/**
 * What the child left running belongs to this run: it goes too. After a timeout or abort the
 * whole tree is searched now (a SIGTERM-proof descendant must not outlive the run); after a
 * normal exit the group is killed, and the tree searched only if the pipes stay open.
 */
function endLeftovers(run: Supervision): void {
  const h = run.tree;
  if (!h || !POSIX) return;
  if (run.stopping) run.strays = killTree(h);
  else {
    killGroup(h.pid);
    later(run, STRAY_CHECK_MS, () => (run.strays = killTree(h)));
  }
}

/** Settles the run once: forgets its tree, clears its timers and listener, and resolves with the result. */
function finish(run: Supervision): void {
  if (run.settled) return;
  run.settled = true;
  if (run.tree) active.delete(run.tree);
  for (const t of run.timers) clearTimeout(t);
  run.options.signal?.removeEventListener('abort', run.onAbort);
  run.resolve(run.base(outcome(run)));
}

/** The result fields of a settled run; the error is the spawn failure, else the timeout, else the abort. */
function outcome(run: Supervision): Partial<ProcessResult> {
  const { stdout, stderr, exited } = run;
  let error = run.spawnError;
  if (!error && run.timedOut) error = timedOutError(run.program, run.options.timeoutMs!);
  else if (!error && run.aborted) error = interrupted(run.program);
  return {
    exitCode: exited?.code ?? null,
    signal: exited?.sig ?? null,
    stdout: stdout.text(),
    stderr: stderr.text(),
    timedOut: run.timedOut,
    aborted: run.aborted,
    truncated: stdout.truncated || stderr.truncated,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    stdoutBytes: stdout.total,
    stderrBytes: stderr.total,
    strayDescendants: run.strays,
    ...(error ? { error } : {}),
  };
}

/**
 * A ProcessResult with neutral defaults (no exit code, empty output, nothing timed out or cut) and
 * `fields` on top: for code and tests that describe a run they did not make (a replayed log, a fake tool).
 */
export function processResult(fields: Partial<ProcessResult> = {}): ProcessResult {
  return {
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
    durationMs: 0,
    strayDescendants: 0,
    ...fields,
  };
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: the group is empty.
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The last `lines` lines of a text (for showing a failing tool's stderr). */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split(/\r?\n/);
  return all.slice(-lines).join('\n');
}
