import { spawn } from 'node:child_process';

/**
 * Makes sure this process ends: `process.exit` waits for libuv's worker threads, and one blocked in a
 * call that never returns (opening or reading a FIFO no one writes, a hung network mount) keeps the
 * process alive forever. Starts a detached watchdog process that sends `signal` to this one after
 * `afterMs` if it is still there; the caller removes its own handlers of `signal` first, so the signal's
 * default action ends the process whatever its threads are doing (a shell then reports 128 + the
 * signal number: 143 for SIGTERM, 130 for SIGINT). A process that exits in time leaves the watchdog
 * nothing to do. POSIX only (a no-op elsewhere).
 */
export function armExitWatchdog(signal: NodeJS.Signals, afterMs = 1_000): void {
  if (process.platform === 'win32') return;
  const script = `setTimeout(() => { try { process.kill(${process.pid}, ${JSON.stringify(signal)}); } catch {} }, ${afterMs});`;
  try {
    spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' }).unref();
  } catch {
    // Nothing more can be done for a process that cannot start another: it exits as it can.
  }
}
