import { dirname, posix } from 'node:path';
import { Eta } from 'eta/core';
import { St3Error, type ArtifactInjection } from '@st3/schemas';
import { helpers } from './naming.js';
import type { VirtualTree } from './tree/virtual-tree.js';

/**
 * Insertions into existing files (Plop's modify/append, Hygen's inject): an artifact type lists
 * `injections` in artifacts.yaml, e.g. registering a new DTO in an index module. `to` and `text`
 * are eta strings rendered with the artifact's context plus `path` (the artifact's output path),
 * `dir` and `module` (how the target imports it). They go through the same virtual tree as the
 * artifact: shown by --dry-run, committed atomically with it, and idempotent: text already in the
 * target (or matching `skip_if`) is not inserted again.
 */
export interface PlannedInjection {
  to: string;
  text: string;
  where:
    | { kind: 'after' | 'before'; pattern: string }
    | { kind: 'marker'; marker: string }
    | { kind: 'append' | 'prepend' }
    | { kind: 'line'; line: number };
  skipIf?: string;
  create: boolean;
  artifactType: string;
}

export interface InjectionOutcome {
  to: string;
  action: 'inject' | 'create' | 'skip';
  /** 1-based line of the first inserted line. */
  line?: number;
}

const eta = new Eta({ autoEscape: false, autoTrim: false, useWith: false });

/** Renders an artifact type's injections for one generated file (no I/O). */
export function planInjections(
  injections: readonly ArtifactInjection[] | undefined,
  input: { artifactType: string; path: string; language?: string; context: Record<string, unknown> },
): PlannedInjection[] {
  const out: PlannedInjection[] = [];
  for (const [i, inj] of (injections ?? []).entries()) {
    if (inj.language && inj.language !== input.language) continue;
    const data = { ...input.context, path: input.path, dir: posix.dirname(input.path), h: helpers };
    const to = render(inj.to, data, input.artifactType, i, 'to').trim();
    const text = render(inj.text, { ...data, module: moduleOf(to, input.path) }, input.artifactType, i, 'text');
    out.push({
      to,
      text: text.replace(/\n$/, ''),
      where: whereOf(inj),
      ...(inj.skip_if ? { skipIf: inj.skip_if } : {}),
      create: inj.create ?? false,
      artifactType: input.artifactType,
    });
  }
  return out;
}

function whereOf(inj: ArtifactInjection): PlannedInjection['where'] {
  if (inj.after !== undefined) return { kind: 'after', pattern: inj.after };
  if (inj.before !== undefined) return { kind: 'before', pattern: inj.before };
  if (inj.marker !== undefined) return { kind: 'marker', marker: inj.marker };
  if (inj.at_line !== undefined) return { kind: 'line', line: inj.at_line };
  return { kind: inj.prepend ? 'prepend' : 'append' };
}

function render(template: string, data: object, type: string, index: number, field: string): string {
  try {
    return eta.renderString(template, data);
  } catch (error) {
    throw new St3Error(
      'E_TEMPLATE',
      `injection ${index} of "${type}": ${field} does not render: ${(error as Error).message}`,
      {
        hint: 'to and text are eta templates: <%= it.name %>, <%= it.module %>, <%= it.h.kebab(it.name) %>',
      },
    );
  }
}

/** How `to` imports the generated file: a relative `.js` specifier for TS/JS, a dotted module for Python. */
function moduleOf(to: string, path: string): string {
  if (/\.py$/.test(path))
    return path
      .replace(/^src\//, '')
      .replace(/\.py$/, '')
      .replace(/\/__init__$/, '')
      .split('/')
      .join('.');
  let rel = posix.relative(dirname(to), path).replace(/\.(ts|tsx|mts)$/, '.js');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

/** Applies injections to a tree (staged content, else disk); the tree's commit writes them with the artifact. */
export async function applyInjections(
  tree: VirtualTree,
  injections: readonly PlannedInjection[],
): Promise<InjectionOutcome[]> {
  const out: InjectionOutcome[] = [];
  for (const inj of injections) {
    const current = await tree.read(inj.to);
    if (current === undefined) {
      if (!inj.create)
        throw new St3Error('E_INJECT', `cannot inject into ${inj.to}: the file does not exist`, {
          file: inj.to,
          hint: 'create it, or set `create: true` on the injection in artifacts.yaml',
        });
      tree.write(inj.to, `${inj.text}\n`, { policy: 'force' });
      out.push({ to: inj.to, action: 'create', line: 1 });
      continue;
    }
    if (alreadyThere(current, inj)) {
      out.push({ to: inj.to, action: 'skip' });
      continue;
    }
    const { text, line } = insert(current, inj);
    tree.write(inj.to, text, { policy: 'force' });
    out.push({ to: inj.to, action: 'inject', line });
  }
  return out;
}

/** Matches `skip_if`, or holds the text's lines as whole consecutive lines (a longer line that contains it does not count). */
function alreadyThere(current: string, inj: PlannedInjection): boolean {
  if (inj.skipIf !== undefined) return pattern(inj.skipIf, inj).test(current);
  const lines = current.split('\n');
  const want = inj.text.split('\n');
  for (let i = 0; i + want.length <= lines.length; i++) if (want.every((w, k) => lines[i + k] === w)) return true;
  return false;
}

function insert(current: string, inj: PlannedInjection): { text: string; line: number } {
  const trailing = current.endsWith('\n');
  const lines = (trailing ? current.slice(0, -1) : current).split('\n');
  if (current === '') lines.length = 0;
  const at = indexFor(lines, inj);
  lines.splice(at, 0, ...inj.text.split('\n'));
  return { text: `${lines.join('\n')}\n`, line: at + 1 };
}

/** Where the text goes, as an index into the file's lines. */
function indexFor(lines: string[], inj: PlannedInjection): number {
  const w = inj.where;
  switch (w.kind) {
    case 'append':
      return lines.length;
    case 'prepend':
      return 0;
    case 'line':
      if (w.line < 1 || w.line > lines.length + 1) throw notFound(inj, `line ${w.line} (the file has ${lines.length})`);
      return w.line - 1;
    case 'marker': {
      const i = lines.findIndex((l) => l.includes(w.marker));
      if (i < 0) throw notFound(inj, `the marker "${w.marker}"`);
      return i; // before the marker: it stays last, entries keep the order they were added in
    }
    default: {
      const re = pattern(w.pattern, inj);
      const i = lines.findIndex((l) => re.test(l));
      if (i < 0) throw notFound(inj, `a line matching /${w.pattern}/`);
      return w.kind === 'after' ? i + 1 : i;
    }
  }
}

function pattern(source: string, inj: PlannedInjection): RegExp {
  try {
    return new RegExp(source, 'm');
  } catch (error) {
    throw new St3Error(
      'E_INJECT',
      `injection into ${inj.to} of "${inj.artifactType}": bad pattern /${source}/: ${(error as Error).message}`,
      {
        hint: 'after, before and skip_if are JavaScript regular expressions',
      },
    );
  }
}

function notFound(inj: PlannedInjection, what: string): St3Error {
  return new St3Error('E_INJECT', `cannot inject into ${inj.to}: ${what} is not there`, {
    file: inj.to,
    hint: `add it to ${inj.to}, or change the injection of "${inj.artifactType}" in artifacts.yaml`,
  });
}
