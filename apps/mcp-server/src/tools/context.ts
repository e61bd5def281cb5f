import type * as Atomizer from '@st3/atomizer';
import type { AtomizedFileRecord } from '@st3/atomizer';
import { St3Error } from '@st3/schemas';
import { z } from 'zod';
import { defineTool, READ_ONLY, type ToolContext } from '../tool.js';
import { atomSizeInputs, atomSizes, isAtomized, runAtomizer, sourceInputs, type SourceOptions } from './atoms.js';
import { declares } from './common.js';

const HeaderSchema = z.object({ kind: z.string(), line: z.number(), endLine: z.number(), text: z.string() });
const InputSchema = z.object({
  name: z.string(),
  source: z.enum(['parameter', 'local', 'enclosing', 'module', 'class', 'import']),
  usage: z.enum(['read', 'call', 'type', 'write']),
  type: z.string().optional(),
  line: z.number().optional(),
  atom: z.string().optional(),
});
const ImportSchema = z.object({
  module: z.string(),
  names: z.array(z.string()),
  line: z.number(),
  typeOnly: z.boolean().optional(),
  text: z.string(),
});
const DependencySchema = z.object({
  id: z.string(),
  type: z.enum(['function_call', 'variable', 'type', 'data_flow']),
  symbols: z.array(z.string()),
  signature: z.string(),
  path: z.string(),
});
const TypeSchema = z.object({
  name: z.string(),
  kind: z.string(),
  path: z.string(),
  startLine: z.number(),
  endLine: z.number(),
  code: z.string(),
  truncated: z.boolean().optional(),
});
const OutputSchema = z.object({ name: z.string(), type: z.string().optional(), readBy: z.array(z.string()) });
const PartNameSchema = z.enum([
  'chain',
  'inputs',
  'imports',
  'dependencies',
  'types',
  'outputs',
  'returns',
  'preconditions',
  'postconditions',
  'testHints',
]);

/** `AtomContextView` of @st3/atomizer: what an agent is handed to regenerate one atom alone. */
export const AtomContextViewSchema = z.object({
  atom: z.object({
    id: z.string(),
    path: z.string(),
    language: z.string(),
    startLine: z.number(),
    endLine: z.number(),
    kind: z.string(),
    name: z.string().optional(),
    scope: z.array(z.string()),
    complexity: z.number().optional(),
    code: z.string(),
  }),
  parts: z.object({
    chain: z.array(HeaderSchema),
    inputs: z.array(InputSchema),
    imports: z.array(ImportSchema),
    dependencies: z.array(DependencySchema),
    types: z.array(TypeSchema),
    outputs: z.array(OutputSchema),
    returns: z.string().optional(),
    preconditions: z.array(z.string()),
    postconditions: z.array(z.string()),
    testHints: z.array(z.string()),
  }),
  completeness: z.number(),
  missing: z.array(z.object({ component: z.string(), reason: z.string() })),
  unresolved: z.array(z.string()),
  tokens: z.number(),
  budget: z.number().optional(),
  overBudget: z.boolean(),
  trimmed: z.array(z.object({ part: PartNameSchema, dropped: z.number() })),
  markdown: z.string(),
});

type Atom = AtomizedFileRecord['atoms'][number];

/**
 * The atom named by `src/a.ts#L10-L15` (an id without its hash: the atom at those lines now) or
 * `src/a.ts:12` (the smallest atom holding that line). A full id (`…@hash`) is not picked here: it is
 * looked up exactly, as `st3 atomize --context` looks it up (see atomContextView).
 */
function pick(atoms: readonly Atom[], ref: string): Atom | undefined {
  const line = /:(\d+)$/.exec(ref);
  if (line) {
    const n = Number(line[1]);
    return atoms
      .filter((a) => a.startLine <= n && n <= a.endLine)
      .sort((a, b) => a.endLine - a.startLine - (b.endLine - b.startLine))[0];
  }
  return atoms.find((a) => a.id.split('@')[0] === ref);
}

export interface ContextRequest extends SourceOptions {
  atom: string;
  paths?: string[];
  budget?: number;
  code?: boolean;
  /** The sizes the id was made with (the atomize tool's targetLoc, maxLoc, maxComplexity). */
  targetLoc?: number;
  maxLoc?: number;
  maxComplexity?: number;
}

/**
 * `atomContext` of @st3/atomizer for one atom: the atom's file (and the files given, so imports are
 * followed to their signatures) are atomized, then the context is assembled within the token budget.
 */
export async function atomContextView(request: ContextRequest, ctx: ToolContext) {
  const ref = request.atom.trim();
  // What is neither an atom id (with or without its hash) nor FILE:LINE is refused before any file is
  // read, as `st3 atomize --context` refuses what is not an atom id (E_USAGE), never as a missing file.
  const form = /^(.+?)(#L\d+-L\d+(@[0-9a-f]+)?|:\d+)$/.exec(ref);
  if (!form)
    throw new St3Error('E_USAGE', `"${ref}" is not an atom id`, {
      hint: 'atom ids look like src/store.ts#L12-L24@3f9a1c2b7d (see the atomize tool); FILE:LINE names the atom holding that line',
    });
  const file = form[1]!;
  const doc = await runAtomizer(
    [file, ...(request.paths ?? [])],
    ctx,
    { mode: 'atomize', ...atomSizes(request), lang: request.lang, complexityVariant: request.complexityVariant },
    isAtomized,
  );
  const { atomContext } = await import('@st3/atomizer');
  let id: string;
  const hash = ref.lastIndexOf('#');
  if (hash >= 0 && ref.slice(hash).includes('@')) {
    // A full id names one version of the atom: the exact id or nothing, never the atom at those lines
    // now. atomContext's own lookup (the one `st3 atomize --context` uses) throws E_ATOMIZE_ATOM_NOT_FOUND
    // with the atoms at those lines now in its hint when the code changed since.
    id = ref.replace(/^\.\//, '');
  } else {
    const record = doc.files.find((f) => f.path === file.replace(/^\.\//, ''));
    const atom = record && pick(record.atoms, ref.replace(/^\.\//, ''));
    if (!record || !atom)
      throw new St3Error('E_ATOMIZE_ATOM_NOT_FOUND', `no atom ${ref} in ${file}`, {
        hint: 'the atomize tool lists the atom ids of a file',
      });
    id = atom.id;
  }
  return atomContext(id, {
    files: doc.files,
    ...(request.budget !== undefined ? { budget: request.budget } : {}),
    ...(request.code !== undefined ? { code: request.code } : {}),
  });
}

export const atomContextTool = defineTool({
  name: 'atom_context',
  title: "An atom's context",
  area: 'atoms',
  cli: 'st3 atomize --context',
  description:
    'Everything an agent needs to regenerate one atom alone: its enclosing chain, inputs and where they come from, imports, the signatures of the atoms it depends on (followed into the files given), types, outputs, pre/postconditions and test hints — as parts and as Markdown trimmed to a token budget.',
  input: z.object({
    atom: z
      .string()
      .min(1)
      .describe(
        'the atom: its id (src/pricing.ts#L10-L15@…; an id whose hash no longer matches is E_ATOMIZE_ATOM_NOT_FOUND, as in `st3 atomize --context`; without the @hash, the atom at those lines now) or FILE:LINE',
      ),
    paths: z
      .array(z.string().min(1))
      .optional()
      .describe('more files or folders to atomize, so imports are followed to their definitions'),
    budget: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('token budget of the Markdown (estimated: 4 ASCII characters a token, any other character 1, emoji 2)'),
    code: z.boolean().default(true).describe("end the Markdown with the atom's own code"),
    // An id from the atomize tool called with sizes names atoms made with those sizes: the same ones find it.
    ...atomSizeInputs,
    ...sourceInputs,
  }),
  output: AtomContextViewSchema.extend({ ok: z.literal(true) }),
  annotations: READ_ONLY,
  run: async (args, ctx) => ({ ok: true as const, ...(await atomContextView(args, ctx)) }),
  summary: (r) =>
    `${r.atom.id}: ${r.atom.name ?? r.atom.kind}, completeness ${r.completeness}, ${r.tokens} tokens${r.budget !== undefined ? ` of ${r.budget}` : ''}${r.trimmed.length > 0 ? `; trimmed ${r.trimmed.map((t) => `${t.part} (${t.dropped})`).join(', ')}` : ''}${r.unresolved.length > 0 ? `; unresolved ${r.unresolved.join(', ')}` : ''}`,
});

// These results carry library objects whole, and the server refuses a field the output schema lacks
// (E_INTERNAL): tsc checks that the hand-written schemas declare every field the library returns.
declares<z.output<typeof AtomContextViewSchema>, ReturnType<typeof Atomizer.atomContext>>(true);
