import { St3Error, isSt3Error } from '@st3/schemas';
import { createRequire } from 'module';
import { createHash } from 'crypto';
import { readFileSync, mkdirSync, writeFileSync, renameSync } from 'fs';
import { join } from 'path';

// src/language.ts
var BY_EXTENSION = {
  ".ts": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".tsx": "tsx",
  ".js": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".jsx": "jsx",
  ".py": "python",
  ".pyi": "python",
  ".pyw": "python"
};
var SUPPORTED_LANGUAGES = ["typescript", "tsx", "javascript", "jsx", "python"];
function isSupportedLanguage(value) {
  return SUPPORTED_LANGUAGES.includes(value);
}
function detectLanguage(path, text) {
  const lower = path.toLowerCase();
  if (lower.endsWith(".d.ts")) return "typescript";
  const dot = lower.lastIndexOf(".");
  const slash = Math.max(lower.lastIndexOf("/"), lower.lastIndexOf("\\"));
  if (dot > slash) {
    const lang = BY_EXTENSION[lower.slice(dot)];
    if (lang) return lang;
  }
  return text === void 0 ? void 0 : languageFromShebang(text);
}
function languageFromShebang(text) {
  if (!text.startsWith("#!")) return void 0;
  const end = text.indexOf("\n");
  const line = end === -1 ? text : text.slice(0, end);
  const words = line.slice(2).trim().split(/\s+/).filter((w) => !w.startsWith("-"));
  for (const word of words) {
    const base = word.slice(word.lastIndexOf("/") + 1);
    if (/^python(\d+(\.\d+)?)?$/.test(base) || base === "pypy3") return "python";
    if (base === "ts-node" || base === "tsx" || base === "deno" || base === "bun") return "typescript";
    if (/^node(js)?$/.test(base)) return "javascript";
  }
  return void 0;
}
function looksBinary(bytes) {
  const n = Math.min(bytes.length, 8192);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return true;
  return false;
}

// src/lines.ts
var LineIndex = class {
  constructor(text) {
    this.text = text;
    const starts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    if (starts.length > 1 && starts[starts.length - 1] === text.length) starts.pop();
    this.starts = starts;
    this.count = text.length === 0 ? 0 : starts.length;
  }
  text;
  starts;
  count;
  /** 1-based line of an offset. */
  lineOf(offset) {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  /** Text of lines a..b (1-based, inclusive), without the final newline. */
  slice(a, b) {
    const start = this.starts[a - 1] ?? this.text.length;
    const end = b < this.starts.length ? this.starts[b] - 1 : this.text.length;
    const t = this.text.slice(start, Math.max(start, end));
    return t.endsWith("\r") ? t.slice(0, -1) : t;
  }
  isBlank(line) {
    return this.slice(line, line).trim() === "";
  }
};
function countLines(index, isSource, from = 1, to = index.count) {
  let source = 0;
  let blank = 0;
  let comment = 0;
  for (let l = from; l <= to; l++) {
    if (isSource[l - 1]) source++;
    else if (index.isBlank(l)) blank++;
    else comment++;
  }
  return { physical: Math.max(0, to - from + 1), source, comment, blank };
}
function sourceLinesIn(isSource, from, to) {
  let n = 0;
  for (let l = from; l <= to; l++) n += isSource[l - 1] ?? 0;
  return n;
}

// src/metrics.ts
function finishLoc(isSource, functions, classes) {
  const prefix = new Uint32Array(isSource.length + 1);
  for (let i = 0; i < isSource.length; i++) prefix[i + 1] = prefix[i] + isSource[i];
  const src = (a, b) => b < a ? 0 : prefix[Math.min(b, isSource.length)] - prefix[Math.max(0, a - 1)];
  for (const f of functions) {
    f.physicalLoc = f.endLine - f.startLine + 1;
    f.loc = src(f.startLine, f.endLine);
  }
  for (const c of classes) c.loc = src(c.startLine, c.endLine);
}
var NONDETERMINISTIC = [
  /^Math\.random$/,
  /^Date\.now$/,
  /^new Date$/,
  /^performance\.now$/,
  /^crypto\.(randomUUID|randomBytes|randomInt|getRandomValues)$/,
  /^(random|secrets)\.\w+$/,
  /^time\.\w+$/,
  /^(datetime\.)?(datetime|date)\.(now|today|utcnow)$/,
  /^uuid\.uuid[14]$/,
  /^(uuid|nanoid|uuidv4|randomUUID)$/,
  /^os\.urandom$/
];
var IO = [
  /^console\.\w+$/,
  /^(fs|fsp|fs\.promises|promises)\.\w+$/,
  /^(readFile|writeFile|readFileSync|writeFileSync|appendFile|appendFileSync|mkdir|mkdirSync|unlink|unlinkSync|rm|rmSync|open|print|input|fetch|exec|execSync|spawn|spawnSync|execFile|execFileSync)$/,
  /^process\.(stdout|stderr|stdin)\.\w+$/,
  /^process\.(exit|chdir|kill)$/,
  /^(child_process|http|https|net|dgram)\.\w+$/,
  /^(axios|requests|urllib\.request|socket|subprocess|shutil)\.\w+$/,
  /^os\.(remove|unlink|mkdir|makedirs|rmdir|rename|replace|system|popen|chdir)$/,
  /^sys\.(stdout|stderr|stdin)\.\w+$/,
  /^sys\.exit$/,
  /^(logging|logger|log)\.(debug|info|warning|warn|error|critical|exception)$/,
  /^document\.\w+$/,
  /^window\.\w+$/,
  /^localStorage\.\w+$/,
  /^(sessionStorage|indexedDB)\.\w+$/,
  /^\w+\.(write_text|write_bytes|read_text|read_bytes|unlink|mkdir|touch)$/
];
var NONDETERMINISTIC_RE = new RegExp(NONDETERMINISTIC.map((r) => `(?:${r.source})`).join("|"));
var IO_RE = new RegExp(IO.map((r) => `(?:${r.source})`).join("|"));
function isNondeterministic(callee) {
  return NONDETERMINISTIC_RE.test(callee);
}
function isIoCall(callee) {
  return IO_RE.test(callee);
}
var loaded;
function loadTypeScript() {
  loaded ??= import('typescript').then(
    (m) => m.default ?? m,
    (error) => {
      loaded = void 0;
      throw new St3Error("E_ATOMIZE_ENGINE", `cannot load the TypeScript compiler: ${error.message}`, { cause: error });
    }
  );
  return loaded;
}
var loaded2;
function loadPython() {
  loaded2 ??= (async () => {
    try {
      const { Parser, Language } = await import('web-tree-sitter');
      await Parser.init();
      const require2 = createRequire(import.meta.url);
      const wasm = require2.resolve("tree-sitter-python/tree-sitter-python.wasm");
      const language = await Language.load(wasm);
      const parser = new Parser();
      parser.setLanguage(language);
      return { parser };
    } catch (error) {
      loaded2 = void 0;
      throw new St3Error("E_ATOMIZE_ENGINE", `cannot load the Python grammar: ${error.message}`, { cause: error });
    }
  })();
  return loaded2;
}

// src/events.ts
var EV = { USE: 0, CALL: 1, TYPE: 2, WRITE: 3, DEF: 4, BRANCH: 5, RETURN: 6 };
var EventLog = class {
  kinds = [];
  names = [];
  push(kind, name) {
    this.kinds.push(kind);
    this.names.push(name);
  }
  get size() {
    return this.kinds.length;
  }
  collect(from, to, kind) {
    const out = /* @__PURE__ */ new Set();
    for (let i = from; i < to; i++) if (this.kinds[i] === kind) out.add(this.names[i]);
    return [...out];
  }
  has(from, to, kind) {
    for (let i = from; i < to; i++) if (this.kinds[i] === kind) return true;
    return false;
  }
};
var Statement = class {
  constructor(kind, startLine, endLine, log, evStart, moduleBindings) {
    this.kind = kind;
    this.startLine = startLine;
    this.endLine = endLine;
    this.log = log;
    this.evStart = evStart;
    this.moduleBindings = moduleBindings;
  }
  kind;
  startLine;
  endLine;
  log;
  evStart;
  moduleBindings;
  decisions = 0;
  defines = [];
  fn;
  body;
  guard;
  assertion;
  name;
  evEnd = 0;
  cache = {};
  writes;
  lazy(key, kind) {
    let v = this.cache[key];
    if (!v) {
      v = this.log.collect(this.evStart, this.evEnd, kind);
      if (key === "uses") {
        const local = new Set(this.log.collect(this.evStart, this.evEnd, EV.DEF));
        v = v.filter((n) => !local.has(n));
      }
      this.cache[key] = v;
    }
    return v;
  }
  get uses() {
    return this.lazy("uses", EV.USE);
  }
  get calls() {
    return this.lazy("calls", EV.CALL);
  }
  get typeRefs() {
    return this.lazy("typeRefs", EV.TYPE);
  }
  get branches() {
    return this.cache.branches ??= this.log.collect(this.evStart, this.evEnd, EV.BRANCH).map((t) => {
      const one = t.replace(/\s+/g, " ");
      return one.length > 80 ? `${one.slice(0, 77)}...` : one;
    });
  }
  get returnsValue() {
    return this.log.has(this.evStart, this.evEnd, EV.RETURN);
  }
  get writesModuleState() {
    if (this.writes === void 0) {
      const local = new Set(this.log.collect(this.evStart, this.evEnd, EV.DEF));
      this.writes = this.log.collect(this.evStart, this.evEnd, EV.WRITE).some((n) => this.moduleBindings.has(n) && !local.has(n));
    }
    return this.writes;
  }
};
var LineCursor = class {
  constructor(starts) {
    this.starts = starts;
  }
  starts;
  cur = 0;
  line(offset) {
    const s = this.starts;
    let c = this.cur;
    if (offset >= s[c]) {
      for (let k = 0; k < 16; k++) {
        if (c + 1 >= s.length || offset < s[c + 1]) {
          this.cur = c;
          return c + 1;
        }
        c++;
      }
    }
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = lo + hi + 1 >> 1;
      if (s[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.cur = lo;
    return lo + 1;
  }
};

// src/ts/eslint-names.ts
function isStatic(ts, node) {
  return (ts.canHaveModifiers(node) ? ts.getModifiers(node) : void 0)?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword) ?? false;
}
function staticKeyName(ts, name) {
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
    if (e.kind === ts.SyntaxKind.NullKeyword) return "null";
    if (e.kind === ts.SyntaxKind.TrueKeyword) return "true";
    if (e.kind === ts.SyntaxKind.FalseKeyword) return "false";
  }
  return null;
}
function eslintFunctionName(ts, fn, owner, role) {
  const tokens = [];
  const key = owner && role !== "none" ? owner.name : void 0;
  if (role === "method-definition" || role === "property-definition") {
    if (owner && isStatic(ts, owner)) tokens.push("static");
    if (key && ts.isPrivateIdentifier(key)) tokens.push("private");
  }
  const mods = ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : void 0;
  if (mods?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) tokens.push("async");
  if (fn.asteriskToken) tokens.push("generator");
  if (role === "property" || role === "method-definition") {
    if (fn.kind === ts.SyntaxKind.Constructor) return "Constructor";
    if (fn.kind === ts.SyntaxKind.GetAccessor) tokens.push("getter");
    else if (fn.kind === ts.SyntaxKind.SetAccessor) tokens.push("setter");
    else tokens.push("method");
  } else if (role === "property-definition") {
    tokens.push("method");
  } else {
    if (fn.kind === ts.SyntaxKind.ArrowFunction) tokens.push("arrow");
    tokens.push("function");
  }
  if (role !== "none") {
    if (key && ts.isPrivateIdentifier(key)) tokens.push(ts.idText(key));
    else {
      const name = staticKeyName(ts, key);
      if (name !== null) tokens.push(`'${name}'`);
      else if (fn.name && ts.isIdentifier(fn.name) && fn.kind === ts.SyntaxKind.FunctionExpression) tokens.push(`'${ts.idText(fn.name)}'`);
    }
  } else if (fn.name && ts.isIdentifier(fn.name)) {
    tokens.push(`'${ts.idText(fn.name)}'`);
  }
  const text = tokens.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
function skipTriviaOf(ts) {
  const internal = ts.skipTrivia;
  if (internal) return (text, pos) => internal(text, pos);
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true);
  return (text, pos) => {
    scanner.setText(text, pos);
    scanner.scan();
    return scanner.getTokenStart();
  };
}
function eslintHeadOffset(ts, sf, fn, owner, role) {
  const text = sf.text;
  const skip = skipTriviaOf(ts);
  if (role !== "none" && owner) return skip(text, owner.pos);
  if (fn.kind === ts.SyntaxKind.ArrowFunction) return skip(text, fn.equalsGreaterThanToken.pos);
  const mods = ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : void 0;
  const asyncMod = mods?.find((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  if (asyncMod) return skip(text, asyncMod.pos);
  const decorators = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : void 0;
  const last = fn.modifiers && fn.modifiers.length > 0 ? fn.modifiers.end : decorators && decorators.length > 0 ? decorators[decorators.length - 1].end : fn.pos;
  return skip(text, last);
}

// src/ts/engine.ts
var SCRIPT_KIND = { typescript: 3, tsx: 4, javascript: 1, jsx: 2 };
function parseTypeScriptSource(ts, text, path, language, variant = "eslint") {
  const K = ts.SyntaxKind;
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, SCRIPT_KIND[language]);
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  const startCursor = new LineCursor(index.starts);
  const endCursor = new LineCursor(index.starts);
  const lineOf = (offset) => index.lineOf(offset);
  const log = new EventLog();
  const moduleBindings = /* @__PURE__ */ new Set();
  const functions = [];
  const classes = [];
  const imports = [];
  const exports = [];
  const types = [];
  const countOptional = variant !== "classic";
  const countDefaults = variant !== "classic";
  const modified = variant === "modified";
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
  const units = [{ fn: void 0, count: 1 }];
  const frames = [];
  const names = [];
  let decisions = 0;
  let functionDepth = 0;
  const top = [];
  const skip = skipTriviaOf(ts);
  const start = (n) => skip(text, n.pos);
  const textOf = (n) => text.slice(start(n), n.end);
  const raw = (n) => text.slice(start(n), Math.min(n.end, start(n) + 120));
  const short = (n) => {
    const t = textOf(n).replace(/\s+/g, " ");
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  };
  const decide = () => {
    units[units.length - 1].count++;
    decisions++;
  };
  const skipParens = (e) => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return e;
  };
  const isFunctionValue = (e) => !!e && (e.kind === K.FunctionExpression || e.kind === K.ArrowFunction);
  const calleeName = (e) => {
    e = skipParens(e);
    if (ts.isIdentifier(e)) return e.text;
    if (ts.isPropertyAccessExpression(e)) {
      const base = calleeName(e.expression);
      return base ? `${base}.${e.name.text}` : void 0;
    }
    if (e.kind === K.ThisKeyword) return "this";
    return void 0;
  };
  const baseIdentifier = (e) => {
    e = skipParens(e);
    while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e) || ts.isNonNullExpression(e)) e = skipParens(e.expression);
    return ts.isIdentifier(e) ? e.text : void 0;
  };
  function paramsOf(fn) {
    return fn.parameters.map((p) => ({
      name: ts.isIdentifier(p.name) ? p.name.text : textOf(p.name),
      type: p.type ? textOf(p.type) : void 0,
      optional: !!p.questionToken || !!p.initializer || void 0,
      defaultValue: p.initializer ? short(p.initializer) : void 0,
      rest: !!p.dotDotDotToken || void 0
    }));
  }
  function beginUnit(node, kind, name, reportOffset, reportName, fnNode) {
    const mods = fnNode && ts.canHaveModifiers(fnNode) ? ts.getModifiers(fnNode) : void 0;
    const rl = lineOf(reportOffset);
    const fn = {
      name,
      kind,
      qualifiedName: [...names, name].join("."),
      startLine: lineOf(start(node)),
      endLine: lineOf(Math.max(start(node), node.end - 1)),
      loc: 0,
      physicalLoc: 0,
      complexity: 1,
      params: fnNode ? paramsOf(fnNode) : [],
      returnType: fnNode?.type ? textOf(fnNode.type) : void 0,
      async: mods?.some((m) => m.kind === K.AsyncKeyword) ?? false,
      generator: !!fnNode?.asteriskToken,
      reportLine: rl,
      reportColumn: reportOffset - index.starts[rl - 1] + 1,
      reportName,
      reported: true
    };
    functions.push(fn);
    const unit = { fn, count: 1 };
    units.push(unit);
    names.push(name);
    return unit;
  }
  function endUnit(unit) {
    unit.fn.complexity = unit.count;
    units.pop();
    names.pop();
  }
  function functionKind(fn, role) {
    switch (fn.kind) {
      case K.Constructor:
        return "constructor";
      case K.GetAccessor:
        return "getter";
      case K.SetAccessor:
        return "setter";
      case K.MethodDeclaration:
        return "method";
      case K.ArrowFunction:
        return role === "none" ? "arrow" : "method";
      case K.FunctionExpression:
        return role === "none" ? "function-expression" : "method";
      default:
        return "function";
    }
  }
  function visitFunction(fn, owner, role, boundName) {
    const hasBody = !!fn.body;
    if (!hasBody) {
      ts.forEachChild(fn, visit);
      return;
    }
    const name = fn.kind === K.Constructor ? "constructor" : boundName ?? (fn.name && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name)) ? ts.idText(fn.name) : staticKeyName(ts, fn.name) ?? "<anonymous>");
    if (fn.kind === K.FunctionDeclaration && fn.name) log.push(EV.DEF, fn.name.text);
    if (fn.kind !== K.FunctionExpression && fn.kind !== K.ArrowFunction && fn.kind !== K.FunctionDeclaration) {
      ts.canHaveModifiers(fn) ? ts.getModifiers(fn) : void 0;
      const decs = ts.canHaveDecorators(fn) ? ts.getDecorators(fn) : void 0;
      decs?.forEach((d) => visit(d));
      if (fn.name && ts.isComputedPropertyName(fn.name)) visit(fn.name.expression);
    }
    const unit = beginUnit(fn, functionKind(fn, role), name, eslintHeadOffset(ts, sf, fn, owner, role), eslintFunctionName(ts, fn, owner, role), fn);
    functionDepth++;
    if (fn.kind === K.FunctionExpression && fn.name) log.push(EV.DEF, fn.name.text);
    fn.typeParameters?.forEach(visitType);
    for (const p of fn.parameters) visit(p);
    if (fn.type) visitType(fn.type);
    visit(fn.body);
    functionDepth--;
    endUnit(unit);
  }
  function markNode(n, s) {
    if (s < n.end) {
      isSource[startCursor.line(s) - 1] = 1;
      isSource[endCursor.line(n.end - 1) - 1] = 1;
    }
  }
  function markSpan(n) {
    const a = lineOf(start(n));
    const b = lineOf(Math.max(start(n), n.end - 1));
    for (let l = a; l <= b; l++) isSource[l - 1] = 1;
  }
  function statementKind(n) {
    switch (n.kind) {
      case K.FunctionDeclaration:
        return "function";
      case K.ClassDeclaration:
        return "class";
      case K.ImportDeclaration:
      case K.ImportEqualsDeclaration:
        return "import";
      case K.ExportDeclaration:
      case K.ExportAssignment:
        return "export";
      case K.VariableStatement:
        return "variable";
      case K.InterfaceDeclaration:
        return "interface";
      case K.TypeAliasDeclaration:
        return "type";
      case K.EnumDeclaration:
        return "enum";
      case K.ModuleDeclaration:
        return "namespace";
      case K.IfStatement:
        return "if";
      case K.ForStatement:
      case K.ForInStatement:
      case K.ForOfStatement:
      case K.WhileStatement:
      case K.DoStatement:
        return "loop";
      case K.SwitchStatement:
        return "switch";
      case K.TryStatement:
        return "try";
      case K.ReturnStatement:
        return "return";
      case K.ThrowStatement:
        return "throw";
      case K.MethodDeclaration:
        return "method";
      case K.Constructor:
        return "constructor";
      case K.GetAccessor:
        return "getter";
      case K.SetAccessor:
        return "setter";
      case K.PropertyDeclaration:
        return "property";
      case K.ClassStaticBlockDeclaration:
        return "static-block";
      case K.Block:
        return "block";
      default:
        return "statement";
    }
  }
  const LIST = new Uint8Array(K.Count + 1);
  for (const k of [K.SourceFile, K.Block, K.ModuleBlock, K.CaseClause, K.DefaultClause, K.ClassDeclaration, K.ClassExpression]) LIST[k] = 1;
  function isStatementList(parent) {
    return parent !== void 0 && LIST[parent.kind] === 1;
  }
  function guardOf(n) {
    if (ts.isIfStatement(n) && !n.elseStatement) {
      let t = n.thenStatement;
      if (ts.isBlock(t) && t.statements.length === 1) t = t.statements[0];
      if (ts.isThrowStatement(t) || ts.isReturnStatement(t)) return { guard: short(n.expression) };
    }
    if (ts.isExpressionStatement(n) && ts.isCallExpression(n.expression)) {
      const callee = calleeName(n.expression.expression);
      if (callee && /(^|\.)(assert|invariant|ok|strictEqual|equal)$/.test(callee) || callee === "console.assert") {
        return { assertion: short(n.expression) };
      }
    }
    return {};
  }
  function visitBindingName(name, isModule) {
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
  function visitTarget(e) {
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
  function visitClass(node) {
    const name = node.name?.text ?? "<anonymous>";
    if (node.name) log.push(EV.DEF, name);
    ts.getDecorators(node)?.forEach((d) => visit(d));
    node.typeParameters?.forEach(visitType);
    const bases = [];
    for (const h of node.heritageClauses ?? []) {
      for (const t of h.types) {
        bases.push(textOf(t.expression));
        if (h.token === K.ExtendsKeyword) {
          visit(t.expression);
          t.typeArguments?.forEach(visitType);
        } else visitType(t);
      }
    }
    const record2 = { name, startLine: lineOf(start(node)), endLine: lineOf(node.end - 1), loc: 0, bases, members: [] };
    classes.push(record2);
    if (node.name) types.push({ name, kind: "class", startLine: record2.startLine, endLine: record2.endLine });
    names.push(name);
    for (const m of node.members) {
      const isStatic2 = (ts.canHaveModifiers(m) ? ts.getModifiers(m) : void 0)?.some((x) => x.kind === K.StaticKeyword) || void 0;
      const mName = m.kind === K.Constructor ? "constructor" : m.kind === K.ClassStaticBlockDeclaration ? "static" : m.name ? ts.isPrivateIdentifier(m.name) || ts.isIdentifier(m.name) ? ts.idText(m.name) : staticKeyName(ts, m.name) ?? textOf(m.name) : "";
      record2.members.push({ name: mName, kind: statementKind(m), line: lineOf(start(m)), static: isStatic2 });
      visit(m, node);
    }
    names.pop();
  }
  function visitImport(node) {
    const mod = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : textOf(node.moduleSpecifier);
    const rec = { module: mod, line: lineOf(start(node)), bindings: [] };
    const clause = node.importClause;
    if (clause) {
      if (clause.isTypeOnly) rec.typeOnly = true;
      if (clause.name) {
        rec.default = clause.name.text;
        rec.bindings.push(clause.name.text);
      }
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        rec.namespace = nb.name.text;
        rec.bindings.push(nb.name.text);
      } else if (nb) {
        rec.named = nb.elements.map((e) => ({ name: e.propertyName ? ts.idText(e.propertyName) : e.name.text, alias: e.propertyName ? e.name.text : void 0, typeOnly: e.isTypeOnly || void 0 }));
        for (const e of nb.elements) rec.bindings.push(e.name.text);
      }
    }
    for (const b of rec.bindings) {
      log.push(EV.DEF, b);
      moduleBindings.add(b);
    }
    imports.push(rec);
  }
  function requireImport(decl) {
    const init = decl.initializer && skipParens(decl.initializer);
    if (!init || !ts.isCallExpression(init) || !ts.isIdentifier(init.expression) || init.expression.text !== "require") return;
    const arg = init.arguments[0];
    if (!arg || !ts.isStringLiteral(arg)) return;
    const rec = { module: arg.text, line: lineOf(start(decl)), bindings: [] };
    if (ts.isIdentifier(decl.name)) {
      rec.default = decl.name.text;
      rec.bindings.push(decl.name.text);
    } else if (ts.isObjectBindingPattern(decl.name)) {
      rec.named = decl.name.elements.filter((e) => ts.isIdentifier(e.name)).map((e) => {
        const local = e.name.text;
        const remote = e.propertyName ? staticKeyName(ts, e.propertyName) ?? local : local;
        return remote === local ? { name: local } : { name: remote, alias: local };
      });
      rec.bindings.push(...rec.named.map((n) => n.alias ?? n.name));
    }
    imports.push(rec);
  }
  function exportModifiers(node, namesOf, kind) {
    const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) : void 0;
    if (!mods?.some((m) => m.kind === K.ExportKeyword)) return;
    const isDefault = mods.some((m) => m.kind === K.DefaultKeyword);
    const line = lineOf(start(node));
    if (isDefault) exports.push({ name: "default", kind, line });
    else for (const n of namesOf) exports.push({ name: n, kind, line });
  }
  function visitType(n) {
    const s = start(n);
    const hasText = s < n.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitTypeInner(n);
    if (hasText) isSource[endCursor.line(n.end - 1) - 1] = 1;
  }
  function visitTypeInner(n) {
    if (n.kind === K.TypeReference) {
      let t = n.typeName;
      while (ts.isQualifiedName(t)) t = t.left;
      log.push(EV.TYPE, t.text);
    } else if (n.kind === K.ExpressionWithTypeArguments) {
      const b = baseIdentifier(n.expression);
      if (b) log.push(EV.TYPE, b);
    } else if (n.kind === K.TypeQuery) {
      let t = n.exprName;
      while (ts.isQualifiedName(t)) t = t.left;
      if (ts.isIdentifier(t)) log.push(EV.USE, t.text);
    } else if (n.kind === K.TypeParameter) {
      log.push(EV.DEF, n.name.text);
    } else if (n.kind === K.StringLiteral || n.kind === K.NoSubstitutionTemplateLiteral) markSpan(n);
    ts.forEachChild(n, visitType);
  }
  function visit(node, parent) {
    const s = start(node);
    const hasText = s < node.end;
    if (hasText) isSource[startCursor.line(s) - 1] = 1;
    visitInner(node, parent, s);
    if (hasText) isSource[endCursor.line(node.end - 1) - 1] = 1;
  }
  function visitInner(node, parent, s) {
    const k = node.kind;
    if (k >= firstTypeNode && k <= lastTypeNode) return visitType(node);
    let stmt;
    if (isStatementList(parent) && (ts.isStatement(node) || ts.isClassElement(node))) {
      const isTop = frames.length === 0;
      stmt = new Statement(statementKind(node), lineOf(s), lineOf(Math.max(s, node.end - 1)), log, log.size, moduleBindings);
      const g = guardOf(node);
      stmt.guard = g.guard;
      stmt.assertion = g.assertion;
      (isTop ? top : frames[frames.length - 1].body).push(stmt);
      frames.push({ stmt, body: [] });
      const before = decisions;
      const fnCount = functions.length;
      visitNode(node, parent);
      const frame = frames.pop();
      stmt.evEnd = log.size;
      stmt.decisions = decisions - before;
      if (frame.body.length > 0) stmt.body = frame.body;
      const declared = functions[fnCount];
      if (declared && (k === K.FunctionDeclaration || ts.isClassElement(node) || k === K.VariableStatement && declared.startLine >= stmt.startLine)) {
        if (k !== K.VariableStatement || node.declarationList.declarations.length === 1) stmt.fn = declared;
      }
      stmt.name = stmt.fn?.name ?? (node.name && ts.isIdentifier(node.name) ? node.name.text : void 0);
      stmt.defines = namesDefinedBy(node);
      if (isTop) for (const d of stmt.defines) moduleBindings.add(d);
      return;
    }
    visitNode(node, parent);
  }
  function namesDefinedBy(node) {
    if (ts.isVariableStatement(node)) {
      const out = [];
      const add = (b) => {
        if (ts.isIdentifier(b)) out.push(b.text);
        else for (const el of b.elements) if (!ts.isOmittedExpression(el)) add(el.name);
      };
      for (const d of node.declarationList.declarations) add(d.name);
      return out;
    }
    if (ts.isImportDeclaration(node)) return imports.length > 0 && imports[imports.length - 1].line === lineOf(start(node)) ? [...imports[imports.length - 1].bindings] : [];
    const nm = node.name;
    if (nm && ts.isIdentifier(nm) && (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node) || ts.isEnumDeclaration(node) || ts.isModuleDeclaration(node) || ts.isImportEqualsDeclaration(node))) return [nm.text];
    if (ts.isClassElement(node) && node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name))) return [ts.idText(node.name)];
    return [];
  }
  function visitNode(node, parent) {
    switch (CAT[node.kind]) {
      case 1:
        log.push(EV.USE, node.text);
        return;
      case 2:
        markSpan(node);
        return;
      case 3:
        if (!node.containsOnlyTriviaWhiteSpaces) markSpan(node);
        return;
      case 4: {
        decide();
        log.push(EV.BRANCH, raw(node.expression));
        break;
      }
      case 5:
        decide();
        log.push(EV.BRANCH, raw(node.condition));
        break;
      case 6:
        decide();
        break;
      case 7: {
        decide();
        const f = node;
        if (ts.isVariableDeclarationList(f.initializer)) visit(f.initializer);
        else visitTarget(f.initializer);
        visit(f.expression);
        visit(f.statement);
        return;
      }
      case 8:
        if (!modified) decide();
        log.push(EV.BRANCH, raw(node.expression));
        break;
      case 9:
        if (modified) decide();
        break;
      case 10: {
        const b = node;
        const op = b.operatorToken.kind;
        if (op === K.AmpersandAmpersandToken || op === K.BarBarToken || op === K.QuestionQuestionToken || op === K.AmpersandAmpersandEqualsToken || op === K.BarBarEqualsToken || op === K.QuestionQuestionEqualsToken) decide();
        if (op === K.EqualsToken || op >= K.FirstCompoundAssignment && op <= K.LastCompoundAssignment) {
          if (op === K.EqualsToken) visitTarget(b.left);
          else {
            const base = baseIdentifier(b.left);
            if (base) log.push(EV.WRITE, base);
            visit(b.left);
          }
          const right = skipParens(b.right);
          if (isFunctionValue(right)) {
            const nm = ts.isPropertyAccessExpression(b.left) ? b.left.name.text : ts.isIdentifier(b.left) ? b.left.text : void 0;
            visitFunction(right, void 0, "none", right.kind === K.FunctionExpression && right.name ? right.name.text : nm);
          } else visit(b.right);
          return;
        }
        break;
      }
      case 11: {
        const op = node.operator;
        if (op === K.PlusPlusToken || op === K.MinusMinusToken) {
          const base = baseIdentifier(node.operand);
          if (base) log.push(EV.WRITE, base);
        }
        break;
      }
      case 12: {
        const p = node;
        if (p.questionDotToken && countOptional) decide();
        visit(p.expression);
        markNode(p.name, start(p.name));
        return;
      }
      case 13:
        if (node.questionDotToken && countOptional) decide();
        break;
      case 14: {
        const c = node;
        if (c.questionDotToken && countOptional) decide();
        const callee = calleeName(c.expression);
        if (callee) log.push(EV.CALL, callee);
        break;
      }
      case 15: {
        const callee = calleeName(node.expression);
        if (callee) log.push(EV.CALL, `new ${callee}`);
        break;
      }
      case 16:
        if (node.expression) log.push(EV.RETURN, "");
        break;
      case 17: {
        const p = node;
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
        const d = node;
        if (functionDepth === 0 && frames.length === 1) requireImport(d);
        if (d.type) visitType(d.type);
        const init = d.initializer && skipParens(d.initializer);
        if (isFunctionValue(init) && ts.isIdentifier(d.name)) visitFunction(init, void 0, "none", init.kind === K.FunctionExpression && init.name ? init.name.text : d.name.text);
        else if (d.initializer) visit(d.initializer);
        visitBindingName(d.name, functionDepth === 0 && frames.length <= 1);
        return;
      }
      case 19:
        visitFunction(node, void 0, "none", void 0);
        if (node.kind === K.FunctionDeclaration) exportModifiers(node, [node.name?.text ?? "default"], "function");
        return;
      case 20: {
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        visitFunction(node, node, inClass ? "method-definition" : "property", void 0);
        return;
      }
      case 21: {
        const p = node;
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        else markNode(p.name, start(p.name));
        const v = skipParens(p.initializer);
        if (isFunctionValue(v)) visitFunction(v, p, "property", staticKeyName(ts, p.name) ?? void 0);
        else visit(p.initializer);
        return;
      }
      case 22: {
        const p = node;
        log.push(EV.USE, p.name.text);
        if (p.objectAssignmentInitializer) {
          if (countDefaults) decide();
          visit(p.objectAssignmentInitializer);
        }
        return;
      }
      case 23: {
        const p = node;
        ts.getDecorators(p)?.forEach((d) => visit(d));
        if (ts.isComputedPropertyName(p.name)) visit(p.name.expression);
        if (p.type) visitType(p.type);
        if (!p.initializer) return;
        const inClass = parent && (parent.kind === K.ClassDeclaration || parent.kind === K.ClassExpression);
        if (!inClass) {
          visit(p.initializer);
          return;
        }
        const v = skipParens(p.initializer);
        const keyName = staticKeyName(ts, p.name) ?? "<computed>";
        const unit = beginUnit(p.initializer, "class-field", keyName, start(v), "Class field initializer");
        functionDepth++;
        if (isFunctionValue(v)) visitFunction(v, p, "property-definition", keyName);
        else visit(p.initializer);
        functionDepth--;
        endUnit(unit);
        return;
      }
      case 24: {
        const unit = beginUnit(node, "static-block", "static", start(node), "Class static block");
        functionDepth++;
        visit(node.body);
        functionDepth--;
        endUnit(unit);
        return;
      }
      case 25:
        visitClass(node);
        if (node.kind === K.ClassDeclaration) exportModifiers(node, [node.name?.text ?? "default"], "class");
        return;
      case 26:
        visitImport(node);
        return;
      case 27: {
        const d = node;
        const ref = d.moduleReference;
        const mod = ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression) ? ref.expression.text : textOf(ref);
        imports.push({ module: mod, line: lineOf(start(node)), default: d.name.text, typeOnly: d.isTypeOnly || void 0, bindings: [d.name.text] });
        log.push(EV.DEF, d.name.text);
        moduleBindings.add(d.name.text);
        return;
      }
      case 28: {
        const d = node;
        const from = d.moduleSpecifier && ts.isStringLiteral(d.moduleSpecifier) ? d.moduleSpecifier.text : void 0;
        const line = lineOf(start(node));
        if (d.exportClause && ts.isNamedExports(d.exportClause)) {
          for (const e of d.exportClause.elements) {
            exports.push({ name: e.name.text, kind: d.isTypeOnly || e.isTypeOnly ? "type" : "binding", line, from });
            if (!from) log.push(EV.USE, e.propertyName ? ts.idText(e.propertyName) : e.name.text);
          }
        } else exports.push({ name: d.exportClause ? d.exportClause.name.text : "*", kind: "namespace", line, from });
        return;
      }
      case 29:
        exports.push({ name: node.isExportEquals ? "export=" : "default", kind: "expression", line: lineOf(start(node)) });
        break;
      case 30: {
        const v = node;
        exportModifiers(node, v.declarationList.declarations.flatMap((d) => ts.isIdentifier(d.name) ? [d.name.text] : []), "variable");
        visit(v.declarationList);
        return;
      }
      case 31: {
        const d = node;
        const kind = node.kind === K.InterfaceDeclaration ? "interface" : node.kind === K.TypeAliasDeclaration ? "type" : "enum";
        types.push({ name: d.name.text, kind, startLine: lineOf(start(node)), endLine: lineOf(node.end - 1) });
        exportModifiers(node, [d.name.text], kind);
        log.push(EV.DEF, d.name.text);
        if (kind === "enum") {
          for (const m of node.members) {
            markNode(m, start(m));
            if (m.initializer) visit(m.initializer);
          }
          return;
        }
        ts.forEachChild(node, (c) => c === d.name ? markNode(c, start(c)) : visitType(c));
        return;
      }
      case 32:
        markNode(node.label, start(node.label));
        visit(node.statement, node);
        return;
      case 33:
        return;
      case 34: {
        const a = node;
        if (a.initializer) visit(a.initializer);
        return;
      }
      case 35: {
        const tag = node.tagName;
        if (ts.isIdentifier(tag) && /^[A-Z]/.test(tag.text) && node.kind !== K.JsxClosingElement) log.push(EV.USE, tag.text);
        else if (!ts.isIdentifier(tag)) visit(tag);
        markNode(tag, start(tag));
        node.typeArguments?.forEach(visitType);
        if (node.kind !== K.JsxClosingElement) visit(node.attributes);
        return;
      }
      case 36:
        return;
      case 37:
        visitType(node);
        return;
      case 38:
        visit(node.expression);
        visitType(node.type);
        return;
      case 39: {
        const m = node;
        if (ts.isIdentifier(m.name)) log.push(EV.DEF, m.name.text);
        if (m.body) visit(m.body, node);
        return;
      }
    }
    const saved = currentParent;
    currentParent = node;
    ts.forEachChild(node, visitChild);
    currentParent = saved;
  }
  let currentParent;
  function visitChild(c) {
    visit(c, currentParent);
  }
  for (const st of sf.statements) visit(st, sf);
  const diagnostics = [];
  const parseDiagnostics = sf.parseDiagnostics ?? [];
  for (const d of parseDiagnostics.slice(0, 50)) {
    const line = lineOf(d.start);
    diagnostics.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, line, column: d.start - index.starts[line - 1] + 1, message: ts.flattenDiagnosticMessageText(d.messageText, " ") });
  }
  const lines = countLines(index, isSource);
  finishLoc(isSource, functions, classes);
  return { path, language, lines, isSource, functions, classes, imports, exports, types, statements: top, moduleBindings: [...moduleBindings], diagnostics };
}

// src/python/mccabe.ts
var Graph = class {
  edges = 0;
  nodes = /* @__PURE__ */ new Set();
  connect(a, b) {
    this.edges++;
    this.nodes.add(a);
    this.nodes.add(b);
  }
  complexity() {
    return this.edges - this.nodes.size + 2;
  }
};
function statementsOf(block) {
  if (!block) return [];
  return block.namedChildren.filter((c) => c !== null && c.type !== "comment");
}
function unwrap(node) {
  return node.type === "decorated_definition" ? node.childForFieldName("definition") ?? node : node;
}
function elseBody(node) {
  for (const c of node.namedChildren) if (c && c.type === "else_clause") return statementsOf(c.childForFieldName("body") ?? c.namedChildren.find((x) => x?.type === "block") ?? null);
  return void 0;
}
function compoundOf(node) {
  const line = node.startPosition.row + 1;
  const column = node.startPosition.column;
  switch (node.type) {
    case "if_statement":
    case "elif_clause": {
      let orelse;
      if (node.type === "if_statement") {
        const elifs = node.namedChildren.filter((c) => c?.type === "elif_clause");
        const els = elseBody(node);
        orelse = els;
        for (let i = elifs.length - 1; i >= 0; i--) {
          const e = elifs[i];
          orelse = { kind: "if", line: e.startPosition.row + 1, column: e.startPosition.column, body: statementsOf(e.childForFieldName("consequence")), extra: [], orelse };
        }
      }
      return { kind: "if", line, column, body: statementsOf(node.childForFieldName("consequence")), extra: [], orelse };
    }
    case "for_statement":
    case "while_statement":
      return { kind: "loop", line, column, body: statementsOf(node.childForFieldName("body")), extra: [], orelse: elseBody(node) };
    case "try_statement": {
      if (node.namedChildren.some((c) => c?.type === "except_clause" && c.children.some((t) => t?.type === "*"))) return void 0;
      const handlers = node.namedChildren.filter((c) => c?.type === "except_clause" || c?.type === "except_group_clause");
      const handlerBodies = handlers.map((h) => statementsOf(h.namedChildren.find((x) => x?.type === "block") ?? null));
      return { kind: "try", line, column, body: statementsOf(node.childForFieldName("body")), extra: handlerBodies, orelse: elseBody(node) };
    }
    default:
      return void 0;
  }
}
var NAMES = { if: "If", loop: "Loop", try: "TryExcept" };
var McCabeVisitor = class _McCabeVisitor {
  graphs = /* @__PURE__ */ new Map();
  classname = "";
  graph = null;
  tail = 0;
  nextId = 1;
  current;
  node() {
    return this.nextId++;
  }
  visitModule(root) {
    this.dispatchList(statementsOf(root));
  }
  /** A function's graph as if it stood alone (what mccabe would say about a nested def at top level). */
  static functionComplexity(def) {
    const v = new _McCabeVisitor();
    v.dispatch(def);
    const g = [...v.graphs.values()][0];
    return g ? g.complexity : 1;
  }
  dispatchList(nodes) {
    for (const n of nodes) this.dispatch(n);
  }
  dispatch(raw) {
    const node = unwrap(raw);
    switch (node.type) {
      case "function_definition":
        return this.visitFunction(node);
      case "class_definition": {
        const old = this.classname;
        this.classname += `${node.childForFieldName("name")?.text ?? ""}.`;
        this.dispatchList(statementsOf(node.childForFieldName("body")));
        this.classname = old;
        return;
      }
      case "with_statement":
        this.append();
        this.dispatchList(statementsOf(node.childForFieldName("body")));
        return;
      default: {
        const c = compoundOf(node);
        if (c) this.subgraph(c, node);
        else this.append();
      }
    }
  }
  append() {
    if (!this.tail) return 0;
    const n = this.node();
    this.graph.connect(this.tail, n);
    this.tail = n;
    return n;
  }
  visitFunction(node) {
    const name = node.childForFieldName("name")?.text ?? "";
    const entity = `${this.classname}${name}`;
    if (this.graph) {
      const pathnode = this.append();
      this.tail = pathnode;
      this.dispatchList(statementsOf(node.childForFieldName("body")));
      const bottom = this.node();
      this.graph.connect(this.tail, bottom);
      this.graph.connect(pathnode, bottom);
      this.tail = bottom;
      return;
    }
    this.graph = new Graph();
    this.current = { key: entity, entity, line: node.startPosition.row + 1, column: node.startPosition.column, node };
    this.tail = this.node();
    this.dispatchList(statementsOf(node.childForFieldName("body")));
    this.finish();
  }
  finish() {
    const c = this.current;
    this.graphs.set(c.key, { ...c, complexity: this.graph.complexity() });
    this.graph = null;
    this.tail = 0;
  }
  subgraph(c, node) {
    const name = `${NAMES[c.kind]} ${c.line}`;
    if (!this.graph) {
      this.graph = new Graph();
      this.current = { key: `${this.classname}${name}`, entity: name, line: c.line, column: c.column, node: void 0 };
      const pathnode = this.node();
      this.parse(c, pathnode);
      this.finish();
    } else {
      const pathnode = this.append();
      this.parse(c, pathnode);
    }
  }
  parse(c, pathnode) {
    const loose = [];
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
      for (const le of loose) this.graph.connect(le, bottom);
      this.tail = bottom;
    }
  }
  /** An `elif` is an If statement inside the orelse list. */
  subgraphNested(c) {
    this.subgraph(c);
  }
};

// src/python/engine.ts
var COMPOUND_KIND = {
  function_definition: "function",
  class_definition: "class",
  if_statement: "if",
  for_statement: "loop",
  while_statement: "loop",
  try_statement: "try",
  with_statement: "with",
  match_statement: "match",
  import_statement: "import",
  import_from_statement: "import",
  future_import_statement: "import",
  return_statement: "return",
  raise_statement: "throw",
  expression_statement: "statement",
  assert_statement: "assert"
};
function parsePythonSource(engine, text, path, variant = "mccabe") {
  const tree = engine.parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    return extract(tree.rootNode, text, path, variant);
  } finally {
    tree.delete();
  }
}
function extract(root, text, path, variant) {
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  const log = new EventLog();
  const moduleBindings = /* @__PURE__ */ new Set();
  const functions = [];
  const classes = [];
  const imports = [];
  const exports = [];
  const types = [];
  const diagnostics = [];
  const radon = variant === "radon";
  const units = [{ count: 1 }];
  const frames = [];
  const top = [];
  const names = [];
  const scopeKinds = [];
  const byDefLine = /* @__PURE__ */ new Map();
  let decisions = 0;
  let functionDepth = 0;
  let typeMode = 0;
  const globalsStack = [];
  const line = (n) => n.startPosition.row + 1;
  const endLine = (n) => {
    const e = n.endPosition;
    return e.column === 0 && e.row > n.startPosition.row ? e.row : e.row + 1;
  };
  const short = (n) => {
    if (!n) return "";
    const t = n.text.replace(/\s+/g, " ");
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  };
  const decide = (w = 1) => {
    units[units.length - 1].count += w;
    decisions += w;
  };
  const dotted = (n) => {
    if (!n) return void 0;
    if (n.type === "identifier") return n.text;
    if (n.type === "attribute") {
      const base = dotted(n.childForFieldName("object"));
      const attr = n.childForFieldName("attribute")?.text;
      return base && attr ? `${base}.${attr}` : void 0;
    }
    return void 0;
  };
  const baseName = (n) => {
    while (n && (n.type === "attribute" || n.type === "subscript")) n = n.childForFieldName(n.type === "attribute" ? "object" : "value");
    return n?.type === "identifier" ? n.text : void 0;
  };
  function defineTarget(n) {
    if (!n) return;
    if (n.type === "identifier") {
      const name = n.text;
      const globals = globalsStack[globalsStack.length - 1];
      if (globals?.has(name)) log.push(EV.WRITE, name);
      else log.push(EV.DEF, name);
      if (functionDepth === 0 && frames.length <= 1) moduleBindings.add(name);
      markLeaf(n);
      return;
    }
    if (n.type === "attribute" || n.type === "subscript") {
      const b = baseName(n);
      if (b) log.push(EV.WRITE, b);
      visit(n);
      return;
    }
    for (const c of n.namedChildren) if (c) defineTarget(c);
  }
  function markLeaf(n) {
    if (n.startIndex === n.endIndex) return;
    const a = n.startPosition.row;
    const b = n.endPosition.row;
    for (let r = a; r <= b && r < isSource.length; r++) isSource[r] = 1;
  }
  function paramsOf(params) {
    const out = [];
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      const nameNode = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c?.type === "identifier" || c?.type === "list_splat_pattern" || c?.type === "dictionary_splat_pattern") ?? null;
      if (!nameNode) continue;
      const rest = nameNode.type === "list_splat_pattern" || nameNode.type === "dictionary_splat_pattern" || p.type === "list_splat_pattern" || p.type === "dictionary_splat_pattern";
      const name = nameNode.text.replace(/^\*+/, "");
      if (name === "" || name === "/") continue;
      const type = p.childForFieldName("type");
      const value = p.childForFieldName("value");
      out.push({ name, type: type ? type.text : void 0, optional: value ? true : void 0, defaultValue: value ? short(value) : void 0, rest: rest || void 0 });
    }
    return out;
  }
  function visitFunction(node, kind, statementNode) {
    const nameNode = node.childForFieldName("name");
    const name = kind === "lambda" ? "<lambda>" : nameNode?.text ?? "<anonymous>";
    if (nameNode) {
      log.push(EV.DEF, name);
      markLeaf(nameNode);
    }
    const params = node.childForFieldName("parameters");
    const ret = node.childForFieldName("return_type");
    const inClass = scopeKinds[scopeKinds.length - 1] === "class";
    const fn = {
      name,
      kind: kind === "lambda" ? "lambda" : inClass ? name === "__init__" ? "constructor" : "method" : "function",
      qualifiedName: [...names, name].join("."),
      startLine: line(statementNode),
      endLine: endLine(statementNode),
      loc: 0,
      physicalLoc: 0,
      complexity: 1,
      params: paramsOf(params),
      returnType: ret ? ret.text : void 0,
      async: node.children.some((c) => c?.type === "async"),
      generator: false,
      reportLine: line(node),
      reportColumn: node.startPosition.column + 1,
      reportName: `'${[...names.slice(0, functionDepth === 0 ? names.length : 0), name].join(".")}'`,
      reported: false
    };
    functions.push(fn);
    if (kind !== "lambda") byDefLine.set(line(node), fn);
    const unit = { fn, count: 1 };
    units.push(unit);
    names.push(name);
    scopeKinds.push("function");
    functionDepth++;
    globalsStack.push(/* @__PURE__ */ new Set());
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
    if (radon || kind === "lambda") fn.complexity = unit.count;
    else fn.complexity = McCabeVisitor.functionComplexity(node);
  }
  function visitParams(params) {
    markLeaf(params);
    for (const p of params.namedChildren) {
      if (!p) continue;
      const type = p.childForFieldName("type");
      const value = p.childForFieldName("value");
      if (type) visit(type);
      if (value) visit(value);
      const nameNode = p.type === "identifier" ? p : p.childForFieldName("name") ?? p.namedChildren.find((c) => c?.type === "identifier" || c?.type === "list_splat_pattern" || c?.type === "dictionary_splat_pattern") ?? null;
      if (nameNode) {
        const n = nameNode.text.replace(/^\*+/, "");
        if (n) log.push(EV.DEF, n);
      }
      markLeaf(p);
    }
  }
  function visitClass(node, statementNode) {
    const nameNode = node.childForFieldName("name");
    const name = nameNode?.text ?? "<anonymous>";
    log.push(EV.DEF, name);
    const supers = node.childForFieldName("superclasses");
    const record2 = { name, startLine: line(statementNode), endLine: endLine(statementNode), loc: 0, bases: supers ? supers.namedChildren.filter((c) => c?.type !== "keyword_argument").map((c) => c.text) : [], members: [] };
    classes.push(record2);
    types.push({ name, kind: "class", startLine: record2.startLine, endLine: record2.endLine });
    if (supers) visit(supers);
    if (nameNode) markLeaf(nameNode);
    markLeaf(node.children[0]);
    names.push(name);
    scopeKinds.push("class");
    const body = node.childForFieldName("body");
    for (const m of statementsOf(body)) {
      const def = m.type === "decorated_definition" ? m.childForFieldName("definition") : m;
      if (def?.type === "function_definition") record2.members.push({ name: def.childForFieldName("name")?.text ?? "", kind: "method", line: line(def) });
      else if (def?.type === "class_definition") record2.members.push({ name: def.childForFieldName("name")?.text ?? "", kind: "class", line: line(def) });
      else if (m.type === "expression_statement" && m.firstNamedChild?.type === "assignment") {
        const left = m.firstNamedChild.childForFieldName("left");
        if (left?.type === "identifier") record2.members.push({ name: left.text, kind: "property", line: line(m) });
      }
    }
    if (body) visit(body);
    names.pop();
    scopeKinds.pop();
  }
  function visitImport(node) {
    const rec = { module: "", line: line(node), bindings: [] };
    if (node.type === "import_statement") {
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === "aliased_import") {
          const alias = c.childForFieldName("alias").text;
          imports.push({ module: c.childForFieldName("name").text, line: rec.line, default: alias, bindings: [alias] });
          log.push(EV.DEF, alias);
          moduleBindings.add(alias);
        } else if (c.type === "dotted_name") {
          const first = c.text.split(".")[0];
          imports.push({ module: c.text, line: rec.line, namespace: first, bindings: [first] });
          log.push(EV.DEF, first);
          moduleBindings.add(first);
        }
      }
      return;
    }
    rec.module = node.type === "future_import_statement" ? "__future__" : node.childForFieldName("module_name")?.text ?? "";
    rec.named = [];
    for (const c of node.namedChildren) {
      if (!c || c === node.childForFieldName("module_name")) continue;
      if (c.type === "wildcard_import") rec.namespace = "*";
      else if (c.type === "aliased_import") rec.named.push({ name: c.childForFieldName("name").text, alias: c.childForFieldName("alias").text });
      else if (c.type === "dotted_name") rec.named.push({ name: c.text });
    }
    for (const n of rec.named) rec.bindings.push(n.alias ?? n.name);
    for (const b of rec.bindings) {
      log.push(EV.DEF, b);
      moduleBindings.add(b);
    }
    imports.push(rec);
  }
  function guardOf(node) {
    if (node.type === "assert_statement") return { assertion: short(node).replace(/^assert\s+/, "") };
    if (node.type === "if_statement" && !node.namedChildren.some((c) => c?.type === "else_clause" || c?.type === "elif_clause")) {
      const body = statementsOf(node.childForFieldName("consequence"));
      if (body.length === 1 && (body[0].type === "raise_statement" || body[0].type === "return_statement")) return { guard: short(node.childForFieldName("condition")) };
    }
    return {};
  }
  function visitStatement(raw) {
    const isTop = frames.length === 0;
    const def = raw.type === "decorated_definition" ? raw.childForFieldName("definition") ?? raw : raw;
    const stmt = new Statement(COMPOUND_KIND[def.type] ?? "statement", line(raw), endLine(raw), log, log.size, moduleBindings);
    Object.assign(stmt, guardOf(raw));
    (isTop ? top : frames[frames.length - 1].body).push(stmt);
    const frame = { body: [] };
    frames.push(frame);
    const before = decisions;
    const fnCount = functions.length;
    if (def.type === "function_definition") {
      for (const d of raw.namedChildren) if (d && d.type === "decorator") visit(d);
      visitFunction(def, "function", raw);
    } else if (def.type === "class_definition") {
      for (const d of raw.namedChildren) if (d && d.type === "decorator") visit(d);
      visitClass(def, raw);
    } else visitNode(raw);
    frames.pop();
    stmt.evEnd = log.size;
    stmt.decisions = decisions - before;
    if (frame.body.length > 0) stmt.body = frame.body;
    if (def.type === "function_definition") stmt.fn = functions[fnCount];
    const nameNode = def.type === "function_definition" || def.type === "class_definition" ? def.childForFieldName("name") : null;
    stmt.name = nameNode?.text;
    stmt.defines = nameNode ? [nameNode.text] : definedNames(raw);
    if (isTop) for (const d of stmt.defines) moduleBindings.add(d);
  }
  function definedNames(node) {
    if (node.type === "import_statement" || node.type === "import_from_statement") return imports.filter((i) => i.line === line(node)).flatMap((i) => i.bindings);
    if (node.type === "expression_statement" && node.firstNamedChild?.type === "assignment") {
      const out = [];
      const collect = (n) => {
        if (!n) return;
        if (n.type === "identifier") out.push(n.text);
        else if (n.type === "pattern_list" || n.type === "tuple_pattern" || n.type === "list_pattern") for (const c of n.namedChildren) collect(c);
      };
      let a = node.firstNamedChild;
      while (a?.type === "assignment") {
        collect(a.childForFieldName("left"));
        a = a.childForFieldName("right");
      }
      return out;
    }
    return [];
  }
  function visit(node) {
    if (node.childCount === 0) {
      if (node.type === "comment") return;
      markLeaf(node);
      if (node.type === "identifier") log.push(typeMode > 0 ? EV.TYPE : EV.USE, node.text);
      return;
    }
    visitNode(node);
  }
  function visitNode(node) {
    switch (node.type) {
      case "ERROR":
        break;
      case "function_definition":
        visitFunction(node, "function", node);
        return;
      case "lambda":
        visitFunction(node, "lambda", node);
        return;
      case "class_definition":
        visitClass(node, node);
        return;
      case "import_statement":
      case "import_from_statement":
      case "future_import_statement":
        visitImport(node);
        markLeaf(node);
        return;
      case "type":
        typeMode++;
        for (const c of node.children) if (c) visit(c);
        typeMode--;
        return;
      case "attribute": {
        visit(node.childForFieldName("object"));
        for (const c of node.children) if (c && c !== node.childForFieldName("object")) markLeaf(c);
        return;
      }
      case "keyword_argument": {
        const v = node.childForFieldName("value");
        markLeaf(node.childForFieldName("name"));
        if (v) visit(v);
        return;
      }
      case "call": {
        const callee = dotted(node.childForFieldName("function"));
        if (callee) log.push(EV.CALL, callee);
        break;
      }
      case "assignment":
      case "augmented_assignment": {
        const left = node.childForFieldName("left");
        if (node.type === "augmented_assignment") {
          const b = baseName(left);
          if (b) log.push(EV.WRITE, b);
          if (left) visit(left);
        } else defineTarget(left);
        for (const c of node.children) if (c && c !== left) visit(c);
        return;
      }
      case "global_statement": {
        for (const c of node.namedChildren) {
          if (!c) continue;
          globalsStack[globalsStack.length - 1]?.add(c.text);
          log.push(EV.WRITE, c.text);
        }
        markLeaf(node);
        return;
      }
      case "for_statement":
      case "for_in_clause": {
        if (node.type === "for_statement") {
          decide(radon && node.namedChildren.some((c) => c?.type === "else_clause") ? 2 : 1);
        } else if (radon) decide();
        defineTarget(node.childForFieldName("left"));
        for (const c of node.children) if (c && c !== node.childForFieldName("left")) visit(c);
        return;
      }
      case "while_statement":
        decide(radon && node.namedChildren.some((c) => c?.type === "else_clause") ? 2 : 1);
        log.push(EV.BRANCH, short(node.childForFieldName("condition")));
        break;
      case "if_statement":
      case "elif_clause":
        decide();
        log.push(EV.BRANCH, short(node.childForFieldName("condition")));
        break;
      case "conditional_expression":
      case "if_clause":
        if (radon) decide();
        break;
      case "boolean_operator":
        if (radon) decide();
        break;
      case "try_statement": {
        const handlers = node.namedChildren.filter((c) => c?.type === "except_clause").length;
        const hasElse = node.namedChildren.some((c) => c?.type === "else_clause");
        decide(radon ? handlers + (hasElse ? 1 : 0) : handlers + 1);
        break;
      }
      case "match_statement": {
        if (radon) {
          const cases = node.descendantsOfType("case_clause").filter((c) => c?.parent?.parent === node);
          const wildcard = cases.some((c) => c.namedChildren.find((x) => x?.type === "case_pattern")?.text === "_");
          decide(Math.max(0, cases.length - (wildcard ? 1 : 0)));
        }
        break;
      }
      case "as_pattern":
      case "with_item":
        break;
      case "except_clause": {
        const alias = node.childForFieldName("alias");
        if (alias) defineTarget(alias);
        for (const c of node.children) if (c && c !== alias) visit(c);
        return;
      }
      case "return_statement":
      case "yield":
        if (node.namedChildCount > 0) log.push(EV.RETURN, "");
        if (node.type === "yield") {
          const fn = units[units.length - 1].fn;
          if (fn) fn.generator = true;
        }
        break;
      case "block":
      case "module":
        for (const c of node.children) {
          if (!c) continue;
          if (c.isNamed && c.type !== "comment" && c.childCount > 0) visitStatement(c);
          else visit(c);
        }
        return;
    }
    for (const c of node.children) if (c) visit(c);
  }
  visit(root);
  if (root.hasError) {
    const errs = root.descendantsOfType(["ERROR", "MISSING"]).slice(0, 50);
    for (const e of errs) {
      if (!e) continue;
      diagnostics.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, line: line(e), column: e.startPosition.column + 1, message: e.isMissing ? `missing ${e.type}` : `syntax error near "${short(e).slice(0, 40)}"` });
    }
    if (diagnostics.length === 0) diagnostics.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, message: "the file has syntax errors" });
  }
  const visitor = new McCabeVisitor();
  visitor.visitModule(root);
  for (const g of visitor.graphs.values()) {
    const fn = g.node ? byDefLine.get(g.line) : void 0;
    if (fn) {
      fn.reported = true;
      fn.reportName = `'${g.entity}'`;
      if (!radon) fn.complexity = g.complexity;
    } else if (!g.node) {
      functions.push({ name: g.entity, kind: "block", qualifiedName: g.key, startLine: g.line, endLine: g.line, loc: 0, physicalLoc: 0, complexity: g.complexity, params: [], async: false, generator: false, reportLine: g.line, reportColumn: g.column + 1, reportName: `'${g.entity}'`, reported: !radon });
    }
  }
  functions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
  for (const st of top) if ((st.kind === "function" || st.kind === "class") && st.name && !st.name.startsWith("_")) exports.push({ name: st.name, kind: st.kind, line: st.startLine });
  finishLoc(isSource, functions, classes);
  return { path, language: "python", lines: countLines(index, isSource), isSource, functions, classes, imports, exports, types, statements: top, moduleBindings: [...moduleBindings], diagnostics };
}

// src/analyze.ts
function checkVariant(variant) {
  if (variant === void 0) return void 0;
  if (["eslint", "modified", "classic", "mccabe", "radon"].includes(variant)) return variant;
  throw new St3Error("E_ATOMIZE_OPTIONS", `unknown complexity variant "${variant}"`, { hint: "use eslint, modified or classic (JS/TS), mccabe or radon (Python)" });
}
function variantFor(language, variant) {
  if (language === "python") return variant === "radon" ? "radon" : "mccabe";
  return variant === "modified" || variant === "classic" ? variant : "eslint";
}
async function analyzeSource(text, path, options = {}) {
  const language = options.language ?? detectLanguage(path, text);
  if (!language || !isSupportedLanguage(language)) {
    const reason = "unknown language (no known extension or shebang)";
    return { path, reason, diagnostic: { code: "E_ATOMIZE_LANGUAGE", severity: "warning", file: path, message: `skipped: ${reason}` } };
  }
  const variant = variantFor(language, options.complexityVariant);
  if (language === "python") return parsePythonSource(await loadPython(), text, path, variant);
  return parseTypeScriptSource(await loadTypeScript(), text, path, language, variant);
}
function emptyParse(path, language, text, diagnostics) {
  const index = new LineIndex(text);
  const isSource = new Uint8Array(index.count);
  return { path, language, lines: countLines(index, isSource), isSource, functions: [], classes: [], imports: [], exports: [], types: [], statements: [], moduleBindings: [], diagnostics };
}
function isSkipped(r) {
  return "reason" in r;
}

// src/atoms/decompose.ts
var UNIT_KINDS = /* @__PURE__ */ new Set(["function", "class", "method", "constructor", "getter", "setter", "static-block"]);
function isUnit(node) {
  return !!node.fn || UNIT_KINDS.has(node.kind);
}
function scopeLabel(node) {
  if (node.kind === "class") return `class ${node.name ?? "<anonymous>"}`;
  if (node.fn) return `${node.fn.kind === "method" || node.fn.kind === "constructor" || node.fn.kind === "getter" || node.fn.kind === "setter" ? "method" : "function"} ${node.fn.name}`;
  return void 0;
}
function complexityOf(nodes, whole) {
  if (whole && nodes.length === 1 && nodes[0].fn) return nodes[0].fn.complexity;
  let d = 0;
  for (const n of nodes) d += n.decisions;
  return 1 + d;
}
function decompose(file, options) {
  const total = file.isSource.length;
  if (total === 0) return [];
  return splitRange(file, options, 1, total, file.statements, ["module"], void 0, 0);
}
function groupByLines(items) {
  const groups = [];
  let endLine = -1;
  for (const it of items) {
    const last = groups[groups.length - 1];
    if (last && it.startLine <= endLine) {
      last.push(it);
      endLine = Math.max(endLine, it.endLine);
    } else {
      groups.push([it]);
      endLine = it.endLine;
    }
  }
  return groups;
}
function splitRange(file, o, from, to, items, scope, parent, depth) {
  const inside = items.filter((i) => i.endLine >= from && i.startLine <= to);
  const make = (a, b, nodes, strategy, fragment) => ({
    startLine: a,
    endLine: b,
    nodes,
    scope,
    strategy,
    fragment,
    parent,
    loc: sourceLinesIn(file.isSource, a, b),
    complexity: complexityOf(nodes, !fragment)
  });
  if (inside.length === 0) return [make(from, to, [], "single_atom", parent !== void 0)];
  const groups = groupByLines(inside);
  const pieces = [];
  let cursor = from;
  groups.forEach((group, gi) => {
    const a = cursor;
    const b = gi === groups.length - 1 ? to : Math.max(a, Math.min(to, group[group.length - 1].endLine, groups[gi + 1][0].startLine - 1));
    cursor = b + 1;
    const node = group[0];
    const loc = sourceLinesIn(file.isSource, a, b);
    const complexity = complexityOf(group, true);
    const splittable = group.length === 1 && (node.body?.length ?? 0) >= 1 && depth < 64;
    const tooBig = loc > o.maxLoc || complexity >= o.maxComplexity && loc > o.targetLoc;
    if (splittable && tooBig && (node.kind === "class" || (node.body?.length ?? 0) >= 2 || loc > o.maxLoc)) {
      const label = scopeLabel(node);
      const sub = splitRange(file, o, a, b, node.body, label ? [...scope, label] : scope, node, depth + 1);
      const strategy2 = node.kind === "class" ? "by_class" : "by_block";
      for (const p of sub) if (p.strategy === "single_atom" && (p.fragment || node.kind === "class")) p.strategy = strategy2;
      pieces.push(...sub);
      return;
    }
    const whole = parent === void 0 || parent.kind === "class";
    const strategy = node.kind === "class" && group.length === 1 ? "by_class" : group.some(isUnit) && depth === 0 ? "by_function" : "single_atom";
    pieces.push(make(a, b, group, strategy, !whole));
  });
  return mergeSmall(file, o, pieces);
}
function mergeSmall(file, o, pieces) {
  const out = [];
  for (const p of pieces) {
    const prev = out[out.length - 1];
    const mergeable = (x) => !x.nodes.some(isUnit) && x.strategy !== "by_class" && !(x.nodes.length === 0 && x.fragment === false && x.scope.length > 1);
    const category = (x) => x.nodes.length > 0 && x.nodes.every((n) => n.kind === "import") ? "import" : "code";
    if (prev && prev.scope === p.scope && mergeable(prev) && mergeable(p) && category(prev) === category(p) && prev.fragment === p.fragment && prev.parent === p.parent) {
      const loc = prev.loc + p.loc;
      const complexity = prev.complexity + p.complexity - 1;
      if (loc <= o.targetLoc && complexity < o.maxComplexity) {
        out[out.length - 1] = { ...prev, endLine: p.endLine, nodes: [...prev.nodes, ...p.nodes], loc, complexity };
        continue;
      }
    }
    out.push(p);
  }
  return out;
}
function unitOf(piece) {
  return !piece.fragment && piece.nodes.length === 1 ? piece.nodes[0].fn : void 0;
}

// src/atoms/atomicity.ts
var CRITERIA = ["size", "complexity", "single_responsibility", "clear_boundaries", "independence", "context_completeness", "testable", "deterministic", "no_side_effects", "clear_io"];
function validateAtomicity(file, piece, context, facts, o) {
  const violations = [];
  const passed = [];
  const check = (criterion, ok, v) => {
    if (ok) passed.push(criterion);
    else violations.push({ criterion, ...v });
  };
  const unit = unitOf(piece);
  const units = piece.nodes.filter((n) => n.fn || n.kind === "class").length;
  check("size", piece.loc <= o.maxLoc, { severity: piece.loc > 2 * o.maxLoc ? "critical" : "warning", message: `${piece.loc} source lines (max ${o.maxLoc})`, suggestion: "split it at a statement boundary into smaller functions" });
  check("complexity", piece.complexity < o.maxComplexity, { severity: piece.complexity > 2 * o.maxComplexity ? "critical" : "warning", message: `complexity ${piece.complexity} (must stay below ${o.maxComplexity})`, suggestion: "extract branches into helper functions or use early returns" });
  const kinds = new Set(piece.nodes.map((n) => n.kind === "import" ? "import" : n.fn || n.kind === "class" ? "unit" : "code"));
  check("single_responsibility", units <= 1 && !(kinds.has("import") && kinds.size > 1), { severity: "warning", message: units > 1 ? `defines ${units} functions/classes` : "mixes imports with code", suggestion: "keep one function, class or statement group per atom" });
  check("clear_boundaries", !piece.fragment, { severity: "warning", message: `a block of ${piece.parent?.fn?.name ?? piece.parent?.name ?? "a larger statement"}, not a whole unit`, suggestion: "extract the block into a named function with explicit parameters" });
  check("independence", facts.dependsOnFragments === 0 && facts.dependsOn <= 3, { severity: "warning", message: facts.dependsOnFragments > 0 ? `uses names defined by ${facts.dependsOnFragments} sibling block(s)` : `depends on ${facts.dependsOn} other atoms`, suggestion: "pass what it needs as parameters" });
  check("context_completeness", context.completeness >= 0.95, { severity: "warning", message: `context completeness ${context.completeness.toFixed(2)}: ${context.missing.map((m) => m.component).join(", ")} missing`, suggestion: context.missing[0]?.reason });
  const io = facts.calls.filter(isIoCall);
  const random = facts.calls.filter(isNondeterministic);
  const declarative = piece.nodes.length > 0 && piece.nodes.every((n) => ["import", "interface", "type", "enum", "export", "class"].includes(n.kind));
  check("testable", (!!unit || declarative || piece.nodes.length === 0) && io.length === 0, { severity: "info", message: unit ? "performs I/O, so a test needs mocks" : "not a callable unit", suggestion: "wrap the statements in a function that takes its inputs as parameters" });
  check("deterministic", random.length === 0, { severity: "warning", message: `calls ${random.slice(0, 3).join(", ")}`, suggestion: "inject the clock or random source as a parameter" });
  check("no_side_effects", io.length === 0 && !facts.writesModuleState, { severity: "warning", message: io.length > 0 ? `performs I/O (${io.slice(0, 3).join(", ")})` : "writes module-level state", suggestion: "return values instead and let the caller do the I/O or state change" });
  const fn = unit;
  const py = file.language === "python";
  const typedParams = fn ? fn.params.every((p) => p.type || p.defaultValue !== void 0 || p.name === "self" || p.name === "cls") : true;
  const returns = piece.nodes.some((n) => n.returnsValue);
  const ioOk = fn ? typedParams && (!returns || !!fn.returnType || fn.kind === "constructor") : piece.fragment ? context.unresolved.length === 0 : true;
  check("clear_io", ioOk, { severity: "info", message: fn ? `${typedParams ? "return type" : "parameter types"} not declared` : "reads names it does not receive", suggestion: py ? "add type annotations to parameters and the return value" : "declare parameter and return types" });
  const score = Math.round(passed.length) / 10;
  return { score, atomic: score >= 0.8, passed, violations };
}
function resolveAtomOptions(options = {}) {
  const r = { targetLoc: options.targetLoc ?? 10, maxLoc: options.maxLoc ?? 15, maxComplexity: options.maxComplexity ?? 3 };
  for (const [k, v] of Object.entries(r)) {
    if (!Number.isInteger(v) || v < 1) throw new St3Error("E_ATOMIZE_OPTIONS", `${k} must be a positive integer, got ${String(v)}`);
  }
  if (r.targetLoc > r.maxLoc) throw new St3Error("E_ATOMIZE_OPTIONS", `targetLoc (${r.targetLoc}) must not exceed maxLoc (${r.maxLoc})`, { hint: "raise --max-loc or lower --target-loc" });
  return r;
}

// src/atoms/globals.ts
var JS_GLOBALS = new Set("undefined NaN Infinity globalThis window self document navigator location console process require module exports __dirname __filename Object Function Array Number String Boolean Symbol BigInt Math JSON Date RegExp Error TypeError RangeError SyntaxError ReferenceError EvalError URIError AggregateError Promise Map Set WeakMap WeakSet WeakRef FinalizationRegistry Proxy Reflect ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array BigInt64Array BigUint64Array Intl URL URLSearchParams TextEncoder TextDecoder AbortController AbortSignal Buffer setTimeout clearTimeout setInterval clearInterval setImmediate clearImmediate queueMicrotask structuredClone fetch Request Response Headers FormData Blob File Event EventTarget parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI escape unescape eval arguments this super crypto performance global HTMLElement Element Node localStorage sessionStorage alert atob btoa WebSocket Worker MessageChannel ReadableStream WritableStream TransformStream".split(" "));
var TS_TYPES = new Set("string number boolean bigint symbol object unknown any never void null undefined Array ReadonlyArray Promise PromiseLike Record Partial Required Readonly Pick Omit Exclude Extract NonNullable ReturnType Parameters InstanceType ConstructorParameters Awaited ThisType Uppercase Lowercase Capitalize Uncapitalize Map Set WeakMap WeakSet ReadonlyMap ReadonlySet Iterable Iterator IterableIterator AsyncIterable AsyncIterator AsyncIterableIterator Generator AsyncGenerator Function Object String Number Boolean Date RegExp Error ArrayLike PropertyKey Uint8Array ArrayBuffer Buffer NodeJS JSX React TemplateStringsArray Symbol BigInt Element HTMLElement Event URL AbortSignal Response Request Headers".split(" "));
var PY_BUILTINS = new Set("print len range enumerate zip map filter sorted reversed sum min max abs all any round divmod pow hash id iter next open input repr str int float bool bytes bytearray list dict set frozenset tuple type object super property staticmethod classmethod isinstance issubclass getattr setattr hasattr delattr callable vars dir locals globals format chr ord bin oct hex complex slice memoryview compile exec eval help NotImplemented Ellipsis None True False self cls __name__ __file__ __doc__ __all__ __import__ Exception BaseException ValueError TypeError KeyError IndexError AttributeError RuntimeError NotImplementedError StopIteration StopAsyncIteration OSError IOError FileNotFoundError PermissionError ZeroDivisionError ArithmeticError AssertionError ImportError ModuleNotFoundError LookupError NameError UnicodeError UnicodeDecodeError UnicodeEncodeError KeyboardInterrupt SystemExit GeneratorExit EOFError MemoryError OverflowError RecursionError TimeoutError ConnectionError BrokenPipeError Warning UserWarning DeprecationWarning RuntimeWarning SyntaxError IndentationError TabError EnvironmentError ChildProcessError BlockingIOError InterruptedError IsADirectoryError NotADirectoryError ProcessLookupError FileExistsError ResourceWarning FutureWarning PendingDeprecationWarning ImportWarning UnicodeWarning BytesWarning ExceptionGroup BaseExceptionGroup aiter anext breakpoint".split(" "));

// src/atoms/context.ts
function hintsForParam(p) {
  const t = (p.type ?? "").replace(/\s+/g, " ");
  const extra = [];
  if (/\bnumber\b|\bint\b|\bfloat\b/.test(t)) extra.push("0", "a negative value", t.includes("int") ? "a large value" : "NaN");
  else if (/\bstring\b|\bstr\b/.test(t)) extra.push("an empty string", "a very long string");
  else if (/\bboolean\b|\bbool\b/.test(t)) extra.push("true", "false");
  else if (/\[\]|Array<|\blist\b|\bList\b|\bSequence\b|\btuple\b/.test(t)) extra.push("an empty list", "one item", "many items");
  else if (/\bdict\b|\bDict\b|Record<|Map<|\bMapping\b/.test(t)) extra.push("an empty mapping", "a missing key");
  if (/\bnull\b|\bundefined\b|\bNone\b|Optional\[|\| None/.test(t) || p.optional) extra.push(p.defaultValue ? `the default (${p.defaultValue})` : "absent/null");
  return extra.length > 0 ? `${p.name}: ${extra.join(", ")}` : void 0;
}
function headAndTail(node) {
  const body = node.body ?? [];
  const pre = [];
  for (const st of body) {
    if (st.guard) pre.push(`not (${st.guard}) is required`.replace(/^not \(!(.*)\) is required$/, "$1 is required"));
    else if (st.assertion) pre.push(st.assertion);
    else break;
  }
  const post = [];
  for (let i = body.length - 1; i >= 0 && i >= pre.length; i--) {
    const st = body[i];
    if (st.assertion) post.unshift(st.assertion);
    else if (st.kind !== "return") break;
  }
  return { pre, post };
}
function fileFacts(file, definedElsewhere) {
  const imported = new Set(file.imports.flatMap((i) => i.bindings));
  return { imported, knownTypes: /* @__PURE__ */ new Set([...file.types.map((t) => t.name), ...imported]), wildcard: file.imports.some((i) => i.namespace === "*"), definedElsewhere };
}
function buildContext(file, piece, used, typeRefs, defined, facts, index) {
  const py = file.language === "python";
  const globals = py ? PY_BUILTINS : JS_GLOBALS;
  const { imported, wildcard, definedElsewhere } = facts;
  const usedSet = /* @__PURE__ */ new Set([...used, ...typeRefs]);
  const imports = usedSet.size === 0 ? [] : file.imports.map((i) => ({ module: i.module, names: i.bindings.filter((b) => usedSet.has(b)), line: i.line, typeOnly: i.typeOnly })).filter((i) => i.names.length > 0);
  const params = /* @__PURE__ */ new Set();
  for (const n of piece.nodes) for (const p of n.fn?.params ?? []) params.add(p.name);
  if (piece.fragment && piece.parent?.fn) for (const p of piece.parent.fn.params) params.add(p.name);
  const unresolved = used.filter((u) => !defined.has(u) && !definedElsewhere.has(u) && !imported.has(u) && !globals.has(u) && !params.has(u) && !wildcard);
  const typeNames = new Set(typeRefs);
  const types = typeNames.size === 0 ? [] : file.types.filter((t) => typeNames.has(t.name) && !defined.has(t.name)).map((t) => ({ name: t.name, kind: t.kind, startLine: t.startLine, endLine: t.endLine, code: t.endLine - t.startLine < 30 ? index.slice(t.startLine, t.endLine) : index.slice(t.startLine, t.startLine) }));
  const unresolvedTypes = typeRefs.filter((t) => !facts.knownTypes.has(t) && !defined.has(t) && !(py ? PY_BUILTINS.has(t) || /^(Optional|List|Dict|Set|Tuple|Union|Any|Callable|Iterable|Iterator|Sequence|Mapping|Type|Literal|Final|ClassVar|Generator|Awaited)$/.test(t) : TS_TYPES.has(t)) && !wildcard);
  const unit = unitOf(piece);
  const fnNode = unit ? piece.nodes[0] : piece.fragment ? piece.parent : void 0;
  const fn = fnNode?.fn;
  const preconditions = [];
  const postconditions = [];
  if (fnNode && fn) {
    const { pre, post } = headAndTail(fnNode);
    if (unit || piece.startLine <= (fnNode.body?.[0]?.startLine ?? 0)) preconditions.push(...pre);
    for (const p of fn.params) if (p.type) preconditions.push(`${p.name}: ${p.type}`);
    if (fn.returnType) postconditions.push(`returns ${fn.returnType}`);
    if (unit || piece.endLine >= fnNode.endLine) postconditions.push(...post);
  } else {
    for (const n of piece.nodes) {
      if (n.guard) preconditions.push(n.guard);
      if (n.assertion) postconditions.push(n.assertion);
    }
  }
  const testHints = [];
  for (const p of fn && (unit || piece.fragment) ? fn.params : []) {
    const h = hintsForParam(p);
    if (h) testHints.push(h);
  }
  for (const n of piece.nodes) for (const b of n.branches ?? []) if (testHints.length < 12) testHints.push(`cover ${b} both ways`);
  const missing = [];
  if (unresolved.length > 0) missing.push({ component: "imports", reason: `unresolved names: ${unresolved.slice(0, 8).join(", ")}` });
  if (unresolvedTypes.length > 0) missing.push({ component: "types", reason: `types not found in the file or its imports: ${unresolvedTypes.slice(0, 8).join(", ")}` });
  const params0 = fn ? fn.params : [];
  if (fn && params0.length > 0 && preconditions.length === 0) missing.push({ component: "preconditions", reason: `parameters ${params0.map((p) => p.name).join(", ")} have no declared type, guard or assert` });
  const returns = piece.nodes.some((n) => n.returnsValue);
  if (fn && returns && postconditions.length === 0) missing.push({ component: "postconditions", reason: "returns a value without a declared return type or final assert" });
  const needsTests = !!fn || piece.nodes.some((n) => n.decisions > 0);
  if (testHints.length === 0 && needsTests) missing.push({ component: "testHints", reason: "no typed parameters or branches to derive test cases from" });
  return { imports, types, preconditions, postconditions, testHints, completeness: Math.round((5 - missing.length) * 20) / 100, missing, unresolved };
}

// src/atomize.ts
function atomKind(p) {
  const unit = unitOf(p);
  if (unit) return unit.kind;
  if (p.nodes.length === 0) return p.fragment ? "block" : "comment";
  if (p.fragment) return "block";
  if (p.nodes.length === 1 && p.nodes[0].kind === "class") return "class";
  if (p.nodes.every((n) => n.kind === "import")) return "imports";
  if (p.nodes.every((n) => n.kind === "interface" || n.kind === "type" || n.kind === "enum")) return "types";
  return p.nodes.length === 1 ? p.nodes[0].kind : "statements";
}
function atomizeParsed(file, text, options = {}) {
  const o = resolveAtomOptions(options);
  const index = new LineIndex(text);
  const pieces = decompose(file, o);
  const infos = pieces.map((p) => {
    const defined = /* @__PURE__ */ new Set();
    const used = /* @__PURE__ */ new Set();
    const typeRefs = /* @__PURE__ */ new Set();
    const calls = /* @__PURE__ */ new Set();
    let writes = false;
    for (const n of p.nodes) {
      for (const d of n.defines) defined.add(d);
      for (const u of n.uses) used.add(u);
      for (const t of n.typeRefs) typeRefs.add(t);
      for (const c of n.calls) calls.add(c);
      if (n.writesModuleState) writes = true;
    }
    for (const d of defined) used.delete(d);
    const code = index.slice(p.startLine, p.endLine);
    const hash = createHash("sha1").update(code).digest("hex").slice(0, 10);
    return { p, defined, used: [...used], typeRefs: [...typeRefs], calls: [...calls], writes, code, id: `${file.path}#L${p.startLine}-L${p.endLine}@${hash}` };
  });
  const byScope = /* @__PURE__ */ new Map();
  const moduleLevel = /* @__PURE__ */ new Map();
  const scopeKeys = infos.map((info) => info.p.scope.join("\0"));
  infos.forEach((info, i) => {
    for (const d of info.defined) {
      const key = `${scopeKeys[i]}${d}`;
      (byScope.get(key) ?? byScope.set(key, []).get(key)).push(i);
      if (info.p.scope.length === 1) moduleLevel.set(d, i);
    }
  });
  const allDefined = new Set(moduleLevel.keys());
  for (const info of infos) for (const d of info.defined) allDefined.add(d);
  for (const b of file.moduleBindings) allDefined.add(b);
  const facts = fileFacts(file, allDefined);
  const atoms = infos.map((info, i) => {
    const deps = /* @__PURE__ */ new Set();
    for (const u of [...info.used, ...info.typeRefs]) {
      const same = byScope.get(`${scopeKeys[i]}${u}`);
      let pick;
      if (same) {
        let lo = 0;
        let hi = same.length - 1;
        while (lo <= hi) {
          const mid = lo + hi >> 1;
          if (same[mid] < i) {
            pick = same[mid];
            lo = mid + 1;
          } else hi = mid - 1;
        }
      }
      pick ??= moduleLevel.get(u);
      if (pick !== void 0 && pick !== i) deps.add(pick);
    }
    const dependsOn = [...deps].sort((a, b) => a - b);
    const context = buildContext(file, info.p, info.used, info.typeRefs, info.defined, facts, index);
    const atomicity = validateAtomicity(file, info.p, context, {
      calls: info.calls,
      writesModuleState: info.writes,
      dependsOn: dependsOn.length,
      dependsOnFragments: dependsOn.filter((j) => infos[j].p.fragment).length
    }, o);
    const unit = unitOf(info.p);
    return {
      id: info.id,
      path: file.path,
      startLine: info.p.startLine,
      endLine: info.p.endLine,
      loc: info.p.loc,
      physicalLoc: info.p.endLine - info.p.startLine + 1,
      complexity: info.p.complexity,
      kind: atomKind(info.p),
      name: unit?.name ?? (info.p.nodes.length === 1 ? info.p.nodes[0].name : void 0),
      strategy: info.p.strategy,
      scope: info.p.scope,
      code: info.code,
      symbols: { defined: [...info.defined], used: info.used },
      dependsOn: dependsOn.map((j) => infos[j].id),
      context,
      atomicity
    };
  });
  return {
    path: file.path,
    language: file.language,
    loc: file.lines.source,
    lines: file.lines,
    functions: file.functions.filter((f) => f.kind !== "block").map((f) => ({ name: f.name, kind: f.kind, qualifiedName: f.qualifiedName, startLine: f.startLine, endLine: f.endLine, loc: f.loc, physicalLoc: f.physicalLoc, complexity: f.complexity, params: f.params, returnType: f.returnType, async: f.async, generator: f.generator })),
    classes: file.classes,
    imports: file.imports.map(({ bindings: _b, ...rest }) => rest),
    exports: file.exports,
    atoms,
    diagnostics: file.diagnostics
  };
}

// src/python/measure.ts
function measurePython(engine, text, path) {
  const tree = engine.parser.parse(text);
  if (!tree) throw new Error("tree-sitter returned no tree");
  try {
    const root = tree.rootNode;
    const visitor = new McCabeVisitor();
    visitor.visitModule(root);
    const reported = /* @__PURE__ */ new Map();
    const functions = [];
    for (const g of visitor.graphs.values()) {
      if (g.node) reported.set(g.node.startIndex, g);
      else functions.push(record(g.entity, "block", g.key, g.line, g.line, g.line, g.column, `'${g.entity}'`, g.complexity, true));
    }
    const walk = (stmts, names, inClass, nested) => {
      for (const raw of stmts) {
        const node = raw.type === "decorated_definition" ? raw.childForFieldName("definition") ?? raw : raw;
        if (node.type === "function_definition") {
          const name = node.childForFieldName("name")?.text ?? "";
          const g = nested ? void 0 : reported.get(node.startIndex);
          const kind = inClass ? name === "__init__" ? "constructor" : "method" : "function";
          const line = node.startPosition.row + 1;
          functions.push(record(name, kind, [...names, name].join("."), raw.startPosition.row + 1, raw.endPosition.row + 1, line, node.startPosition.column, `'${g?.entity ?? name}'`, g?.complexity ?? McCabeVisitor.functionComplexity(node), g !== void 0));
          walk(statementsOf(node.childForFieldName("body")), [...names, name], false, true);
        } else if (node.type === "class_definition") {
          walk(statementsOf(node.childForFieldName("body")), [...names, node.childForFieldName("name")?.text ?? ""], true, nested);
        } else if (node.childCount > 0 && node.type !== "expression_statement") {
          for (const c of node.namedChildren) {
            if (!c) continue;
            if (c.type === "block") walk(statementsOf(c), names, inClass, nested);
            else if (c.type.endsWith("_clause")) {
              for (const b of c.namedChildren) if (b?.type === "block") walk(statementsOf(b), names, inClass, nested);
            }
          }
        }
      }
    };
    walk(statementsOf(root), [], false, false);
    functions.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
    const diagnostics = [];
    if (root.hasError) {
      for (const e of root.descendantsOfType(["ERROR", "MISSING"]).slice(0, 50)) {
        if (e) diagnostics.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, line: e.startPosition.row + 1, column: e.startPosition.column + 1, message: e.isMissing ? `missing ${e.type}` : "syntax error" });
      }
      if (diagnostics.length === 0) diagnostics.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, message: "the file has syntax errors" });
    }
    return { functions, diagnostics };
  } finally {
    tree.delete();
  }
}
function record(name, kind, qualifiedName, startLine, endLine, line, column, reportName, complexity, reported) {
  return { name, kind, qualifiedName, startLine, endLine, loc: 0, physicalLoc: endLine - startLine + 1, complexity, params: [], async: false, generator: false, reportLine: line, reportColumn: column + 1, reportName, reported };
}

// src/api.ts
var decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false });
function decodeSource(bytes, path) {
  if (looksBinary(bytes)) {
    return { path, reason: "binary file (NUL bytes)", diagnostic: { code: "E_ATOMIZE_BINARY", severity: "warning", file: path, message: "skipped: binary file (NUL bytes)" } };
  }
  const text = decoder.decode(bytes);
  const warnings = [];
  if (text.includes("\uFFFD")) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      warnings.push({ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, message: "the file is not valid UTF-8; invalid bytes were read as U+FFFD" });
    }
  }
  return { text, warnings };
}
async function parseSafely(text, path, options = {}) {
  try {
    return await analyzeSource(text, path, options);
  } catch (error) {
    if (isSt3Error(error, "E_ATOMIZE_ENGINE")) throw error;
    const language = options.language ?? detectLanguage(path, text) ?? "javascript";
    return emptyParse(path, language, text, [{ code: "E_ATOMIZE_SYNTAX", severity: "warning", file: path, message: `the parser gave up on this file: ${error.message}` }]);
  }
}
async function atomizeSource(text, path, options = {}) {
  const parsed = await parseSafely(text, path, options);
  if (isSkipped(parsed)) return parsed;
  return atomizeParsed(parsed, text, options);
}
async function measureSource(text, path, options = {}) {
  const language = options.language ?? detectLanguage(path, text);
  if (language === "python" && options.complexityVariant !== "radon") {
    try {
      return { path, language, ...measurePython(await loadPython(), text, path) };
    } catch (error) {
      if (isSt3Error(error, "E_ATOMIZE_ENGINE")) throw error;
    }
  }
  const parsed = await parseSafely(text, path, options);
  if (isSkipped(parsed)) return parsed;
  return { path, language: parsed.language, functions: parsed.functions, diagnostics: parsed.diagnostics };
}
var CACHE_VERSION = "atomizer-1";
function cacheKey(job, bytes) {
  const h = createHash("sha256");
  h.update(`${CACHE_VERSION}\0${job.mode}\0${job.path}\0${JSON.stringify(job.options)}\0`);
  h.update(bytes);
  return h.digest("hex");
}
async function runJob(job) {
  let bytes;
  try {
    bytes = readFileSync(job.file);
  } catch (error) {
    const message = `cannot read: ${error.message}`;
    return { path: job.path, ok: false, cached: false, skipped: { path: job.path, reason: message, diagnostic: { code: "E_FILE_READ", severity: "warning", file: job.path, message } } };
  }
  const key = job.cacheDir ? cacheKey(job, bytes) : "";
  const entry = job.cacheDir ? join(job.cacheDir, key.slice(0, 2), `${key}.json`) : "";
  if (entry) {
    try {
      return { ...JSON.parse(readFileSync(entry, "utf8")), cached: true };
    } catch {
    }
  }
  const decoded = decodeSource(bytes, job.path);
  let result;
  if ("reason" in decoded) result = { path: job.path, ok: false, cached: false, skipped: decoded };
  else {
    const r = job.mode === "atomize" ? await atomizeSource(decoded.text, job.path, job.options) : await measureSource(decoded.text, job.path, job.options);
    if ("reason" in r) result = { path: job.path, ok: false, cached: false, skipped: r };
    else {
      r.diagnostics.unshift(...decoded.warnings);
      result = { path: job.path, ok: true, cached: false, record: r };
    }
  }
  if (entry) {
    try {
      mkdirSync(join(job.cacheDir, key.slice(0, 2)), { recursive: true });
      const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(result));
      renameSync(tmp, entry);
    } catch {
    }
  }
  return result;
}

export { CACHE_VERSION, CRITERIA, SUPPORTED_LANGUAGES, analyzeSource, atomizeParsed, atomizeSource, checkVariant, decodeSource, detectLanguage, isIoCall, isNondeterministic, isSkipped, isSupportedLanguage, languageFromShebang, looksBinary, measureSource, resolveAtomOptions, runJob };
//# sourceMappingURL=chunk-JTNCTELL.js.map
//# sourceMappingURL=chunk-JTNCTELL.js.map