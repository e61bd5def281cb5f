import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { QualityGatesState } from '@st3/schemas';
import { St3Error } from '@st3/schemas/errors';
import { fastQualityGatesState } from '@st3/schemas/fast';

/** `.st3/state.json` of a workspace. */
export function statePath(root: string): string {
  return join(root, '.st3', 'state.json');
}

/** Reads state.json as a plain object; a missing file is `{}`, a corrupt one an error (it is never overwritten). */
export async function readState(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new St3Error('E_FILE_READ', `cannot read ${path}: ${(error as Error).message}`, { file: path, cause: error });
  }
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new St3Error('E_PARSE', `${path} is not valid JSON: ${(error as Error).message}`, {
      file: path,
      hint: 'fix or remove the file; ST3 will not overwrite it',
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new St3Error('E_SCHEMA', `${path} must hold a JSON object`, {
      file: path,
      hint: 'fix or remove the file; ST3 will not overwrite it',
    });
  }
  return value as Record<string, unknown>;
}

/**
 * `gatesState` for a command's start-up: a plainly valid section is read without zod; anything else is
 * judged by the schema (loaded only then). Same answer as `gatesState`.
 */
export async function loadGatesState(state: Record<string, unknown>): Promise<QualityGatesState> {
  const section = state.quality_gates ?? {};
  const fast = fastQualityGatesState(section);
  if (fast) return fast;
  const { QualityGatesStateSchema } = await import('@st3/schemas');
  const parsed = QualityGatesStateSchema.safeParse(section);
  return parsed.success ? parsed.data : { baseline_sha: null, failed_files: [] };
}
