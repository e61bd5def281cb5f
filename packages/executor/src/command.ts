import { spawn } from 'node:child_process';
import { St3Error, type GraphNode } from '@st3/schemas';
import type { NodeContext, RunNode } from './execute.js';

/**
 * Splits a command template into argv the way a POSIX shell splits words (single and double
 * quotes, backslash escapes) but with no expansion at all: the command runs without a shell.
 */
export function splitCommand(template: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (template[i + 1] === '"' || template[i + 1] === '\\')) word += template[++i];
      else word += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < template.length) {
      word += template[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) throw new St3Error('E_EXEC_COMMAND', `unbalanced ${quote} in command: ${template}`);
  if (inWord) out.push(word);
  if (out.length === 0) throw new St3Error('E_EXEC_COMMAND', 'the command is empty', { hint: 'e.g. --run "python3 check.py {file} {start} {end}"' });
  return out;
}

/** Values for `{id} {file} {start} {end} {attempt} {temperature}` from a node (atoms use path/startLine/endLine). */
export function placeholderValues(node: GraphNode, context: Pick<NodeContext, 'attempt' | 'params'>): Record<string, string> {
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
  /** Environment of the commands (default: none but PATH of this process is NOT added; pass it). */
  env?: Record<string, string | undefined>;
  /** Keep at most this many characters of each output stream (the tail; default 64 KiB). */
  maxOutput?: number;
}

class CommandError extends Error {
  constructor(message: string, readonly result: CommandResult) {
    super(message);
    this.name = 'CommandError';
  }
}

/**
 * A RunNode that runs the command template for each node, as argv without a shell. The node
 * succeeds when the command exits 0. Attempt data reaches the command as environment variables:
 * ST3_NODE_ID, ST3_ATTEMPT, ST3_TEMPERATURE, ST3_FEEDBACK (the previous failure or a reviewer's note).
 * On abort (timeout, cancellation) the process gets SIGTERM, then SIGKILL after 2 s.
 */
export function commandRunner(template: string, options: CommandRunnerOptions): RunNode<CommandResult> {
  const argv = splitCommand(template);
  const maxOutput = options.maxOutput ?? 64 * 1024;
  return (node, context) =>
    new Promise<CommandResult>((resolve, reject) => {
      const [cmd, ...args] = expandArgs(argv, placeholderValues(node, context));
      const env = {
        ...options.env,
        ST3_NODE_ID: node.id,
        ST3_ATTEMPT: String(context.attempt),
        ST3_TEMPERATURE: context.params.temperature === undefined ? '' : String(context.params.temperature),
        ST3_FEEDBACK: context.feedback ?? '',
      };
      const child = spawn(cmd!, args, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal: undefined });
      let stdout = '';
      let stderr = '';
      const keep = (acc: string, chunk: string) => {
        const next = acc + chunk;
        return next.length > maxOutput ? next.slice(next.length - maxOutput) : next;
      };
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout = keep(stdout, c)));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = keep(stderr, c)));
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), 2000);
        killTimer.unref();
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error: NodeJS.ErrnoException) => {
        context.signal.removeEventListener('abort', onAbort);
        if (error.code === 'ENOENT') reject(Object.assign(new St3Error('E_TOOL_NOT_FOUND', `command not found: ${cmd}`), { category: 'dependency' }));
        else reject(error);
      });
      child.on('close', (code, signal) => {
        context.signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        const result: CommandResult = { id: node.id, exitCode: code ?? -1, stdout, stderr };
        if (code === 0) resolve(result);
        else {
          const tail = (stderr.trim() || stdout.trim()).split('\n').slice(-20).join('\n');
          reject(new CommandError(`${cmd} exited with ${code ?? signal}${tail ? `: ${tail}` : ''}`, result));
        }
      });
    });
}
