import { EtaRuntimeError, type Eta, type TemplateFunction } from 'eta/core';
import { St3Error } from '@st3/schemas';
import type { TemplateEntry } from './store.js';

/**
 * Interpolations that print nothing real. eta concatenates whatever `<%= %>` or `<%~ %>` yields, so an
 * optional context field the schema let through prints `undefined` (or `null`, `NaN`) into a file that
 * then looks generated correctly. eta's filter function sees only the value, not where it came from, so
 * `definedOutput` rewrites every interpolation of the AST to `__eta.f((expr), line, "expr")`: the filter
 * (`checkDefined`) then knows the line (eta's parser records it when `debug` is on) and the expression.
 * The template it sits in is added on the way out by `locatingTemplate`, which wraps each loaded template
 * function (a partial's error passes through its includer's wrapper after its own has named it).
 */
export class MissingValue extends Error {
  /** The innermost template the interpolation is in (set by `locatingTemplate`). */
  template?: TemplateEntry;

  constructor(
    /** 1-based line in the template body. */
    readonly line: number,
    readonly expression: string,
    readonly printed: string,
  ) {
    super(`${expression} is ${printed}`);
  }
}

type AstNode = string | { t: string; val: string; lineNo?: number };

export const definedOutput = {
  processAST(ast: AstNode[]): AstNode[] {
    for (const node of ast) {
      if (typeof node !== 'object' || (node.t !== 'i' && node.t !== 'r') || node.lineNo === undefined) continue;
      // The newline ends a trailing `// comment` inside the tag before the closing parenthesis.
      node.val = `__eta.f((${node.val}\n), ${node.lineNo}, ${JSON.stringify(node.val.trim())})`;
    }
    return ast;
  },
};

/** eta's filter function with the location arguments `definedOutput` adds: throws MissingValue, else the value as is. */
export function checkDefined(value: unknown, line?: number, expression?: string): unknown {
  if (line === undefined) return value;
  const printed = value === undefined ? 'undefined' : value === null ? 'null' : Number.isNaN(value) ? 'NaN' : undefined;
  if (printed !== undefined) throw new MissingValue(line, expression ?? '', printed);
  return value;
}

/** `fn`, naming `entry` on a MissingValue that comes out of it without a template yet. */
export function locatingTemplate(fn: TemplateFunction, entry: TemplateEntry): TemplateFunction {
  return function (this: Eta, data, options) {
    try {
      return fn.call(this, data, options);
    } catch (error) {
      const missing = missingIn(error);
      if (missing && !missing.template) missing.template = entry;
      throw error;
    }
  };
}

/** The MissingValue behind an error (eta's debug mode wraps runtime errors in EtaRuntimeError, once per include level). */
export function missingIn(error: unknown): MissingValue | undefined {
  const root = rootCause(error);
  return root instanceof MissingValue ? root : undefined;
}

/** The error a template threw, without eta's debug wrappers (messages stay what the template's code said). */
export function rootCause(error: unknown): unknown {
  let e = error;
  while (e instanceof EtaRuntimeError && e.cause !== undefined) e = e.cause;
  return e;
}

/** A MissingValue as E_TEMPLATE at the template file's line (and column, when the expression is found on it). */
export function missingValueError(missing: MissingValue, fallback: TemplateEntry): St3Error {
  const entry = missing.template ?? fallback;
  const line = (entry.bodyLine ?? 1) + missing.line - 1;
  const text = entry.raw.split('\n')[line - 1] ?? '';
  const at = missing.expression ? text.indexOf(missing.expression) : -1;
  return new St3Error(
    'E_TEMPLATE',
    `template ${entry.id} would print "${missing.printed}": \`${missing.expression}\` is ${missing.printed}`,
    {
      file: entry.file,
      line,
      ...(at >= 0 ? { column: at + 1 } : {}),
      hint: `give it a value (in the context, or a default in the context schema), or print a fallback in the template: <%= ${missing.expression} ?? '' %>`,
      details: { template: entry.id, expression: missing.expression, printed: missing.printed },
    },
  );
}
