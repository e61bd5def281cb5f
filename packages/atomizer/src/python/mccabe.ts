import type { Node } from 'web-tree-sitter';

/**
 * mccabe's PathGraphingAstVisitor (flake8 C901), replayed on the tree-sitter tree: the same path
 * graph, complexity = edges − nodes + 2. Quirks kept on purpose: `finally` bodies are not visited,
 * nested functions add to their parent, module-level if/for/while/try get graphs of their own, and a
 * later graph with the same key replaces an earlier one (mccabe keeps them in a dict).
 */
export interface McCabeGraph {
  key: string;
  entity: string;
  line: number;
  column: number;
  complexity: number;
  /** The def node when the graph is a function's. */
  node?: Node;
}

class Graph {
  edges = 0;
  readonly nodes = new Set<number>();
  connect(a: number, b: number): void {
    this.edges++;
    this.nodes.add(a);
    this.nodes.add(b);
  }
  complexity(): number {
    return this.edges - this.nodes.size + 2;
  }
}

interface Compound {
  kind: 'if' | 'loop' | 'try';
  line: number;
  column: number;
  body: Node[];
  extra: Node[][];
  orelse: Node[] | Compound | undefined;
}

/** Statements of a block (comments are not statements). */
export function statementsOf(block: Node | null): Node[] {
  if (!block) return [];
  return block.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment');
}

function unwrap(node: Node): Node {
  return node.type === 'decorated_definition' ? (node.childForFieldName('definition') ?? node) : node;
}

function elseBody(node: Node): Node[] | undefined {
  for (const c of node.namedChildren)
    if (c && c.type === 'else_clause')
      return statementsOf(c.childForFieldName('body') ?? c.namedChildren.find((x) => x?.type === 'block') ?? null);
  return undefined;
}

function compoundOf(node: Node): Compound | undefined {
  const line = node.startPosition.row + 1;
  const column = node.startPosition.column;
  switch (node.type) {
    case 'if_statement':
    case 'elif_clause': {
      let orelse: Compound['orelse'];
      if (node.type === 'if_statement') {
        const elifs = node.namedChildren.filter((c): c is Node => c?.type === 'elif_clause');
        const els = elseBody(node);
        // `elif` chains are nested Ifs in Python's AST: build them back to front.
        orelse = els;
        for (let i = elifs.length - 1; i >= 0; i--) {
          const e = elifs[i]!;
          orelse = {
            kind: 'if',
            line: e.startPosition.row + 1,
            column: e.startPosition.column,
            body: statementsOf(e.childForFieldName('consequence')),
            extra: [],
            orelse,
          };
        }
      }
      return { kind: 'if', line, column, body: statementsOf(node.childForFieldName('consequence')), extra: [], orelse };
    }
    case 'for_statement':
    case 'while_statement':
      return {
        kind: 'loop',
        line,
        column,
        body: statementsOf(node.childForFieldName('body')),
        extra: [],
        orelse: elseBody(node),
      };
    case 'try_statement': {
      // `except*` is TryStar in Python's AST, which mccabe does not know: a simple statement there.
      if (node.namedChildren.some((c) => c?.type === 'except_clause' && c.children.some((t) => t?.type === '*')))
        return undefined;
      const handlers = node.namedChildren.filter(
        (c): c is Node => c?.type === 'except_clause' || c?.type === 'except_group_clause',
      );
      const handlerBodies = handlers.map((h) => statementsOf(h.namedChildren.find((x) => x?.type === 'block') ?? null));
      return {
        kind: 'try',
        line,
        column,
        body: statementsOf(node.childForFieldName('body')),
        extra: handlerBodies,
        orelse: elseBody(node),
      };
    }
    default:
      return undefined;
  }
}

const NAMES = { if: 'If', loop: 'Loop', try: 'TryExcept' } as const;

export class McCabeVisitor {
  readonly graphs = new Map<string, McCabeGraph>();
  private classname = '';
  private graph: Graph | null = null;
  private tail = 0;
  private nextId = 1;
  private current?: { key: string; entity: string; line: number; column: number; node?: Node };

  private node(): number {
    return this.nextId++;
  }

  visitModule(root: Node): void {
    this.dispatchList(statementsOf(root));
  }

  /** A function's graph as if it stood alone (what mccabe would say about a nested def at top level). */
  static functionComplexity(def: Node): number {
    const v = new McCabeVisitor();
    v.dispatch(def);
    const g = [...v.graphs.values()][0];
    return g ? g.complexity : 1;
  }

  private dispatchList(nodes: Node[]): void {
    for (const n of nodes) this.dispatch(n);
  }

  private dispatch(raw: Node): void {
    const node = unwrap(raw);
    switch (node.type) {
      case 'function_definition':
        return this.visitFunction(node);
      case 'class_definition': {
        const old = this.classname;
        this.classname += `${node.childForFieldName('name')?.text ?? ''}.`;
        this.dispatchList(statementsOf(node.childForFieldName('body')));
        this.classname = old;
        return;
      }
      case 'with_statement':
        this.append();
        this.dispatchList(statementsOf(node.childForFieldName('body')));
        return;
      default: {
        const c = compoundOf(node);
        if (c) this.subgraph(c, node);
        else this.append();
      }
    }
  }

  private append(): number {
    if (!this.tail) return 0;
    const n = this.node();
    this.graph!.connect(this.tail, n);
    this.tail = n;
    return n;
  }

  private visitFunction(node: Node): void {
    const name = node.childForFieldName('name')?.text ?? '';
    const entity = `${this.classname}${name}`;
    if (this.graph) {
      const pathnode = this.append();
      this.tail = pathnode;
      this.dispatchList(statementsOf(node.childForFieldName('body')));
      const bottom = this.node();
      this.graph.connect(this.tail, bottom);
      this.graph.connect(pathnode, bottom);
      this.tail = bottom;
      return;
    }
    this.graph = new Graph();
    this.current = { key: entity, entity, line: node.startPosition.row + 1, column: node.startPosition.column, node };
    this.tail = this.node();
    this.dispatchList(statementsOf(node.childForFieldName('body')));
    this.finish();
  }

  private finish(): void {
    const c = this.current!;
    this.graphs.set(c.key, { ...c, complexity: this.graph!.complexity() });
    this.graph = null;
    this.tail = 0;
  }

  private subgraph(c: Compound, node?: Node): void {
    const name = `${NAMES[c.kind]} ${c.line}`;
    if (!this.graph) {
      this.graph = new Graph();
      this.current = { key: `${this.classname}${name}`, entity: name, line: c.line, column: c.column, node: undefined };
      void node;
      const pathnode = this.node();
      this.parse(c, pathnode);
      this.finish();
    } else {
      const pathnode = this.append();
      this.parse(c, pathnode);
    }
  }

  private parse(c: Compound, pathnode: number): void {
    const loose: number[] = [];
    this.tail = pathnode;
    this.dispatchList(c.body);
    loose.push(this.tail);
    for (const extra of c.extra) {
      this.tail = pathnode;
      this.dispatchList(extra);
      loose.push(this.tail);
    }
    if (c.orelse && (!Array.isArray(c.orelse) || c.orelse.length > 0)) {
      this.tail = pathnode;
      if (Array.isArray(c.orelse)) this.dispatchList(c.orelse);
      else this.subgraphNested(c.orelse);
      loose.push(this.tail);
    } else loose.push(pathnode);
    if (pathnode) {
      const bottom = this.node();
      for (const le of loose) this.graph!.connect(le, bottom);
      this.tail = bottom;
    }
  }

  /** An `elif` is an If statement inside the orelse list. */
  private subgraphNested(c: Compound): void {
    this.subgraph(c);
  }
}
