import type { TelemetryHandle } from '@st3/schemas';
import type { CliIO } from './io.js';

/**
 * One top-level verb of `st3` (`st3 <name> ...`). `run` returns the exit code; it throws an
 * St3Error for usage/config/runtime problems (mapped to 2/3 with a JSON error document under
 * --json) or an ExitError when it already reported the problem.
 */
export interface Command {
  name: string;
  summary: string;
  /** One usage line, e.g. `st3 gates [--scope auto|branch|project|files] [--json]`. */
  usage: string;
  /** Longer help: options, one per line. */
  options?: string[];
  /** Example invocations shown by --help. */
  examples: string[];
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Sub-verbs of a command (`st3 review list|show|...`). */
export type Subcommands = Record<string, Command>;

export function defineCommand(command: Command): Command {
  return command;
}

/** The --help text of a command. */
export function helpText(command: Command, subcommands?: Subcommands): string {
  const lines = [`${command.summary}`, '', `Usage: ${command.usage}`];
  if (subcommands) {
    lines.push('', 'Commands:');
    const width = Math.max(...Object.keys(subcommands).map((k) => k.length));
    for (const [name, sub] of Object.entries(subcommands)) lines.push(`  ${name.padEnd(width)}  ${sub.summary}`);
  }
  if (command.options && command.options.length > 0)
    lines.push('', 'Options:', ...command.options.map((o) => `  ${o}`));
  lines.push(
    '',
    'Common options:',
    '  --json         print exactly one JSON document on stdout',
    '  --cwd DIR      run as if started in DIR',
    '  --config FILE  use this configuration file',
    '  -q, --quiet    print only problems',
    '  --no-color     no colours (NO_COLOR is honoured too)',
    '  -h, --help     this help',
  );
  if (command.examples.length > 0) lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** What `st3 run` hands each stage. */
export interface StageContext {
  /** Workspace root (holds `.st3/`). */
  root: string;
  io: CliIO;
  /** Stages write nothing outside their scratch area unless this is false. */
  dryRun: boolean;
  quiet: boolean;
  /** Where stages report what they did (`st3 run` saves it for the metrics stage); absent on a dry run. */
  telemetry?: TelemetryHandle;
}

/** One stage's outcome in the `st3 run` report. */
export interface StageReport {
  stage: string;
  ok: boolean;
  /** Skipped stages are ok but did no work (the reason is the summary). */
  skipped?: boolean;
  /** One line for the human report. */
  summary: string;
  /** Further lines for the human report. */
  lines?: string[];
  /** Anything useful for `st3 run --json`. */
  data?: unknown;
}

/** A stage of `st3 run`, exported by an area app as `stage`. */
export interface RunStage {
  name: string;
  /** Short description for help and the report. */
  title: string;
  run(ctx: StageContext): Promise<StageReport>;
}
