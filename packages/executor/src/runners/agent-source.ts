import { St3Error, type GraphInput, type GraphNode, type NodeChange } from '@st3/schemas';
import { atomContext, type AtomContextResult } from '../agents/atom-context.js';
import { locateLines, sha256, sliceLines, splitLines } from '../change/text.js';
import type { WorkspaceFiles } from '../change/workspace.js';
import { languageOf, type CodeLanguage } from '../detectors/index.js';

/** A graph node of an agent run: an atom, with its file and (usually) its lines and code. */
export type AtomNode = GraphNode & {
  path?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  code?: string;
};

/** What finding atoms in their files needs: the workspace, the graph around them, atoms seen so far. */
export interface AtomLookup {
  files: WorkspaceFiles;
  byId: Map<string, AtomNode>;
  /** Direct dependencies per node id. */
  dependencies: Map<string, string[]>;
  /** The atom's code when the node carries none: its lines as first seen in this process. */
  firstSeen: Map<string, string>;
}

/** The atom as an attempt found it: its file now, its lines there (blank edges left out), its context. */
export interface AtomSource {
  text: string;
  atom: { code: string; start: number; end: number };
  /** The language by the file's extension. */
  language: CodeLanguage;
  context: AtomContextResult;
}

export function atomLookup(files: WorkspaceFiles, graph: GraphInput | undefined): AtomLookup {
  const byId = new Map((graph?.nodes ?? []).map((n) => [n.id, n as AtomNode]));
  const dependencies = new Map<string, string[]>();
  for (const e of graph?.edges ?? []) dependencies.set(e.to, [...(dependencies.get(e.to) ?? []), e.from]);
  return { files, byId, dependencies, firstSeen: new Map() };
}

/** A change checkpointed before a crash: done when the file holds it, else the node runs again. */
export async function recover(
  files: WorkspaceFiles,
  path: string,
  saved: NodeChange,
): Promise<{ change: NodeChange } | undefined> {
  const now = (await files.read(path)) ?? '';
  if (sha256(now) !== saved.afterSha256) return undefined;
  return { change: { ...saved, outcome: 'applied' } };
}

/** Reads the atom's file, finds the atom in it and gathers its standalone context. */
export async function readAtom(lookup: AtomLookup, node: AtomNode, path: string): Promise<AtomSource> {
  const text = await lookup.files.read(path);
  if (text === undefined)
    throw Object.assign(new St3Error('E_ATOM_NOT_FOUND', `${path} does not exist`), {
      category: 'dependency' as const,
    });
  const atom = withoutBlankEdges(text, locate(lookup, node, path, text));
  const language = languageOf(path);
  const context = await atomContext({
    path,
    text,
    startLine: atom.start,
    endLine: atom.end,
    dependencies: await dependencyContext(lookup, node.id),
  });
  return { text, atom, language, context };
}

/** The atom's lines in the file as it is now (other atoms' changes may have moved it). */
function locate(lookup: AtomLookup, node: AtomNode, path: string, text: string) {
  const start = node.startLine ?? 1;
  const end = node.endLine ?? splitLines(text).length;
  let code = node.code;
  if (code === undefined) {
    code = lookup.firstSeen.get(node.id) ?? sliceLines(text, start, end);
    lookup.firstSeen.set(node.id, code);
  }
  const range = locateLines(text, code, start);
  if (!range)
    throw Object.assign(
      new St3Error('E_ATOM_NOT_FOUND', `the code of ${node.id} is no longer in ${path} (near line ${start})`, {
        hint: 're-atomize the file and run again',
      }),
      { category: 'dependency' as const },
    );
  return { code, ...range };
}

/**
 * The atom without the blank lines at its edges (the atomizer gives blank lines to the statement
 * after them): an answer that drops them would glue the atom to its neighbours.
 */
function withoutBlankEdges(text: string, atom: { code: string; start: number; end: number }) {
  const lines = splitLines(text);
  let { start, end } = atom;
  while (start < end && (lines[start - 1] ?? '').trim() === '') start++;
  while (end > start && (lines[end - 1] ?? '').trim() === '') end--;
  return { code: sliceLines(text, start, end), start, end };
}

/** The node's dependencies with their files as they are now (their signatures go into the context). */
async function dependencyContext(lookup: AtomLookup, id: string) {
  const out = [];
  for (const depId of lookup.dependencies.get(id) ?? []) {
    const dep = lookup.byId.get(depId);
    const depPath = dep?.path ?? dep?.file;
    if (!dep || !depPath) continue;
    const text = await lookup.files.read(depPath);
    const range = text !== undefined && dep.code ? locateLines(text, dep.code, dep.startLine) : undefined;
    out.push({
      id: depId,
      path: depPath,
      startLine: range?.start ?? dep.startLine,
      ...(typeof dep.name === 'string' ? { name: dep.name } : {}),
      ...(text !== undefined ? { text } : {}),
    });
  }
  return out;
}
