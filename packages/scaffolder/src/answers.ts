import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock, writeJsonAtomic } from '@st3/fs';
import {
  errorFromDiagnostics,
  loadFile,
  ScaffoldAnswersSchema,
  type ScaffoldAnswer,
  type ScaffoldAnswers,
} from '@st3/schemas';
import { canonicalFiles, recordedPathProblems } from './answer-paths.js';
import type { TemplateChain } from './templates/store.js';
import { keepVersion } from './versions.js';

/** `.st3/scaffold/answers.json` of a workspace. */
export function answersPath(workspace: string): string {
  return join(workspace, '.st3', 'scaffold', 'answers.json');
}

/**
 * The recorded answers (none when the file does not exist), keyed by canonical workspace-relative path
 * (`./src/x.ts` is `src/x.ts`). An invalid file is E_CONFIG_INVALID with every error, located: a key out of the
 * workspace (E_PATH_ESCAPE diagnostic) or two keys naming one file included.
 */
export async function readAnswers(workspace: string): Promise<ScaffoldAnswers> {
  const path = answersPath(workspace);
  if (!existsSync(path)) return { version: '1.0', files: {} };
  const result = await loadFile(path, { schema: ScaffoldAnswersSchema, check: recordedPathProblems });
  if (result.errors.length > 0 || !result.value)
    throw errorFromDiagnostics('E_CONFIG_INVALID', 'invalid scaffold answers', result.errors);
  return { ...result.value, files: canonicalFiles(result.value.files) };
}

export interface AnsweredFile {
  path: string;
  answer: ScaffoldAnswer;
  chain: TemplateChain;
}

/**
 * Records what each written file was rendered from and keeps its template version by hash: one
 * read-modify-write of answers.json under the workspace's scaffold lock, written atomically, so
 * parallel scaffolds never lose an entry.
 */
export async function recordAnswers(workspace: string, files: readonly AnsweredFile[], now: Date): Promise<void> {
  if (files.length === 0) return;
  const path = answersPath(workspace);
  await withFileLock(path, async () => {
    for (const f of files) await keepVersion(workspace, f.chain, f.answer.engine, now);
    const answers = await readAnswers(workspace);
    for (const f of files) answers.files[f.path] = f.answer;
    answers.files = Object.fromEntries(Object.entries(answers.files).sort(([a], [b]) => a.localeCompare(b)));
    await writeJsonAtomic(path, answers);
  });
}
