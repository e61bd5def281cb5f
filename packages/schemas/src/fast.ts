/**
 * `@st3/schemas/fast`: readers for a command's start-up path that load no zod. Each reads only what is
 * plainly valid and returns undefined otherwise, so the caller then loads the schema to judge (and to
 * locate the error); a property test holds each to its schema's output.
 */
export { fastQualityGatesState } from './formats/state-fast.js';
/** Where `JSON.parse` stopped in a text (line, column), for locating a syntax error without loading zod. */
export { jsonErrorPosition } from './load/json-syntax.js';
