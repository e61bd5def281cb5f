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

/** ISO 8601 date-times and dates: a render today and one yesterday are the same render. */
export const maskTimestamps: Normalizer = {
  name: 'mask-timestamps',
  description: 'ISO 8601 date-times and dates become <TIMESTAMP> and <DATE>',
  apply: (text) =>
    /\d{4}-\d\d-\d\d/.test(text) ? text.replace(DATE_TIME, '<TIMESTAMP>').replace(DATE, '<DATE>') : text,
};

const VERSION_HASH = /\b((?:template_)?version(?:_hash)?[ \t]*[=:][ \t]*["']?)[0-9a-f]{8}(?![0-9A-Za-z])/g;

/** 8-hex template version hashes (`version=1a2b3c4d`, `version: "1a2b3c4d"`): a template refactor changes them by design. */
export const maskVersionHashes: Normalizer = {
  name: 'mask-version-hashes',
  description: '8-hex template version hashes after version= or version: become <HASH>',
  apply: (text) => (text.includes('version') ? text.replace(VERSION_HASH, '$1<HASH>') : text),
};
