import type { Normalizer } from './types.js';

/**
 * The two-line scaffold provenance header (scaffold_metadata.yaml): line 1 the output path,
 * line 2 `template=<type> version=<8-hex> created=<ISO> updated=<ISO|empty>`, in `#`, `//`,
 * `<!-- -->` or `{# #}` comments. Both lines become one marker that keeps the artifact type.
 */
const METADATA_LINE =
  /^(#|\/\/|<!--|\{#)[ \t]*template=(\S+)[ \t]+version=\S+[ \t]+created=\S+[ \t]+updated=\S*?[ \t]*(-->|#\})?[ \t]*$/;
const MARKER = 'st3-provenance';
const PATH_LINE = /^(#|\/\/|<!--|\{#)[ \t]*\S.*$/;

export const maskProvenance: Normalizer = {
  name: 'mask-provenance',
  description: 'the two-line provenance header (output path, template/version/created/updated) becomes one marker',
  apply: (text) => {
    if (!text.includes('template=')) return text;
    // the header sits on lines 1-2, or 2-3 after a shebang
    const lines = text.split('\n', 4);
    for (const start of [0, 1]) {
      if (start === 1 && !lines[0]?.startsWith('#!')) continue;
      const pathLine = lines[start];
      const metaLine = lines[start + 1];
      if (pathLine === undefined || metaLine === undefined) continue;
      const meta = METADATA_LINE.exec(metaLine);
      if (!meta || !PATH_LINE.test(pathLine) || METADATA_LINE.test(pathLine) || pathLine.includes(MARKER)) continue;
      const [, opener, type] = meta;
      const closer = opener === '<!--' ? ' -->' : opener === '{#' ? ' #}' : '';
      const all = text.split('\n');
      all.splice(start, 2, `${opener} ${MARKER} template=${type}${closer}`);
      return all.join('\n');
    }
    return text;
  },
};

const DATE_TIME = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?(?![\w:])/g;
const DATE = /\b\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])\b/g;
/** A date-time, else a date: tried at each position in that order, so a date-time's date is never matched alone. */
const DATE_OR_TIME = new RegExp(`(${DATE_TIME.source})|${DATE.source}`, 'g');
/** The provenance metadata line (lines 1-3: after a shebang too), however its fields are written. */
const PROVENANCE_LINE = /^(?:#|\/\/|<!--|\{#)[ \t]*template=\S*.*[ \t](?:created|updated)=/;
const PROVENANCE_STAMP = /\b(?:created|updated)=(\S+)/g;
/** A comment that says the file was generated (`# Generated at …`, `// auto-generated on …`, `/* @generated … *\/`). */
const GENERATED_COMMENT = /^[ \t]*(?:#|\/\/|<!--|\{#|\/\*)[^\n]*?(?:\b|@)(?:auto-?)?generated\b/i;

/**
 * Generation timestamps: the `created=`/`updated=` stamps of the provenance header and the dates on a
 * "generated at" comment, and wherever else the same file repeats exactly those stamps or their days (a
 * document's `Last Updated:` line and version history take the header's day). Any other date is content
 * (`expires: 2026-01-01T00:00:00Z`, a date constant) and stays: masking every date called two outputs with
 * different real dates equivalent.
 */
export const maskTimestamps: Normalizer = {
  name: 'mask-timestamps',
  description:
    'generation timestamps (provenance created=/updated=, "generated" comments) and their repeats in the file become <TIMESTAMP> and <DATE>',
  apply: (text) => {
    if (!/\d{4}-\d\d-\d\d/.test(text)) return text;
    const stamps = generationStamps(text);
    if (stamps.size === 0) return text;
    const days = new Set([...stamps].map((s) => s.slice(0, 10)));
    return text.replace(DATE_OR_TIME, (match, dateTime: string | undefined) => {
      if (dateTime !== undefined) return stamps.has(match) ? '<TIMESTAMP>' : match;
      return days.has(match) ? '<DATE>' : match;
    });
  },
};

/** The dates and date-times that say when the file was generated, as written. */
function generationStamps(text: string): Set<string> {
  const stamps = new Set<string>();
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (i < 3 && PROVENANCE_LINE.test(line)) {
      for (const [, value] of line.matchAll(PROVENANCE_STAMP))
        for (const [found] of value!.matchAll(DATE_OR_TIME)) stamps.add(found);
    } else if (GENERATED_COMMENT.test(line)) for (const [found] of line.matchAll(DATE_OR_TIME)) stamps.add(found);
  });
  return stamps;
}

const VERSION_HASH = /\b((?:template_)?version(?:_hash)?[ \t]*[=:][ \t]*["']?)[0-9a-f]{8}(?![0-9A-Za-z])/g;

/** 8-hex template version hashes (`version=1a2b3c4d`, `version: "1a2b3c4d"`): a template refactor changes them by design. */
export const maskVersionHashes: Normalizer = {
  name: 'mask-version-hashes',
  description: '8-hex template version hashes after version= or version: become <HASH>',
  apply: (text) => (text.includes('version') ? text.replace(VERSION_HASH, '$1<HASH>') : text),
};
