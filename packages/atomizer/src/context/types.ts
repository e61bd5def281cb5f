/**
 * The context of an atom: everything a code-generating agent needs to regenerate the atom's lines
 * alone. Computed once per file by `atomizeSource` (stored as `atom.context`), rendered and trimmed
 * to a token budget by `atomContext`. This shape is a contract (ADR 0065): fields are only added.
 */

/** Edge types of the dependency graph that an atom's own file can tell (imports are resolved across files later). */
export type LocalEdgeType = 'function_call' | 'variable' | 'type' | 'data_flow';

/** One enclosing construct whose header is outside the atom: class, function, loop, branch, object literal. */
export interface ContextHeader {
  /** `class`, `function`, `method`, `loop`, `if`, `else`, `case`, `try`, `catch`, `finally`, `with`, `element`, ... */
  kind: string;
  /** First and last line of the header (1-based, inclusive). */
  line: number;
  endLine: number;
  /** The header's source text (e.g. `export async function load(path: string): Promise<Config> {`). */
  text: string;
}

/** An import statement (or a part of one) whose bindings the atom uses. */
export interface ContextImport {
  module: string;
  /** The local names the atom uses. */
  names: string[];
  line: number;
  typeOnly?: boolean;
  /** The import statement as written (first 3 lines). */
  text: string;
}

/** A type the atom refers to, defined in the same file (cross-file ones are added by `atomContext` with `files`). */
export interface ContextType {
  name: string;
  kind: string;
  /** The file defining it (the atom's own file unless resolved through an import). */
  path: string;
  startLine: number;
  endLine: number;
  /** The definition's source (up to 30 lines; `truncated` when it was longer). */
  code: string;
  truncated?: boolean;
}

/** Where a free name of the atom is bound. */
export type InputSource = 'parameter' | 'local' | 'enclosing' | 'module' | 'class' | 'import';

/** A name the atom reads (or writes) but does not bind itself before using it. */
export interface ContextInput {
  name: string;
  source: InputSource;
  /** How the atom uses it: `call` (called), `type` (only in type positions), `write` (assigned), `read`. */
  usage: 'read' | 'call' | 'type' | 'write';
  /** Declared type, when the declaration has one (`x: number`, `const y: Foo = ...`, `def f(a: int)`). */
  type?: string;
  /** Line of the binding (the parameter, declaration or import). */
  line?: number;
  /** The atom holding that binding, when it is another atom of the file. */
  atom?: string;
}

/** A name the atom binds that later atoms of the file read. */
export interface ContextOutput {
  name: string;
  type?: string;
  /** Ids of the atoms that read it. */
  readBy: string[];
}

/** An atom this one depends on, with the signatures of what it takes from it. */
export interface ContextDependency {
  id: string;
  type: LocalEdgeType;
  symbols: string[];
  /** Declaration headers of those symbols (`function parse(text: string): Doc`, `const LIMIT = 10`), one per line. */
  signature: string;
}

/** The parts the completeness score counts. */
export type ContextComponentName =
  | 'chain'
  | 'imports'
  | 'types'
  | 'inputs'
  | 'outputs'
  | 'dependencies'
  | 'preconditions'
  | 'postconditions'
  | 'testHints'
  /** The atom's own code: incomplete when a syntax error lies in its lines (applies only then). */
  | 'code';

export interface ContextComponent {
  component: ContextComponentName;
  reason: string;
}

/**
 * What an atom needs around it to be understood or regenerated alone (`atom.context`). A type alias, not an
 * interface, so a record fits the `atoms` JSON contract (`context: Record<string, unknown>`) without a cast.
 */
export type AtomContext = {
  /** Enclosing headers, outermost first (empty for a top-level atom). */
  chain: ContextHeader[];
  imports: ContextImport[];
  types: ContextType[];
  inputs: ContextInput[];
  outputs: ContextOutput[];
  /** What the atom returns: the declared return type, or `a value` (absent when it returns nothing). */
  returns?: string;
  dependencies: ContextDependency[];
  preconditions: string[];
  postconditions: string[];
  testHints: string[];
  /** Share of the applicable components that are complete (1 when nothing is missing), two decimals. */
  completeness: number;
  /** Each applicable component that is incomplete, with the reason. */
  missing: ContextComponent[];
  /** The components that apply to the atom (what `completeness` is a share of); absent in records before atomizer-4. */
  applicable?: ContextComponentName[];
  /** Free names nothing in the file, its imports or the language's globals binds. */
  unresolved: string[];
};
