import { setMaxListeners } from 'node:events';
import { processIO, type CliIO } from './io.js';

/**
 * The only place that touches `process` exit state: wires Ctrl-C to an AbortSignal
 * (a second Ctrl-C exits at once, after killing the process trees of the tools still running)
 * and sets the exit code from what `run` returns.
 */
export function runMain(run: (argv: string[], io: CliIO) => Promise<number>): void {
  const controller = new AbortController();
  // Every running tool listens to this one signal (a run of 100 nodes at once is 100 listeners): not a leak.
  setMaxListeners(0, controller.signal);
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    // @st3/process is already loaded when a tool is running; when it is not, there is nothing to stop.
    if (interrupts > 1)
      void import('@st3/process').then(
        (runner) => {
          runner.stopAllRuns();
          process.exit(130);
        },
        () => process.exit(130),
      );
    controller.abort();
  });
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  run(process.argv.slice(2), processIO(controller.signal)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
