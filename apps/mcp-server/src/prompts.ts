import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  McpError,
  type GetPromptResult,
  type Prompt,
} from '@modelcontextprotocol/sdk/types.js';
import type { AtomizedFileRecord } from '@st3/atomizer';
import { isSt3Error } from '@st3/schemas';
import { insidePattern } from './paths.js';

export const PROMPTS: Prompt[] = [
  {
    name: 'regenerate_atom',
    title: 'Regenerate an atom',
    description:
      "Hands one atom (~10 lines of code) to a model with the context it needs to rewrite it alone: the imports and types it uses, its pre- and postconditions, test hints and the atoms it depends on. The answer expected is a fenced code block replacing the atom's lines.",
    arguments: [
      {
        name: 'atom',
        description:
          'the atom: its id (src/pricing.ts#L10-L15@…, the @hash may be left out) or FILE:LINE of a line inside it',
        required: true,
      },
      {
        name: 'instruction',
        description: 'what to change (default: improve it without changing its behaviour)',
        required: false,
      },
    ],
  },
];

type Atom = AtomizedFileRecord['atoms'][number];

/** The atom named by `src/a.ts#L10-L15@hash`, `src/a.ts#L10-L15` or `src/a.ts:12`. */
function pick(atoms: readonly Atom[], ref: string): Atom | undefined {
  const line = /:(\d+)$/.exec(ref);
  if (line) {
    const n = Number(line[1]);
    return atoms
      .filter((a) => a.startLine <= n && n <= a.endLine)
      .sort((a, b) => a.endLine - a.startLine - (b.endLine - b.startLine))[0];
  }
  return atoms.find((a) => a.id === ref) ?? atoms.find((a) => a.id.split('@')[0] === ref.split('@')[0]);
}

function contextText(atom: Atom, file: AtomizedFileRecord): string {
  const c = atom.context;
  const parts: string[] = [];
  if (c.imports.length > 0)
    parts.push(`Imports in scope:\n${c.imports.map((i) => `- ${i.names.join(', ')} from ${i.module}`).join('\n')}`);
  if (c.types.length > 0) parts.push(`Types it uses:\n${c.types.map((t) => `\`\`\`\n${t.code}\n\`\`\``).join('\n')}`);
  if (c.preconditions.length > 0) parts.push(`Preconditions:\n${c.preconditions.map((p) => `- ${p}`).join('\n')}`);
  if (c.postconditions.length > 0) parts.push(`Postconditions:\n${c.postconditions.map((p) => `- ${p}`).join('\n')}`);
  if (c.testHints.length > 0) parts.push(`Test hints:\n${c.testHints.map((p) => `- ${p}`).join('\n')}`);
  const deps = file.atoms.filter((a) => atom.dependsOn.includes(a.id));
  if (deps.length > 0)
    parts.push(
      `Atoms it depends on (keep their contracts):\n${deps.map((d) => `- ${d.name ?? d.kind} (lines ${d.startLine}-${d.endLine})`).join('\n')}`,
    );
  if (c.unresolved.length > 0) parts.push(`Names defined elsewhere: ${c.unresolved.join(', ')}`);
  return parts.join('\n\n');
}

async function regenerateAtom(root: string, args: Record<string, string>): Promise<GetPromptResult> {
  const ref = args.atom?.trim();
  if (!ref) throw new McpError(ErrorCode.InvalidParams, 'regenerate_atom needs the atom argument');
  const path = insidePattern(root, ref.replace(/(#.*|:\d+)$/, ''));
  const { atomizeProject } = await import('@st3/atomizer');
  let record: AtomizedFileRecord | undefined;
  for await (const r of atomizeProject([path], { cwd: root, mode: 'atomize' }))
    if (r.ok && 'atoms' in r.record) record = r.record;
  const atom = record && pick(record.atoms, ref);
  if (!record || !atom)
    throw new McpError(ErrorCode.InvalidParams, `no atom ${ref} in ${path}`, {
      hint: 'the atomize tool lists the atom ids',
    });
  const instruction = args.instruction?.trim() || 'Improve this code without changing its behaviour.';
  const text = [
    `You are rewriting one atom of ${record.path} (${record.language}), lines ${atom.startLine}-${atom.endLine}: ${atom.name ?? atom.kind}.`,
    `Task: ${instruction}`,
    contextText(atom, record),
    `The atom:\n\`\`\`${record.language}\n${(atom.code ?? '').replace(/^\n/, '')}\n\`\`\``,
    `Answer with one fenced code block holding the new lines ${atom.startLine}-${atom.endLine}, nothing else.`,
  ]
    .filter(Boolean)
    .join('\n\n');
  return {
    description: `regenerate ${atom.id}`,
    messages: [{ role: 'user', content: { type: 'text', text } }],
  };
}

/** The prompt templates (`prompts/list`, `prompts/get`). */
export function installPrompts(server: Server, root: string): void {
  server.registerCapabilities({ prompts: { listChanged: false } });
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    if (request.params.name !== 'regenerate_atom')
      throw new McpError(ErrorCode.InvalidParams, `unknown prompt ${request.params.name}`);
    try {
      return await regenerateAtom(root, request.params.arguments ?? {});
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
