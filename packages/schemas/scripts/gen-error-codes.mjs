#!/usr/bin/env node
// Writes docs/error-codes.md from ERROR_CODES (run `pnpm --filter @st3/schemas gen:docs`).
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderErrorCodesMarkdown } from '../dist/index.js';

const target = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'docs', 'error-codes.md');
writeFileSync(target, renderErrorCodesMarkdown());
console.log(`wrote ${target}`);
