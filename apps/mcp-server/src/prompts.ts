import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
  type GetPromptResult,
  type Prompt,
} from '@modelcontextprotocol/sdk/types.js';
import { isSt3Error } from '@st3/schemas';
import { atomContextView } from './tools/context.js';

export const PROMPTS: Prompt[] = [
  {
    name: 'regenerate_atom',
    title: 'Regenerate an atom',
    description:
      "Hands one atom (~10 lines of code) to a model with the context it needs to rewrite it alone: its enclosing chain, inputs, imports, the signatures of the atoms it depends on, types, pre- and postconditions and test hints (the atom_context tool's Markdown), in the messages the executor sends its agents: the answer expected is a fenced code block replacing the atom's lines, or a unified diff.",
    arguments: [
      {
        name: 'atom',
        description:
          'the atom: its id (src/pricing.ts#L10-L15@…; an id whose hash no longer matches is refused; without the @hash, the atom at those lines now) or FILE:LINE of a line inside it',
        required: true,
      },
      {
        name: 'instruction',
        description: 'what to change (default: improve it without changing its behaviour)',
        required: false,
      },
      {
        name: 'paths',
        description:
          'more files or folders to atomize, comma-separated, so imports are followed to their definitions (as the atom_context tool)',
        required: false,
      },
      {
        name: 'budget',
        description: 'token budget of the context Markdown, a positive integer (as the atom_context tool)',
        required: false,
      },
    ],
  },
];

async function regenerateAtom(
  root: string,
  args: Record<string, string>,
  signal: AbortSignal,
): Promise<GetPromptResult> {
  // An argument the prompt does not declare (a typo such as `budjet`) would otherwise be dropped silently.
  const declared = new Set(PROMPTS[0]!.arguments!.map((a) => a.name));
  const unknown = Object.keys(args).filter((name) => !declared.has(name));
  if (unknown.length > 0)
    throw new McpError(
      ErrorCode.InvalidParams,
      `regenerate_atom has no argument ${unknown.join(', ')} (it takes ${[...declared].join(', ')})`,
    );
  const ref = args.atom?.trim();
  if (!ref) throw new McpError(ErrorCode.InvalidParams, 'regenerate_atom needs the atom argument');
  const budget = args.budget === undefined ? undefined : Number(args.budget);
  if (budget !== undefined && !(Number.isInteger(budget) && budget > 0))
    throw new McpError(ErrorCode.InvalidParams, `budget must be a positive integer, got "${args.budget}"`);
  const view = await atomContextView(
    {
      atom: ref,
      ...(args.paths
        ? {
            paths: args.paths
              .split(',')
              .map((p) => p.trim())
              .filter(Boolean),
          }
        : {}),
      ...(budget ? { budget } : {}),
      code: false,
    },
    { root, signal, progress: () => undefined },
  );
  // The same messages the executor sends its agents (@st3/executor buildPrompt), the system part first:
  // MCP prompts carry user and assistant messages only.
  const { buildPrompt } = await import('@st3/executor');
  const a = view.atom;
  const messages = buildPrompt({
    instruction: args.instruction?.trim() || 'Improve this code without changing its behaviour.',
    file: a.path,
    language: a.language,
    startLine: a.startLine,
    endLine: a.endLine,
    code: a.code,
    context: view.markdown,
  });
  return {
    description: `regenerate ${a.id} (${a.name ?? a.kind}, lines ${a.startLine}-${a.endLine})`,
    messages: [{ role: 'user', content: { type: 'text', text: messages.map((m) => m.content).join('\n\n') } }],
  };
}

/** The prompt templates (`prompts/list`, `prompts/get`). */
export function installPrompts(server: Server, root: string): void {
  server.registerCapabilities({ prompts: { listChanged: false } });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, async (request, extra) => {
    if (request.params.name !== 'regenerate_atom')
      throw new McpError(ErrorCode.InvalidParams, `unknown prompt ${request.params.name}`);
    try {
      return await regenerateAtom(root, request.params.arguments ?? {}, extra.signal);
    } catch (error) {
      if (isSt3Error(error))
        throw new McpError(ErrorCode.InvalidParams, `${error.code}: ${error.message}`, {
          code: error.code,
          hint: error.hint,
        });
      throw error;
    }
  });
}
