import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { St3Error } from '@st3/schemas';
import { loadProcessRunner, type ProcessResult, type RunProcessOptions } from '../process.js';
import { CUT_OFF } from './failure.js';
import type { Agent, AgentAnswer, AgentRequest, ChatMessage } from './types.js';

export interface CommandAgentOptions {
  name?: string;
  /** argv; a relative program path (`tools/agent.sh`) is resolved against `cwd`. */
  command: readonly string[];
  /** Working folder (the workspace root). */
  cwd: string;
  /** The complete base environment of the command (the ST3_* variables are added). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** The process runner (default `runProcess` of the shared runner); tests may pass their own. */
  runProcess?: (options: RunProcessOptions) => Promise<ProcessResult>;
}

/** The prompt as one text: each message under a `### <role>` heading. */
export function renderPromptText(messages: readonly ChatMessage[]): string {
  return `${messages.map((m) => `### ${m.role}\n\n${m.content.trimEnd()}\n`).join('\n')}`;
}

/**
 * An agent that is a command: it gets the prompt on stdin and in the file `$ST3_PROMPT_FILE`
 * (`$ST3_REQUEST_FILE` holds the same request as JSON: messages, temperature, attempt, node) and
 * answers on stdout. Runs without a shell, in its own process group (a timeout ends the whole tree).
 * Environment: ST3_PROMPT_FILE, ST3_REQUEST_FILE, ST3_NODE_ID, ST3_FILE, ST3_START, ST3_END,
 * ST3_ATTEMPT, ST3_TEMPERATURE.
 */
export function createCommandAgent(options: CommandAgentOptions): Agent {
  if (options.command.length === 0)
    throw new St3Error('E_AGENT_CONFIG', 'a command agent needs a command', { hint: 'command: ["tools/agent.sh"]' });
  const [program, ...args] = options.command as [string, ...string[]];
  // `tools/agent.sh` is the workspace's script; a bare name (`aider`) is looked up on PATH.
  const resolved = program.includes('/') && !isAbsolute(program) ? resolve(options.cwd, program) : program;
  const timeoutMs = options.timeoutMs ?? 300_000;
  return {
    name: options.name ?? program,
    kind: 'command',
    async generate(request: AgentRequest): Promise<AgentAnswer> {
      const run = options.runProcess ?? (await loadProcessRunner());
      const prompt = renderPromptText(request.messages);
      const dir = await mkdtemp(join(tmpdir(), 'st3-prompt-'));
      try {
        const promptFile = join(dir, 'prompt.md');
        const requestFile = join(dir, 'request.json');
        await writeFile(promptFile, prompt);
        await writeFile(
          requestFile,
          JSON.stringify({
            messages: request.messages,
            temperature: request.temperature,
            attempt: request.attempt,
            node: request.node,
          }),
        );
        const r = await run({
          argv: [resolved, ...args],
          cwd: options.cwd,
          env: {
            ...options.env,
            ST3_PROMPT_FILE: promptFile,
            ST3_REQUEST_FILE: requestFile,
            ST3_NODE_ID: request.node.id,
            ST3_FILE: request.node.file ?? '',
            ST3_START: request.node.startLine === undefined ? '' : String(request.node.startLine),
            ST3_END: request.node.endLine === undefined ? '' : String(request.node.endLine),
            ST3_ATTEMPT: String(request.attempt),
            ST3_TEMPERATURE: request.temperature === undefined ? '' : String(request.temperature),
          },
          input: prompt,
          timeoutMs,
          signal: request.signal,
          maxOutputBytes: MAX_ANSWER_BYTES,
        });
        return answerOf(program, r, timeoutMs, request.signal);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The most of a command agent's stdout that is kept: an answer past it is cut, so never used. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

function answerOf(program: string, r: ProcessResult, timeoutMs: number, signal?: AbortSignal): AgentAnswer {
  if (r.error) {
    if (signal?.aborted) throw signal.reason ?? r.error;
    const category = r.error.code === 'E_TOOL_NOT_FOUND' ? 'dependency' : r.timedOut ? 'timeout' : 'unknown';
    throw Object.assign(
      r.timedOut ? new St3Error('E_TIMEOUT', `agent ${program} did not answer within ${timeoutMs} ms`) : r.error,
      { category },
    );
  }
  const tail = r.stderr.trim().split('\n').slice(-15).join('\n');
  if (r.exitCode !== 0)
    throw Object.assign(
      new St3Error(
        'E_AGENT_COMMAND',
        `agent ${program} exited with ${r.exitCode ?? r.signal}${tail ? `: ${tail}` : ''}`,
      ),
      { category: 'unknown' as const },
    );
  // What is left of a cut answer may still hold a fence that parses (the atom quoted before the cut-off
  // new code, say): like a server's finish_reason "length", a partial answer is never used.
  if (r.stdoutTruncated)
    throw Object.assign(
      new St3Error(
        'E_AGENT_ANSWER',
        `agent ${program} printed ${r.stdoutBytes} bytes, past the ${MAX_ANSWER_BYTES}-byte limit of an answer: it ${CUT_OFF}, and a partial answer is never used`,
        { hint: 'print only the code block of the atom (or a diff of it), not logs, on stdout' },
      ),
      { category: 'context' as const },
    );
  if (r.stdout.trim() === '')
    throw Object.assign(
      new St3Error('E_AGENT_COMMAND', `agent ${program} printed no answer${tail ? `: ${tail}` : ''}`, {
        hint: 'the answer is read from stdout',
      }),
      { category: 'unknown' as const },
    );
  return { text: r.stdout };
}
