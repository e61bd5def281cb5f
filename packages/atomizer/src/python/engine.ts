import type { Node } from 'web-tree-sitter';
import type { Diagnostic } from '@st3/schemas';
import { EV, EventLog, Statement } from '../events.js';
import { LineIndex, countLines } from '../lines.js';
import { finishLoc } from '../metrics.js';
import type { ClassRecord, ComplexityVariant, ExportRecord, FunctionRecord, ImportRecord, ParameterInfo, ParsedFile, StatementNode, TypeDefinition } from '../types.js';
import type { PythonEngine } from './load.js';
import { McCabeVisitor, statementsOf } from './mccabe.js';

const COMPOUND_KIND: Record<string, string> = {
  function_definition: 'function', class_definition: 'class', if_statement: 'if', for_statement: 'loop', while_statement: 'loop',
  try_statement: 'try', with_statement: 'with', match_statement: 'match', import_statement: 'import', import_from_statement: 'import',
  future_import_statement: 'import', return_statement: 'return', raise_statement: 'throw', expression_statement: 'statement', assert_statement: 'assert',
};

/** Parses Python with tree-sitter and extracts everything the atomizer needs. */
export function parsePythonSource(engine: PythonEngine, text: string, path: string, variant: ComplexityVariant = 'mccabe'): ParsedFile {
  const tree = engine.parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  try {
    return extract(tree.rootNode, text, path, variant);
  } finally {
    tree.delete();
  }
}

function extract(root: Node, text: string, path: string, variant: ComplexityVariant): ParsedFile {
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  const log = new EventLog();
  const moduleBindings = new Set<string>();
  const functions: FunctionRecord[] = [];
  const classes: ClassRecord[] = [];
  const imports: ImportRecord[] = [];
  const exports: ExportRecord[] = [];
  const types: TypeDefinition[] = [];
  const diagnostics: Diagnostic[] = [];
  const radon = variant === 'radon';
  const units: { fn?: FunctionRecord; count: number }[] = [{ count: 1 }];
  const frames: { body: StatementNode[] }[] = [];
  const top: StatementNode[] = [];
  const names: string[] = [];
  const scopeKinds: string[] = [];
  const byDefLine = new Map<number, FunctionRecord>();
  let decisions = 0;
  let functionDepth = 0;
  let typeMode = 0;
  const globalsStack: Set<string>[] = [];

  const line = (n: Node) => n.startPosition.row + 1;
  const endLine = (n: Node) => {
    const e = n.endPosition;
    return e.column === 0 && e.row > n.startPosition.row ? e.row : e.row + 1;
  };
  const short = (n: Node | null) => {
    if (!n) return '';
    const t = n.text.replace(/\s+/g, ' ');
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  };
  const decide = (w = 1) => {
    units[units.length - 1]!.count += w;
    decisions += w;
  };
  const dotted = (n: Node | null): string | undefined => {
    if (!n) return undefined;
    if (n.type === 'identifier') return n.text;
    if (n.type === 'attribute') {
      const base = dotted(n.childForFieldName('object'));
      const attr = n.childForFieldName('attribute')?.text;
      return base && attr ? `${base}.${attr}` : undefined;
    }
    return undefined;
  };
  const baseName = (n: Node | null): string | undefined => {
    while (n && (n.type === 'attribute' || n.type === 'subscript')) n = n.childForFieldName(n.type === 'attribute' ? 'object' : 'value');
    return n?.type === 'identifier' ? n.text : undefined;
  };

  function defineTarget(n: Node | null): void {
    if (!n) return;
    if (n.type === 'identifier') {
      const name = n.text;
      const globals = globalsStack[globalsStack.length - 1];
      if (globals?.has(name)) log.push(EV.WRITE, name);
      else log.push(EV.DEF, name);
      if (functionDepth === 0 && frames.length <= 1) moduleBindings.add(name);
      markLeaf(n);
      return;
    }
    if (n.type === 'attribute' || n.type === 'subscript') {
      const b = baseName(n);
      if (b) log.push(EV.WRITE, b);
      visit(n);
      return;
    }
    for (const c of n.namedChildren) if (c) defineTarget(c);
  }

  function markLeaf(n: Node): void {
    if (n.startIndex === n.endIndex) return;
    const a = n.startPosition.row;
    const b = n.endPosition.row;
    for (let r = a; r <= b && r < isSource.length; r++) isSource[r] = 1;
  }

  function paramsOf(params: Node | null): ParameterInfo[] {
    const out: ParameterInfo[] = [];
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern') ?? null;
      if (!nameNode) continue;
      const rest = nameNode.type === 'list_splat_pattern' || nameNode.type === 'dictionary_splat_pattern' || p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern';
      const name = nameNode.text.replace(/^\*+/, '');
      if (name === '' || name === '/') continue;
      const type = p.childForFieldName('type');
      const value = p.childForFieldName('value');
      out.push({ name, type: type ? type.text : undefined, optional: value ? true : undefined, defaultValue: value ? short(value) : undefined, rest: rest || undefined });
    }
    return out;
  }

  function visitFunction(node: Node, kind: string, statementNode: Node): void {
    const nameNode = node.childForFieldName('name');
    const name = kind === 'lambda' ? '<lambda>' : (nameNode?.text ?? '<anonymous>');
    if (nameNode) {
      log.push(EV.DEF, name);
      markLeaf(nameNode);
    }
    const params = node.childForFieldName('parameters');
    const ret = node.childForFieldName('return_type');
    const inClass = scopeKinds[scopeKinds.length - 1] === 'class';
    const fn: FunctionRecord = {
      name,
      kind: kind === 'lambda' ? 'lambda' : inClass ? (name === '__init__' ? 'constructor' : 'method') : 'function',
      qualifiedName: [...names, name].join('.'),
      startLine: line(statementNode),
      endLine: endLine(statementNode),
      loc: 0,
      physicalLoc: 0,
      complexity: 1,
      params: paramsOf(params),
      returnType: ret ? ret.text : undefined,
      async: node.children.some((c) => c?.type === 'async'),
      generator: false,
      reportLine: line(node),
      reportColumn: node.startPosition.column + 1,
      reportName: `'${[...names.slice(0, functionDepth === 0 ? names.length : 0), name].join('.')}'`,
      reported: false,
    };
    functions.push(fn);
    if (kind !== 'lambda') byDefLine.set(line(node), fn);
    const unit = { fn, count: 1 };
    units.push(unit);
    names.push(name);
    scopeKinds.push('function');
    functionDepth++;
    globalsStack.push(new Set());
    for (const c of node.children) {
      if (!c || c === nameNode) continue;
      if (c === params) visitParams(c);
      else visit(c);
    }
    globalsStack.pop();
    functionDepth--;
    names.pop();
    scopeKinds.pop();
    units.pop();
    if (radon || kind === 'lambda') fn.complexity = unit.count;
    else fn.complexity = McCabeVisitor.functionComplexity(node);
  }

  function visitParams(params: Node): void {
    markLeaf(params);
    for (const p of params.namedChildren) {
      if (!p) continue;
      const type = p.childForFieldName('type');
      const value = p.childForFieldName('value');
      if (type) visit(type);
      if (value) visit(value);
      const nameNode = p.type === 'identifier' ? p : p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern') ?? null;
      if (nameNode) {
        const n = nameNode.text.replace(/^\*+/, '');
        if (n) log.push(EV.DEF, n);
      }
      markLeaf(p);
    }
  }

  function visitClass(node: Node, statementNode: Node): void {
    const nameNode = node.childForFieldName('name');
    const name = nameNode?.text ?? '<anonymous>';
    log.push(EV.DEF, name);
    const supers = node.childForFieldName('superclasses');
    const record: ClassRecord = { name, startLine: line(statementNode), endLine: endLine(statementNode), loc: 0, bases: supers ? supers.namedChildren.filter((c) => c?.type !== 'keyword_argument').map((c) => c!.text) : [], members: [] };
    classes.push(record);
    types.push({ name, kind: 'class', startLine: record.startLine, endLine: record.endLine });
    if (supers) visit(supers);
    if (nameNode) markLeaf(nameNode);
    markLeaf(node.children[0]!);
    names.push(name);
    scopeKinds.push('class');
    const body = node.childForFieldName('body');
    for (const m of statementsOf(body)) {
      const def = m.type === 'decorated_definition' ? m.childForFieldName('definition') : m;
      if (def?.type === 'function_definition') record.members.push({ name: def.childForFieldName('name')?.text ?? '', kind: 'method', line: line(def) });
      else if (def?.type === 'class_definition') record.members.push({ name: def.childForFieldName('name')?.text ?? '', kind: 'class', line: line(def) });
      else if (m.type === 'expression_statement' && m.firstNamedChild?.type === 'assignment') {
        const left = m.firstNamedChild.childForFieldName('left');
        if (left?.type === 'identifier') record.members.push({ name: left.text, kind: 'property', line: line(m) });
      }
    }
    if (body) visit(body);
    names.pop();
    scopeKinds.pop();
  }

  function visitImport(node: Node): void {
    const rec: ImportRecord = { module: '', line: line(node), bindings: [] };
    if (node.type === 'import_statement') {
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === 'aliased_import') {
          const alias = c.childForFieldName('alias')!.text;
          imports.push({ module: c.childForFieldName('name')!.text, line: rec.line, default: alias, bindings: [alias] });
          log.push(EV.DEF, alias);
          moduleBindings.add(alias);
        } else if (c.type === 'dotted_name') {
          const first = c.text.split('.')[0]!;
          imports.push({ module: c.text, line: rec.line, namespace: first, bindings: [first] });
          log.push(EV.DEF, first);
          moduleBindings.add(first);
        }
      }
      return;
    }
    rec.module = node.type === 'future_import_statement' ? '__future__' : (node.childForFieldName('module_name')?.text ?? '');
    rec.named = [];
    for (const c of node.namedChildren) {
      if (!c || c === node.childForFieldName('module_name')) continue;
      if (c.type === 'wildcard_import') rec.namespace = '*';
      else if (c.type === 'aliased_import') rec.named.push({ name: c.childForFieldName('name')!.text, alias: c.childForFieldName('alias')!.text });
      else if (c.type === 'dotted_name') rec.named.push({ name: c.text });
    }
    for (const n of rec.named) rec.bindings.push(n.alias ?? n.name);
    for (const b of rec.bindings) { log.push(EV.DEF, b); moduleBindings.add(b); }
    imports.push(rec);
  }

  function guardOf(node: Node): { guard?: string; assertion?: string } {
    if (node.type === 'assert_statement') return { assertion: short(node).replace(/^assert\s+/, '') };
    if (node.type === 'if_statement' && !node.namedChildren.some((c) => c?.type === 'else_clause' || c?.type === 'elif_clause')) {
      const body = statementsOf(node.childForFieldName('consequence'));
      if (body.length === 1 && (body[0]!.type === 'raise_statement' || body[0]!.type === 'return_statement')) return { guard: short(node.childForFieldName('condition')) };
    }
    return {};
  }

  function visitStatement(raw: Node): void {
    const isTop = frames.length === 0;
    const def = raw.type === 'decorated_definition' ? raw.childForFieldName('definition') ?? raw : raw;
    const stmt = new Statement(COMPOUND_KIND[def.type] ?? 'statement', line(raw), endLine(raw), log, log.size, moduleBindings);
    Object.assign(stmt, guardOf(raw));
    (isTop ? top : frames[frames.length - 1]!.body).push(stmt);
    const frame = { body: [] as StatementNode[] };
    frames.push(frame);
    const before = decisions;
    const fnCount = functions.length;
    if (def.type === 'function_definition') {
      for (const d of raw.namedChildren) if (d && d.type === 'decorator') visit(d);
      visitFunction(def, 'function', raw);
    } else if (def.type === 'class_definition') {
      for (const d of raw.namedChildren) if (d && d.type === 'decorator') visit(d);
      visitClass(def, raw);
    } else visitNode(raw);
    frames.pop();
    stmt.evEnd = log.size;
    stmt.decisions = decisions - before;
    if (frame.body.length > 0) stmt.body = frame.body;
    if (def.type === 'function_definition') stmt.fn = functions[fnCount];
    const nameNode = def.type === 'function_definition' || def.type === 'class_definition' ? def.childForFieldName('name') : null;
    stmt.name = nameNode?.text;
    stmt.defines = nameNode ? [nameNode.text] : definedNames(raw);
    if (isTop) for (const d of stmt.defines) moduleBindings.add(d);
  }

  function definedNames(node: Node): string[] {
    if (node.type === 'import_statement' || node.type === 'import_from_statement') return imports.filter((i) => i.line === line(node)).flatMap((i) => i.bindings);
    if (node.type === 'expression_statement' && node.firstNamedChild?.type === 'assignment') {
      const out: string[] = [];
      const collect = (n: Node | null) => {
        if (!n) return;
        if (n.type === 'identifier') out.push(n.text);
        else if (n.type === 'pattern_list' || n.type === 'tuple_pattern' || n.type === 'list_pattern') for (const c of n.namedChildren) collect(c);
      };
      let a: Node | null = node.firstNamedChild;
      while (a?.type === 'assignment') {
        collect(a.childForFieldName('left'));
        a = a.childForFieldName('right');
      }
      return out;
    }
    return [];
  }

  function visit(node: Node): void {
    if (node.childCount === 0) {
      if (node.type === 'comment') return;
      markLeaf(node);
      if (node.type === 'identifier') log.push(typeMode > 0 ? EV.TYPE : EV.USE, node.text);
      return;
    }
    visitNode(node);
  }

  function visitNode(node: Node): void {
    switch (node.type) {
      case 'ERROR':
        break;
      case 'function_definition':
        visitFunction(node, 'function', node);
        return;
      case 'lambda':
        visitFunction(node, 'lambda', node);
        return;
      case 'class_definition':
        visitClass(node, node);
        return;
      case 'import_statement': case 'import_from_statement': case 'future_import_statement':
        visitImport(node);
        markLeaf(node);
        return;
      case 'type':
        typeMode++;
        for (const c of node.children) if (c) visit(c);
        typeMode--;
        return;
      case 'attribute': {
        visit(node.childForFieldName('object')!);
        for (const c of node.children) if (c && c !== node.childForFieldName('object')) markLeaf(c);
        return;
      }
      case 'keyword_argument': {
        const v = node.childForFieldName('value');
        markLeaf(node.childForFieldName('name')!);
        if (v) visit(v);
        return;
      }
      case 'call': {
        const callee = dotted(node.childForFieldName('function'));
        if (callee) log.push(EV.CALL, callee);
        break;
      }
      case 'assignment': case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        if (node.type === 'augmented_assignment') {
          const b = baseName(left);
          if (b) log.push(EV.WRITE, b);
          if (left) visit(left);
        } else defineTarget(left);
        for (const c of node.children) if (c && c !== left) visit(c);
        return;
      }
      case 'global_statement': {
        for (const c of node.namedChildren) {
          if (!c) continue;
          globalsStack[globalsStack.length - 1]?.add(c.text);
          log.push(EV.WRITE, c.text);
        }
        markLeaf(node);
        return;
      }
      case 'for_statement': case 'for_in_clause': {
        if (node.type === 'for_statement') {
          decide(radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
        } else if (radon) decide();
        defineTarget(node.childForFieldName('left'));
        for (const c of node.children) if (c && c !== node.childForFieldName('left')) visit(c);
        return;
      }
      case 'while_statement':
        decide(radon && node.namedChildren.some((c) => c?.type === 'else_clause') ? 2 : 1);
        log.push(EV.BRANCH, short(node.childForFieldName('condition')));
        break;
      case 'if_statement': case 'elif_clause':
        decide();
        log.push(EV.BRANCH, short(node.childForFieldName('condition')));
        break;
      case 'conditional_expression': case 'if_clause':
        if (radon) decide();
        break;
      case 'boolean_operator':
        if (radon) decide();
        break;
      case 'try_statement': {
        const handlers = node.namedChildren.filter((c) => c?.type === 'except_clause').length;
        const hasElse = node.namedChildren.some((c) => c?.type === 'else_clause');
        decide(radon ? handlers + (hasElse ? 1 : 0) : handlers + 1);
        break;
      }
      case 'match_statement': {
        if (radon) {
          const cases = node.descendantsOfType('case_clause').filter((c) => c?.parent?.parent === node);
          const wildcard = cases.some((c) => c!.namedChildren.find((x) => x?.type === 'case_pattern')?.text === '_');
          decide(Math.max(0, cases.length - (wildcard ? 1 : 0)));
        }
        break;
      }
      case 'as_pattern': case 'with_item': break;
      case 'except_clause': {
        const alias = node.childForFieldName('alias');
        if (alias) defineTarget(alias);
        for (const c of node.children) if (c && c !== alias) visit(c);
        return;
      }
      case 'return_statement': case 'yield':
        if (node.namedChildCount > 0) log.push(EV.RETURN, '');
        if (node.type === 'yield') {
          const fn = units[units.length - 1]!.fn;
          if (fn) fn.generator = true;
        }
        break;
      case 'block': case 'module':
        for (const c of node.children) {
          if (!c) continue;
          if (c.isNamed && c.type !== 'comment' && c.childCount > 0) visitStatement(c);
          else visit(c);
        }
        return;
      default:
        break;
    }
    for (const c of node.children) if (c) visit(c);
  }

  visit(root);
  if (root.hasError) {
    const errs = root.descendantsOfType(['ERROR', 'MISSING']).slice(0, 50);
    for (const e of errs) {
      if (!e) continue;
      diagnostics.push({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', file: path, line: line(e), column: e.startPosition.column + 1, message: e.isMissing ? `missing ${e.type}` : `syntax error near "${short(e).slice(0, 40)}"` });
    }
    if (diagnostics.length === 0) diagnostics.push({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', file: path, message: 'the file has syntax errors' });
  }

  // Which units mccabe reports on their own, under its names; module-level blocks get graphs too.
  const visitor = new McCabeVisitor();
  visitor.visitModule(root);
  for (const g of visitor.graphs.values()) {
    const fn = g.node ? byDefLine.get(g.line) : undefined;
    if (fn) {
      fn.reported = true;
      fn.reportName = `'${g.entity}'`;
      if (!radon) fn.complexity = g.complexity;
    } else if (!g.node) {
      functions.push({ name: g.entity, kind: 'block', qualifiedName: g.key, startLine: g.line, endLine: g.line, loc: 0, physicalLoc: 0, complexity: g.complexity, params: [], async: false, generator: false, reportLine: g.line, reportColumn: g.column + 1, reportName: `'${g.entity}'`, reported: !radon });
    }
  }
  functions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  for (const st of top) if ((st.kind === 'function' || st.kind === 'class') && st.name && !st.name.startsWith('_')) exports.push({ name: st.name, kind: st.kind, line: st.startLine });
  finishLoc(isSource, functions, classes);
  return { path, language: 'python', lines: countLines(index, isSource), isSource, functions, classes, imports, exports, types, statements: top, moduleBindings: [...moduleBindings], diagnostics };
}
