import { fileIsPresent } from '@st3/fs';

/** What an unfinished `scaffold update` left: conflict markers in the text, and a `<file>.rej` beside it. */
export interface Unfinished {
  /** Lines (1-based) holding `<<<<<<<` or `>>>>>>>` markers. */
  markers: number[];
  /** The `.rej` beside the file (as `rel` spells it), when there is one. */
  reject?: string;
  /** One sentence per finding, for reports. */
  problems: string[];
}

/** Conflict markers in `text`, and a `.rej` beside `file` (absolute; `rel` is how reports name it). */
export function unfinishedUpdate(text: string, file: string, rel: string): Unfinished {
  const markers = conflictMarkerLines(text);
  const reject = fileIsPresent(`${file}.rej`) ? `${rel}.rej` : undefined;
  const problems: string[] = [];
  if (markers.length > 0) problems.push(`unresolved conflict markers at line(s) ${markers.join(', ')}`);
  if (reject)
    problems.push(`${reject} holds template changes that were not applied: merge them by hand, then delete it`);
  return { markers, ...(reject ? { reject } : {}), problems };
}

function conflictMarkerLines(text: string): number[] {
  const out: number[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (/^(<{7}|>{7})( |$)/.test(line)) out.push(i + 1);
  });
  return out;
}
