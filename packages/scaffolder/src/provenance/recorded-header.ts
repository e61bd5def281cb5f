import type { ScaffoldAnswer, ScaffoldMetadataConfig } from '@st3/schemas';
import { syntaxFor, type HeaderParse } from './header.js';

export const RECORDED = 'recorded in .st3/scaffold/answers.json';

/** The `template=` its header carries: the artifact type, or `unit_test` for a companion test. */
export function recordedType(answer: ScaffoldAnswer): string {
  return answer.role === 'test' ? 'unit_test' : answer.artifact_type;
}

/**
 * What a well-formed header says that contradicts the file: another path (a copy or a move carries the
 * original's header, and was never generated where it is), another template type than its record (the header
 * was edited), or another version than its record (the header was edited, or the record is stale: either way
 * the file is not what the record says it is).
 */
export function headerFindings(header: HeaderParse, rel: string, answer: ScaffoldAnswer | undefined): string[] {
  const out: string[] = [];
  const named = header.path?.replace(/\\/g, '/').replace(/^\.\//, '');
  if (named !== undefined && named !== rel)
    out.push(`the header names ${named}, not ${rel}: a copied or moved file, not generated here`);
  // a header claiming another type would have the file judged and updated as that type
  if (answer && header.template !== recordedType(answer))
    out.push(
      `the header says template=${header.template}, but it was generated as ${recordedType(answer)} (${RECORDED}):` +
        ' the header was edited',
    );
  if (answer && header.version !== answer.version_hash)
    out.push(
      `the header says version ${header.version}, but ${answer.version_hash} is ${RECORDED}` +
        ' (the header was edited, or the record is stale)',
    );
  return out;
}

/**
 * Why the header of a recorded file disagrees with its record, as `scaffold check` calls it malformed: a
 * header that is gone (where its extension takes one), broken, naming another path or another version.
 * Empty when the header agrees (or the extension takes none: the record alone speaks).
 */
export function recordedHeaderProblems(
  header: HeaderParse,
  rel: string,
  answer: ScaffoldAnswer,
  config: ScaffoldMetadataConfig,
): string[] {
  if (header.status === 'none') return syntaxFor(rel, config) ? [`provenance header missing (${RECORDED})`] : [];
  if (header.status === 'malformed') return header.problems ?? ['malformed provenance header'];
  return headerFindings(header, rel, answer);
}
