import { St3Error, type GraphNode } from '@st3/schemas';
import type { NodeContext, RunNode } from '../scheduler/types.js';
import { splitCommandOrThrow } from '@st3/process';
import { loadProcessRunner } from '../process.js';

/**
 * Splits a command template into argv by POSIX quoting rules, with no expansion at all: the command
 * runs without a shell (`splitCommand` of @st3/process, which refuses shell syntax such as `;`, `|`
 * or `$VAR` with its column). Placeholders (`{id}`, `{{`, `}}`) are ST3's, not shell braces.
 */
export function splitCommand(template: string): string[] {
  if (template.trim() === '')
    throw new St3Error('E_EXEC_COMMAND', 'the command is empty', {
      hint: 'e.g. --run "python3 check.py {file} {start} {end}"',
    });
  const kept: string[] = [];
  const masked = template.replace(/\{\{|\}\}|\{[a-z]+\}/g, (m) => `\uE000${kept.push(m) - 1}\uE001`);
  const restore = (word: string) => word.replace(/\uE000(\d+)\uE001/g, (_, i: string) => kept[Number(i)]!);
  return splitCommandOrThrow(masked).map(restore);
}

/** Values for `{id} {file} {start} {end} {attempt} {temperature}` from a node (atoms use path/startLine/endLine). */
export function placeholderValues(
  node: GraphNode,
  context: Pick<NodeContext, 'attempt' | 'params'>,
): Record<string, string> {
  const n = node as Record<string, unknown>;
  const pick = (...keys: string[]) => {
    for (const k of keys) if (typeof n[k] === 'string' || typeof n[k] === 'number') return String(n[k]);
    return '';
  };
  return {
    id: node.id,
    file: pick('file', 'path'),
    start: pick('startLine', 'start', 'line'),
    end: pick('endLine', 'end'),
    attempt: String(context.attempt),
    temperature: context.params.temperature === undefined ? '' : String(context.params.temperature),
  };
}

/** Replaces placeholders inside each argv word (so a file with spaces stays one argument). `{{` and `}}` are literal braces. */
export function expandArgs(argv: readonly string[], values: Record<string, string>): string[] {
  return argv.map((word) =>
    word.replace(/\{\{|\}\}|\{([a-z]+)\}/g, (m, name?: string) => {
      if (m === '{{') return '{';
      if (m === '}}') return '}';
      return name !== undefined && name in values ? values[name]! : m;
    }),
  );
}

export interface CommandResult {
  id: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandRunnerOptions {
  cwd: string;
  /** The complete environment of the commands (the ST3_* variables are added). */
  env?: Record<string, string | undefined>;
  /** Keep at most this many bytes of each output stream (default 1 MiB). */
  maxOutputBytes?: number;
}

class CommandError extends Error {
  constructor(
    message: string,
    readonly result: CommandResult,
  ) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * A RunNode that runs the command template for each node, as argv without a shell, through the
 * shared process runner (`runProcess`: own process group, so a timeout or cancellation stops the
 * whole tree the command started). The node succeeds when the command
 * exits 0. Attempt data reaches the command as environment variables: ST3_NODE_ID, ST3_ATTEMPT,
 * ST3_TEMPERATURE, ST3_FEEDBACK (the previous failure or a reviewer's note).
 */
export function commandRunner(template: string, options: CommandRunnerOptions): RunNode<CommandResult> {
  const argv = splitCommand(template);
  return async (node, context) => {
    const runProcess = await loadProcessRunner();
    const expanded = expandArgs(argv, placeholderValues(node, context));
    const env = {
      ...options.env,
      ST3_NODE_ID: node.id,
      ST3_ATTEMPT: String(context.attempt),
      ST3_TEMPERATURE: context.params.temperature === undefined ? '' : String(context.params.temperature),
      ST3_FEEDBACK: context.feedback ?? '',
    };
    const r = await runProcess({
      argv: expanded,
      cwd: options.cwd,
      env,
      signal: context.signal,
      maxOutputBytes: options.maxOutputBytes ?? 1024 * 1024,
    });
    if (r.error) {
      // A missing program will still be missing on the next attempt.
      if (r.error.code === 'E_TOOL_NOT_FOUND') throw Object.assign(r.error, { category: 'dependency' });
      throw r.error;
    }
    const result: CommandResult = { id: node.id, exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
    if (r.exitCode === 0) return result;
    const tail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-20).join('\n');
    throw new CommandError(`${expanded[0]} exited with ${r.exitCode ?? r.signal}${tail ? `: ${tail}` : ''}`, result);
  };
}
