import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta/core';
import { St3Error } from '@st3/schemas';
import { splitMetadata, type TemplateMeta } from './metadata.js';
import { trimBlocks } from './trim-blocks.js';

export interface TemplateEntry {
  /** `concrete/dto.ts`, `lang/typescript`, `partials/ts/zod-field`, ... (path under the templates folder, no `.eta`). */
  id: string;
  /** The whole file, metadata included: what the version hash covers. */
  raw: string;
  body: string;
  meta: TemplateMeta;
  file: string;
  origin: 'builtin' | 'workspace';
}

export interface TemplateChain {
  concrete: TemplateEntry;
  /** Layouts from the innermost (language) to the outermost (base). */
  layouts: TemplateEntry[];
  partials: TemplateEntry[];
  /** First 8 hex of SHA-256 over every template of the chain. */
  hash: string;
}

const REF = /\b(layout|include)\(\s*(['"`])@([^'"`]+)\2/g;

/** Finds the built-in `templates/` folder from src/ (tests) or dist/ (built). */
export function builtinTemplatesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'templates');
    if (existsSync(join(candidate, 'base', 'artifact.eta'))) return candidate;
    dir = dirname(dir);
  }
  throw new St3Error('E_INTERNAL', 'the built-in templates folder of @st3/scaffolder is missing', { hint: 'reinstall @st3/scaffolder' });
}

/**
 * Every template available to a workspace: the built-ins, overridden or extended by
 * `.st3/templates/` (same id = override). Compiles lazily and caches chains and hashes.
 */
export class TemplateStore {
  private readonly entries = new Map<string, TemplateEntry>();
  private readonly chains = new Map<string, TemplateChain>();
  private readonly loaded = new Set<string>();
  readonly eta: Eta;

  constructor(dirs: { dir: string; origin: 'builtin' | 'workspace' }[]) {
    for (const { dir, origin } of dirs) {
      if (!existsSync(dir)) continue;
      for (const file of walk(dir)) {
        if (!file.endsWith('.eta')) continue;
        const id = relative(dir, file).split(/[\\/]/).join('/').replace(/\.eta$/, '');
        const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
        const { meta, body } = splitMetadata(raw, file);
        // Partials are spliced into lines: their final newline belongs to the including line.
        const trimmed = id.startsWith('partials/') ? body.replace(/\n$/, '') : body;
        this.entries.set(id, { id, raw, body: trimmed, meta, file, origin });
      }
    }
    this.eta = new Eta({ autoEscape: false, autoTrim: false, cache: true, plugins: [trimBlocks] });
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): TemplateEntry | undefined {
    return this.entries.get(id);
  }

  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** The chain of a concrete template: itself, its layouts up to the base, and every partial reached. */
  chain(concreteId: string): TemplateChain {
    const cached = this.chains.get(concreteId);
    if (cached) return cached;
    const concrete = this.require(concreteId, concreteId);
    const layouts: TemplateEntry[] = [];
    const partials = new Map<string, TemplateEntry>();
    const seen = new Set<string>([concreteId]);
    const visit = (entry: TemplateEntry) => {
      for (const m of entry.body.matchAll(REF)) {
        const id = m[3]!;
        if (seen.has(id)) continue;
        seen.add(id);
        const ref = this.require(id, entry.id);
        if (m[1] === 'layout') layouts.push(ref);
        else partials.set(id, ref);
        visit(ref);
      }
    };
    visit(concrete);
    const sortedPartials = [...partials.values()].sort((a, b) => a.id.localeCompare(b.id));
    const hash = createHash('sha256');
    for (const t of [concrete, ...layouts, ...sortedPartials]) hash.update(`${t.id}\0${t.raw}\0`);
    const chain = { concrete, layouts, partials: sortedPartials, hash: hash.digest('hex').slice(0, 8) };
    this.chains.set(concreteId, chain);
    return chain;
  }

  /** Renders a concrete template with its layouts and partials. */
  render(concreteId: string, data: Record<string, unknown>): string {
    const chain = this.chain(concreteId);
    for (const t of [chain.concrete, ...chain.layouts, ...chain.partials]) {
      if (this.loaded.has(t.id)) continue;
      try {
        this.eta.loadTemplate(`@${t.id}`, t.body);
      } catch (error) {
        throw new St3Error('E_TEMPLATE', `cannot compile template ${t.id}: ${(error as Error).message}`, { file: t.file, cause: error });
      }
      this.loaded.add(t.id);
    }
    try {
      return this.eta.render(`@${concreteId}`, data);
    } catch (error) {
      throw new St3Error('E_TEMPLATE', `template ${concreteId} failed: ${(error as Error).message}`, { file: chain.concrete.file, cause: error, hint: 'check the context against the template, or fix the template' });
    }
  }

  /** Top-level `it.<name>` variables a chain reads (for the loose v1 pipeline). */
  variables(concreteId: string): { name: string; usage: 'list' | 'object' | 'flag' | 'text' }[] {
    const chain = this.chain(concreteId);
    const found = new Map<string, 'list' | 'object' | 'flag' | 'text'>();
    const rank = { text: 0, flag: 1, object: 2, list: 3 } as const;
    for (const t of [chain.concrete, ...chain.partials]) {
      for (const m of t.body.matchAll(/\bit\.([A-Za-z_$][\w$]*)(\s*\.\s*(map|length|filter|some|every|join|forEach)\b|\s*\.|\s*\)\s*\{|)?/g)) {
        const name = m[1]!;
        if (name === 'lifecycle' || name === 'body' || name === 'meta') continue;
        const usage = m[3] ? 'list' : m[2]?.trim() === '.' ? 'object' : 'text';
        const before = t.body.slice(Math.max(0, m.index - 12), m.index);
        const u = /\bof\s+$/.test(before) ? 'list' : /(if\s*\(\s*!?|&&\s*|\?\s*)$/.test(before) && usage === 'text' ? 'flag' : usage;
        const prev = found.get(name);
        if (prev === undefined || rank[u] > rank[prev]) found.set(name, u);
      }
    }
    return [...found].map(([name, usage]) => ({ name, usage }));
  }

  private require(id: string, from: string): TemplateEntry {
    const entry = this.entries.get(id);
    if (!entry) {
      const fromEntry = this.entries.get(from);
      throw new St3Error('E_TEMPLATE', `template "${id}" not found (referenced by ${from})`, { file: fromEntry?.file, hint: 'user templates live in .st3/templates/<id>.eta' });
    }
    return entry;
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = resolve(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}
