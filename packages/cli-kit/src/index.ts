export { parseKeyValues } from './args.js';
export { COMMON_OPTIONS, wantsHelp, wantsJson, wantsNoColor, type CommonFlags } from './common.js';
export { colorsFor, type Colors } from './color.js';
export {
  defineCommand,
  defineOptions,
  type ArgSpec,
  type ArgsOf,
  type ArgvAliases,
  type BooleanOptionSpec,
  type Command,
  type CommandSpec,
  type Completion,
  type EnumOptionSpec,
  type NumberOptionSpec,
  type OptionSpec,
  type OptionsSpec,
  type PassthroughSpec,
  type RunContext,
  type StringOptionSpec,
  type Subcommands,
  type Values,
} from './spec.js';
export { parseCommand, acceptedOptions, type AcceptedOption, type ParseResult } from './parse.js';
export { helpText, usageLine, usageLines, optionLabel, argLabel } from './help.js';
export { editDistance, suggest, didYouMean } from './suggest.js';
export { completionCommand, completionScript, SHELLS, type Shell } from './completion/index.js';
export { completionModel, type CompletionNode, type CompletionOption } from './completion/model.js';
export type { RunStage, StageContext, StageReport } from './stage.js';
export { EXIT, ExitError, isExitError } from './exit.js';
export { memoryIO, processIO, type CliIO } from './io.js';
export { createOutput, type Output } from './output.js';
export { createProgress, type Progress } from './progress.js';
export {
  cliHelp,
  entryOf,
  lazyFromArea,
  loadCommandTree,
  reportError,
  resolveCommand,
  runCli,
  runCommand,
  unknownCommand,
  type CliDefinition,
  type LazyCommand,
} from './run.js';
export { resolveWorkspace, type Workspace } from './workspace.js';
export { runMain, TERM_GRACE_MS } from './main.js';
