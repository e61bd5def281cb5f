import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta, type TemplateFunction } from 'eta/core';
import { St3Error } from '@st3/schemas';
import { checkDefined, definedOutput, locatingTemplate, missingIn, missingValueError, rootCause } from './defined-output.js';
import { splitMetadata, type TemplateMeta } from './metadata.js';
import { trimBlocks } from './trim-blocks.js';

export interface TemplateEntry {
  /** `concrete/dto.ts`, `lang/typescript`, `partials/ts/zod-field`, ... (path under the templates folder, no `.eta`). */
  id: string;
  /** The whole file, metadata included: what the version hash covers. */
  raw: string;
  body: string;
  /** 1-based line of the file where `body` starts (after the metadata block): template lines are reported in the file. */
  bodyLine?: number;
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

export type Usage = 'list' | 'object' | 'flag' | 'text';
export type TemplateEngine = 'eta' | 'nunjucks';

/** What renders a chain of templates: the eta store (built-ins + workspace) or the Jinja2 store. */
export interface TemplateSource {
  readonly engine: TemplateEngine;
  has(id: string): boolean;
  get(id: string): TemplateEntry | undefined;
  chain(id: string): TemplateChain;
  render(id: string, data: Record<string, unknown>): string;
  /** Top-level variables a chain reads, with how (for the loose v1 pipeline). */
  variables(id: string): { name: string; usage: Usage }[];
  /** v1 fallbacks declared in the chain's metadata. */
  defaults(id: string): Record<string, unknown>;
}

/**
 * The JSON Schema file a template names as its `context_schema` (relative to the template), as a
 * member of its chain: a schema change is a new version, and a kept version can validate again.
 */
export function contextSchemaEntry(concrete: TemplateEntry): TemplateEntry | undefined {
  const ref = concrete.meta.context_schema;
  if (typeof ref !== 'string' || !ref.endsWith('.json')) return undefined;
  const file = resolve(dirname(concrete.file), ref);
  if (!existsSync(file)) return undefined;
  const id = posix.normalize(posix.join(posix.dirname(concrete.id), ref));
  const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
  return { id, raw, body: '', meta: { version: '0.0.0' }, file, origin: concrete.origin };
}

/** First 8 hex of SHA-256 over every template of a chain (id and full text, metadata included). */
export function chainHash(entries: readonly TemplateEntry[]): string {
  const hash = createHash('sha256');
  for (const t of entries) hash.update(`${t.id}\0${t.raw}\0`);
  return hash.digest('hex').slice(0, 8);
}
const RANK: Record<Usage, number> = { text: 0, flag: 1, object: 2, list: 3 };
const IGNORED = new Set(['lifecycle', 'body', 'h', 'lang', 'subject']);

/** How a template body uses each `it.<name>`: iterated (list), dereferenced (object), tested (flag) or printed (text). */
function scanUsages(body: string): Map<string, Usage> {
  const out = new Map<string, Usage>();
  for (const m of body.matchAll(/\bit\.([A-Za-z_$][\w$]*)(\s*\.\s*(map|length|filter|some|every|join|forEach)\b|\s*\.)?/g)) {
    const name = m[1]!;
    const before = body.slice(Math.max(0, m.index - 12), m.index);
    let u: Usage = m[3] ? 'list' : m[2] ? 'object' : 'text';
    if (/\bof\s+$/.test(before)) u = 'list';
    else if (u === 'text' && (/(if\s*\(\s*!?|&&\s*|\?\s*|!)$/.test(before) || /^\s*(\?(?![.?])|&&|\|\|)/.test(body.slice(m.index + m[0].length)))) u = 'flag';
    const prev = out.get(name);
    if (prev === undefined || RANK[u] > RANK[prev]) out.set(name, u);
  }
  return out;
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
export class TemplateStore implements TemplateSource {
  readonly engine = 'eta' as const;
  private readonly entries = new Map<string, TemplateEntry>();
  private readonly chains = new Map<string, TemplateChain>();
  private readonly loaded = new Set<string>();
  private readonly variableCache = new Map<string, { name: string; usage: Usage }[]>();
  readonly eta: Eta;

  constructor(dirs: { dir: string; origin: 'builtin' | 'workspace' }[]) {
    for (const { dir, origin } of dirs) {
      if (!existsSync(dir)) continue;
      if (!statSync(dir).isDirectory()) throw notATemplatesFolder(dir);
      for (const file of walk(dir)) {
        if (!file.endsWith('.eta')) continue;
        const id = relative(dir, file).split(/[\\/]/).join('/').replace(/\.eta$/, '');
        const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
        const { meta, body } = splitMetadata(raw, file);
        // Partials are spliced into lines: their final newline belongs to the including line.
        const trimmed = id.startsWith('partials/') ? body.replace(/\n$/, '') : body;
        const bodyLine = raw.slice(0, raw.length - body.length).split('\n').length;
        this.entries.set(id, { id, raw, body: trimmed, bodyLine, meta, file, origin });
      }
    }
    this.eta = new Eta(ETA_CONFIG);
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
    const schema = contextSchemaEntry(concrete);
    if (schema) partials.set(schema.id, schema);
    const sortedPartials = [...partials.values()].sort((a, b) => a.id.localeCompare(b.id));
    const chain = {
      concrete,
      layouts,
      partials: sortedPartials,
      hash: chainHash([concrete, ...layouts, ...sortedPartials]),
    };
    this.chains.set(concreteId, chain);
    return chain;
  }

  /** Renders a concrete template with its layouts and partials. */
  render(concreteId: string, data: Record<string, unknown>): string {
    const chain = this.chain(concreteId);
    for (const t of [chain.concrete, ...chain.layouts, ...chain.partials]) {
      if (this.loaded.has(t.id)) continue;
      try {
        this.eta.loadTemplate(`@${t.id}`, locatingTemplate(compiled(t.body), t));
      } catch (error) {
        throw new St3Error('E_TEMPLATE', `cannot compile template ${t.id}: ${(error as Error).message}`, { file: t.file, cause: error });
      }
      this.loaded.add(t.id);
    }
    try {
      return this.eta.render(`@${concreteId}`, data);
    } catch (error) {
      const missing = missingIn(error);
      if (missing) throw missingValueError(missing, chain.concrete);
      throw new St3Error('E_TEMPLATE', `template ${concreteId} failed: ${(rootCause(error) as Error).message}`, { file: chain.concrete.file, cause: error, hint: 'check the context against the template, or fix the template' });
    }
  }

  /** Top-level `it.<name>` variables a chain reads, with how they are used (for the loose v1 pipeline). */
  variables(concreteId: string): { name: string; usage: Usage }[] {
    const cached = this.variableCache.get(concreteId);
    if (cached) return cached;
    const chain = this.chain(concreteId);
    const usages = new Map<string, Usage>();
    const note = (name: string, u: Usage) => {
      const prev = usages.get(name);
      if (prev === undefined || RANK[u] > RANK[prev]) usages.set(name, u);
    };
    const bodies = [chain.concrete, ...chain.layouts, ...chain.partials].map((t) => t.body);
    for (const body of bodies) for (const [name, u] of scanUsages(body)) note(name, u);
    // Keys handed to partials (`include('@x', { fields: it.fields })`) are the partial's names for the caller's variables.
    const local = new Set<string>();
    for (const body of bodies) {
      for (const m of body.matchAll(/include\(\s*['"`]@[^'"`]+['"`]\s*,\s*\{([^}]*)\}/g)) {
        for (const k of m[1]!.matchAll(/([A-Za-z_$][\w$]*)\s*:\s*(?:it\.([A-Za-z_$][\w$]*))?/g)) {
          local.add(k[1]!);
          if (k[2] && usages.has(k[1]!)) note(k[2], usages.get(k[1]!)!);
        }
      }
    }
    const own = new Set([chain.concrete, ...chain.layouts].flatMap((t) => [...scanUsages(t.body).keys()]));
    const result = [...usages]
      .filter(([name]) => !IGNORED.has(name) && (own.has(name) || !local.has(name)))
      .map(([name, usage]) => ({ name, usage }));
    this.variableCache.set(concreteId, result);
    return result;
  }

  /** v1 fallbacks declared in the metadata blocks of the chain (the concrete template wins over its layouts). */
  defaults(concreteId: string): Record<string, unknown> {
    const chain = this.chain(concreteId);
    const out: Record<string, unknown> = {};
    for (const t of [...chain.partials, ...[...chain.layouts].reverse(), chain.concrete]) Object.assign(out, t.meta.defaults ?? {});
    return out;
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

/**
 * `debug` makes eta's parser record each tag's line, which `definedOutput` passes to `checkDefined` (an
 * interpolation printing undefined/null/NaN is an error at its line); it also wraps runtime errors, which
 * `render` unwraps. autoFilter stays off: `definedOutput` inserts the filter call itself, with the location.
 */
const ETA_CONFIG = {
  autoEscape: false,
  autoTrim: false as const,
  cache: true,
  debug: true,
  filterFunction: checkDefined as (value: unknown) => string,
  plugins: [trimBlocks, definedOutput],
};

/**
 * Compiled template functions, shared by every store of the process and keyed by the template
 * text: a long-running host (MCP server, batch runner) compiles and warms each template once.
 * The functions take their Eta instance as `this`, and every store uses the same configuration.
 */
const compiler = new Eta(ETA_CONFIG);
const compiledCache = new Map<string, TemplateFunction>();

function compiled(body: string): TemplateFunction {
  let fn = compiledCache.get(body);
  if (!fn) {
    fn = compiler.compile(body);
    if (compiledCache.size > 2_000) compiledCache.clear();
    compiledCache.set(body, fn);
  }
  return fn;
}

/** A file where the templates folder should be (`.st3/templates`): typed, located, not a raw ENOTDIR. */
function notATemplatesFolder(dir: string): St3Error {
  return new St3Error('E_CONFIG_INVALID', `${dir} is not a folder: st3 reads workspace templates from a folder there`, {
    file: dir,
    hint: `move or remove the file at ${dir} (st3 keeps templates and their kept versions in a folder there)`,
  });
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    // dot folders hold no templates of their own (`.versions/` keeps old template versions)
    if (name.startsWith('.')) continue;
    const path = resolve(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}
