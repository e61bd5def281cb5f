import type * as TS from 'typescript';
import type { Diagnostic } from '@st3/schemas';
import { EV, EventLog, LineCursor, NullLog, Statement } from '../events.js';
import { LineIndex, countLines } from '../lines.js';
import type { ClassRecord, ComplexityVariant, ExportRecord, FunctionRecord, ImportRecord, ParameterInfo, ParsedFile, SourceLanguage, StatementNode, TypeDefinition } from '../types.js';
import { eslintFunctionName, eslintHeadOffset, skipTriviaOf, staticKeyName, type OwnerRole } from './eslint-names.js';
import { finishLoc } from '../metrics.js';

interface Unit {
  fn: FunctionRecord;
  count: number;
}

const SCRIPT_KIND: Record<string, number> = { typescript: 3, tsx: 4, javascript: 1, jsx: 2 };

/** Parses TS/JS/TSX/JSX with the TypeScript compiler API and extracts everything the atomizer needs. */
/**
 * `lean` (the `st3 complexity` path) computes functions and their complexity only: no line
 * classification, no symbol events, no statement tree.
 */
export function parseTypeScriptSource(ts: typeof TS, text: string, path: string, language: SourceLanguage, variant: ComplexityVariant = 'eslint', lean = false): ParsedFile {
  const K = ts.SyntaxKind;
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, SCRIPT_KIND[language] as TS.ScriptKind);
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  const startCursor = new LineCursor(index.starts);
  const endCursor = new LineCursor(index.starts);
  const lineOf = (offset: number) => index.lineOf(offset);
  const log = lean ? new NullLog() : new EventLog();
  const moduleBindings = new Set<string>();
  const functions: FunctionRecord[] = [];
  const classes: ClassRecord[] = [];
  const imports: ImportRecord[] = [];
  const exports: ExportRecord[] = [];
  const types: TypeDefinition[] = [];
  const countOptional = variant !== 'classic';
  const countDefaults = variant !== 'classic';
  const modified = variant === 'modified';

  // visitNode dispatches on a small category per SyntaxKind: a jump table, not a chain of enum lookups.
  const firstTypeNode = K.FirstTypeNode;
  const lastTypeNode = K.LastTypeNode;
  const CAT = new Uint8Array(K.Count + 1);
  CAT[K.Identifier] = 1;
  CAT[K.StringLiteral] = 2;
  CAT[K.NoSubstitutionTemplateLiteral] = 2;
  CAT[K.TemplateHead] = 2;
  CAT[K.TemplateMiddle] = 2;
  CAT[K.TemplateTail] = 2;
  CAT[K.RegularExpressionLiteral] = 2;
  CAT[K.JsxText] = 3;
  CAT[K.IfStatement] = 4;
  CAT[K.ConditionalExpression] = 5;
  CAT[K.ForStatement] = 6;
  CAT[K.WhileStatement] = 6;
  CAT[K.DoStatement] = 6;
  CAT[K.CatchClause] = 6;
  CAT[K.ForInStatement] = 7;
  CAT[K.ForOfStatement] = 7;
  CAT[K.CaseClause] = 8;
  CAT[K.SwitchStatement] = 9;
  CAT[K.BinaryExpression] = 10;
  CAT[K.PrefixUnaryExpression] = 11;
  CAT[K.PostfixUnaryExpression] = 11;
  CAT[K.PropertyAccessExpression] = 12;
  CAT[K.ElementAccessExpression] = 13;
  CAT[K.CallExpression] = 14;
  CAT[K.NewExpression] = 15;
  CAT[K.ReturnStatement] = 16;
  CAT[K.YieldExpression] = 16;
  CAT[K.Parameter] = 17;
  CAT[K.VariableDeclaration] = 18;
  CAT[K.FunctionDeclaration] = 19;
  CAT[K.FunctionExpression] = 19;
  CAT[K.ArrowFunction] = 19;
  CAT[K.MethodDeclaration] = 20;
  CAT[K.Constructor] = 20;
  CAT[K.GetAccessor] = 20;
  CAT[K.SetAccessor] = 20;
  CAT[K.PropertyAssignment] = 21;
  CAT[K.ShorthandPropertyAssignment] = 22;
  CAT[K.PropertyDeclaration] = 23;
  CAT[K.ClassStaticBlockDeclaration] = 24;
  CAT[K.ClassDeclaration] = 25;
  CAT[K.ClassExpression] = 25;
  CAT[K.ImportDeclaration] = 26;
  CAT[K.ImportEqualsDeclaration] = 27;
  CAT[K.ExportDeclaration] = 28;
  CAT[K.ExportAssignment] = 29;
  CAT[K.VariableStatement] = 30;
  CAT[K.InterfaceDeclaration] = 31;
  CAT[K.TypeAliasDeclaration] = 31;
  CAT[K.EnumDeclaration] = 31;
  CAT[K.LabeledStatement] = 32;
  CAT[K.BreakStatement] = 33;
  CAT[K.ContinueStatement] = 33;
  CAT[K.JsxAttribute] = 34;
  CAT[K.JsxOpeningElement] = 35;
  CAT[K.JsxSelfClosingElement] = 35;
  CAT[K.JsxClosingElement] = 35;
  CAT[K.QualifiedName] = 36;
  CAT[K.MetaProperty] = 36;
  CAT[K.ImportSpecifier] = 36;
  CAT[K.TypeParameter] = 37;
  CAT[K.AsExpression] = 38;
  CAT[K.SatisfiesExpression] = 38;
  CAT[K.TypeAssertionExpression] = 38;
  CAT[K.ModuleDeclaration] = 39;
  const units: Unit[] = [{ fn: undefined as unknown as FunctionRecord, count: 1 }];
  const frames: { stmt: Statement; body: StatementNode[] }[] = [];
  const names: string[] = [];
  let decisions = 0;
  let functionDepth = 0;
  const top: StatementNode[] = [];

  const skip = skipTriviaOf(ts);
  const start = (n: TS.Node) => skip(text, n.pos);
  const textOf = (n: TS.Node) => text.slice(start(n), n.end);
  const raw = (n: TS.Node) => text.slice(start(n), Math.min(n.end, start(n) + 120));
  const short = (n: TS.Node) => {
    const t = textOf(n).replace(/\s+/g, ' ');
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  };
  const decide = () => {
    units[units.length - 1]!.count++;
    decisions++;
  };
  const skipParens = (e: TS.Expression): TS.Expression => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return e;
  };
  const isFunctionValue = (e: TS.Node | undefined): e is TS.FunctionExpression | TS.ArrowFunction => !!e && (e.kind === K.FunctionExpression || e.kind === K.ArrowFunction);
  const calleeName = (e: TS.Expression): string | undefined => {
    e = skipParens(e);
    if (ts.isIdentifier(e)) return e.text;
    if (ts.isPropertyAccessExpression(e)) {
      const base = calleeName(e.expression);
      return base ? `${base}.${e.name.text}` : undefined;
    }
    if (e.kind === K.ThisKeyword) return 'this';
    return undefined;
  };
  const baseIdentifier = (e: TS.Expression): string | undefined => {
    e = skipParens(e);
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isNonNullExpression(e)) e = skipParens(e.expression);
    return ts.isIdentifier(e) ? e.text : undefined;
  };

  // --- function units (ESLint code paths) ---------------------------------------------------
  function paramsOf(fn: TS.SignatureDeclarationBase): ParameterInfo[] {
    return fn.parameters.map((p) => ({
      name: ts.isIdentifier(p.name) ? p.name.text : textOf(p.name),
      type: p.type ? textOf(p.type) : undefined,
      optional: !!p.questionToken || !!p.initializer || undefined,
      defaultValue: p.initializer ? short(p.initializer) : undefined,
      rest: !!p.dotDotDotToken || undefined,
    }));
  }

  function beginUnit(node: TS.Node, kind: string, name: string, reportOffset: number, reportName: string, fnNode?: TS.FunctionLikeDeclaration): Unit {
    const mods = fnNode && ts.canHaveModifiers(fnNode) ? ts.getModifiers(fnNode) : undefined;
    const rl = lineOf(reportOffset);
    const fn: FunctionRecord = {
      name,
      kind,
      qualifiedName: [...names, name].join('.'),
      startLine: lineOf(start(node)),
      endLine: lineOf(Math.max(start(node), node.end - 1)),
      loc: 0,
      physicalLoc: 0,
      complexity: 1,
      params: fnNode && !lean ? paramsOf(fnNode) : [],
      returnType: fnNode?.type && !lean ? textOf(fnNode.type) : undefined,
      async: mods?.some((m) => m.kind === K.AsyncKeyword) ?? false,
      generator: !!(fnNode as TS.FunctionDeclaration | undefined)?.asteriskToken,
      reportLine: rl,
      reportColumn: reportOffset - index.starts[rl - 1]! + 1,
      reportName,
      reported: true,
    };
    functions.push(fn);
    const unit = { fn, count: 1 };
    units.push(unit);
    names.push(name);
    return unit;
  }
  function endUnit(unit: Unit): void {
    unit.fn.complexity = unit.count;
    units.pop();
    names.pop();
  }

  function functionKind(fn: TS.FunctionLikeDeclaration, role: OwnerRole): string {
    switch (fn.kind) {
      case K.Constructor: return 'constructor';
      case K.GetAccessor: return 'getter';
      case K.SetAccessor: return 'setter';
      case K.MethodDeclaration: return 'method';
      case K.ArrowFunction: return role === 'none' ? 'arrow' : 'method';
      case K.FunctionExpression: return role === 'none' ? 'function-expression' : 'method';
      default: return 'function';
    }
  }

  /** A function-like node: its key/decorators belong to the enclosing unit, params and body to its own. */
  function visitFunction(fn: TS.FunctionLikeDeclaration, owner: TS.Node | undefined, role: OwnerRole, boundName: string | undefined): void {
    const hasBody = !!fn.body;
    if (!hasBody) {
      // Overloads and abstract members: no code path in ESLint, only types.
      ts.forEachChild(fn, visit);
      return;
    }
    const name = fn.kind === K.Constructor ? 'constructor' : boundName ?? (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name)) ? ts.idText(fn.name) : staticKeyName(ts, fn.name) ?? '<anonymous>');
    if (fn.kind === K.FunctionDeclaration && fn.name) log.push(EV.DEF, fn.name.text);
    // The key and decorators of methods are outside the function's code path.
    if (fn.kind !== K.FunctionExpression && fn.kind !== K.ArrowFunction && fn.kind !== K.FunctionDeclaration) {
      const mods = ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : undefined;
      const decs = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : undefined;
      decs?.forEach((d) => visit(d));
      void mods;
      if (fn.name && ts.isComputedPropertyName(fn.name)) visit(fn.name.expression);
    }
    const unit = beginUnit(fn, functionKind(fn, role), name, eslintHeadOffset(ts, sf, fn, owner, role), eslintFunctionName(ts, fn, owner, role), fn);
    functionDepth++;
    if (fn.kind === K.FunctionExpression && fn.name) log.push(EV.DEF, fn.name.text);
    fn.typeParameters?.forEach(visitType);
    for (const p of fn.parameters) visit(p);
    if (fn.type) visitType(fn.type);
    visit(fn.body!);
    functionDepth--;
    endUnit(unit);
  }

  // --- line marking: node starts in pre-order, node ends in post-order ----------------------
  function markNode(n: TS.Node, s: number): void {
    if (!lean && s < n.end) {
      isSource[startCursor.line(s) - 1] = 1;
      isSource[endCursor.line(n.end - 1) - 1] = 1;
    }
  }
  function markSpan(n: TS.Node): void {
    if (lean) return;
    const a = lineOf(start(n));
    const b = lineOf(Math.max(start(n), n.end - 1));
    for (let l = a; l <= b; l++) isSource[l - 1] = 1;
  }

  // --- statements -----------------------------------------------------------------------
  function statementKind(n: TS.Node): string {
    switch (n.kind) {
      case K.FunctionDeclaration: return 'function';
      case K.ClassDeclaration: return 'class';
      case K.ImportDeclaration: case K.ImportEqualsDeclaration: return 'import';
      case K.ExportDeclaration: case K.ExportAssignment: return 'export';
      case K.VariableStatement: return 'variable';
      case K.InterfaceDeclaration: return 'interface';
      case K.TypeAliasDeclaration: return 'type';
      case K.EnumDeclaration: return 'enum';
      case K.ModuleDeclaration: return 'namespace';
      case K.IfStatement: return 'if';
      case K.ForStatement: case K.ForInStatement: case K.ForOfStatement: case K.WhileStatement: case K.DoStatement: return 'loop';
      case K.SwitchStatement: return 'switch';
      case K.TryStatement: return 'try';
      case K.ReturnStatement: return 'return';
      case K.ThrowStatement: return 'throw';
      case K.MethodDeclaration: return 'method';
      case K.Constructor: return 'constructor';
      case K.GetAccessor: return 'getter';
      case K.SetAccessor: return 'setter';
      case K.PropertyDeclaration: return 'property';
      case K.ClassStaticBlockDeclaration: return 'static-block';
      case K.Block: return 'block';
      default: return 'statement';
    }
  }
  const LIST = new Uint8Array(K.Count + 1);
  for (const k of [K.SourceFile, K.Block, K.ModuleBlock, K.CaseClause, K.DefaultClause, K.ClassDeclaration, K.ClassExpression]) LIST[k] = 1;
  function isStatementList(parent: TS.Node | undefined): boolean {
    return parent !== undefined && LIST[parent.kind] === 1;
  }
  function guardOf(n: TS.Node): { guard?: string; assertion?: string } {
    if (ts.isIfStatement(n) && !n.elseStatement) {
      let t: TS.Statement = n.thenStatement;
      if (ts.isBlock(t) && t.statements.length === 1) t = t.statements[0]!;
      if (ts.isThrowStatement(t) || ts.isReturnStatement(t)) return { guard: short(n.expression) };
    }
    if (ts.isExpressionStatement(n) && ts.isCallExpression(n.expression)) {
      const callee = calleeName(n.expression.expression);
      if (callee && /(^|\.)(assert|invariant|ok|strictEqual|equal)$/.test(callee) || callee === 'console.assert') {
        return { assertion: short(n.expression) };
      }
    }
    return {};
  }

  // --- declarations ------------------------------------------------------------------------
  function visitBindingName(name: TS.BindingName, isModule: boolean): void {
    if (ts.isIdentifier(name)) {
      log.push(EV.DEF, name.text);
      if (isModule) moduleBindings.add(name.text);
      return;
    }
    for (const el of name.elements) {
      if (ts.isOmittedExpression(el)) continue;
      if (el.propertyName && ts.isComputedPropertyName(el.propertyName)) visit(el.propertyName.expression);
      if (el.initializer) {
        if (countDefaults) decide();
        visit(el.initializer);
      }
      visitBindingName(el.name, isModule);
    }
  }

  /** Destructuring assignment targets: defaults there are ESTree AssignmentPatterns. */
  function visitTarget(e: TS.Expression): void {
    markNode(e, start(e));
    const inner = skipParens(e);
    if (ts.isArrayLiteralExpression(inner)) {
      for (const el of inner.elements) {
        if (ts.isBinaryExpression(el) && el.operatorToken.kind === K.EqualsToken) {
          if (countDefaults) decide();
          visitTarget(el.left);
          visit(el.right);
        } else if (ts.isSpreadElement(el)) visitTarget(el.expression);
        else if (!ts.isOmittedExpression(el)) visitTarget(el);
      }
      return;
    }
    if (ts.isObjectLiteralExpression(inner)) {
      for (const p of inner.properties) {
        markNode(p, start(p));
        if (ts.isPropertyAssignment(p)) {
          if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
          const v = p.initializer;
          if (ts.isBinaryExpression(v) && v.operatorToken.kind === K.EqualsToken) {
            if (countDefaults) decide();
            visitTarget(v.left);
            visit(v.right);
          } else visitTarget(v);
        } else if (ts.isShorthandPropertyAssignment(p)) {
          log.push(EV.WRITE, p.name.text);
          if (p.objectAssignmentInitializer) {
            if (countDefaults) decide();
            visit(p.objectAssignmentInitializer);
          }
        } else if (ts.isSpreadAssignment(p)) visitTarget(p.expression);
      }
      return;
    }
    const base = baseIdentifier(inner);
    if (base) log.push(EV.WRITE, base);
    visit(inner);
  }

  function visitClass(node: TS.ClassLikeDeclaration): void {
    const name = node.name?.text ?? '<anonymous>';
    if (node.name) log.push(EV.DEF, name);
    ts.getDecorators(node)?.forEach((d) => visit(d));
    node.typeParameters?.forEach(visitType);
    const bases: string[] = [];
    for (const h of node.heritageClauses ?? []) {
      for (const t of h.types) {
        bases.push(textOf(t.expression));
        if (h.token === K.ExtendsKeyword) {
          visit(t.expression);
          t.typeArguments?.forEach(visitType);
        } else visitType(t);
      }
    }
    const record: ClassRecord = { name, startLine: lineOf(start(node)), endLine: lineOf(node.end - 1), loc: 0, bases, members: [] };
    classes.push(record);
    if (node.name) types.push({ name, kind: 'class', startLine: record.startLine, endLine: record.endLine });
    names.push(name);
    for (const m of node.members) {
      const isStatic = (ts.canHaveModifiers(m) ? ts.getModifiers(m) : undefined)?.some((x) => x.kind === K.StaticKeyword) || undefined;
      const mName = m.kind === K.Constructor ? 'constructor' : m.kind === K.ClassStaticBlockDeclaration ? 'static' : m.name ? (ts.isPrivateIdentifier(m.name) || ts.isIdentifier(m.name) ? ts.idText(m.name) : staticKeyName(ts, m.name) ?? textOf(m.name)) : '';
      record.members.push({ name: mName, kind: statementKind(m), line: lineOf(start(m)), static: isStatic });
      visit(m, node);
    }
    names.pop();
  }

  function visitImport(node: TS.ImportDeclaration): void {
    const mod = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : textOf(node.moduleSpecifier);
    const rec: ImportRecord = { module: mod, line: lineOf(start(node)), bindings: [] };
    const clause = node.importClause;
    if (clause) {
      if (clause.isTypeOnly) rec.typeOnly = true;
      if (clause.name) { rec.default = clause.name.text; rec.bindings.push(clause.name.text); }
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) { rec.namespace = nb.name.text; rec.bindings.push(nb.name.text); }
      else if (nb) {
        rec.named = nb.elements.map((e) => ({ name: e.propertyName ? ts.idText(e.propertyName as TS.Identifier) : e.name.text, alias: e.propertyName ? e.name.text : undefined, typeOnly: e.isTypeOnly || undefined }));
        for (const e of nb.elements) rec.bindings.push(e.name.text);
      }
    }
    for (const b of rec.bindings) { log.push(EV.DEF, b); moduleBindings.add(b); }
    imports.push(rec);
  }

  function requireImport(decl: TS.VariableDeclaration): void {
    const init = decl.initializer && skipParens(decl.initializer);
    if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== 'require') return;
    const arg = init.arguments[0];
    if (!arg || !ts.isStringLiteral(arg)) return;
    const rec: ImportRecord = { module: arg.text, line: lineOf(start(decl)), bindings: [] };
    if (ts.isIdentifier(decl.name)) { rec.default = decl.name.text; rec.bindings.push(decl.name.text); }
    else if (ts.isObjectBindingPattern(decl.name)) {
      rec.named = decl.name.elements.filter((e) => ts.isIdentifier(e.name)).map((e) => {
        const local = (e.name as TS.Identifier).text;
        const remote = e.propertyName ? staticKeyName(ts, e.propertyName) ?? local : local;
        return remote === local ? { name: local } : { name: remote, alias: local };
      });
      rec.bindings.push(...rec.named.map((n) => n.alias ?? n.name));
    }
    imports.push(rec);
  }

  function exportModifiers(node: TS.Node, namesOf: string[], kind: string): void {
    const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined;
    if (!mods?.some((m) => m.kind === K.ExportKeyword)) return;
    const isDefault = mods.some((m) => m.kind === K.DefaultKeyword);
    const line = lineOf(start(node));
    if (isDefault) exports.push({ name: 'default', kind, line });
    else for (const n of namesOf) exports.push({ name: n, kind, line });
  }

  // --- the walk ----------------------------------------------------------------------------
  function visitType(n: TS.Node): void {
    if (lean) return;
    const s = start(n);
    const hasText = s < n.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitTypeInner(n);
    if (hasText) isSource[endCursor.line(n.end - 1) - 1] = 1;
  }

  function visitTypeInner(n: TS.Node): void {
    if (n.kind === K.TypeReference) {
      let t = (n as TS.TypeReferenceNode).typeName;
      while (ts.isQualifiedName(t)) t = t.left;
      log.push(EV.TYPE, t.text);
    } else if (n.kind === K.ExpressionWithTypeArguments) {
      const b = baseIdentifier((n as TS.ExpressionWithTypeArguments).expression);
      if (b) log.push(EV.TYPE, b);
    } else if (n.kind === K.TypeQuery) {
      let t = (n as TS.TypeQueryNode).exprName;
      while (ts.isQualifiedName(t)) t = t.left;
      if (ts.isIdentifier(t)) log.push(EV.USE, t.text);
    } else if (n.kind === K.TypeParameter) {
      log.push(EV.DEF, (n as TS.TypeParameterDeclaration).name.text);
    } else if (n.kind === K.StringLiteral || n.kind === K.NoSubstitutionTemplateLiteral) markSpan(n);
    ts.forEachChild(n, visitType);
  }

  // Starts are marked in pre-order and ends in post-order: both move forward, so the line cursors
  // advance instead of searching.
  function visit(node: TS.Node, parent?: TS.Node): void {
    const s = start(node);
    const hasText = !lean && s < node.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitInner(node, parent, s);
    if (hasText) isSource[endCursor.line(node.end - 1) - 1] = 1;
  }

  function visitInner(node: TS.Node, parent: TS.Node | undefined, s: number): void {
    const k = node.kind;
    if (k >= firstTypeNode && k <= lastTypeNode) return visitType(node);

    let stmt: Statement | undefined;
    if (!lean && isStatementList(parent) && (ts.isStatement(node) || ts.isClassElement(node))) {
      const isTop = frames.length === 0;
      stmt = new Statement(statementKind(node), lineOf(s), lineOf(Math.max(s, node.end - 1)), log, log.size, moduleBindings);
      const g = guardOf(node);
      stmt.guard = g.guard;
      stmt.assertion = g.assertion;
      (isTop ? top : frames[frames.length - 1]!.body).push(stmt);
      frames.push({ stmt, body: [] });
      const before = decisions;
      const fnCount = functions.length;
      visitNode(node, parent);
      const frame = frames.pop()!;
      stmt.evEnd = log.size;
      stmt.decisions = decisions - before;
      if (frame.body.length > 0) stmt.body = frame.body;
      const declared = functions[fnCount];
      if (declared && (k === K.FunctionDeclaration || ts.isClassElement(node) || (k === K.VariableStatement && declared.startLine >= stmt.startLine))) {
        if (k !== K.VariableStatement || (node as TS.VariableStatement).declarationList.declarations.length === 1) stmt.fn = declared;
      }
      stmt.name = stmt.fn?.name ?? ((node as TS.ClassDeclaration).name && ts.isIdentifier((node as TS.ClassDeclaration).name!) ? (node as TS.ClassDeclaration).name!.text : undefined);
      stmt.defines = namesDefinedBy(node);
      if (isTop) for (const d of stmt.defines) moduleBindings.add(d);
      return;
    }
    visitNode(node, parent);
  }

  function namesDefinedBy(node: TS.Node): string[] {
    if (ts.isVariableStatement(node)) {
      const out: string[] = [];
      const add = (b: TS.BindingName) => {
        if (ts.isIdentifier(b)) out.push(b.text);
        else for (const el of b.elements) if (!ts.isOmittedExpression(el)) add(el.name);
      };
      for (const d of node.declarationList.declarations) add(d.name);
      return out;
    }
    if (ts.isImportDeclaration(node)) return imports.length > 0 && imports[imports.length - 1]!.line === lineOf(start(node)) ? [...imports[imports.length - 1]!.bindings] : [];
    const nm = (node as TS.DeclarationStatement).name;
    if (nm && ts.isIdentifier(nm) && (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node) || ts.isImportEqualsDeclaration(node))) return [nm.text];
    if (ts.isClassElement(node) && node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) return [ts.idText(node.name)];
    return [];
  }

  function visitNode(node: TS.Node, parent: TS.Node | undefined): void {
    switch (CAT[node.kind]) {
      case 1:
        log.push(EV.USE, (node as TS.Identifier).text);
        return;
      case 2:
        markSpan(node);
        return;
      case 3:
        if (!(node as TS.JsxText).containsOnlyTriviaWhiteSpaces) markSpan(node);
        return;
      case 4: {
        decide();
        log.push(EV.BRANCH, raw((node as TS.IfStatement).expression));
        break;
      }
      case 5:
        decide();
        log.push(EV.BRANCH, raw((node as TS.ConditionalExpression).condition));
        break;
      case 6:
        decide();
        break;
      case 7: {
        decide();
        const f = node as TS.ForOfStatement;
        if (ts.isVariableDeclarationList(f.initializer)) visit(f.initializer);
        else visitTarget(f.initializer);
        visit(f.expression);
        visit(f.statement);
        return;
      }
      case 8:
        if (!modified) decide();
        log.push(EV.BRANCH, raw((node as TS.CaseClause).expression));
        break;
      case 9:
        if (modified) decide();
        break;
      case 10: {
        const b = node as TS.BinaryExpression;
        const op = b.operatorToken.kind;
        if (op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken || op === K.AmpersandAmpersandEqualsToken || op === K.BarBarEqualsToken || op === K.QuestionQuestionEqualsToken) decide();
        if (op === K.EqualsToken || (op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment)) {
          if (op === K.EqualsToken) visitTarget(b.left);
          else {
            const base = baseIdentifier(b.left);
            if (base) log.push(EV.WRITE, base);
            visit(b.left);
          }
          // A function assigned to a name is bound to it.
          const right = skipParens(b.right);
          if (isFunctionValue(right)) {
            const nm = ts.isPropertyAccessExpression(b.left) ? b.left.name.text : ts.isIdentifier(b.left) ? b.left.text : undefined;
            visitFunction(right, undefined, 'none', right.kind === K.FunctionExpression && right.name ? right.name.text : nm);
          } else visit(b.right);
          return;
        }
        break;
      }
      case 11: {
        const op = (node as TS.PrefixUnaryExpression).operator;
        if (op === K.PlusPlusToken || op === K.MinusMinusToken) {
          const base = baseIdentifier((node as TS.PrefixUnaryExpression).operand);
          if (base) log.push(EV.WRITE, base);
        }
        break;
      }
      case 12: {
        const p = node as TS.PropertyAccessExpression;
        if (p.questionDotToken && countOptional) decide();
        visit(p.expression);
        markNode(p.name, start(p.name));
        return;
      }
      case 13:
        if ((node as TS.ElementAccessExpression).questionDotToken && countOptional) decide();
        break;
      case 14: {
        const c = node as TS.CallExpression;
        if (c.questionDotToken && countOptional) decide();
        const callee = calleeName(c.expression);
        if (callee) log.push(EV.CALL, callee);
        break;
      }
      case 15: {
        const callee = calleeName((node as TS.NewExpression).expression);
        if (callee) log.push(EV.CALL, `new ${callee}`);
        break;
      }
      case 16:
        if ((node as TS.ReturnStatement).expression) log.push(EV.RETURN, '');
        break;
      case 17: {
        const p = node as TS.ParameterDeclaration;
        ts.getDecorators(p)?.forEach((d) => visit(d));
        if (p.type) visitType(p.type);
        if (p.initializer) {
          if (countDefaults) decide();
          visit(p.initializer);
        }
        visitBindingName(p.name, false);
        return;
      }
      case 18: {
        const d = node as TS.VariableDeclaration;
        if (functionDepth === 0 && frames.length === 1) requireImport(d);
        if (d.type) visitType(d.type);
        const init = d.initializer && skipParens(d.initializer);
        if (isFunctionValue(init) && ts.isIdentifier(d.name)) visitFunction(init, undefined, 'none', init.kind === K.FunctionExpression && init.name ? init.name.text : d.name.text);
        else if (d.initializer) visit(d.initializer);
        visitBindingName(d.name, functionDepth === 0 && frames.length <= 1);
        return;
      }
      case 19:
        visitFunction(node as TS.FunctionLikeDeclaration, undefined, 'none', undefined);
        if (node.kind === K.FunctionDeclaration) exportModifiers(node, [(node as TS.FunctionDeclaration).name?.text ?? 'default'], 'function');
        return;
      case 20: {
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        visitFunction(node as TS.FunctionLikeDeclaration, node, inClass ? 'method-definition' : 'property', undefined);
        return;
      }
      case 21: {
        const p = node as TS.PropertyAssignment;
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        else markNode(p.name, start(p.name));
        const v = skipParens(p.initializer);
        if (isFunctionValue(v)) visitFunction(v, p, 'property', staticKeyName(ts, p.name) ?? undefined);
        else visit(p.initializer);
        return;
      }
      case 22: {
        const p = node as TS.ShorthandPropertyAssignment;
        log.push(EV.USE, p.name.text);
        if (p.objectAssignmentInitializer) {
          if (countDefaults) decide();
          visit(p.objectAssignmentInitializer);
        }
        return;
      }
      case 23: {
        const p = node as TS.PropertyDeclaration;
        ts.getDecorators(p)?.forEach((d) => visit(d));
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        if (p.type) visitType(p.type);
        if (!p.initializer) return;
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        if (!inClass) { visit(p.initializer); return; }
        const v = skipParens(p.initializer);
        const keyName = staticKeyName(ts, p.name) ?? '<computed>';
        const unit = beginUnit(p.initializer, 'class-field', keyName, start(v), 'Class field initializer');
        functionDepth++;
        if (isFunctionValue(v)) visitFunction(v, p, 'property-definition', keyName);
        else visit(p.initializer);
        functionDepth--;
        endUnit(unit);
        return;
      }
      case 24: {
        const unit = beginUnit(node, 'static-block', 'static', start(node), 'Class static block');
        functionDepth++;
        visit((node as TS.ClassStaticBlockDeclaration).body);
        functionDepth--;
        endUnit(unit);
        return;
      }
      case 25:
        visitClass(node as TS.ClassLikeDeclaration);
        if (node.kind === K.ClassDeclaration) exportModifiers(node, [(node as TS.ClassDeclaration).name?.text ?? 'default'], 'class');
        return;
      case 26:
        visitImport(node as TS.ImportDeclaration);
        return;
      case 27: {
        const d = node as TS.ImportEqualsDeclaration;
        const ref = d.moduleReference;
        const mod = ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? ref.expression.text : textOf(ref);
        imports.push({ module: mod, line: lineOf(start(node)), default: d.name.text, typeOnly: d.isTypeOnly || undefined, bindings: [d.name.text] });
        log.push(EV.DEF, d.name.text);
        moduleBindings.add(d.name.text);
        return;
      }
      case 28: {
        const d = node as TS.ExportDeclaration;
        const from = d.moduleSpecifier && ts.isStringLiteral(d.moduleSpecifier) ? d.moduleSpecifier.text : undefined;
        const line = lineOf(start(node));
        if (d.exportClause && ts.isNamedExports(d.exportClause)) {
          for (const e of d.exportClause.elements) {
            exports.push({ name: e.name.text, kind: d.isTypeOnly || e.isTypeOnly ? 'type' : 'binding', line, from });
            if (!from) log.push(EV.USE, e.propertyName ? ts.idText(e.propertyName as TS.Identifier) : e.name.text);
          }
        } else exports.push({ name: d.exportClause ? (d.exportClause as TS.NamespaceExport).name.text : '*', kind: 'namespace', line, from });
        return;
      }
      case 29:
        exports.push({ name: (node as TS.ExportAssignment).isExportEquals ? 'export=' : 'default', kind: 'expression', line: lineOf(start(node)) });
        break;
      case 30: {
        const v = node as TS.VariableStatement;
        exportModifiers(node, v.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : [])), 'variable');
        visit(v.declarationList);
        return;
      }
      case 31: {
        const d = node as TS.InterfaceDeclaration;
        const kind = node.kind === K.InterfaceDeclaration ? 'interface' : node.kind === K.TypeAliasDeclaration ? 'type' : 'enum';
        types.push({ name: d.name.text, kind, startLine: lineOf(start(node)), endLine: lineOf(node.end - 1) });
        exportModifiers(node, [d.name.text], kind);
        log.push(EV.DEF, d.name.text);
        if (kind === 'enum') {
          for (const m of (node as TS.EnumDeclaration).members) {
            markNode(m, start(m));
            if (m.initializer) visit(m.initializer);
          }
          return;
        }
        ts.forEachChild(node, (c) => (c === d.name ? markNode(c, start(c)) : visitType(c)));
        return;
      }
      case 32:
        markNode((node as TS.LabeledStatement).label, start((node as TS.LabeledStatement).label));
        visit((node as TS.LabeledStatement).statement, node);
        return;
      case 33:
        return;
      case 34: {
        const a = node as TS.JsxAttribute;
        if (a.initializer) visit(a.initializer);
        return;
      }
      case 35: {
        const tag = (node as TS.JsxOpeningElement).tagName;
        if (ts.isIdentifier(tag) && /^[A-Z]/.test(tag.text) && node.kind !== K.JsxClosingElement) log.push(EV.USE, tag.text);
        else if (!ts.isIdentifier(tag)) visit(tag);
        markNode(tag, start(tag));
        (node as TS.JsxOpeningElement).typeArguments?.forEach(visitType);
        if (node.kind !== K.JsxClosingElement) visit((node as TS.JsxOpeningElement).attributes);
        return;
      }
      case 36:
        return;
      case 37:
        visitType(node);
        return;
      case 38:
        visit((node as TS.AsExpression).expression);
        visitType((node as TS.AsExpression).type);
        return;
      case 39: {
        const m = node as TS.ModuleDeclaration;
        if (ts.isIdentifier(m.name)) log.push(EV.DEF, m.name.text);
        if (m.body) visit(m.body, node);
        return;
      }
      default:
        break;
    }
    const saved = currentParent;
    currentParent = node;
    ts.forEachChild(node, visitChild);
    currentParent = saved;
  }
  // One callback for every forEachChild call (a closure per node would feed the GC).
  let currentParent: TS.Node | undefined;
  function visitChild(c: TS.Node): void {
    visit(c, currentParent);
  }

  for (const st of sf.statements) visit(st, sf);

  const diagnostics: Diagnostic[] = [];
  const parseDiagnostics = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  for (const d of parseDiagnostics.slice(0, 50)) {
    const line = lineOf(d.start);
    diagnostics.push({ code: 'E_ATOMIZE_SYNTAX', severity: 'warning', file: path, line, column: d.start - index.starts[line - 1]! + 1, message: ts.flattenDiagnosticMessageText(d.messageText, ' ') });
  }
  const lines = countLines(index, isSource);
  finishLoc(isSource, functions, classes);
  return { path, language, lines, isSource, functions, classes, imports, exports, types, statements: top, moduleBindings: [...moduleBindings], diagnostics };
}


