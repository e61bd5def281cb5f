import type { Diagnostic } from '@st3/schemas';

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
  /** Local names this import binds. */
  bindings: string[];
}

export interface ExportRecord {
  name: string;
  kind: string;
  line: number;
  from?: string;
}

/** A type the file defines (TS interface, type alias, enum, class; Python class). */
export interface TypeDefinition {
  name: string;
  kind: string;
  startLine: number;
  endLine: number;
}

/**
 * One statement of the file (or of a body) as the decomposer sees it: a line range, what it
 * defines and uses, what it calls, and the statements it may be split into.
 */
export interface StatementNode {
  kind: string;
  name?: string;
  startLine: number;
  endLine: number;
  /** Decision points inside the statement (all nested units included). */
  decisions: number;
  defines: string[];
  uses: string[];
  typeRefs: string[];
  /** Dotted callee names (`Math.random`, `fs.writeFileSync`, `print`). */
  calls: string[];
  /** Assigns to module-level state (`global x`, assignment to a module binding from inside a function). */
  writesModuleState: boolean;
  /** The function this statement declares, if any. */
  fn?: FunctionRecord;
  /** Statements this one may be split into (function or class body, block body). */
  body?: StatementNode[];
  /** Guard text when this statement is a precondition (`if (!x) throw`, `assert x`). */
  guard?: string;
  /** Assertion text when this is an assert statement (postcondition when it is last). */
  assertion?: string;
  /** Branch conditions inside (test hints). */
  branches?: string[];
  /** Contains a return/yield of a value. */
  returnsValue?: boolean;
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
  /** Module-level bindings (for module-state writes and context). */
  moduleBindings: string[];
  diagnostics: Diagnostic[];
}

export interface ParseOptions {
  complexityVariant?: ComplexityVariant;
}
