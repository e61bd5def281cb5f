export { runProcess, tail, type ProcessResult, type RunProcessOptions } from './run-process.js';
export {
  splitCommand,
  splitCommandOrThrow,
  findShellSyntax,
  type ShellSyntax,
  type SplitResult,
} from './split-command.js';
