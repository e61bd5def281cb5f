import { extname } from 'node:path';
import type { ScaffoldMetadataConfig } from '@st3/schemas';

/** The comment syntaxes of `scaffold_metadata.yaml`. */
export type CommentSyntax = 'hash' | 'double_slash' | 'html_comment' | 'jinja_comment';

export interface HeaderFields {
  path: string;
  template: string;
  version: string;
  created: string;
  updated?: string;
}

export interface HeaderParse {
  status: 'none' | 'ok' | 'malformed';
  path?: string;
  template?: string;
  version?: string;
  created?: string;
  updated?: string;
  /** What is wrong with a malformed header. */
  problems?: string[];
}

interface Syntax {
  open: string;
  close: string;
}

const SYNTAX: Record<CommentSyntax, Syntax> = {
  hash: { open: '# ', close: '' },
  double_slash: { open: '// ', close: '' },
  html_comment: { open: '<!-- ', close: ' -->' },
  jinja_comment: { open: '{# ', close: ' #}' },
};

/** The defaults are exactly the seed's `scaffold_metadata.yaml` (version 2.0). */
export const DEFAULT_METADATA_CONFIG: ScaffoldMetadataConfig = {
  version: '2.0',
  comment_patterns: [
    {
      syntax: 'hash',
      prefix: '#\\s*',
      filepath_line_regex: '',
      metadata_line_regex: '',
      extensions: ['.py', '.yaml', '.yml', '.sh', '.bash', '.zsh', '.txt'],
    },
    {
      syntax: 'double_slash',
      prefix: '//\\s*',
      filepath_line_regex: '',
      metadata_line_regex: '',
      extensions: ['.js', '.ts', '.jsx', '.tsx', '.java', '.c', '.cpp', '.cs', '.go', '.mjs', '.cjs', '.mts', '.cts'],
    },
    {
      syntax: 'html_comment',
      prefix: '<!--\\s*',
      filepath_line_regex: '',
      metadata_line_regex: '',
      extensions: ['.html', '.xml', '.md', '.markdown', '.svg'],
    },
    {
      syntax: 'jinja_comment',
      prefix: '\\{#\\s*',
      filepath_line_regex: '',
      metadata_line_regex: '',
      extensions: ['.jinja2', '.j2', '.eta'],
    },
  ],
  metadata_fields: [
    { name: 'template', format_regex: '^[a-z0-9_-]+$', required: true },
    { name: 'version', format_regex: '^[0-9a-f]{8}$|^$', required: true },
    { name: 'created', format_regex: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z$', required: true },
    { name: 'updated', format_regex: '^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?Z)?$', required: false },
  ],
};

/** The comment syntax for a file path, or undefined when its extension takes no header. */
const syntaxCache = new WeakMap<ScaffoldMetadataConfig, Map<string, CommentSyntax | undefined>>();

export function syntaxFor(
  path: string,
  config: ScaffoldMetadataConfig = DEFAULT_METADATA_CONFIG,
): CommentSyntax | undefined {
  const ext = extname(path).toLowerCase();
  let byExt = syntaxCache.get(config);
  if (!byExt) syntaxCache.set(config, (byExt = new Map()));
  if (byExt.has(ext)) return byExt.get(ext);
  const found = lookupSyntax(ext, config);
  byExt.set(ext, found);
  return found;
}

function lookupSyntax(ext: string, config: ScaffoldMetadataConfig): CommentSyntax | undefined {
  for (const p of config.comment_patterns)
    if (p.extensions.includes(ext) && p.syntax in SYNTAX) return p.syntax as CommentSyntax;
  for (const p of DEFAULT_METADATA_CONFIG.comment_patterns)
    if (p.extensions.includes(ext)) return p.syntax as CommentSyntax;
  return EXTRA_SYNTAX[ext];
}

/** Extensions the seed's scaffold_metadata.yaml does not list, that ST3 generates (PowerShell executors and tests). */
const EXTRA_SYNTAX: Record<string, CommentSyntax> = { '.ps1': 'hash', '.psm1': 'hash', '.toml': 'hash' };

/** ISO 8601 UTC with seconds, the precision `scaffold_metadata.yaml` accepts. */
let lastStamp: { time: number; text: string } | undefined;
export function isoSeconds(date: Date): string {
  // Batches stamp every file with the same clock reading: format it once.
  const time = date.getTime();
  if (lastStamp?.time !== time) lastStamp = { time, text: `${date.toISOString().slice(0, 19)}Z` };
  return lastStamp.text;
}

/** The two header lines (without a trailing newline), or undefined for extensions that take no header. */
export function formatHeader(fields: HeaderFields, config?: ScaffoldMetadataConfig): string | undefined {
  const syntax = syntaxFor(fields.path, config);
  if (!syntax) return undefined;
  const { open, close } = SYNTAX[syntax];
  const meta = `template=${fields.template} version=${fields.version} created=${fields.created} updated=${fields.updated ?? ''}`;
  return `${open}${fields.path}${close}\n${open}${meta}${close}`;
}

/** Reads the provenance header of a file's text, judging each field against the metadata config. */
export function parseHeader(
  text: string,
  path: string,
  config: ScaffoldMetadataConfig = DEFAULT_METADATA_CONFIG,
): HeaderParse {
  const syntax = syntaxFor(path, config);
  if (!syntax) return { status: 'none' };
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/, 3);
  const strip = (line: string | undefined): string | undefined => {
    if (line === undefined) return undefined;
    const { open, close } = SYNTAX[syntax];
    const o = open.trim();
    const c = close.trim();
    const t = line.trim();
    if (!t.startsWith(o)) return undefined;
    if (c && !t.endsWith(c)) return undefined;
    return t.slice(o.length, c ? t.length - c.length : undefined).trim();
  };
  const first = strip(lines[0]);
  const second = strip(lines[1]);
  const metaLine =
    second !== undefined && /\btemplate=/.test(second)
      ? second
      : first !== undefined && /\btemplate=/.test(first)
        ? first
        : undefined;
  if (metaLine === undefined) return { status: 'none' };
  const problems: string[] = [];
  if (metaLine === first) problems.push('line 1 must be the file path, line 2 the metadata');
  const fields: Record<string, string> = {};
  for (const m of metaLine.matchAll(/(\w+)=(\S*)/g)) fields[m[1]!] = m[2]!;
  for (const f of config.metadata_fields) {
    const value = fields[f.name];
    if (value === undefined) {
      if (f.required) problems.push(`missing "${f.name}="`);
      continue;
    }
    if (!new RegExp(f.format_regex).test(value)) problems.push(`${f.name}="${value}" does not match ${f.format_regex}`);
  }
  const out: HeaderParse = {
    status: problems.length > 0 ? 'malformed' : 'ok',
    template: fields.template,
    version: fields.version,
    created: fields.created,
    updated: fields.updated,
  };
  if (metaLine === second && first !== undefined) out.path = first;
  if (problems.length > 0) out.problems = problems;
  return out;
}

/** Removes a provenance header (two lines) from text, if present. */
export function stripHeader(text: string, path: string): string {
  const parsed = parseHeader(text, path);
  if (parsed.status === 'none') return text;
  return text.split('\n').slice(2).join('\n');
}

const STAMP_UPDATED = /updated=(\d{4}-\d{2}-\d{2}T[\d:.]+Z?)?/;

/** The text with line 2's `created=` and `updated=` blanked: what "the same file" means across re-runs. */
export function blankStamps(text: string): string {
  const lines = text.split('\n');
  if (lines.length > 1) lines[1] = lines[1]!.replace(/created=\S*/, 'created=').replace(STAMP_UPDATED, 'updated=');
  return lines.join('\n');
}

/** Line 2 with `created=` and `updated=` set. */
export function setStamps(text: string, created: string, updated: string): string {
  const lines = text.split('\n');
  if (lines.length > 1)
    lines[1] = lines[1]!.replace(/created=\S*/, `created=${created}`).replace(STAMP_UPDATED, `updated=${updated}`);
  return lines.join('\n');
}
