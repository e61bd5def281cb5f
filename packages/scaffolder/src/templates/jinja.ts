import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { St3Error } from '@st3/schemas';
import type { TemplateMeta } from './metadata.js';
import { MISSING_OUTPUT, templateError } from './jinja-error.js';
import {
  chainHash,
  contextSchemaEntry,
  type TemplateChain,
  type TemplateEntry,
  type TemplateSource,
  type Usage,
} from './store.js';

/**
 * The user's Jinja2 templates (`template_path: concrete/dto.py.jinja2` in `artifacts.yaml`), rendered
 * with nunjucks in Jinja2 mode: trim_blocks and lstrip_blocks on, autoescape off, `True`/`False`/`None`,
 * Python's dict, list and string methods (`items()`, `upper()`, ...), slices. What nunjucks cannot
 * render (`{% do %}`, an unknown filter such as `tojson`, ...) is an E_TEMPLATE error naming the file,
 * line and column, and so is a `{{ }}` printing undefined, null or NaN (throwOnUndefined), as in eta templates. A leading `{# ... #}` comment holding a YAML mapping is the template's metadata
 * (version, context_schema, defaults), as the metadata block is for eta templates.
 */
export class JinjaStore implements TemplateSource {
  readonly engine = 'nunjucks' as const;
  readonly root: string;
  private readonly entries = new Map<string, TemplateEntry | undefined>();
  private readonly chains = new Map<string, TemplateChain>();
  private env: NunjucksEnvironment | undefined;

  constructor(root: string) {
    this.root = resolve(root);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get(id: string): TemplateEntry | undefined {
    if (this.entries.has(id)) return this.entries.get(id);
    const file = this.fileOf(id);
    let entry: TemplateEntry | undefined;
    if (file && existsSync(file) && statSync(file).isFile()) {
      const raw = readFileSync(file, 'utf8').replace(/\r\n/g, '\n');
      entry = { id, raw, body: raw, meta: jinjaMetadata(raw, file), file, origin: 'workspace' };
    }
    this.entries.set(id, entry);
    return entry;
  }

  ids(): string[] {
    return [...this.entries.entries()].filter(([, e]) => e !== undefined).map(([id]) => id);
  }

  /** The template, the templates it extends (innermost first) and those it includes or imports. */
  chain(id: string): TemplateChain {
    const cached = this.chains.get(id);
    if (cached) return cached;
    const concrete = this.require(id, id);
    const layouts: TemplateEntry[] = [];
    const partials = new Map<string, TemplateEntry>();
    const seen = new Set([id]);
    const visit = (entry: TemplateEntry) => {
      for (const m of entry.raw.matchAll(REFERENCE)) {
        const ref = m[2]!;
        if (seen.has(ref)) continue;
        seen.add(ref);
        const found = this.require(ref, entry.id);
        if (m[1] === 'extends') layouts.push(found);
        else partials.set(ref, found);
        visit(found);
      }
    };
    visit(concrete);
    const schema = contextSchemaEntry(concrete);
    if (schema) partials.set(schema.id, schema);
    const sorted = [...partials.values()].sort((a, b) => a.id.localeCompare(b.id));
    const chain = { concrete, layouts, partials: sorted, hash: chainHash([concrete, ...layouts, ...sorted]) };
    this.chains.set(id, chain);
    return chain;
  }

  render(id: string, data: Record<string, unknown>): string {
    const chain = this.chain(id);
    this.env ??= createEnvironment(this.root);
    try {
      return this.env.render(id, data);
    } catch (error) {
      throw templateError(error as Error, chain);
    }
  }

  /** Top-level names the chain reads: printed, tested, iterated or dereferenced (for the loose v1 pipeline). */
  variables(id: string): { name: string; usage: Usage }[] {
    const out = new Map<string, Usage>();
    const chain = this.chain(id);
    for (const t of [chain.concrete, ...chain.layouts, ...chain.partials]) {
      const local = new Set(
        [...t.raw.matchAll(/{%-?\s*(?:for|set|macro)\s+([\w\s,]+?)(?:\s+in\b|\s*=|\()/g)].flatMap((m) =>
          m[1]!.split(',').map((s) => s.trim()),
        ),
      );
      const note = (name: string, usage: Usage) => {
        if (local.has(name) || JINJA_NAMES.has(name)) return;
        const prev = out.get(name);
        if (prev === undefined || RANK[usage] > RANK[prev]) out.set(name, usage);
      };
      for (const m of t.raw.matchAll(/{%-?\s*for\s+[\w\s,]+\s+in\s+([A-Za-z_]\w*)/g)) note(m[1]!, 'list');
      for (const m of t.raw.matchAll(/{%-?\s*(?:if|elif)\s+(?:not\s+)?([A-Za-z_]\w*)/g)) note(m[1]!, 'flag');
      for (const m of t.raw.matchAll(/{{-?\s*([A-Za-z_]\w*)(\s*\.)?/g)) note(m[1]!, m[2] ? 'object' : 'text');
    }
    return [...out].map(([name, usage]) => ({ name, usage }));
  }

  defaults(id: string): Record<string, unknown> {
    const chain = this.chain(id);
    const out: Record<string, unknown> = {};
    for (const t of [...chain.partials, ...[...chain.layouts].reverse(), chain.concrete])
      Object.assign(out, t.meta.defaults ?? {});
    return out;
  }

  private fileOf(id: string): string | undefined {
    const file = resolve(this.root, id);
    const rel = relative(this.root, file);
    return rel.startsWith('..') || isAbsolute(rel) ? undefined : file;
  }

  private require(id: string, from: string): TemplateEntry {
    const entry = this.get(id);
    if (!entry) {
      throw new St3Error('E_TEMPLATE', `template "${id}" not found under ${this.root} (referenced by ${from})`, {
        file: this.get(from)?.file,
        hint: 'template paths are relative to the template root',
      });
    }
    return entry;
  }
}

const REFERENCE = /{%-?\s*(extends|include|import|from)\s+["']([^"']+)["']/g;
const RANK: Record<Usage, number> = { text: 0, flag: 1, object: 2, list: 3 };
const JINJA_NAMES = new Set([
  'loop',
  'super',
  'lifecycle',
  'h',
  'lang',
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
]);

/** The leading `{# ... #}` comment, when it holds a YAML mapping (a first line naming the block is allowed). */
export function jinjaMetadata(raw: string, file: string): TemplateMeta {
  const m = /^\s*{#-?([\s\S]*?)-?#}/.exec(raw);
  if (!m) return { version: '0.0.0' };
  const text = m[1]!.replace(/^[ \t]*[A-Z_]+[ \t]*\n/, '');
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    return { version: '0.0.0' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { version: '0.0.0' };
  const meta = value as Partial<TemplateMeta> & Record<string, unknown>;
  if (meta.version === undefined) return { version: '0.0.0' };
  void file;
  return { ...meta, version: String(meta.version) };
}

interface NunjucksEnvironment {
  render(name: string, context: object): string;
}

type NunjucksModule = {
  Environment: new (loader: unknown, options: object) => NunjucksEnvironment;
  FileSystemLoader: new (root: string, options?: object) => unknown;
  installJinjaCompat(): void;
  runtime: {
    memberLookup: (obj: unknown, key: unknown, ...rest: unknown[]) => unknown;
    ensureDefined: (value: unknown, line: number, column: number) => unknown;
  };
  lib: { TemplateError: new (message: string, line: number, column: number) => Error };
  lexer: { lex(src: string, opts: object): object; TOKEN_COMMENT: string };
};

interface SourceLoader {
  getSource(name: string): { src: string; path: string; noCache: boolean } | null;
}

interface Tokenizer {
  trimBlocks: boolean;
  nextToken(): { type: string } | null;
  current(): string;
  forward(): void;
}

let nunjucks: NunjucksModule | undefined;

/** nunjucks is loaded on first use: a workspace without Jinja templates never pays for it. */
function load(): NunjucksModule {
  if (nunjucks) return nunjucks;
  const mod = createRequire(import.meta.url)('nunjucks') as NunjucksModule;
  mod.installJinjaCompat();
  const lookup = mod.runtime.memberLookup;
  mod.runtime.memberLookup = function memberLookup(obj: unknown, key: unknown, ...rest: unknown[]) {
    if (typeof obj === 'string' && typeof key === 'string' && Object.hasOwn(STRING_MEMBERS, key))
      return STRING_MEMBERS[key]!.bind(obj);
    return lookup.call(this, obj, key, ...rest);
  };
  // throwOnUndefined calls this on every `{{ }}` output; say which value it was (and refuse NaN too, as eta does)
  mod.runtime.ensureDefined = function ensureDefined(value: unknown, line: number, column: number) {
    const printed = nothingPrinted(value);
    if (printed !== undefined) throw new mod.lib.TemplateError(`${MISSING_OUTPUT} ${printed}`, line + 1, column + 1);
    return value;
  };
  // Jinja2's trim_blocks also removes the newline after a comment; nunjucks' does not
  const tokenizer = Object.getPrototypeOf(mod.lexer.lex('', {})) as Tokenizer;
  const next = tokenizer.nextToken;
  tokenizer.nextToken = function nextToken(this: Tokenizer) {
    const token = next.call(this);
    if (token?.type === mod.lexer.TOKEN_COMMENT && this.trimBlocks && this.current() === '\n') this.forward();
    return token;
  };
  nunjucks = mod;
  return mod;
}

/** Python's str methods that templates use, which nunjucks' Jinja compatibility leaves out. */
const STRING_MEMBERS: Record<string, (this: string, ...args: string[]) => unknown> = {
  upper() {
    return this.toUpperCase();
  },
  lower() {
    return this.toLowerCase();
  },
  strip(chars?: string) {
    return chars === undefined
      ? this.trim()
      : this.replace(new RegExp(`^[${escape(chars)}]+|[${escape(chars)}]+$`, 'g'), '');
  },
  title() {
    return this.replace(/\w\S*/g, (w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase());
  },
  capitalize() {
    return this.length === 0 ? this : this[0]!.toUpperCase() + this.slice(1).toLowerCase();
  },
  startswith(prefix: string) {
    return this.startsWith(prefix);
  },
  endswith(suffix: string) {
    return this.endsWith(suffix);
  },
  replace(from: string, to: string) {
    return this.split(from).join(to);
  },
  split(sep?: string) {
    return sep === undefined ? this.trim().split(/\s+/) : this.split(sep);
  },
  join(items: unknown) {
    return Array.isArray(items) ? items.join(this) : '';
  },
};

function escape(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}

function createEnvironment(root: string): NunjucksEnvironment {
  const nj = load();
  // rendered from the text the version hash is taken of (CRLF folded), as Jinja2 folds line endings: a CRLF
  // checkout renders what an LF one does, without a `\r` left where trim_blocks ate the `\n` after a tag
  const loader = new nj.FileSystemLoader(root, { noCache: true }) as SourceLoader;
  const source = loader.getSource.bind(loader);
  loader.getSource = (name) => {
    const found = source(name);
    return found && { ...found, src: found.src.replace(/\r\n/g, '\n') };
  };
  return new nj.Environment(loader, {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: true,
    throwOnUndefined: true,
  });
}

function nothingPrinted(value: unknown): string | undefined {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  return typeof value === 'number' && Number.isNaN(value) ? 'NaN' : undefined;
}
