/** "Did you mean …" for commands and options; the one home of the edit distance is `@st3/schemas/errors`. */
export { didYouMean, editDistance, suggest } from '@st3/schemas/errors';
