import { St3Error } from '@st3/schemas/errors';
import { detectLanguage } from '../language.js';
import {
  createDefinitionFinder,
  importedName,
  type LinkableDefinition,
  type LinkableFile,
} from '../project/definitions.js';
import { createModuleResolver, type ModuleResolver } from '../project/resolve.js';
import { renderContext, type RenderedPart } from './markdown.js';
import { completenessOf } from '../atoms/context.js';
import type {
  AtomContext,
  ContextComponent,
  ContextComponentName,
  ContextDependency,
  ContextHeader,
  ContextImport,
  ContextInput,
  ContextOutput,
  ContextType,
} from './types.js';

/** An atom as `st3 atomize --json` writes it (the record of `atomizeSource` fits too). */
export interface ContextAtom {
  id: string;
  path: string;
  startLine: number;
  endLine: number;
  kind: string;
  name?: string;
  scope?: readonly string[];
  complexity?: number;
  code?: string;
  symbols?: { used?: readonly string[]; calls?: readonly string[]; members?: readonly string[] };
  context: Partial<AtomContext> | Record<string, unknown>;
}

/** A file of the project's atomize output, as far as the context needs it. */
export interface ContextFile extends LinkableFile {
  language: string;
  atoms: readonly ContextAtom[];
}

export interface AtomContextOptions {
  /** The project's atomized files (`st3 atomize --json`'s `files`): where an id is looked up and imports are followed. */
  files?: readonly ContextFile[];
  /** Maps an import of a file to the file it names; default: `createModuleResolver` over `files` (relative, Python packages). */
  resolveImport?: ModuleResolver;
  /** Token budget of the Markdown (counted by `estimateTokens`); the parts are trimmed by priority to fit. */
  budget?: number;
  /** Put the atom's own code at the end of the Markdown (default true). */
  code?: boolean;
}

/** A dependency, possibly in another file (found through the atom's imports). */
export interface ViewDependency extends Omit<ContextDependency, 'type'> {
  type: ContextDependency['type'];
  /** The file holding it. */
  path: string;
}

/** The parts of a context, in the order an agent reads them (which is also their priority). */
export interface AtomContextParts {
  chain: ContextHeader[];
  inputs: ContextInput[];
  imports: ContextImport[];
  dependencies: ViewDependency[];
  types: ContextType[];
  outputs: ContextOutput[];
  returns?: string;
  preconditions: string[];
  postconditions: string[];
  testHints: string[];
}

/** What `atomContext` returns: the parts (trimmed to the budget), what was trimmed, and the Markdown. */
export interface AtomContextView {
  atom: {
    id: string;
    path: string;
    language: string;
    startLine: number;
    endLine: number;
    kind: string;
    name?: string;
    scope: string[];
    complexity?: number;
    code: string;
  };
  parts: AtomContextParts;
  completeness: number;
  missing: ContextComponent[];
  unresolved: string[];
  /** Estimated tokens of `markdown` (see `estimateTokens`: ASCII at 4 characters a token, other characters 1–2 each). */
  tokens: number;
  budget?: number;
  /** True when the atom's header and code alone exceed the budget (every other part was dropped). */
  overBudget: boolean;
  /** Items dropped to fit the budget, per part. */
  trimmed: { part: keyof AtomContextParts; dropped: number }[];
  markdown: string;
}

const arr = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);

function findAtom(target: string | ContextAtom, files: readonly ContextFile[] | undefined) {
  if (typeof target !== 'string') {
    const file = files?.find((f) => f.path === target.path);
    return { atom: target, file };
  }
  for (const file of files ?? []) {
    const atom = file.atoms.find((a) => a.id === target);
    if (atom) return { atom, file };
  }
  // An id whose content hash changed still names its file and lines: say which atoms are there now.
  const m = /^(.*)#L(\d+)-L(\d+)@/.exec(target);
  const near = m
    ? files?.find((f) => f.path === m[1])?.atoms.filter((a) => a.endLine >= +m[2]! && a.startLine <= +m[3]!)
    : [];
  // Same lines, other hash: the code changed. Other lines: the code moved, or other decomposition options made them.
  const sameLines = near?.some((a) => a.startLine === +m![2]! && a.endLine === +m![3]!);
  const why = sameLines
    ? 'the code changed since'
    : 'the code changed since, or the id came from atomizing with other options (--target-loc, --max-loc)';
  throw new St3Error('E_ATOMIZE_ATOM_NOT_FOUND', `no atom has the id "${target}"`, {
    hint:
      near && near.length > 0
        ? `${why}; atoms at those lines now: ${near.map((a) => a.id).join(', ')}`
        : 'ids come from `st3 atomize --json`; re-run it if the file changed',
  });
}

/** The code of an imported type, from the atom declaring it (first 30 lines). */
function importedType(files: readonly ContextFile[], path: string, d: LinkableDefinition): ContextType | undefined {
  const owner = files.find((f) => f.path === path)?.atoms.find((a) => a.id === d.atom);
  if (owner?.code === undefined) return undefined;
  const lines = owner.code.split('\n');
  return {
    name: d.name,
    kind: d.kind,
    path,
    startLine: owner.startLine,
    endLine: owner.endLine,
    code: lines.slice(0, 30).join('\n'),
    ...(lines.length > 30 ? { truncated: true } : {}),
  };
}

/** Definitions the atom takes from other files: their signatures, and the code of the types among them. */
function crossFile(
  atom: ContextAtom,
  file: ContextFile | undefined,
  files: readonly ContextFile[],
  resolve: ModuleResolver,
  inputs: ContextInput[],
  chain: ContextHeader[],
) {
  const finder = createDefinitionFinder(files, resolve);
  const deps: ViewDependency[] = [];
  const types: ContextType[] = [];
  const members = arr<string>(atom.symbols?.members);
  for (const input of inputs) {
    if (input.source !== 'import') continue;
    const wanted = [undefined, ...members.filter((m) => m.startsWith(`${input.name}.`)).map((m) => m.split('.')[1])];
    for (const member of wanted) {
      const hit = finder.find(atom.path, input.name, member);
      if (!hit) continue;
      const d = hit.definition;
      const isType = hit.typeOnly || input.usage === 'type' || d.kind === 'type';
      const type = isType ? 'type' : d.kind === 'function' || d.kind === 'class' ? 'function_call' : 'variable';
      const symbol = member ? `${input.name}.${member}` : input.name;
      const seen = deps.find((x) => x.id === d.atom);
      if (seen) seen.symbols.push(symbol);
      else deps.push({ id: d.atom, type, symbols: [symbol], signature: d.signature ?? d.name, path: hit.path });
      if (isType && (d.kind === 'type' || d.kind === 'class')) {
        const t = importedType(files, hit.path, d);
        if (t) types.push(t);
      }
    }
  }
  // Types the enclosing signatures and the inputs' declared types name, imported from other files.
  const words = new Set<string>();
  for (const text of [...chain.map((h) => h.text), ...inputs.map((i) => i.type ?? '')])
    for (const w of text.match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(w);
  for (const w of words) {
    if (!file || !importedName(file, w) || types.some((t) => t.name === w)) continue;
    const hit = finder.find(atom.path, w);
    if (!hit || (hit.definition.kind !== 'type' && hit.definition.kind !== 'class')) continue;
    const t = importedType(files, hit.path, hit.definition);
    if (t) types.push(t);
  }
  return { deps, types };
}

/** The components the stored completeness is a share of (derived for records written before `applicable`). */
function applicableOf(ctx: Partial<AtomContext>, parts: AtomContextParts): Set<ContextComponentName> {
  if (Array.isArray(ctx.applicable)) return new Set(ctx.applicable);
  const missing = arr<ContextComponent>(ctx.missing);
  const named = new Set<ContextComponentName>(missing.map((m) => m.component));
  for (const key of Object.keys(parts) as (keyof AtomContextParts)[])
    if (key !== 'returns' && parts[key]!.length > 0) named.add(key);
  return named;
}

/**
 * Completeness of the context as handed over: a part the budget took items from is missing too, so
 * a trimmed context never reports the score of the untrimmed one.
 */
function scoreAfterTrim(
  ctx: Partial<AtomContext>,
  parts: AtomContextParts,
  trimmed: AtomContextView['trimmed'],
  budget: number | undefined,
): { completeness: number; missing: ContextComponent[] } {
  const stored = arr<ContextComponent>(ctx.missing);
  const completeness = typeof ctx.completeness === 'number' ? ctx.completeness : 0;
  if (trimmed.length === 0) return { completeness, missing: stored };
  const applicable = applicableOf(ctx, parts);
  const missing = [...stored];
  for (const t of trimmed) {
    if (t.part === 'returns') continue; // never trimmed: it is part of the atom's header
    applicable.add(t.part);
    const reason = `${t.dropped} of ${parts[t.part]!.length} dropped to fit the budget of ${budget} tokens`;
    const known = missing.findIndex((m) => m.component === t.part);
    if (known >= 0) missing[known] = { component: t.part, reason: `${missing[known]!.reason}; ${reason}` };
    else missing.push({ component: t.part, reason });
  }
  return { completeness: completenessOf(applicable.size, missing.length), missing };
}

/**
 * The standalone context of one atom, as a code-generating agent should receive it: the enclosing
 * signatures, its inputs and where they come from, the imports it uses, the signatures of what it
 * depends on (in other files too, with `files`), the types it uses, its outputs, contracts and test
 * hints, rendered as Markdown and trimmed by priority to `budget` tokens. `target` is an atom or an
 * id looked up in `files`. Throws `E_ATOMIZE_ATOM_NOT_FOUND` for an unknown id.
 */
export function atomContext(target: string | ContextAtom, options: AtomContextOptions = {}): AtomContextView {
  const { atom, file } = findAtom(target, options.files);
  const ctx = atom.context as Partial<AtomContext>;
  const language = file?.language ?? detectLanguage(atom.path) ?? 'text';
  const inputs = arr<ContextInput>(ctx.inputs);
  const local: ViewDependency[] = arr<ContextDependency>(ctx.dependencies).map((d) => ({ ...d, path: atom.path }));
  const chain = arr<ContextHeader>(ctx.chain);
  const extra =
    options.files && options.files.length > 0
      ? crossFile(
          atom,
          file,
          options.files,
          options.resolveImport ?? createModuleResolver(options.files.map((f) => f.path)),
          inputs,
          chain,
        )
      : { deps: [], types: [] };
  const parts: AtomContextParts = {
    chain,
    inputs,
    imports: arr(ctx.imports),
    dependencies: [...local, ...extra.deps],
    types: [...arr<ContextType>(ctx.types), ...extra.types],
    outputs: arr(ctx.outputs),
    ...(typeof ctx.returns === 'string' ? { returns: ctx.returns } : {}),
    preconditions: arr(ctx.preconditions),
    postconditions: arr(ctx.postconditions),
    testHints: arr(ctx.testHints),
  };
  const head = {
    id: atom.id,
    path: atom.path,
    language,
    startLine: atom.startLine,
    endLine: atom.endLine,
    kind: atom.kind,
    ...(atom.name !== undefined ? { name: atom.name } : {}),
    scope: [...(atom.scope ?? [])],
    ...(atom.complexity !== undefined ? { complexity: atom.complexity } : {}),
    code: atom.code ?? '',
  };
  const rendered = renderContext(head, parts, { budget: options.budget, code: options.code !== false });
  const score = scoreAfterTrim(ctx, parts, rendered.trimmed, options.budget);
  return {
    atom: head,
    parts: rendered.parts,
    completeness: score.completeness,
    missing: score.missing,
    unresolved: arr(ctx.unresolved),
    tokens: rendered.tokens,
    ...(options.budget !== undefined ? { budget: options.budget } : {}),
    overBudget: rendered.overBudget,
    trimmed: rendered.trimmed,
    markdown: rendered.markdown,
  };
}

export type { RenderedPart };
