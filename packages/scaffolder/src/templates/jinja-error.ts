import { St3Error } from '@st3/schemas';
import type { TemplateChain, TemplateEntry } from './store.js';

/**
 * A nunjucks error as E_TEMPLATE with the file, line and column (found in the source when nunjucks gives
 * none, as for an unknown filter). An output of nothing is located by `missingOutputError`.
 */
export function templateError(error: Error, chain: TemplateChain): St3Error {
  const message = error.message ?? String(error);
  const missing = missingOutputError(innermostLocation(message), chain, error);
  if (missing) return missing;
  const at = /^\(([^)]+)\)(?:\s*\[Line (\d+), Column (\d+)\])?\s*\n?\s*(?:Error: )?([\s\S]*)$/.exec(message);
  const file = at?.[1] && at[1] !== 'unknown path' ? at[1] : chain.concrete.file;
  const what = (at?.[4] ?? message).trim();
  let line = at?.[2] ? Number(at[2]) : undefined;
  let column = at?.[3] ? Number(at[3]) : undefined;
  const filter = /filter not found: (\w+)/.exec(what)?.[1];
  if (line === undefined && filter) {
    const entry = entriesOf(chain).find((t) => t.file === file) ?? chain.concrete;
    const hit = new RegExp(`\\|\\s*${filter}\\b`).exec(entry.raw);
    if (hit) {
      const before = entry.raw.slice(0, hit.index).split('\n');
      line = before.length;
      column = before.at(-1)!.length + 1;
    }
  }
  return new St3Error('E_TEMPLATE', `Jinja2 template ${chain.concrete.id} cannot be rendered: ${what}`, {
    file,
    line,
    column,
    cause: error,
    hint: filter
      ? `nunjucks has no "${filter}" filter; use one it has (e.g. dump for tojson), or an eta template`
      : 'nunjucks renders most of Jinja2; rewrite this construct, or use an eta template (.st3/templates/<id>.eta)',
  });
}

/** What nunjucks' ensureDefined says (as jinja.ts words it), followed by "undefined", "null" or "NaN". */
export const MISSING_OUTPUT = 'attempted to output';

interface Location {
  file?: string;
  line?: number;
  column?: number;
  what: string;
}

const LOCATION = /(?:^|Template render error: )\(([^)\n]+)\)(?: \[Line (\d+), Column (\d+)\])?[ \t]*\n?\s*/g;

/**
 * nunjucks nests a runtime error once per template it passes through
 * (`(outer)\n  Template render error: (inner) [Line l, Column c]\n  what`): for an output of nothing the
 * innermost location is the `{{` that printed it.
 */
function innermostLocation(message: string): Location {
  let last: RegExpExecArray | undefined;
  for (const m of message.matchAll(LOCATION)) last = m as RegExpExecArray;
  if (!last) return { what: message.trim() };
  const what = message
    .slice(last.index + last[0].length)
    .replace(/^(?:Error: )/, '')
    .trim();
  return {
    file: last[1] !== 'unknown path' ? last[1] : undefined,
    line: last[2] ? Number(last[2]) : undefined,
    column: last[3] ? Number(last[3]) : undefined,
    what,
  };
}

function entriesOf(chain: TemplateChain): TemplateEntry[] {
  return [chain.concrete, ...chain.layouts, ...chain.partials];
}

/**
 * `{{ expr }}` printing undefined, null or NaN (throwOnUndefined; see `ensureDefined` in jinja.ts) as
 * E_TEMPLATE at the expression, naming it. nunjucks names the rendered template for an output in a layout
 * it extends, so the template is the named one when a `{{` starts at that line:column there, else the
 * first of the chain where one does.
 */
function missingOutputError(at: Location, chain: TemplateChain, cause: Error): St3Error | undefined {
  const { what, line, column } = at;
  const file = at.file ?? chain.concrete.file;
  const printed = new RegExp(`^${MISSING_OUTPUT} (undefined|null|NaN)$`).exec(what)?.[1];
  if (!printed || line === undefined || column === undefined) return undefined;
  const entries = entriesOf(chain);
  const candidates = [entries.find((e) => e.file === file), ...entries];
  let output: { expression: string; column: number } | undefined;
  const entry = candidates.find((e) => e !== undefined && (output = outputAt(e.raw, line, column)) !== undefined);
  const expression = output?.expression ?? '';
  const id = entry?.id ?? chain.concrete.id;
  return new St3Error(
    'E_TEMPLATE',
    `Jinja2 template ${id} would print "${printed}"${expression ? `: \`${expression}\` is ${printed}` : ''}`,
    {
      file: entry?.file ?? file,
      line,
      column: output?.column ?? column,
      cause,
      hint: `give it a value (in the context, or a default in the context schema), or print a fallback in the template: {{ ${expression || 'value'} | default('', true) }}`,
      details: { template: id, expression, printed },
    },
  );
}

/** The expression of the `{{ ... }}` that starts at line:column (1-based) of `raw`, and the column where it starts. */
function outputAt(raw: string, line: number, column: number): { expression: string; column: number } | undefined {
  const lines = raw.split('\n');
  if (line > lines.length || !lines[line - 1]!.startsWith('{{', column - 1)) return undefined;
  const tag = lines.slice(0, line - 1).reduce((offset, l) => offset + l.length + 1, 0) + column - 1;
  const open = /^{{-?\s*/.exec(raw.slice(tag))![0];
  const end = raw.indexOf('}}', tag + open.length);
  const expression = raw
    .slice(tag + open.length, end < 0 ? undefined : end)
    .replace(/\s*-?$/, '')
    .replace(/\s+/g, ' ');
  const startsOnLine = !raw.slice(tag, tag + open.length).includes('\n');
  return expression ? { expression, column: startsOnLine ? column + open.length : column } : undefined;
}
