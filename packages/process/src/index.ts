export {
  processResult,
  runProcess,
  stopAllRuns,
  tail,
  type ProcessResult,
  type RunProcessOptions,
} from './run-process.js';
export {
  splitCommand,
  splitCommandOrThrow,
  commandArgv,
  findShellSyntax,
  type ShellSyntax,
  type SplitResult,
} from './split-command.js';
export { findTree, killTree, signalTree, runTagVar, type TreeHandle } from './tree.js';
export { findExecutable, envValue, type ExecutableLookup } from './find-executable.js';
export { armExitWatchdog } from './exit-watchdog.js';
