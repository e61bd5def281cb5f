import { setMaxListeners } from 'node:events';
import { EXIT } from './exit.js';
import { processIO, type CliIO } from './io.js';

/** A command that has not finished this long after SIGTERM is ended (its tools' trees killed first). */
export const TERM_GRACE_MS = 5_000;

/**
 * The only place that touches `process` exit state: wires Ctrl-C (SIGINT) and SIGTERM to an
 * AbortSignal — the command stops its work and the tools it started, and saves what it must — and
 * sets the exit code from what `run` returns. A second signal exits at once, after killing the
 * process trees of the tools still running. After SIGTERM (a service manager, `timeout`) the command
 * gets `TERM_GRACE_MS`, then ends the same way: computation that never looks at the signal must not
 * outlive it. Stopped by SIGTERM, the exit code is 143 (what a shell reports for SIGTERM) where the
 * command returns "interrupted" (130).
 */
export function runMain(run: (argv: string[], io: CliIO) => Promise<number>): void {
  const controller = new AbortController();
  // Every running tool listens to this one signal (a run of 100 nodes at once is 100 listeners): not a leak.
  setMaxListeners(0, controller.signal);
  let signals = 0;
  let terminated = false;
  const interruptedCode = () => (terminated ? EXIT.terminated : EXIT.interrupted);
  const exitNow = (): void => {
    // @st3/process is already loaded when a tool is running; when it is not, there is nothing to stop.
    void import('@st3/process').then(
      (runner) => {
        runner.stopAllRuns();
        // process.exit waits for libuv's threads: one blocked for good (a FIFO no one writes) would keep the
        // process alive. The signal's default action, sent by a watchdog if the exit hangs, ends it anyway.
        const signal = terminated ? 'SIGTERM' : 'SIGINT';
        process.removeAllListeners('SIGINT');
        process.removeAllListeners('SIGTERM');
        runner.armExitWatchdog(signal);
        process.exit(interruptedCode());
      },
      () => process.exit(interruptedCode()),
    );
  };
  const stop = (signal: NodeJS.Signals): void => {
    signals++;
    if (signal === 'SIGTERM' && !terminated) {
      terminated = true;
      setTimeout(exitNow, TERM_GRACE_MS).unref();
    }
    if (signals > 1) exitNow();
    controller.abort();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  run(process.argv.slice(2), processIO(controller.signal)).then(
    (code) => {
      process.exitCode = code === EXIT.interrupted ? interruptedCode() : code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
