export {
  COMMON_OPTIONS,
  HelpRequested,
  intFlag,
  isHelpRequested,
  parseCommandArgs,
  parseKeyValues,
  wantsJson,
  type CommonFlags,
  type OptionSpec,
  type ParsedArgs,
} from './args.js';
export { colorsFor, type Colors } from './color.js';
export {
  defineCommand,
  helpText,
  type Command,
  type RunStage,
  type StageContext,
  type StageReport,
  type Subcommands,
} from './command.js';
export { EXIT, ExitError, isExitError } from './exit.js';
export { memoryIO, processIO, type CliIO } from './io.js';
export { createOutput, type Output } from './output.js';
export { createProgress, type Progress } from './progress.js';
export {
  cliHelp,
  dispatchSubcommand,
  lazyFromArea,
  reportError,
  runCli,
  runCommand,
  type CliDefinition,
  type LazyCommand,
} from './run.js';
export { resolveWorkspace, type Workspace } from './workspace.js';
export { runMain } from './main.js';
