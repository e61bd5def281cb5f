import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { findKind, inferKind, KINDS, loadKind, St3Error } from '@st3/schemas';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { resolveInside } from '../paths.js';
import { jsonResult, plural } from '../results.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', '.turbo']);

async function walk(dir: string, anyDocument: boolean, found: string[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(path, anyDocument, found);
    } else if (entry.isFile() && (anyDocument ? /\.(ya?ml|json)$/i.test(entry.name) : inferKind(path)))
      found.push(path);
  }
}

/** `validate_files`: each file (folders: the files of a known kind under them) validated as its kind. */
export async function validateFiles(root: string, args: { paths: string[]; kind?: string }): Promise<CallToolResult> {
  if (args.kind !== undefined && !findKind(args.kind)) {
    throw new St3Error('E_KIND_UNKNOWN', `unknown kind "${args.kind}"`, {
      hint: `one of: ${KINDS.map((k) => k.name).join(', ')}`,
    });
  }
  const files: string[] = [];
  for (const p of args.paths) {
    const abs = resolveInside(root, p);
    const info = await stat(abs).catch(() => undefined);
    if (info?.isDirectory()) await walk(abs, args.kind !== undefined, files);
    else files.push(abs);
  }
  if (files.length === 0)
    throw new St3Error('E_FILE_NOT_FOUND', 'no ST3 file found in the folders given', {
      hint: 'name files directly, or pass kind',
    });
  const verdicts = [];
  for (const abs of files) {
    const file = relative(root, abs).split(sep).join('/');
    const r = await loadKind(abs, { kind: args.kind, file });
    verdicts.push({ file, kind: r.kind ?? null, valid: r.errors.length === 0, errors: r.errors, warnings: r.warnings });
  }
  const valid = verdicts.filter((v) => v.valid).length;
  const summary = { files: verdicts.length, valid, invalid: verdicts.length - valid };
  const firstError = verdicts.flatMap((v) => v.errors)[0];
  const text = `${plural(summary.files, 'file')}: ${summary.valid} valid, ${summary.invalid} invalid${firstError ? `; first error: ${firstError.file ?? ''}${firstError.line ? `:${firstError.line}:${firstError.column ?? 1}` : ''} ${firstError.message}` : ''}`;
  return jsonResult(text, { ok: summary.invalid === 0, files: verdicts, summary });
}
