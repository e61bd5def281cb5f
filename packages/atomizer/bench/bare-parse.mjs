#!/usr/bin/env node
// The peer of the whole-process atomize benchmark: read each file named on the command line and parse
// it with TypeScript's createSourceFile, nothing else (one thread, as a script would).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const ts = createRequire(import.meta.url)('typescript');
const kinds = { '.js': ts.ScriptKind.JS, '.mjs': ts.ScriptKind.JS, '.cjs': ts.ScriptKind.JS, '.ts': ts.ScriptKind.TS };
let nodes = 0;
for (const file of process.argv.slice(2)) {
  const ext = file.slice(file.lastIndexOf('.'));
  const sf = ts.createSourceFile(
    file,
    readFileSync(file, 'utf8'),
    ts.ScriptTarget.Latest,
    false,
    kinds[ext] ?? ts.ScriptKind.JS,
  );
  nodes += sf.statements.length;
}
console.log(JSON.stringify({ files: process.argv.length - 2, statements: nodes }));
