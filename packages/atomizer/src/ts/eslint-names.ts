import type * as TS from 'typescript';

/** How ESLint's ESTree sees the owner of a function node (parentheses are invisible there). */
export type OwnerRole = 'property' | 'method-definition' | 'property-definition' | 'none';

function isStatic(ts: typeof TS, node: TS.Node): boolean {
  return (
    (ts.canHaveModifiers(node) ? ts.getModifiers(node) : undefined)?.some(
      (m) => m.kind === ts.SyntaxKind.StaticKeyword,
    ) ?? false
  );
}

/** ESLint's `getStaticPropertyName` for a property/method key. */
export function staticKeyName(ts: typeof TS, name: TS.PropertyName | undefined): string | null {
  if (!name) return null;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return ts.idText(name);
  if (ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isNumericLiteral(name)) return String(Number(name.text));
  if (ts.isBigIntLiteral(name)) return name.text.slice(0, -1);
  if (ts.isComputedPropertyName(name)) {
    let e = name.expression;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isNumericLiteral(e)) return String(Number(e.text));
    if (e.kind === ts.SyntaxKind.NullKeyword) return 'null';
    if (e.kind === ts.SyntaxKind.TrueKeyword) return 'true';
    if (e.kind === ts.SyntaxKind.FalseKeyword) return 'false';
  }
  return null;
}

/** ESLint's `getFunctionNameWithKind`, upper-cased as the `complexity` rule prints it. */
export function eslintFunctionName(
  ts: typeof TS,
  fn: TS.FunctionLikeDeclaration,
  owner: TS.Node | undefined,
  role: OwnerRole,
): string {
  const tokens: string[] = [];
  const key = owner && role !== 'none' ? (owner as TS.PropertyAssignment).name : undefined;
  if (role === 'method-definition' || role === 'property-definition') {
    if (owner && isStatic(ts, owner)) tokens.push('static');
    if (key && ts.isPrivateIdentifier(key)) tokens.push('private');
  }
  const mods = ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : undefined;
  if (mods?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) tokens.push('async');
  if ((fn as TS.FunctionDeclaration).asteriskToken) tokens.push('generator');
  if (role === 'property' || role === 'method-definition') {
    if (fn.kind === ts.SyntaxKind.Constructor) return 'Constructor';
    if (fn.kind === ts.SyntaxKind.GetAccessor) tokens.push('getter');
    else if (fn.kind === ts.SyntaxKind.SetAccessor) tokens.push('setter');
    else tokens.push('method');
  } else if (role === 'property-definition') {
    tokens.push('method');
  } else {
    if (fn.kind === ts.SyntaxKind.ArrowFunction) tokens.push('arrow');
    tokens.push('function');
  }
  if (role !== 'none') {
    if (key && ts.isPrivateIdentifier(key)) tokens.push(ts.idText(key));
    else {
      const name = staticKeyName(ts, key);
      if (name !== null) tokens.push(`'${name}'`);
      else if (fn.name && ts.isIdentifier(fn.name) && fn.kind === ts.SyntaxKind.FunctionExpression)
        tokens.push(`'${ts.idText(fn.name)}'`);
    }
  } else if (fn.name && ts.isIdentifier(fn.name)) {
    tokens.push(`'${ts.idText(fn.name)}'`);
  }
  const text = tokens.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const skipTriviaCache = new WeakMap<object, (text: string, pos: number) => number>();

/** `ts.skipTrivia` is internal to the compiler's typings but present at run time; fall back to a scan. */
export function skipTriviaOf(ts: typeof TS): (text: string, pos: number) => number {
  // One per compiler instance: it is asked for once per function (eslintHeadOffset).
  let skip = skipTriviaCache.get(ts);
  if (skip) return skip;
  const internal = (ts as unknown as { skipTrivia?: (text: string, pos: number) => number }).skipTrivia;
  if (internal) skip = (text, pos) => internal(text, pos);
  else {
    const scanner = ts.createScanner(ts.ScriptTarget.Latest, true);
    skip = (text, pos) => {
      scanner.setText(text, pos);
      scanner.scan();
      return scanner.getTokenStart();
    };
  }
  skipTriviaCache.set(ts, skip);
  return skip;
}

/** Offset where ESLint reports a function (`getFunctionHeadLoc`). */
export function eslintHeadOffset(
  ts: typeof TS,
  sf: TS.SourceFile,
  fn: TS.FunctionLikeDeclaration,
  owner: TS.Node | undefined,
  role: OwnerRole,
): number {
  const text = sf.text;
  const skip = skipTriviaOf(ts);
  if (role !== 'none' && owner) return skip(text, owner.pos);
  if (fn.kind === ts.SyntaxKind.ArrowFunction) return skip(text, (fn as TS.ArrowFunction).equalsGreaterThanToken.pos);
  const mods = ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : undefined;
  const asyncMod = mods?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (asyncMod) return skip(text, asyncMod.pos);
  const decorators = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : undefined;
  const last =
    fn.modifiers && fn.modifiers.length > 0
      ? fn.modifiers.end
      : decorators && decorators.length > 0
        ? decorators[decorators.length - 1]!.end
        : fn.pos;
  return skip(text, last);
}
