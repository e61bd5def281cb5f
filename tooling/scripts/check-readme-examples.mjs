#!/usr/bin/env node
// README example guard run by `pnpm test`: every fenced ```ts / ```typescript block of
// packages/*/README.md and apps/*/README.md type-checks against the built packages, as a user's copy
// would: each block is a module inside its own package folder, so `@st3/<pkg>` resolves through
// node_modules, the package's `exports` and its `dist/*.d.ts` (build before this check). A block whose
// info string says `nocheck` (```ts nocheck) is not compiled: keep that for signature listings of an API
// section, never for a runnable example. A listing still names real things: every name that opens one
// of its lines as a call, `new`, class, interface or type must be exported by the README's package.
// A block marked `run` (```ts run) is type-checked here and also RUN by run-readme-examples.mjs (in an
// empty temp dir as cwd; `// expect-output: <text>` lines pin stdout): mark every example that can run so.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

const CHECKED_LANGS = new Set(['ts', 'typescript', 'mts']);
const OPT_OUT = 'nocheck';
const RUN = 'run';

/** The README of every package and app under `base`, as absolute paths. */
export function listReadmes(base) {
  const out = [];
  for (const group of ['packages', 'apps']) {
    const dir = join(base, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const readme = join(dir, name, 'README.md');
      if (existsSync(readme)) out.push(readme);
    }
  }
  return out;
}

const FENCE_RE = /^( *)(`{3,}|~{3,})(.*)$/;

/**
 * The fenced code blocks of a markdown text: `{ info, checked, optOut, line, indent, code }`, `line` being
 * the 1-based line of the block's first code line. A fence closes only on the same character at least
 * as long, so blocks quoted inside a ````markdown block stay part of it (they are not examples); an
 * unclosed fence runs to the end of the text (CommonMark).
 */
export function extractBlocks(text) {
  const blocks = [];
  let open;
  text.split(/\r?\n/).forEach((lineText, index) => {
    const fence = FENCE_RE.exec(lineText);
    if (!open) {
      if (fence && !(fence[2][0] === '`' && fence[3].includes('`')))
        open = { indent: fence[1].length, marker: fence[2], info: fence[3].trim(), line: index + 2, body: [] };
      return;
    }
    const closes =
      fence && fence[2][0] === open.marker[0] && fence[2].length >= open.marker.length && fence[3].trim() === '';
    if (closes) {
      blocks.push(toBlock(open));
      open = undefined;
    } else {
      // Content lines lose at most the fence's own indentation (CommonMark).
      open.body.push(lineText.replace(new RegExp(`^ {0,${open.indent}}`), ''));
    }
  });
  if (open) blocks.push(toBlock(open));
  return blocks;
}

function toBlock({ info, line, indent, body }) {
  const words = info.split(/\s+/);
  return {
    info,
    checked: CHECKED_LANGS.has(words[0].toLowerCase()),
    optOut: words.includes(OPT_OUT),
    run: words.includes(RUN),
    line,
    indent,
    code: body.join('\n'),
  };
}

/** Compiler options of a user's project: the workspace's base tsconfig, one module per block, nothing emitted. */
export function exampleCompilerOptions(base) {
  const configPath = join(base, 'tooling/tsconfig.base.json');
  const { config, error } = ts.readConfigFile(configPath, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, dirname(configPath));
  return {
    ...options,
    noEmit: true,
    declaration: false,
    // Each block is a module even without import/export, so blocks never clash over top-level names.
    moduleDetection: ts.ModuleDetectionKind.Force,
    skipLibCheck: true,
  };
}

/** A compiler host that serves the example files from memory and everything else from disk. */
function inMemoryHost(base, options, files) {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  return {
    ...host,
    getSourceFile(fileName, languageVersion, onError, shouldCreate) {
      const example = files.get(fileName);
      if (example) return ts.createSourceFile(fileName, example.code, languageVersion, true);
      return getSourceFile(fileName, languageVersion, onError, shouldCreate);
    },
    fileExists: (fileName) => files.has(fileName) || host.fileExists(fileName),
    readFile: (fileName) => files.get(fileName)?.code ?? host.readFile(fileName),
    getCurrentDirectory: () => base,
  };
}

/**
 * The names a signature listing documents: a name opening an unindented line as a call or generic
 * (`walkFiles(root, …)`), or after `new`, `class`, `interface` or `type`. Indented lines are members.
 */
export function listedNames(code) {
  const names = [];
  code.split('\n').forEach((text, line) => {
    const m = /^((?:new|class|interface|type)\s+)?([A-Za-z_$][\w$]*)/.exec(text);
    if (!m || !(m[1] || /^\s*[(<]/.test(text.slice(m[0].length)))) return;
    names.push({ name: m[2], line, column: m[1]?.length ?? 0 });
  });
  return names;
}

/** The import specifiers of a package: its name plus each subpath of its `exports` but `./package.json`. */
function packageEntries(readme) {
  const manifest = JSON.parse(readFileSync(join(dirname(readme), 'package.json'), 'utf8'));
  const subpaths = Object.keys(manifest.exports ?? { '.': null }).filter(
    (k) => k !== './package.json' && !k.includes('*'),
  );
  return subpaths.map((k) => (k === '.' ? manifest.name : `${manifest.name}/${k.slice(2)}`));
}

/**
 * One program over every block: examples are type-checked; each listing gets a module importing every
 * entry of its package, whose exports its listed names are looked up in. Problems are located in the READMEs.
 */
export function checkBlocks(base, blocks) {
  const options = exampleCompilerOptions(base);
  const files = new Map();
  for (const block of blocks) {
    const kind = block.optOut ? 'listing' : 'example';
    const code = block.optOut
      ? packageEntries(block.readme)
          .map((spec, i) => `import * as entry${i} from '${spec}';`)
          .join('\n')
      : block.code;
    // `code` is what the compiler reads; a listing keeps its own text as `listing`.
    files.set(join(dirname(block.readme), `README.${kind}-line-${block.line}.ts`), {
      ...block,
      code,
      listing: block.code,
    });
  }
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host: inMemoryHost(base, options, files) });
  const problems = ts.getPreEmitDiagnostics(program).map((d) => locate(base, d, files));
  const listings = [...files].filter(([, block]) => block.optOut);
  const names = listings.map(([fileName, block]) => checkListing(base, program, fileName, block, problems));
  return { problems, listedNames: names.reduce((a, b) => a + b, 0) };
}

/** Adds a problem for each name `block` lists that no entry of its package exports; returns how many it lists. */
function checkListing(base, program, fileName, block, problems) {
  const checker = program.getTypeChecker();
  const exported = new Set();
  for (const statement of program.getSourceFile(fileName)?.statements ?? []) {
    const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
    for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) exported.add(symbol.name);
  }
  const names = listedNames(block.listing);
  for (const { name, line, column } of names) {
    if (exported.has(name)) continue;
    const where = `${relative(base, block.readme)}:${block.line + line}:${block.indent + column + 1}`;
    problems.push(
      `${where}  the listing names ${name}, which ${packageEntries(block.readme).join(', ')} does not export`,
    );
  }
  return names.length;
}

function locate(base, diagnostic, files) {
  const message = `TS${diagnostic.code} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
  if (!diagnostic.file) return message;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
  const block = files.get(diagnostic.file.fileName);
  if (!block) return `${relative(base, diagnostic.file.fileName)}:${line + 1}:${character + 1}  ${message}`;
  // A listing's own module is generated: its errors (an entry that does not resolve) point at the fence.
  if (block.optOut) return `${relative(base, block.readme)}:${block.line - 1}:1  ${message}`;
  return `${relative(base, block.readme)}:${block.line + line}:${block.indent + character + 1}  ${message}`;
}

/** Every rule on the workspace at `base`: `{ readmes, examples, listings, listedNames, problems }` (no problem = clean). */
export function checkReadmeExamples(base) {
  const blocks = [];
  for (const readme of listReadmes(base))
    for (const block of extractBlocks(readFileSync(readme, 'utf8')))
      if (block.checked) blocks.push({ ...block, readme });
  const examples = blocks.filter((b) => !b.optOut);
  const summary = {
    readmes: new Set(examples.map((b) => b.readme)).size,
    examples: examples.length,
    listings: blocks.length - examples.length,
  };
  if (examples.length === 0)
    return { ...summary, listedNames: 0, problems: ['no ```ts example found in any README: nothing was checked'] };
  return { ...summary, ...checkBlocks(base, blocks) };
}

function main() {
  const started = performance.now();
  const { readmes, examples, listings, listedNames, problems } = checkReadmeExamples(root);
  if (problems.length > 0) {
    console.error(`README example check failed (${problems.length}):\n${problems.map((p) => `  ${p}`).join('\n')}`);
    process.exitCode = 1;
    return;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `${examples} examples in ${readmes} READMEs type-check; ${listings} signature listings (${OPT_OUT}) name ${listedNames} exports (${seconds} s)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
