import { parse as parseYaml } from 'yaml';
import { St3Error } from '@st3/schemas';

/** The metadata block at the top of every template (an eta comment holding YAML). */
export interface TemplateMeta {
  version: string;
  purpose?: string;
  changelog?: unknown[];
  agent_hints?: string[];
  /** A built-in zod schema name, a JSON Schema file relative to the template, or an inline JSON Schema. */
  context_schema?: string | Record<string, unknown>;
  /** v1 (loose) fallbacks for variables the caller did not give. */
  defaults?: Record<string, unknown>;
}

const BLOCK = /^<%\/\*([\s\S]*?)\*\/%>[ \t]*\r?\n?/;

/** Splits a template into its metadata and its eta body. */
export function splitMetadata(raw: string, file: string): { meta: TemplateMeta; body: string } {
  const m = BLOCK.exec(raw);
  if (!m) return { meta: { version: '0.0.0' }, body: raw };
  let value: unknown;
  try {
    value = parseYaml(m[1]!);
  } catch (error) {
    throw new St3Error('E_TEMPLATE', `bad metadata block: ${(error as Error).message}`, { file, line: 1, hint: 'the block is YAML between <%/* and */%>' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new St3Error('E_TEMPLATE', 'the metadata block must be a YAML mapping', { file, line: 1 });
  }
  const meta = value as Record<string, unknown>;
  const version = meta.version === undefined ? '0.0.0' : String(meta.version);
  return { meta: { ...(meta as Partial<TemplateMeta>), version }, body: raw.slice(m[0].length) };
}
