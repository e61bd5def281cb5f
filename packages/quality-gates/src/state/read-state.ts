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

type SectionSchema = { safeParse(value: unknown): { success: boolean; data?: unknown } };

/**
 * The gate section of a state: a plainly valid one read without zod, anything else judged by `schema`
 * (QualityGatesStateSchema); a section the schema refuses reads as no baseline (auto scope then checks
 * the whole project).
 */
export function sectionOf(state: Record<string, unknown>, schema: () => SectionSchema): QualityGatesState {
  const section = state.quality_gates ?? {};
  const fast = fastQualityGatesState(section);
  if (fast) return fast;
  const parsed = schema().safeParse(section);
  return parsed.success ? (parsed.data as QualityGatesState) : { baseline_sha: null, failed_files: [] };
}

/**
 * `gatesState` for a command's start-up: the schema (and zod) is loaded only when the section is not
 * plainly valid. Same answer as `gatesState`.
 */
export async function loadGatesState(state: Record<string, unknown>): Promise<QualityGatesState> {
  const fast = fastQualityGatesState(state.quality_gates ?? {});
  if (fast) return fast;
  const { QualityGatesStateSchema } = await import('@st3/schemas');
  return sectionOf(state, () => QualityGatesStateSchema);
}
