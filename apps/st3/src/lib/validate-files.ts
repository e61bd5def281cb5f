import { exitCodeFor, type FileVerdict } from '@st3/schemas';

// One home: the folder expansion and per-file verdicts live in @st3/schemas (the MCP server's validate_files uses them too).
export { expandInputs, validateFiles, type FileVerdict } from '@st3/schemas';

/** 0 when all are valid; otherwise the highest exit code of any error (1 invalid, 2 missing/unknown kind, 3 unreadable). */
export function exitCodeOf(verdicts: readonly FileVerdict[]): number {
  let code = 0;
  for (const v of verdicts) for (const e of v.errors) code = Math.max(code, exitCodeFor(e.code));
  return code;
}
