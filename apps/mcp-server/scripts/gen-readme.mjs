// Regenerates the tool reference of README.md from the tool definitions (run after a build: `pnpm gen:docs`).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderToolsMarkdown } from '../dist/index.js';

const readme = join(dirname(fileURLToPath(import.meta.url)), '..', 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf('<!-- tools:start');
const end = text.indexOf('<!-- tools:end -->');
if (start === -1 || end === -1) throw new Error('README.md has no <!-- tools:start --> ... <!-- tools:end --> markers');
writeFileSync(readme, text.slice(0, start) + renderToolsMarkdown() + text.slice(end + '<!-- tools:end -->'.length));
console.log('README.md: tool reference regenerated');
