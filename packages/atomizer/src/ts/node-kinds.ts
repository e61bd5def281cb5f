import type * as TS from 'typescript';

/**
 * The walker dispatches on a small category per SyntaxKind: a jump table, not a chain of enum
 * lookups. 0 means "no special handling: visit the children".
 */
export const C = {
  IDENTIFIER: 1,
  LITERAL: 2,
  JSX_TEXT: 3,
  IF: 4,
  CONDITIONAL: 5,
  LOOP_OR_CATCH: 6,
  FOR_IN_OF: 7,
  CASE: 8,
  SWITCH: 9,
  BINARY: 10,
  UNARY: 11,
  PROPERTY_ACCESS: 12,
  ELEMENT_ACCESS: 13,
  CALL: 14,
  NEW: 15,
  RETURN_OR_YIELD: 16,
  PARAMETER: 17,
  VARIABLE_DECLARATION: 18,
  FUNCTION: 19,
  METHOD: 20,
  PROPERTY_ASSIGNMENT: 21,
  SHORTHAND_PROPERTY: 22,
  PROPERTY_DECLARATION: 23,
  STATIC_BLOCK: 24,
  CLASS: 25,
  IMPORT: 26,
  IMPORT_EQUALS: 27,
  EXPORT_DECLARATION: 28,
  EXPORT_ASSIGNMENT: 29,
  VARIABLE_STATEMENT: 30,
  TYPE_DECLARATION: 31,
  LABELED: 32,
  BREAK_OR_CONTINUE: 33,
  JSX_ATTRIBUTE: 34,
  JSX_TAG: 35,
  SKIPPED: 36,
  TYPE_PARAMETER: 37,
  TYPE_ASSERTION: 38,
  NAMESPACE: 39,
  TRY: 40,
  BLOCK: 41,
  FOR: 42,
  DEFAULT_CLAUSE: 43,
  OBJECT_LITERAL: 44,
  ARRAY_LITERAL: 45,
  VARIABLE_LIST: 46,
  CATCH: 47,
} as const;

export interface KindTables {
  /** SyntaxKind → category (C). */
  readonly category: Uint8Array;
  /** SyntaxKind → 1 when a node of that kind holds a list of statements or class members. */
  readonly statementList: Uint8Array;
}

// Built once per TypeScript module instance: SyntaxKind values differ between compiler versions.
const cache = new WeakMap<object, KindTables>();

export function kindTables(ts: typeof TS): KindTables {
  let tables = cache.get(ts);
  if (tables) return tables;
  const K = ts.SyntaxKind;
  const cat = new Uint8Array(K.Count + 1);
  cat[K.Identifier] = C.IDENTIFIER;
  cat[K.StringLiteral] = C.LITERAL;
  cat[K.NoSubstitutionTemplateLiteral] = C.LITERAL;
  cat[K.TemplateHead] = C.LITERAL;
  cat[K.TemplateMiddle] = C.LITERAL;
  cat[K.TemplateTail] = C.LITERAL;
  cat[K.RegularExpressionLiteral] = C.LITERAL;
  cat[K.JsxText] = C.JSX_TEXT;
  cat[K.IfStatement] = C.IF;
  cat[K.ConditionalExpression] = C.CONDITIONAL;
  cat[K.ForStatement] = C.FOR;
  cat[K.WhileStatement] = C.LOOP_OR_CATCH;
  cat[K.DoStatement] = C.LOOP_OR_CATCH;
  cat[K.CatchClause] = C.CATCH;
  cat[K.TryStatement] = C.TRY;
  cat[K.Block] = C.BLOCK;
  cat[K.CaseBlock] = C.BLOCK;
  cat[K.DefaultClause] = C.DEFAULT_CLAUSE;
  cat[K.ObjectLiteralExpression] = C.OBJECT_LITERAL;
  cat[K.ArrayLiteralExpression] = C.ARRAY_LITERAL;
  cat[K.VariableDeclarationList] = C.VARIABLE_LIST;
  cat[K.ForInStatement] = C.FOR_IN_OF;
  cat[K.ForOfStatement] = C.FOR_IN_OF;
  cat[K.CaseClause] = C.CASE;
  cat[K.SwitchStatement] = C.SWITCH;
  cat[K.BinaryExpression] = C.BINARY;
  cat[K.PrefixUnaryExpression] = C.UNARY;
  cat[K.PostfixUnaryExpression] = C.UNARY;
  cat[K.PropertyAccessExpression] = C.PROPERTY_ACCESS;
  cat[K.ElementAccessExpression] = C.ELEMENT_ACCESS;
  cat[K.CallExpression] = C.CALL;
  cat[K.NewExpression] = C.NEW;
  cat[K.ReturnStatement] = C.RETURN_OR_YIELD;
  cat[K.YieldExpression] = C.RETURN_OR_YIELD;
  cat[K.Parameter] = C.PARAMETER;
  cat[K.VariableDeclaration] = C.VARIABLE_DECLARATION;
  cat[K.FunctionDeclaration] = C.FUNCTION;
  cat[K.FunctionExpression] = C.FUNCTION;
  cat[K.ArrowFunction] = C.FUNCTION;
  cat[K.MethodDeclaration] = C.METHOD;
  cat[K.Constructor] = C.METHOD;
  cat[K.GetAccessor] = C.METHOD;
  cat[K.SetAccessor] = C.METHOD;
  cat[K.PropertyAssignment] = C.PROPERTY_ASSIGNMENT;
  cat[K.ShorthandPropertyAssignment] = C.SHORTHAND_PROPERTY;
  cat[K.PropertyDeclaration] = C.PROPERTY_DECLARATION;
  cat[K.ClassStaticBlockDeclaration] = C.STATIC_BLOCK;
  cat[K.ClassDeclaration] = C.CLASS;
  cat[K.ClassExpression] = C.CLASS;
  cat[K.ImportDeclaration] = C.IMPORT;
  cat[K.ImportEqualsDeclaration] = C.IMPORT_EQUALS;
  cat[K.ExportDeclaration] = C.EXPORT_DECLARATION;
  cat[K.ExportAssignment] = C.EXPORT_ASSIGNMENT;
  cat[K.VariableStatement] = C.VARIABLE_STATEMENT;
  cat[K.InterfaceDeclaration] = C.TYPE_DECLARATION;
  cat[K.TypeAliasDeclaration] = C.TYPE_DECLARATION;
  cat[K.EnumDeclaration] = C.TYPE_DECLARATION;
  cat[K.LabeledStatement] = C.LABELED;
  cat[K.BreakStatement] = C.BREAK_OR_CONTINUE;
  cat[K.ContinueStatement] = C.BREAK_OR_CONTINUE;
  cat[K.JsxAttribute] = C.JSX_ATTRIBUTE;
  cat[K.JsxOpeningElement] = C.JSX_TAG;
  cat[K.JsxSelfClosingElement] = C.JSX_TAG;
  cat[K.JsxClosingElement] = C.JSX_TAG;
  cat[K.QualifiedName] = C.SKIPPED;
  cat[K.MetaProperty] = C.SKIPPED;
  cat[K.ImportSpecifier] = C.SKIPPED;
  cat[K.TypeParameter] = C.TYPE_PARAMETER;
  cat[K.AsExpression] = C.TYPE_ASSERTION;
  cat[K.SatisfiesExpression] = C.TYPE_ASSERTION;
  cat[K.TypeAssertionExpression] = C.TYPE_ASSERTION;
  cat[K.ModuleDeclaration] = C.NAMESPACE;
  const statementList = new Uint8Array(K.Count + 1);
  for (const k of [
    K.SourceFile,
    K.Block,
    K.ModuleBlock,
    K.CaseClause,
    K.DefaultClause,
    K.ClassDeclaration,
    K.ClassExpression,
  ])
    statementList[k] = 1;
  tables = { category: cat, statementList };
  cache.set(ts, tables);
  return tables;
}
