#!/usr/bin/env node
// Writes json/<kind>.schema.json from the built zod source (run `pnpm --filter @st3/schemas schema:export`).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportJsonSchemas, jsonSchemaText } from '../dist/index.js';

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'json');
mkdirSync(out, { recursive: true });
const schemas = exportJsonSchemas();
const keep = new Set(schemas.map((s) => s.fileName));
for (const name of readdirSync(out)) if (name.endsWith('.schema.json') && !keep.has(name)) rmSync(join(out, name));
for (const { fileName, schema } of schemas) writeFileSync(join(out, fileName), jsonSchemaText(schema));
console.log(`wrote ${schemas.length} schemas to ${out}`);
