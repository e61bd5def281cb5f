import { createInterface } from 'node:readline/promises';
import type { CliIO } from '@st3/cli-kit';
import { parsePromptAnswer, type PromptField } from '@st3/scaffolder';

/**
 * Missing required fields are asked for only on an interactive terminal (stdin and stderr are TTYs),
 * never under --json or --no-interactive: there a missing field stays the schema's error.
 */
export function canPrompt(io: CliIO, json: boolean, noInteractive: boolean | undefined): boolean {
  return !json && noInteractive !== true && process.stdin.isTTY === true && io.stderr.isTTY === true;
}

/** Asks for each field on stderr (stdout stays the command's output), again until the answer parses. */
export async function askFor(fields: readonly PromptField[], io: CliIO): Promise<Record<string, unknown>> {
  const rl = createInterface({ input: process.stdin, output: process.stderr as NodeJS.WritableStream, terminal: true });
  const answers: Record<string, unknown> = {};
  try {
    for (const field of fields) {
      const choices = field.choices
        ? `\n${field.choices.map((c, i) => `  ${i + 1}) ${JSON.stringify(c)}`).join('\n')}\n`
        : '';
      const hint = field.type === 'json' ? ' (JSON)' : field.type === 'boolean' ? ' (y/n)' : '';
      const fallback = field.default !== undefined ? ` [${JSON.stringify(field.default)}]` : '';
      const question = `${field.name}${field.description ? ` - ${field.description}` : ''}${hint}${fallback}:${choices} `;
      for (;;) {
        if (io.signal.aborted) throw io.signal.reason ?? new Error('interrupted');
        const text = await rl.question(question, { signal: io.signal });
        try {
          answers[field.name] = parsePromptAnswer(field, text);
          break;
        } catch (error) {
          io.stderr.write(`${(error as Error).message}\n`);
        }
      }
    }
  } finally {
    rl.close();
  }
  return answers;
}
