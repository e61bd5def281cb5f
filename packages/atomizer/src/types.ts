import type { Diagnostic } from '@st3/schemas';
import type { EventLog } from './events.js';

export type SourceLanguage = 'typescript' | 'tsx' | 'javascript' | 'jsx' | 'python';

/**
 * Complexity counting variants. JS/TS: `eslint` (ESLint 9 `complexity`, its default "classic" variant),
 * `modified` (ESLint's `modified`: a whole switch counts 1), `classic` (ESLint ≤ 8: no optional chaining,
 * no default values). Python: `mccabe` (flake8 C901) and `radon`.
 */
export type ComplexityVariant = 'eslint' | 'modified' | 'classic' | 'mccabe' | 'radon';

/** Physical lines, source lines (a code token on them), comment-only lines and blank lines. */
export interface LineCounts {
  physical: number;
  source: number;
  comment: number;
  blank: number;
}

export interface ParameterInfo {
  name: string;
  type?: string;
  optional?: boolean;
  defaultValue?: string;
  rest?: boolean;
}

export interface FunctionRecord {
  name: string;
  /** function | method | getter | setter | constructor | arrow | function-expression | lambda | class-field | static-block */
  kind: string;
  /** Dotted name with the enclosing classes/functions (`Foo.bar`, `outer.inner`). */
  qualifiedName: string;
  startLine: number;
  endLine: number;
  /** Source lines (see LineCounts). */
  loc: number;
  physicalLoc: number;
  complexity: number;
  params: ParameterInfo[];
  returnType?: string;
  /** Last line of the signature (where the body opens), when known. */
  headerEnd?: number;
  async: boolean;
  generator: boolean;
  /** Where the peer tool reports this unit (ESLint's function head, mccabe's def line), 1-based. */
  reportLine: number;
  reportColumn: number;
  /** The peer tool's own name for the unit (`Method 'foo'`, `'Foo.bar'`). */
  reportName: string;
  /** False for units the peer tool does not report on their own (Python nested defs, lambdas). */
  reported: boolean;
}

export interface ClassRecord {
  name: string;
  startLine: number;
  endLine: number;
  loc: number;
  bases: string[];
  members: { name: string; kind: string; line: number; static?: boolean }[];
}

export interface ImportRecord {
  module: string;
  line: number;
  default?: string;
  namespace?: string;
  named?: { name: string; alias?: string; typeOnly?: boolean }[];
  typeOnly?: boolean;
  /** Inside a function (a Python local import): it runs when the function is called, not when the module loads. */
  local?: boolean;
  /** Local names this import binds. */
  bindings: string[];
}

export interface ExportRecord {
  name: string;
  kind: string;
  line: number;
  from?: string;
  /** The local (or, with `from`, the source module's) name when it differs: `export { a as b }` has name b, local a. */
  local?: string;
}

/** A type the file defines (TS interface, type alias, enum, class; Python class). */
export interface TypeDefinition {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
}

/**
 * One statement of the file (or of a body), a clause of a compound statement (`else`, `catch`, a
 * `case`), or an element of a large literal, as the decomposer sees it: a line range, the span of
 * the file's symbol events it holds, and what it may be split into.
 */
export interface StatementNode {
  /** `function`, `class`, `if`, `loop`, `clause`, `element`, `string`, `statement`, ... */
  kind: string;
  name?: string;
  startLine: number;
  endLine: number;
  /** Decision points inside the statement (all nested units included). */
  decisions: number;
  /** The statement's span of the file's event log: `[evStart, evEnd)`. */
  evStart: number;
  evEnd: number;
  /** The function this statement declares, if any. */
  fn?: FunctionRecord;
  /** What this one may be split into: body statements, clauses, members or literal elements. */
  body?: StatementNode[];
  /** Guard text when this statement is a precondition (`if (!x) throw`, `assert x`). */
  guard?: string;
  /** Assertion text when this is an assert statement (postcondition when it is last). */
  assertion?: string;
  /** Lines of the longest multi-line string or template inside (when it is 4 or more). */
  longString?: number;
}

export interface ParsedFile {
  path: string;
  language: SourceLanguage;
  lines: LineCounts;
  /** `isSource[i]` is 1 when line i+1 holds code. */
  isSource: Uint8Array;
  functions: FunctionRecord[];
  classes: ClassRecord[];
  imports: ImportRecord[];
  exports: ExportRecord[];
  types: TypeDefinition[];
  statements: StatementNode[];
  /** The symbol events of the file with their scopes (empty for a lean parse). */
  log: EventLog;
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  complexityVariant?: ComplexityVariant;
}
